"""Bad input of every kind gets a 4xx in the endpoint's own Punchh shape, never a 500, and always lands
in the journal; then a fuzz pass over every field of every valid request."""

from __future__ import annotations

import json

import pytest

from poscert.simulators.core.messages import SimRequest
from poscert.simulators.core.simulator import MAX_BODY_BYTES
from tests.simulators.odd_values import mutations
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import key_for, line, menu, order, pkce, receipt, regular, signed

JSON = {"content-type": "application/json"}
CHECKIN = "/api/pos/checkins"
SELECT = "/api/pos/discounts/select"

# name: (method, path, headers, body, status, shape, fragment)
CASES = {
    "malformed json (POS)": ("POST", CHECKIN, JSON, b'{"email": ', 400, "pos", "not valid JSON"),
    "malformed json (R2)": ("POST", SELECT, JSON, b"{", 400, "r2", "not valid JSON"),
    "json list body": ("POST", CHECKIN, JSON, b"[1, 2]", 400, "pos", "not valid JSON"),
    "json string body": ("POST", SELECT, JSON, b'"basket"', 400, "r2", "not valid JSON"),
    "text/plain body is no input": (
        "POST",
        CHECKIN,
        {"content-type": "text/plain"},
        b'{"email": "a"}',
        400,
        "pos",
        "Required parameter",
    ),
    "no content type is no input": ("POST", SELECT, {}, b'{"user_id": 1}', 400, "r2", "Required parameter"),
    "form body": (
        "POST",
        "/api/pos/users",
        {"content-type": "application/x-www-form-urlencoded"},
        b"phone=2125550123",
        200,
        None,
        None,
    ),
    "form with bad utf-8": (
        "POST",
        "/api/pos/users",
        {"content-type": "application/x-www-form-urlencoded"},
        b"phone=%ff%fe",
        400,
        "pos",
        "Required parameter",
    ),
    "invalid utf-8 json": ("POST", CHECKIN, JSON, b'{"email": "\xff\xfe"}', 400, "pos", "not valid JSON"),
    "wrong types": (
        "POST",
        SELECT,
        JSON,
        b'{"user_id": "abc", "discount_basket_items_attributes": "x"}',
        400,
        "r2",
        "Invalid value for parameter",
    ),
    "bad enum": (
        "POST",
        SELECT,
        JSON,
        b'{"user_id": 1, "discount_basket_items_attributes": [{"discount_type": "cash"}]}',
        400,
        "r2",
        "discount_type_0",
    ),
    "empty list": (
        "POST",
        SELECT,
        JSON,
        b'{"user_id": 1, "discount_basket_items_attributes": []}',
        400,
        "r2",
        "discount_basket_items_attributes",
    ),
    "bad date-time": (
        "POST",
        "/api/pos/discounts/lookup",
        JSON,
        b'{"user_id": 1, "receipt_datetime": "yesterday", "subtotal_amount": 1, "receipt_amount": 1}',
        400,
        "r2",
        "receipt_datetime",
    ),
    "null required": (
        "PUT",
        "/api/pos/discounts/unlock",
        JSON,
        b'{"user_id": 1, "external_uid": null}',
        400,
        "r2",
        "external_uid",
    ),
    "bad query": ("GET", "/api/pos/users/balance?user_id=lots", {}, b"", 400, "pos", "user_id"),
    "unknown query is ignored": ("GET", "/api/pos/meta?verbose=1", {}, b"", 200, None, None),
    "unknown route": ("GET", "/api/pos/nothing", {}, b"", 404, "pos", "Not Found"),
    "wrong method is a routing error": ("POST", "/api/pos/meta", {}, b"", 404, "pos", "Not Found"),
    "trailing slash": ("GET", "/api/pos/meta/", {}, b"", 404, "pos", "Not Found"),
    "oversized": ("POST", CHECKIN, JSON, b"{" + b" " * MAX_BODY_BYTES + b"}", 413, "pos", "Too Large"),
    "unknown user id": (
        "POST",
        SELECT,
        JSON,
        b'{"user_id": 99999999999, "discount_basket_items_attributes": [{"discount_type": "reward", "discount_id": "1"}]}',
        404,
        "r2",
        "User not found",
    ),
    "weird redemption ref": (
        "DELETE",
        "/api/pos/batch_redemptions/%00%ff",
        JSON,
        b'{"user_id": 1}',
        404,
        "r2",
        "User not found",
    ),
    "long redemption ref": (
        "DELETE",
        "/api/pos/batch_redemptions/" + "x" * 5000,
        JSON,
        b'{"user_id": 1}',
        404,
        "r2",
        "User not found",
    ),
    "nested 300 deep": ("POST", CHECKIN, JSON, b'{"a":' * 300 + b"1" + b"}" * 300, 400, "pos", "not valid JSON"),
    "nested 5000 deep": ("POST", SELECT, JSON, b"[" * 5000 + b"]" * 5000, 400, "r2", "not valid JSON"),
    "lone surrogate": ("POST", CHECKIN, JSON, b'{"email": "a\\ud800@x.be"}', 400, "pos", "not valid JSON"),
    "integer beyond 64 bits": ("POST", SELECT, JSON, b'{"user_id": 1' + b"0" * 400 + b"}", 400, "r2", "not valid JSON"),
    "number beyond double": ("POST", CHECKIN, JSON, b'{"receipt_amount": 1e999}', 400, "pos", "not valid JSON"),
    "NaN": ("POST", CHECKIN, JSON, b'{"receipt_amount": NaN}', 400, "pos", "not valid JSON"),
    "otp without a body": ("POST", "/api2/password_less/token", {"user-agent": "A/1/2"}, b"", 400, "mobile", "client"),
    "otp malformed": (
        "POST",
        "/api2/password_less/verify",
        {**JSON, "user-agent": "A/1/2"},
        b"{",
        400,
        "mobile",
        "not valid JSON",
    ),
}


