"""Bad input of every kind gets a 4xx in Spoonity's envelope, never a 500, and always lands in the journal;
then a fuzz pass over every field of every valid request; the api_key; the OpenAPI document."""

from __future__ import annotations

import json

import pytest

from poscert.simulators.core.openapi import build_openapi
from poscert.simulators.core.simulator import MAX_BODY_BYTES
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from tests.simulators.conftest import schema_errors
from tests.simulators.odd_values import mutations
from tests.simulators.spoonity.support import *  # noqa: F403  (the fixtures)
from tests.simulators.spoonity.support import SEED_GIFT_CARD, SEED_LOYALTY_PAY, SEED_ORDER, message, order

JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
ORDER = json.loads(SEED_ORDER)


def _line(**changes):
    return {**ORDER, "line_items": [{**ORDER["line_items"][0], **changes}]}


# name: (method, path, query, headers, body, status, fragment)
CASES = {
    "malformed json is no input": ("POST", "/onscreen", {}, JSON, b'{"card_number": ', 400, "card_number"),
    "json list body": ("POST", "/order", {}, JSON, b"[1, 2]", 400, "Missing required parameter: card_number"),
    "json string body": ("POST", "/onscreen", {}, JSON, b'"john"', 400, "Missing required parameter"),
    "invalid utf-8": ("POST", "/onscreen", {}, JSON, b'{"card_number": "\xff\xfe"}', 400, "card_number"),
    "lone surrogate": ("POST", "/onscreen", {}, JSON, b'{"card_number": "a\\ud800"}', 400, "card_number"),
    "number beyond 64 bits": ("POST", "/order", {}, JSON, json.dumps({**ORDER, "till": 10**30}).encode(), 400, None),
    "nesting too deep": ("POST", "/onscreen", {}, JSON, b"[" * 500 + b"]" * 500, 400, "card_number"),
    "form body": ("POST", "/onscreen", {}, FORM, b"card_number=john.smith%40example.com", 201, None),
    "form with bad utf-8": ("POST", "/onscreen", {}, FORM, b"card_number=%ff%fe", 400, "card_number"),
    "empty card number": ("POST", "/onscreen", {}, JSON, b'{"card_number": ""}', 400, "card_number"),
    "card number as a number": ("POST", "/onscreen", {}, JSON, b'{"card_number": 42}', 400, "Invalid value"),
    "order without receipt": (
        "POST",
        "/order",
        {},
        JSON,
        json.dumps({k: v for k, v in ORDER.items() if k != "receipt_number"}).encode(),
        400,
        "Missing required parameter: receipt_number",
    ),
    "subtotal as text": ("POST", "/order", {}, JSON, json.dumps({**ORDER, "subtotal": "ten"}).encode(), 400, None),
    "negative subtotal": ("POST", "/order", {}, JSON, json.dumps({**ORDER, "subtotal": -1}).encode(), 400, None),
    "date not digits": ("POST", "/order", {}, JSON, json.dumps({**ORDER, "date": "yesterday"}).encode(), 400, None),
    "line item without price": (
        "POST",
        "/order",
        {},
        JSON,
        json.dumps({**ORDER, "line_items": [{"id": "x", "name": "x", "quantity": 1}]}).encode(),
        400,
        "line_items[0].price",
    ),
    "discount without id": (
        "POST",
        "/order",
        {},
        JSON,
        json.dumps({**ORDER, "discounts": [{"name": "x"}]}).encode(),
        400,
        "discounts[0].id",
    ),
    "odd quantity": ("POST", "/order", {}, JSON, json.dumps(_line(quantity="many")).encode(), 400, None),
    "gift card amount zero": (
        "POST",
        "/order",
        {},
        JSON,
        json.dumps({**json.loads(SEED_GIFT_CARD), "amount": 0}).encode(),
        400,
        "amount",
    ),
    "gift card without till": (
        "POST",
        "/order",
        {},
        JSON,
        json.dumps({"card_number": "john.smith@example.com", "amount": -1, "date": 1}).encode(),
        400,
        "till",
    ),
    "loyalty pay negative": (
        "POST",
        "/order/payments/loyalty",
        {},
        JSON,
        json.dumps({**json.loads(SEED_LOYALTY_PAY), "amount": -5}).encode(),
        400,
        "amount",
    ),
    "void without receipt": ("DELETE", "/order", {}, JSON, b"{}", 400, "receipt"),
    "session without hash": ("GET", "/onscreen", {}, {}, b"", 400, "pos_session_hash"),
    "unknown fields are ignored": (
        "POST",
        "/onscreen",
        {"debug": "1"},
        JSON,
        b'{"card_number": "john.smith@example.com", "extra": 1}',
        201,
        None,
    ),
    "unknown path": ("GET", "/v2/orders", {}, {}, b"", 404, "does not exist"),
    "wrong method": ("PATCH", "/order", {}, {}, b"", 405, "not allowed"),
    "too large": ("POST", "/order", {}, JSON, b" " * (MAX_BODY_BYTES + 1), 413, "too large"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_in_spoonity_shape(ssim, pos, name):
    method, path, query, headers, body, status, fragment = CASES[name]
    before = len(ssim.journal.exchanges(direction=None))
    answer = pos.request(method, path, params=query, headers=headers, content=body)
    assert answer.status_code == status, answer.text
    exchanges = ssim.journal.exchanges(direction=None)
    assert len(exchanges) == before + 1  # journaled, whatever it was
    if status >= 400:
        assert answer.json()["object"] == "error"
        assert not schema_errors(ssim, "errors", "error", answer.json())
        if fragment:
            assert fragment in message(answer), message(answer)
    if name == "wrong method":
        assert answer.headers["allow"] == "DELETE, POST"
    if name == "unknown fields are ignored":
        assert any(v.rule == "additionalProperties" for v in exchanges[-1].violations)


@pytest.mark.parametrize(
    "query",
    [{}, {"api_key": ""}, {"api_key": "0" * 32}, {"session_key": "abcdefabcdef"}],
    ids=["none", "empty", "unknown", "session key only"],
)
def test_a_missing_or_unknown_api_key_is_401(ssim, raw, query):
    for method, path in [("POST", "/onscreen"), ("GET", "/vendor/perk/redemption/list"), ("DELETE", "/order")]:
        answer = raw.request(method, path, params=query, json={"card_number": "x"})
        assert answer.status_code == 401, answer.text
        assert message(answer) == "Invalid or missing api_key."


def test_the_api_key_is_masked_and_a_key_in_a_header_is_misplaced(ssim, raw):
    key = ssim.api_key()
    raw.get("/vendor/perk/redemption/list", params={"api_key": key}, headers={"x-api-key": key})
    exchange = ssim.journal.exchanges(direction=None)[-1]
    assert key not in json.dumps(exchange.query) and key not in json.dumps(exchange.request_headers)
    assert exchange.misplaced_secrets == ["secret in the x-api-key header"]


def test_fault_body_is_the_envelope(ssim):
    for status in (500, 502, 503):
        response = ssim.fault_response(status)
        assert not schema_errors(ssim, "errors", "error", response.body)
        assert response.body["error"]["code"] == status


# -- fuzz --------------------------------------------------------------------------------------
def valid_requests():
    return [
        ("POST", "/onscreen", {"card_number": "john.smith@example.com"}),
        ("POST", "/order", {**ORDER, "discounts": [{"id": "discount_free_coffee", "amount": 3}]}),
        ("POST", "/order", json.loads(SEED_GIFT_CARD)),
        ("POST", "/order/payments/loyalty", json.loads(SEED_LOYALTY_PAY)),
        ("DELETE", "/order", {"receipt": "BC-PROMO-005"}),
        ("DELETE", "/onscreen", {"pos_session_hash": "0" * 32}),
    ]


def test_odd_values_never_break_the_simulator(ssim, pos):
    sent = 0
    before = len(ssim.journal.exchanges(direction=None))
    for method, path, body in valid_requests():
        for mutated in mutations(body):
            answer = pos.request(method, path, content=json.dumps(mutated).encode(), headers=JSON)
            assert answer.status_code < 500, (method, path, mutated, answer.text)
            sent += 1
    assert sent > 400
    assert len(ssim.journal.exchanges(direction=None)) == before + sent


ODD_TEXT = ("", "-1", "0", "9" * 5000, "😀", "\x00", "a,b", " ", "²")


def test_odd_query_values(ssim, pos):
    for odd in ODD_TEXT:
        for path in ("/onscreen", "/vendor/perk/redemption/list"):
            assert pos.get(path, params={"pos_session_hash": odd}).status_code < 500
        assert pos.request("DELETE", "/onscreen", params={"pos_session_hash": odd}).status_code < 500
        assert pos.get("/onscreen", params={"api_key": odd}).status_code == 401


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_every_method_on_every_route(ssim, pos, method):
    for route in ssim.routes:
        answer = pos.request(method, route.template, json={"odd": True})
        assert answer.status_code < 500, (method, route.template, answer.text)


def test_order_fuzz_keeps_state_consistent(ssim, pos, vendor):
    """After the fuzz of orders, every accepted one is recorded once and balances add up."""
    john = vendor.customer("regular")
    start = john.points
    for subtotal in (0, 0.99, 1.5, 10**6, 3):
        pos.post("/order", json=order(f"F-{subtotal}", subtotal=subtotal))
    recorded = [o for o in vendor.orders if o.customer_id == john.id]
    assert john.points == start + sum(o.points_earned for o in recorded)
    assert [o.points_earned for o in recorded] == [0, 0, 1, 1000000, 3]


# -- OpenAPI -----------------------------------------------------------------------------------
def test_openapi_document_validates():
    from openapi_spec_validator import validate

    spec = build_openapi(SpoonitySimulator)
    validate(spec)
    assert set(spec["paths"]) == {"/onscreen", "/order", "/order/payments/loyalty", "/vendor/perk/redemption/list"}
    assert spec["components"]["securitySchemes"]["apiKey"]["in"] == "query"
