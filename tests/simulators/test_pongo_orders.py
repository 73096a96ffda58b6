"""Orders and check-ins: accrual, idempotency per store, rewards used, auto-enrolment."""

from __future__ import annotations

import pytest

from tests.simulators.conftest import bearer, connect


def order(shop, order_id="T-100", **fields):
    return {
        "order_id": order_id,
        "channel": "kiosk",
        "delivery_mode": "eat_in",
        "loyalty_store_slug": shop.stores[0].slug,
        "amount": 2450,
        "status": "paid",
        "created_at": "2026-01-15T09:58:00+00:00",
        "delivery_status": "delivered",
        "lines": [
            {
                "sku": "PSC-MENU-BURGER",
                "name": "Menu burger",
                "quantity": 1,
                "unit_price": 2450,
                "options": [{"sku": "PSC-CHEESE", "name": "Cheddar", "unit_price": 0}],
            }
        ],
        "payments": [{"method": "card", "amount": 2450}],
        **fields,
    }


@pytest.fixture
def rich(shop):
    return list(shop.customers.values())[0]


def won_coffee(shop, rich):
    coffee = next(r for r in shop.rewards.values() if r.title.startswith("Café"))
    return shop.buy_reward(coffee.public_id, rich.public_id, shop.stores[0].slug)


def test_paid_order_accrues_points(api, shop, rich):
    answer = api.post("/v1/orders", json=order(shop, customer={"public_id": rich.public_id}))
    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["points_earned"] == 24 and rich.points == 524 and data["customer_public_id"] == rich.public_id
    assert shop.orders[data["public_id"]].payload["lines"][0]["sku"] == "PSC-MENU-BURGER"


def test_other_statuses_earn_nothing_until_paid(api, shop, rich):
    created = api.post("/v1/orders", json=order(shop, status="pending", customer={"public_id": rich.public_id}))
    data = created.json()["data"]
    assert data["points_earned"] == 0 and rich.points == 500
    paid = api.patch(f"/v1/orders/{data['public_id']}/status", json={"status": "paid", "delivery_status": "ready"})
    assert paid.status_code == 200 and paid.json()["data"]["points_earned"] == 24 and rich.points == 524
    again = api.patch(f"/v1/orders/{data['public_id']}/status", json={"status": "paid"})
    assert again.json()["data"]["points_earned"] == 24 and rich.points == 524
    assert api.patch("/v1/orders/ord_nothing/status", json={"status": "paid"}).status_code == 404


def test_same_order_id_same_store_is_202_and_changes_nothing(api, shop, rich):
    first = api.post("/v1/orders", json=order(shop, customer={"public_id": rich.public_id})).json()["data"]
    again = api.post("/v1/orders", json=order(shop, amount=9999, customer={"public_id": rich.public_id}))
    assert again.status_code == 202
    assert again.json() == {"message": "This order has already been processed.", "id": first["public_id"]}
    assert rich.points == 524 and len(shop.orders) == 1
    elsewhere = api.post("/v1/orders", json=order(shop, loyalty_store_slug=shop.stores[1].slug))
    assert elsewhere.status_code == 201


def test_store_slug_spelling_is_accepted_and_unknown_slug_refused(api, shop):
    body = order(shop)
    body["store_slug"] = body.pop("loyalty_store_slug")
    assert api.post("/v1/orders", json=body).status_code == 201
    answer = api.post("/v1/orders", json=order(shop, "T-2", loyalty_store_slug="nowhere"))
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"loyalty_store_slug": ["The selected loyalty store slug is invalid."]}
    missing = order(shop, "T-3")
    del missing["loyalty_store_slug"]
    assert "loyalty_store_slug" in api.post("/v1/orders", json=missing).json()["errors"]


def test_reward_lines_mark_won_rewards_used(api, shop, rich):
    won = won_coffee(shop, rich)
    body = order(shop, customer={"public_id": rich.public_id}, reward_ids=[won.public_id])
    body["lines"].append(
        {"sku": "PSC-COFFEE", "name": "Café", "quantity": 1, "unit_price": 0, "reward_id": won.public_id}
    )
    data = api.post("/v1/orders", json=body).json()["data"]
    assert data["rewards_used"] == [won.public_id]  # the line and reward_ids name one use
    assert won.status == "used" and won.order_id == "T-100"