def shape_of(body):
    if isinstance(body, list):
        return "list"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return "r2"
    if isinstance(body, dict) and "errors" in body:
        return "mobile"
    return "pos"


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gets_a_punchh_4xx_and_a_journal_entry(psim, name):
    method, path, headers, body, status, shape, fragment = CASES[name]
    path, _, query = path.partition("?")
    sent = {**psim.pos_headers(), **headers}
    request = SimRequest(method, path, query, sent, body, "pos.punchh.com")
    before = len(psim.journal)
    response = psim.handle(request)
    assert response.status == status, response.body
    assert len(psim.journal) == before + 1
    recorded = psim.journal.exchanges()[-1]
    assert recorded.status == status and recorded.error is None and recorded.path == path
    if response.body is not None:
        # Unrouted answers skip the pipeline's own check: hold them to the shared error shapes too.
        assert psim.schemas.check(recorded.operation or "unrouted", "response", response.body, status) == []
    if shape is not None:
        assert shape_of(response.body) == shape, response.body
    if fragment is not None:
        assert fragment in json.dumps(response.body), response.body


def test_unknown_fields_are_ignored_but_journaled(pos, psim, biz):
    user = regular(biz)
    answer = pos.post(CHECKIN, json=receipt(email=user.email, loyalty_tier="gold"))
    assert answer.status_code == 200
    rules = [v.rule for v in psim.journal.last("create_checkin").request_violations()]
    assert rules == ["additionalProperties"]
    assert pos.request("GET", "/api/pos/meta", json={"surprise": True}).status_code == 200


