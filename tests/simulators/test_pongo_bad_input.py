"""Bad input of every kind gets a 4xx in Pongo's shape, never a 500, and always lands in the journal."""

from __future__ import annotations

import pytest

from poscert.simulators.core.messages import SimRequest
from poscert.simulators.core.simulator import MAX_BODY_BYTES

JSON = {"content-type": "application/json"}
CUSTOMER = "/v1/customers"

CASES = {
    # name: (method, path, headers, body, status, a key expected in `errors` or a message fragment)
    "malformed json": ("POST", CUSTOMER, JSON, b'{"international_phone_number": ', 422, "international_phone_number"),
    "json list body": ("POST", CUSTOMER, JSON, b"[1, 2]", 422, "international_phone_number"),
    "json string body": ("POST", "/v1/orders", JSON, b'"order"', 422, "lines"),
    "text/plain body": (
        "POST",
        CUSTOMER,
        {"content-type": "text/plain"},
        b'{"international_phone_number": "32470000009"}',
        422,
        "international_phone_number",
    ),
    "no content type": (
        "POST",
        CUSTOMER,
        {},
        b'{"international_phone_number": "32470000009"}',
        422,
        "international_phone_number",
    ),
    "invalid utf-8": ("POST", CUSTOMER, JSON, b'{"first_name": "\xff\xfe"}', 422, "international_phone_number"),
    "wrong types": ("POST", CUSTOMER, JSON, b'{"international_phone_number": 32470000009, "tags": "vip"}', 422, "tags"),
    "bad enum": ("POST", "/v1/orders", JSON, b'{"channel": "fax"}', 422, "channel"),
    "bad date-time": ("POST", "/v1/orders", JSON, b'{"created_at": "yesterday"}', 422, "created_at"),
    "empty lines": ("POST", "/v1/orders", JSON, b'{"lines": []}', 422, "lines"),
    "nested wrong type": ("POST", "/v1/orders", JSON, b'{"lines": [{"quantity": 0}]}', 422, "lines.0.quantity"),
    "null body field": ("PATCH", "/v1/orders/ord_x/status", JSON, b'{"status": null}', 422, "status"),
    "bad query": ("GET", "/v1/rewards?min_points=lots", {}, b"", 422, "min_points"),
    "bad query enum": ("GET", "/v1/customers/cust_x/rewards?status=maybe", {}, b"", 422, "status"),
    "unknown route": ("GET", "/v1/nothing", {}, b"", 404, "The route v1/nothing could not be found."),
    "unversioned": ("GET", "/stores", {}, b"", 404, "could not be found"),
    "wrong method": (
        "POST",
        "/v1/stores",
        {},
        b"",
        405,
        "The POST method is not supported for route v1/stores. Supported methods: GET, HEAD.",
    ),
    "delete customer": ("DELETE", "/v1/customers/cust_x", {}, b"", 405, "GET, HEAD, PUT, PATCH"),
    "oversized": ("POST", CUSTOMER, JSON, b"{" + b" " * MAX_BODY_BYTES + b"}", 413, "too large"),
    "no token": ("GET", "/v1/stores", {"authorization": ""}, b"", 401, "Unauthenticated."),
    "bad token": ("GET", "/v1/stores", {"authorization": "Bearer nope"}, b"", 401, "Unauthenticated."),
    "token in query": ("GET", "/v1/stores?access_token=x", {"authorization": ""}, b"", 401, "Unauthenticated."),
    "weird id": ("GET", "/v1/customers/%00%ff", {}, b"", 404, "Customer"),
    "dot-dot id": ("GET", "/v1/customers/..", {}, b"", 404, "Customer"),
    "unicode id": ("GET", "/v1/customers/cust_é😀", {}, b"", 404, "Customer"),
    "long id": ("GET", "/v1/customers/" + "x" * 5000, {}, b"", 404, "Customer"),
    "trailing slash": ("GET", "/v1/customers/", {}, b"", 404, "could not be found"),
    "unknown phone head": ("HEAD", "/v1/customers/phone/+32", {}, b"", 404, None),
    "other merchant's reward": (
        "POST",
        "/v1/rewards/{other_reward}/buy",
        JSON,
        b'{"customer": "c", "store_slug": "s"}',
        404,
        "Reward",
    ),
    "oauth form without client": ("GET", "/v1/oauth/form", {}, b"", 422, "client_id"),
    "oauth form post empty": (
        "POST",
        "/v1/oauth/form",
        {"content-type": "application/x-www-form-urlencoded"},
        b"",
        422,
        "decision",
    ),
    "oauth token malformed": ("POST", "/v1/oauth/token", JSON, b"{", 400, "invalid_request"),
    # Input JSON allows and no platform keeps: read as no input, as PHP's json_decode does.
    "nested 300 deep": ("POST", CUSTOMER, JSON, b'{"a":' * 300 + b"1" + b"}" * 300, 422, "international_phone_number"),
    "nested 5000 deep": ("POST", CUSTOMER, JSON, b"[" * 5000 + b"]" * 5000, 422, "international_phone_number"),
    "lone surrogate in a formatted field": (
        "POST",
        CUSTOMER,
        JSON,
        b'{"international_phone_number": "32470000009", "email": "a\\ud800@x.be"}',
        422,
        "international_phone_number",
    ),
    "lone surrogate in a pattern field": (
        "POST",
        CUSTOMER,
        JSON,
        b'{"international_phone_number": "3247\\udfff0000009"}',
        422,
        "international_phone_number",
    ),
    "integer beyond 64 bits": (
        "POST",
        CUSTOMER,
        JSON,
        b'{"international_phone_number": "32470000009", "points": 1' + b"0" * 400 + b"}",
        422,
        "international_phone_number",
    ),
    "number beyond double": ("POST", CUSTOMER, JSON, b'{"points": 1e999}', 422, "international_phone_number"),
    "NaN": ("POST", CUSTOMER, JSON, b'{"points": NaN}', 422, "international_phone_number"),
    "lone surrogate on the consent form": (
        "POST",
        "/v1/oauth/form",
        {"content-type": "application/x-www-form-urlencoded"},
        b"client_id=%ED%A0%80&decision=approve",
        422,
        None,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gets_a_pongo_4xx_and_a_journal_entry(sim, token, name):
    method, path, headers, body, status, expected = CASES[name]
    other = sim.backend(sim.other_merchant)
    path = path.replace("{other_reward}", next(iter(other.rewards)))
    path, _, query = path.partition("?")
    auth = {"authorization": f"Bearer {token['access_token']}", **headers}
    request = SimRequest(method, path, query, {k: v for k, v in auth.items() if v}, body, "sandbox-api.heypongo.com")
    before = len(sim.journal)
    response = sim.handle(request)
    assert response.status == status, response.body
    assert len(sim.journal) == before + 1
    recorded = sim.journal.exchanges()[-1]
    assert recorded.status == status and recorded.error is None and recorded.path == path
    if response.body is not None:
        # Unrouted answers skip the pipeline's own check: hold them to the shared error shapes too.
        assert sim.schemas.check(recorded.operation or "unrouted", "response", response.body, status) == []
    if expected is not None:
        text = str(response.body)
        assert expected in (response.body.get("errors") or {}) or expected in text, text


def test_unknown_query_and_body_are_ignored_where_laravel_ignores_them(api, sim):
    assert api.get("/v1/stores", params={"include": "everything"}).status_code == 200
    assert api.request("GET", "/v1/stores", json={"surprise": True}).status_code == 200
    rules = [v.rule for x in sim.journal.exchanges("list_stores") for v in x.request_violations()]
    assert rules == ["schema", "schema"]


def test_head_on_a_get_route_answers_like_get(api):
    assert api.head("/v1/stores").status_code == 200


def test_a_secret_in_the_url_is_journaled(api, sim, token):
    api.get("/v1/stores", params={"token": token["access_token"]})
    assert sim.journal.last("list_stores").misplaced_secrets == ["secret in the token query parameter"]


def test_a_secret_in_another_header_or_the_path_is_journaled_and_masked(api, sim, token):
    access = token["access_token"]
    api.get("/v1/stores", headers={"X-Access-Token": access})
    api.get(f"/v1/customers/{access}")
    stores, customer = sim.journal.last("list_stores"), sim.journal.last("get_customer")
    assert stores.misplaced_secrets == ["secret in the x-access-token header"]
    assert customer.misplaced_secrets == ["secret in the URL path"]
    assert access not in str(stores.to_dict()) + str(customer.to_dict())


EDGE_BODIES = {
    "order customer with empty public id": ("/v1/orders", {"customer": {"public_id": ""}}),
    "order customer with neither id": ("/v1/orders", {"customer": {}}),
    "checkin with null hash and no phone": ("/v1/checkins", {"payment_method_hash": None}),
    "checkin with an odd date": ("/v1/checkins", {"checked_in_at": "2026-01-15t09:00:00z"}),
    "huge page number": ("/v1/rewards?min_points=" + "9" * 5000, None),
    "birthday on a leap day that is not": ("/v1/customers", {"birthday": "2023-02-29"}),
}


@pytest.mark.parametrize("name", EDGE_BODIES)
def test_edge_values_never_break_the_simulator(api, shop, name):
    """Values that pass (or nearly pass) the schema but trip a parser or a rule: always a 4xx."""
    path, extra = EDGE_BODIES[name]
    if extra is None:
        answer = api.get(path)
    else:
        base = {
            "/v1/orders": {
                "order_id": "E-1",
                "channel": "pos",
                "delivery_mode": "eat_in",
                "loyalty_store_slug": shop.stores[0].slug,
                "amount": 100,
                "status": "paid",
                "created_at": "2026-01-15T09:00:00+00:00",
                "delivery_status": "delivered",
                "lines": [{"sku": "A", "name": "A", "quantity": 1, "unit_price": 100}],
            },
            "/v1/checkins": {"store_slug": shop.stores[0].slug, "amount": 100, "tags": []},
            "/v1/customers": {"international_phone_number": "32470000042", "reference_store_slug": shop.stores[0].slug},
        }[path]
        answer = api.post(path, json={**base, **extra})
    assert answer.status_code == 422, answer.text


def test_an_integral_float_is_an_integer_and_points_never_overflow(api, sim, shop):
    created = api.post(
        CUSTOMER,
        json={"international_phone_number": "32470000077", "points": 5.0, "reference_store_slug": shop.stores[0].slug},
    )
    assert created.status_code == 201, created.text
    customer = shop.customers[created.json()["data"]["public_id"]]
    assert customer.points == 5 and isinstance(customer.points, int)
    huge = api.put(f"{CUSTOMER}/{customer.public_id}", content=b'{"points": 1' + b"0" * 309 + b"}", headers=JSON)
    assert huge.status_code < 500 and customer.points == 5  # unreadable input is no input, as in Laravel
