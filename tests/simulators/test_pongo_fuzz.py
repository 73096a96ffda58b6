"""Every field of every valid request, replaced by odd values: the simulator answers, never breaks.

A 500 here is a simulator bug; the `sim` fixture's teardown also fails on any
journaled exception or any response that breaks its own schema.
"""

from __future__ import annotations

import json

import pytest

from tests.simulators.odd_values import mutations


def valid_requests(sim, shop):
    customer = list(shop.customers.values())[0]
    reward = next(r for r in shop.rewards.values() if r.type == "voucher_amount")
    won = shop.buy_reward(reward.public_id, customer.public_id, shop.stores[0].slug)
    store = shop.stores[0].slug
    return [
        (
            "POST",
            "/v1/customers",
            {
                "international_phone_number": "32470000077",
                "reference_store_slug": store,
                "email": "a@b.be",
                "birthday": "1990-01-01",
                "tags": ["a"],
                "has_optin": True,
            },
        ),
        ("PATCH", f"/v1/customers/{customer.public_id}", {"first_name": "A", "reference_store_slug": store}),
        (
            "POST",
            f"/v1/rewards/{reward.public_id}/buy",
            {"customer": customer.public_id, "store_slug": store, "used": False, "pin": None},
        ),
        (
            "PATCH",
            f"/v1/customers/{customer.public_id}/rewards/{won.public_id}/use",
            {"store_slug": store, "order_id": "X"},
        ),
        (
            "POST",
            "/v1/orders",
            {
                "order_id": "F-1",
                "channel": "pos",
                "delivery_mode": "eat_in",
                "loyalty_store_slug": store,
                "amount": 1200,
                "status": "paid",
                "created_at": "2026-01-15T09:00:00+00:00",
                "delivery_status": "delivered",
                "reward_ids": [won.public_id],
                "lines": [
                    {
                        "sku": "A",
                        "name": "A",
                        "quantity": 1,
                        "unit_price": 1200,
                        "reward_id": None,
                        "options": [{"name": "B", "unit_price": 0}],
                    }
                ],
                "customer": {"public_id": customer.public_id, "has_optin": True},
                "payments": [{"method": "card", "amount": 1200}],
            },
        ),
        (
            "POST",
            "/v1/checkins",
            {
                "store_slug": store,
                "international_phone_number": "32470000078",
                "amount": 500,
                "tags": [],
                "checked_in_at": "2026-01-15T09:00:00+00:00",
            },
        ),
        ("POST", "/v1/webhooks", {"event": "customer.created", "url": "https://partner.example/h", "secret": "s"}),
        (
            "POST",
            "/v1/oauth/token",
            {
                "grant_type": "refresh_token",
                "client_id": sim.oauth_client.client_id,
                "client_secret": sim.oauth_client.client_secret,
                "refresh_token": "r",
            },
        ),
    ]


def test_odd_values_never_break_the_simulator(api, sim, shop):
    sent = 0
    for method, path, body in valid_requests(sim, shop):
        for mutated in mutations(body):
            # Encoded here: httpx writes raw UTF-8 and cannot send a lone surrogate, JSON's escape can.
            body = json.dumps(mutated).encode()
            answer = api.request(method, path, content=body, headers={"content-type": "application/json"})
            assert answer.status_code < 500, (method, path, mutated, answer.text)
            sent += 1
    assert sent > 500


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_every_method_on_every_route(api, sim, method):
    for route in sim.routes:
        path = route.template.replace("{", "").replace("}", "")
        answer = api.request(method, path, json={"odd": True})
        assert answer.status_code < 500, (method, path, answer.text)


ODD_TEXT = ("", "-1", "0", "9" * 20, "😀", "\x00", "a,b", "customer.read admin", " ")


def test_odd_query_and_form_values(api, sim, shop):
    customer = next(iter(shop.customers))
    queries = {
        "/v1/customers": ("page", "per_page", "phone", "email"),
        "/v1/rewards": ("customer", "store_slug", "min_points", "max_points"),
        f"/v1/customers/{customer}/rewards": ("status",),
        "/v1/oauth/form": ("client_id", "redirect_uri", "state", "scope", "response_type"),
    }
    form = {
        "client_id": sim.oauth_client.client_id,
        "redirect_uri": sim.oauth_client.redirect_uris[0],
        "state": "s",
        "scope": "customer.read",
        "email": "a@b.be",
        "password": "p",
        "decision": "approve",
    }
    for odd in ODD_TEXT:
        for path, names in queries.items():
            for name in names:
                assert api.get(path, params={name: odd}).status_code < 500
        for name in form:
            assert api.post("/v1/oauth/form", data={**form, name: odd}).status_code < 500
