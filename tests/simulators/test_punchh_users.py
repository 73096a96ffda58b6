"""Guests: look-up by every documented identifier, the balance of each program, the legacy sign-up,
and Find User (Redemptions 2.0)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from poscert.simulators.core.transports import mock_transport
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import BASE, guest, regular

SEARCH = "/api/pos/users/search"
FIND = "/api/pos/users/find"


def identifiers(biz):
    """Every documented identifier of the regular guest, in its documented form [C]."""
    user = regular(biz)
    live = next(c for c in biz.scan_codes.values() if c.user_id == user.id and c.expires_at > biz.now())
    short = next(c for c in biz.short_codes.values() if c.single_scan_code)
    code = next(c for c in biz.codes.values() if c.user_id == user.id)
    reward = biz.rewards_of(user)[0]
    digits = user.phone
    return user, {
        "phone": digits,
        "phone with dashes": f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        "phone in brackets": f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        "email": user.email,
        "email upper-case": user.email.upper(),
        "card_number": user.card_number,
        "qr P form": user.qr_codes[0],
        "qr Punchh form": user.qr_codes[1],
        "qr S form": user.qr_codes[2],
        "single_scan_code": live.code,
        "redemption_code": code.code,
        "reward_id": str(reward.id),
        "apple_nfc_data": user.apple_nfc_data,
        "nfc_token": user.nfc_token,
        "drive_thru_code": short.code,
    }


PARAM = {
    "phone with dashes": "phone",
    "phone in brackets": "phone",
    "email upper-case": "email",
    "qr P form": "user_as_qrcode",
    "qr Punchh form": "user_as_qrcode",
    "qr S form": "user_as_qrcode",
}


@pytest.mark.parametrize(
    "name",
    [
        "phone",
        "phone with dashes",
        "phone in brackets",
        "email",
        "email upper-case",
        "card_number",
        "qr P form",
        "qr Punchh form",
        "qr S form",
        "single_scan_code",
        "redemption_code",
        "reward_id",
        "apple_nfc_data",
        "nfc_token",
        "drive_thru_code",
    ],
)
def test_look_up_by_every_identifier(pos, biz, name):
    user, values = identifiers(biz)
    assert len(user.card_number) == 16 and len(values["redemption_code"]) == 7 and len(values["reward_id"]) == 11
    answer = pos.get(SEARCH, params={PARAM.get(name, name): values[name]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["id"], body["email"]) == (user.id, user.email)
    assert body["balance"]["points_balance"] == 500 and body["balance"]["net_balance"] == 500
    kinds = [r["type"] for r in body["rewards"]]
    assert kinds.count("reward") == 3 and kinds.count("redeemable") == 4  # all four redeemables are unlocked
    if name in ("single_scan_code", "drive_thru_code"):  # Single Scan Flow selections come along [C]
        assert body["single_scan_code"] == values["single_scan_code"]
        assert (body["payment_mode"], body["selected_tip_amount"]) == ("CreditCard", "1.00")
    else:
        assert "single_scan_code" not in body


@pytest.mark.parametrize("typed", ["+1 ({}) {}-{}", "1{}{}{}", "{}{}{}0"])
def test_a_phone_is_its_ten_digits_not_a_country_code_or_more(pos, biz, typed):
    """The docs say 10 digits: separators pass, "+1" does not, so a till must send the number it means."""
    digits = regular(biz).phone
    answer = pos.get(SEARCH, params={"phone": typed.format(digits[:3], digits[3:6], digits[6:])})
    assert answer.status_code == 404 and answer.json() == {"error": "User not found"}


def test_three_qr_forms_have_their_documented_shapes(biz):
    p_form, long_form, s_form = regular(biz).qr_codes
    assert p_form.startswith("P") and 2 <= len(p_form) <= 12
    assert long_form.startswith("Punchh") and long_form.endswith("Punchh") and 13 <= len(long_form) <= 512
    assert s_form.startswith("S") and len(s_form) == 8


@pytest.mark.parametrize(
    "query, status, body",
    [
        ({}, 400, "Required parameter missing or the value is empty: single_scan_code or email"),
        ({"phone": ""}, 400, "Required parameter missing"),
        ({"phone": "5550000000"}, 404, "User not found"),
        ({"email": "nobody@example.com"}, 404, "User not found"),
        ({"drive_thru_code": "12345"}, 400, "Invalid drive_thru_code length"),
        ({"drive_thru_code": "A-1!"}, 400, "drive_thru_code required or Invalid code"),
        ({"drive_thru_code": "ZZZZ"}, 404, "CODE_NOT_FOUND"),
        ({"reward_id": "123"}, 404, "User not found"),
    ],
)
def test_look_up_errors_are_the_documented_ones(pos, query, status, body):
    answer = pos.get(SEARCH, params=query)
    assert answer.status_code == status
    assert set(answer.json()) == {"error"} and answer.json()["error"].startswith(body)


def test_expired_codes_name_nobody(pos, biz):
    user = regular(biz)
    stale = next(c for c in biz.scan_codes.values() if c.user_id == user.id and c.expires_at <= biz.now())
    expired = next(c for c in biz.short_codes.values() if not c.single_scan_code)
    assert pos.get(SEARCH, params={"single_scan_code": stale.code}).status_code == 404
    assert pos.get(SEARCH, params={"drive_thru_code": expired.code}).json() == {"error": "CODE_EXPIRED"}
    live = next(c for c in biz.scan_codes.values() if c.user_id == user.id and c.expires_at > biz.now())
    biz.clock.advance(3 * 3600)
    assert pos.get(SEARCH, params={"single_scan_code": live.code}).status_code == 404


def test_balance_by_body_or_query_and_its_errors(pos, biz):
    user = regular(biz)
    by_body = pos.request(
        "GET", "/api/pos/users/balance", json={"user_id": str(user.id), "discount_type": ["subscription"]}
    )
    by_query = pos.get("/api/pos/users/balance", params={"user_id": user.id})
    assert by_body.status_code == by_query.status_code == 200
    assert by_body.json() == by_query.json()
    assert by_body.json()["account_balance"] == {
        "net_balance": 500,
        "points_balance": 500,
        "net_debits": 40,
        "pending_points": 0,
        "total_credits": 540,
        "total_debits": "40.0",
        "total_point_credits": 540,
    }
    missing = pos.get("/api/pos/users/balance")
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "Required parameter missing or the value is empty: user_id"},
    )
    unknown = pos.get("/api/pos/users/balance", params={"user_id": "1"})
    assert (unknown.status_code, unknown.json()) == (404, ["User not found"])


def test_each_program_has_its_own_balance(psim):
    with httpx.Client(transport=mock_transport(psim), base_url=BASE) as http:
        pizza = psim.backend("punchh-pizza-co")
        user = regular(pizza)
        found = http.get(SEARCH, params={"email": user.email}, headers=psim.pos_headers("punchh-pizza-co")).json()
        # 540 points at 25 points = $1: $21 banked, 15 points toward the next dollar [C: the tutorials' rule]
        assert (found["balance"]["banked_rewards"], found["balance"]["points_balance"]) == ("21.00", 15)
        balance = http.get(
            "/api/pos/users/balance", params={"user_id": user.id}, headers=psim.pos_headers("punchh-pizza-co")
        ).json()
        assert balance["account_balance"] == {"banked_rewards": "21.00"}
        bagels = psim.backend("bagel-barn")
        user = regular(bagels)
        found = http.get(SEARCH, params={"phone": user.phone}, headers=psim.pos_headers("bagel-barn")).json()
        assert (found["balance"]["total_visits"], found["balance"]["unredeemed_cards"]) == (12, 2)


def test_legacy_create_user(pos, biz):
    answer = pos.post(
        "/api/pos/users",
        json={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "phone": "212-555-0199",
            "email": "ada@example.com",
            "terms_and_conditions": True,
            "send_compliance_sms": "true",
            "zip_code": 12344,
            "birthday": "1990-12-10",
            "favourite_locations": "",
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["phone"] == "2125550199" and body["balance"]["points_balance"] == 0 and body["rewards"] == []
    created = biz.users[body["id"]]
    assert (created.created_via, created.signup_channel) == ("pos_create_user", "POS")  # PUNCHH-AUTH-02's evidence
    assert pos.get(SEARCH, params={"phone": "2125550199"}).json()["id"] == created.id
    again = pos.post("/api/pos/users", json={"phone": "2125550199"})
    assert (again.status_code, again.json()) == (422, {"error": "Phone has already been taken"})
    assert pos.post("/api/pos/users", json={"email": "ada@example.com"}).json() == {
        "error": "Email has already been taken"
    }
    assert pos.post("/api/pos/users", json={"first_name": "X"}).status_code == 400
    assert pos.post("/api/pos/users", json={"phone": "12"}).json() == {"error": "Phone is invalid"}
    assert pos.post("/api/pos/users", json={"phone": "2125550100", "signup_channel": "Fax"}).status_code == 400


@pytest.mark.parametrize(
    "field", ["phone", "email", "reward_id", "redemption_code", "user_as_qrcode", "apple_nfc_data", "nfc_token", "otp"]
)
def test_find_user_by_lookup_field(pos, biz, field):
    user, values = identifiers(biz)
    value = {"otp": values["single_scan_code"], "user_as_qrcode": values["qr S form"]}.get(field, values.get(field))
    answer = pos.request("GET", FIND, json={"lookup_field": field, "lookup_value": value})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["user_id"], body["business_id"], body["locked"], body["external_uid"]) == (
        user.id,
        biz.business_id,
        False,
        None,
    )
    assert body["payment_mode"] == ("CreditCard" if field == "otp" else None)


def test_find_user_by_query_string_anonymous_and_errors(pos, biz):
    user = regular(biz)
    assert pos.get(FIND, params={"lookup_field": "phone", "lookup_value": user.phone}).json()["user_id"] == user.id
    anonymous = pos.request("GET", FIND, json={"lookup_field": "none", "lookup_value": "anonymous"}).json()
    created = biz.users[anonymous["user_id"]]
    assert created.created_via == "guest" and anonymous["email"].endswith("@guest.punchh.example")
    missing = pos.request("GET", FIND, json={"lookup_field": "phone"})
    assert missing.status_code == 400
    assert missing.json() == {
        "error": {
            "message": "Required parameter missing or the value is empty: lookup_value",
            "code": "missing_parameter",
        }
    }
    assert pos.request("GET", FIND, json={"lookup_field": "otp", "lookup_value": "abcdef"}).json()["error"][
        "message"
    ] == ("Invalid or Expired Single Scan Code")
    assert pos.request("GET", FIND, json={"lookup_field": "phone", "lookup_value": "5550000000"}).status_code == 404
    banned = guest(biz, "banned")
    answer = pos.request("GET", FIND, json={"lookup_field": "email", "lookup_value": banned.email})
    assert answer.status_code == 422 and "banned or deactivated" in answer.json()["error"]["message"]
    assert pos.request("GET", FIND, json={"lookup_field": "fax", "lookup_value": "1"}).status_code == 400


def test_a_redemption_code_expires(pos, biz):
    code = next(c for c in biz.codes.values() if c.user_id is not None)
    assert pos.get(SEARCH, params={"redemption_code": code.code}).status_code == 200
    biz.clock.advance((code.expires_at - biz.now() + timedelta(seconds=1)).total_seconds())
    assert pos.get(SEARCH, params={"redemption_code": code.code}).status_code == 404