def test_reward_id_uses_the_oldest_available_won_reward(api, shop, rich, sim):
    older = won_coffee(shop, rich)
    sim.clock.advance(5)
    newer = won_coffee(shop, rich)
    body = order(shop, customer={"public_id": rich.public_id})
    body["lines"][0]["reward_id"] = older.reward.public_id
    api.post("/v1/orders", json=body)
    assert older.status == "used" and newer.status == "available"


@pytest.mark.parametrize("customer", [None, "first"])
def test_unusable_reward_is_refused_on_its_field(api, shop, rich, customer):
    won = won_coffee(shop, rich)
    won.status = "used"
    body = order(shop, customer={"public_id": rich.public_id} if customer else None)
    body["lines"][0]["reward_id"] = won.public_id
    answer = api.post("/v1/orders", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"lines.0.reward_id": ["The selected lines.0.reward id is invalid."]}
    assert not shop.orders


def test_unknown_customer_public_id_is_refused(api, shop):
    answer = api.post("/v1/orders", json=order(shop, customer={"public_id": "cust_nobody"}))
    assert answer.json()["message"] == "The selected customer.public id is invalid."


def test_unknown_phone_enrols_with_the_opt_ins_given(api, shop, sim):
    delivered = []
    sim.deliver_webhook = lambda url, headers, body: delivered.append(url) or 200
    sim.state.subscribe(shop.slug, "customer.created", "https://partner.example/hook", None)
    answer = api.post(
        "/v1/orders",
        json=order(
            shop,
            customer={
                "international_phone_number": "32470999888",
                "first_name": "Zoé",
                "has_optin": True,
                "sms_optin": False,
            },
        ),
    )
    created = shop.customer_by_phone("32470999888")
    assert answer.json()["data"]["customer_public_id"] == created.public_id
    assert (created.has_optin, created.sms_optin, created.email_optin) == (True, False, None)
    assert created.reference_store_slug == shop.stores[0].slug and created.points == 24
    assert delivered == ["https://partner.example/hook"]


def test_wrong_line_type_names_the_dotted_field(api, shop):
    body = order(shop)
    body["lines"][0]["quantity"] = "two"
    answer = api.post("/v1/orders", json=body)
    assert answer.json() == {
        "message": "The lines.0.quantity field must be an integer.",
        "errors": {"lines.0.quantity": ["The lines.0.quantity field must be an integer."]},
    }


def test_other_merchant_earns_at_its_own_rate(client, sim):
    other = sim.backend(sim.other_merchant)
    customer = next(iter(other.customers.values()))
    before = customer.points
    answer = client.post(
        "/v1/orders",
        headers=bearer(connect(client, sim, merchant=sim.other_merchant)),
        json=order(other, customer={"public_id": customer.public_id}),
    )
    assert answer.json()["data"]["points_earned"] == 48 and customer.points == before + 48


def test_checkin_accrues_and_enrols(api, shop, rich, sim):
    body = {
        "store_slug": shop.stores[0].slug,
        "international_phone_number": rich.international_phone_number,
        "amount": 1000,
        "tags": [],
        "checked_in_at": "2026-01-15T09:00:00+00:00",
    }
    answer = api.post("/v1/checkins", json=body)
    assert answer.status_code == 201 and answer.json()["data"]["points_earned"] == 10 and rich.points == 510
    fresh = api.post("/v1/checkins", json={**body, "international_phone_number": "32470555444"})
    assert fresh.json()["data"]["customer_public_id"] == shop.customer_by_phone("32470555444").public_id
    future = api.post("/v1/checkins", json={**body, "checked_in_at": "2026-01-16T09:00:00+00:00"})
    assert future.status_code == 422 and "checked_in_at" in future.json()["errors"]
    no_phone = {k: v for k, v in body.items() if k != "international_phone_number"}
    assert "international_phone_number" in api.post("/v1/checkins", json=no_phone).json()["errors"]
    unknown_hash = api.post("/v1/checkins", json={**no_phone, "payment_method_hash": "abc"})
    assert unknown_hash.json()["errors"] == {"payment_method_hash": ["The selected payment method hash is invalid."]}
