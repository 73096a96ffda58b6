"""Advanced Authentication: Send OTP and Verify OTP, signed with x-pch-digest (412 when it does not
match), PKCE, the consent flags, the code readable by the harness, and the access token identifying
the guest at the POS."""

from __future__ import annotations

import json

import pytest

from poscert.simulators.punchh.platform import digest
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import pkce, regular, signed

SEND = "/api2/password_less/token"
VERIFY = "/api2/password_less/verify"


def send(raw, psim, email="new.guest@example.com", **extra):
    client = psim.client()
    _, challenge = pkce()
    body = {
        "client": client.client_id,
        "email": email,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return signed(raw, client.secret, SEND, body)


def verify(raw, psim, otp, email="new.guest@example.com", verifier=None, **extra):
    client = psim.client()
    body = {
        "client": client.client_id,
        "email": email,
        "token": otp,
        "code_verifier": verifier or pkce()[0],
        "privacy_policy": True,
        "terms_and_conditions": True,
        **extra,
    }
    return signed(raw, client.secret, VERIFY, body)


def test_sign_up_by_email_otp_then_identify_at_the_pos(psim, raw, pos, biz):
    answer = send(raw, psim)
    assert (answer.status_code, answer.json()) == (200, {"message": "One-time password sent by email."})
    [sent] = psim.sent_otps(destination="new.guest@example.com")
    assert sent.channel == "email" and len(sent.otp) == 6 and sent.otp.isdigit()
    verified = verify(raw, psim, sent.otp)
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["token_type"] == "Bearer" and len(body["access_token"]) == 64
    user = biz.users[body["user"]["user_id"]]
    assert (user.email, user.created_via, user.signup_channel) == (
        "new.guest@example.com",
        "advanced_auth",
        "MobileEmail",
    )
    found = pos.request(
        "GET", "/api/pos/users/find", json={"lookup_field": "user_token", "lookup_value": body["access_token"]}
    )
    assert found.status_code == 200 and found.json()["user_id"] == user.id
    # The code is single use; tokens never reach the journal in clear.
    assert verify(raw, psim, sent.otp).status_code == 422
    assert body["access_token"] not in json.dumps([x.to_dict() for x in psim.journal.exchanges()], default=str)
    assert psim.journal.last("find_user").misplaced_secrets == []  # a look-up value by design


def test_sign_in_by_sms_finds_the_existing_guest(psim, raw, biz):
    user = regular(biz)
    client = psim.client()
    _, challenge = pkce()
    body = {"client": client.client_id, "phone_number": user.phone, "phone_ext": "+1", "code_challenge": challenge}
    assert signed(raw, client.secret, SEND, body).json() == {"message": "One-time password sent by SMS."}
    [sent] = psim.sent_otps(psim.default_business, f"+1{user.phone}")
    answer = verify(raw, psim, sent.otp, email="", phone_number=user.phone, phone_ext="+1")
    assert answer.status_code == 200 and answer.json()["user"]["user_id"] == user.id


def test_a_wrong_or_missing_digest_is_412(psim, raw):
    client = psim.client()
    body = {"client": client.client_id, "email": "a@example.com", "code_challenge": pkce()[1]}
    wrong = signed(raw, "not-the-secret", SEND, body)
    assert wrong.status_code == 412
    assert list(wrong.json()["errors"]) == ["invalid_signature"]
    content = json.dumps(body).encode()
    missing = raw.post(SEND, content=content, headers={"content-type": "application/json", "user-agent": "App/1/2"})
    assert missing.status_code == 412
    # Signed over another path, or over a body changed after signing: 412 too.
    other_path = raw.post(
        SEND,
        content=content,
        headers={
            "content-type": "application/json",
            "user-agent": "A/1/2",
            "x-pch-digest": digest(client.secret, VERIFY, content),
        },
    )
    assert other_path.status_code == 412
    assert psim.sent_otps() == []


def test_the_digest_ignores_whitespace_and_case_of_the_hex(psim, raw):
    client = psim.client()
    pretty = json.dumps({"client": client.client_id, "email": "a@example.com", "code_challenge": pkce()[1]}, indent=4)
    compact = "".join(pretty.split())
    sent = raw.post(
        SEND,
        content=pretty.encode(),
        headers={
            "content-type": "application/json",
            "user-agent": "A/1/2",
            "x-pch-digest": digest(client.secret, SEND, compact).upper(),
        },
    )
    assert sent.status_code == 200, sent.text


@pytest.mark.parametrize(
    "change, status, key",
    [
        ({"client": "unknown-client"}, 401, "unknown_client"),
        ({"client": ""}, 400, "missing_required_param"),
        ({"code_challenge": ""}, 400, "missing_required_param"),
        ({"email": "", "phone_number": ""}, 400, "missing_required_param"),
        ({"code_challenge_method": "S512"}, 400, "invalid_param"),
    ],
)
def test_send_refusals_in_the_mobile_shape(psim, raw, change, status, key):
    client = psim.client()
    body = {"client": client.client_id, "email": "a@example.com", "code_challenge": pkce()[1], **change}
    answer = signed(raw, client.secret, SEND, body)
    assert answer.status_code == status, answer.text
    assert list(answer.json()["errors"]) == [key]


def test_a_user_agent_is_required(psim, raw):
    client = psim.client()
    body = {"client": client.client_id, "email": "a@example.com", "code_challenge": pkce()[1]}
    answer = signed(raw, client.secret, SEND, body, **{"user-agent": ""})
    assert answer.status_code == 400 and "User-Agent" in answer.json()["errors"]["missing_required_param"][0]


def test_sms_where_the_business_has_it_off(psim, raw):
    client = psim.client(psim.other_business)
    body = {"client": client.client_id, "phone_number": "2125550100", "code_challenge": pkce()[1]}
    answer = signed(raw, client.secret, SEND, body)
    assert answer.status_code == 422
    assert answer.json() == {"errors": {"base": ["One-time passwords by SMS are not enabled for this business."]}}


def test_verify_refusals(psim, raw):
    send(raw, psim)
    otp = psim.sent_otps()[-1].otp
    wrong_code = verify(raw, psim, "000000" if otp != "000000" else "111111")
    assert wrong_code.status_code == 422
    bad_verifier = verify(raw, psim, otp, verifier="another-verifier-entirely-of-sufficient-length-xx")
    assert bad_verifier.status_code == 422 and "code_verifier" in bad_verifier.json()["errors"]["base"][0]
    no_privacy = verify(raw, psim, otp, privacy_policy=False)
    assert no_privacy.json() == {"errors": {"base": ["Please agree on given privacy policy"]}}
    no_terms = verify(raw, psim, otp, terms_and_conditions="false")
    assert no_terms.status_code == 422
    missing = verify(raw, psim, "")
    assert missing.status_code == 400
    assert verify(raw, psim, otp).status_code == 200  # the right code still works after those


def test_codes_expire_and_attempts_are_limited(psim, raw):
    send(raw, psim)
    otp = psim.sent_otps()[-1].otp
    psim.clock.advance(601)
    assert verify(raw, psim, otp).status_code == 422
    send(raw, psim)
    otp = psim.sent_otps()[-1].otp
    wrong = "000000" if otp != "000000" else "111111"
    for _ in range(5):
        assert verify(raw, psim, wrong).status_code == 422
    assert verify(raw, psim, otp).status_code == 422  # burnt after five wrong tries


def test_plain_pkce_and_a_token_that_expires(psim, raw, pos):
    client = psim.client()
    body = {
        "client": client.client_id,
        "email": "plain@example.com",
        "code_challenge": "v" * 43,
        "code_challenge_method": "plain",
    }
    signed(raw, client.secret, SEND, body)
    otp = psim.sent_otps(destination="plain@example.com")[-1].otp
    token = verify(raw, psim, otp, email="plain@example.com", verifier="v" * 43).json()["access_token"]
    find = {"lookup_field": "user_token", "lookup_value": token}
    assert pos.request("GET", "/api/pos/users/find", json=find).status_code == 200
    psim.clock.advance(7201)
    assert pos.request("GET", "/api/pos/users/find", json=find).status_code == 404