# -- fuzz ---------------------------------------------------------------------------------------------
def valid_requests(psim, biz):
    user = regular(biz)
    flat = next(r for r in biz.rewards_of(user) if r.name == "$2 Off Your Order")
    client = psim.client()
    return [
        (
            "POST",
            "/api/pos/users",
            {
                "phone": "2125550111",
                "email": "f@example.com",
                "first_name": "F",
                "birthday": "1990-01-01",
                "terms_and_conditions": True,
            },
        ),
        ("GET", "/api/pos/users/balance", {"user_id": user.id, "discount_type": ["subscription"]}),
        ("GET", "/api/pos/users/find", {"lookup_field": "email", "lookup_value": user.email}),
        (
            "POST",
            SELECT,
            {
                "user_id": user.id,
                "external_uid": "F-1",
                "discount_basket_items_attributes": [{"discount_type": "reward", "discount_id": str(flat.id)}],
            },
        ),
        ("POST", "/api/pos/discounts/lookup", order(user, [line("Latte", 6)], external_uid="F-1")),
        ("POST", "/api/pos/batch_redemptions", order(user, [line("Latte", 6)], external_uid="F-1", query=True)),
        (
            "DELETE",
            "/api/pos/discounts/unselect",
            {"user_id": user.id, "discount_basket_item_ids": [1], "external_uid": "F-1"},
        ),
        ("PUT", "/api/pos/discounts/unlock", {"user_id": user.id, "external_uid": "F-1"}),
        ("POST", CHECKIN, receipt(email=user.email, external_uid="F-CHK", employee_id=7, cc_last4="0000")),
        ("POST", "/receipt_details", receipt(amount=10, key=key_for(40), transaction_no="40", status="", is_test=1)),
        (
            "POST",
            "/api/pos/redemptions/possible",
            {
                "discount_type": "reward",
                "reward_id": flat.id,
                "email": user.email,
                "menu_items": [menu("Latte", 6)],
                "subtotal_amount": 6,
                "receipt_amount": 6,
                "receipt_datetime": "2026-01-15T09:00:00Z",
                "transaction_no": "41",
                "punchh_key": key_for(41),
            },
        ),
        (
            "SIGNED",
            "/api2/password_less/token",
            {"client": client.client_id, "email": "fz@example.com", "code_challenge": pkce()[1]},
        ),
        (
            "SIGNED",
            "/api2/password_less/verify",
            {
                "client": client.client_id,
                "email": "fz@example.com",
                "token": "123456",
                "code_verifier": pkce()[0],
                "privacy_policy": True,
                "terms_and_conditions": True,
            },
        ),
    ]


def test_odd_values_never_break_the_simulator(psim, pos, raw, biz):
    secret = psim.client().secret
    sent = 0
    for method, path, body in valid_requests(psim, biz):
        for mutated in mutations(body):
            # Encoded here: httpx writes raw UTF-8 and cannot send a lone surrogate, JSON's escape can.
            content = json.dumps(mutated).encode()
            if method == "SIGNED":
                answer = signed(raw, secret, path, mutated)
            else:
                answer = pos.request(method, path, content=content, headers={"content-type": "application/json"})
            assert answer.status_code < 500, (method, path, mutated, answer.text)
            sent += 1
    assert sent > 1000
    assert all(x.error is None for x in psim.journal.exchanges())


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_every_method_on_every_route(psim, pos, method):
    for route in psim.routes:
        path = route.template.replace("{", "").replace("}", "")
        answer = pos.request(method, path, json={"odd": True})
        assert answer.status_code < 500, (method, path, answer.text)


ODD_TEXT = ("", "-1", "0", "9" * 30, "9" * 5000, "²", "😀", "\x00", "a,b", " ", "P", "Punchh", "S1234567", "ab" * 20)


def test_odd_query_values(psim, pos):
    queries = {
        "/api/pos/users/search": (
            "email",
            "phone",
            "card_number",
            "user_as_qrcode",
            "single_scan_code",
            "redemption_code",
            "reward_id",
            "apple_nfc_data",
            "nfc_token",
            "drive_thru_code",
        ),
        "/api/pos/users/balance": ("user_id", "discount_type"),
        "/api/pos/users/find": ("lookup_field", "lookup_value"),
        "/api/pos/discounts/active": ("user_id", "external_uid"),
        "/api/pos/users/active_redemptions": ("email", "phone"),
    }
    for odd in ODD_TEXT:
        for path, names in queries.items():
            for name in names:
                assert pos.get(path, params={name: odd}).status_code < 500
