"""Rewards: the catalogue by segment and store, buying with points, won rewards and their use."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def rich(shop):
    return list(shop.customers.values())[0]  # dataset: 500 points, no segment


@pytest.fixture
def student(shop):
    return list(shop.customers.values())[1]  # dataset: 150 points, tagged student


def reward_titled(shop, prefix):
    return next(r for r in shop.rewards.values() if r.title.startswith(prefix))


def buy(api, shop, customer, reward, **extra):
    return api.post(
        f"/v1/rewards/{reward.public_id}/buy",
        json={"customer": customer.public_id, "store_slug": shop.stores[0].slug, **extra},
    )


def test_catalogue_filters_by_segment_store_and_points(api, shop, rich, student):
    everyone = api.get("/v1/rewards").json()["data"]
    assert len(everyone) == 8
    assert any(len(r["external_id"].split(",")) > 2 for r in everyone if r["external_id"])
    for_rich = api.get("/v1/rewards", params={"customer": rich.public_id}).json()["data"]
    for_student = api.get("/v1/rewards", params={"customer": student.public_id}).json()["data"]
    assert len(for_rich) == 7 and len(for_student) == 8
    elsewhere = api.get("/v1/rewards", params={"store_slug": shop.stores[1].slug}).json()["data"]
    assert "Dessert maison offert" not in {r["title"] for r in elsewhere} and len(elsewhere) == 7
    cheap = api.get("/v1/rewards", params={"min_points": "50", "max_points": "120"}).json()["data"]
    assert sorted(r["cost"] for r in cheap) == [60, 80, 100, 120]
    assert api.get("/v1/rewards", params={"customer": "cust_nobody"}).status_code == 422


def test_buy_deducts_points_and_voucher_gets_a_coupon(api, shop, rich):
    voucher = reward_titled(shop, "Bon de 5")
    first = buy(api, shop, rich, voucher)
    assert first.status_code == 201
    won = first.json()["data"]
    assert won["status"] == "available" and won["reward_public_id"] == voucher.public_id and won["value"] == 500
    assert re.fullmatch(r"PGO-[A-Z0-9]{4}-[A-Z0-9]{4}", won["coupon_code"])
    assert rich.points == 500 - 150
    second = buy(api, shop, rich, voucher).json()["data"]
    assert second["coupon_code"] != won["coupon_code"] and rich.points == 200


def test_free_product_has_no_coupon_and_keeps_external_id(api, shop, rich):
    coffee = reward_titled(shop, "Café")
    won = buy(api, shop, rich, coffee).json()["data"]
    assert won["coupon_code"] is None and won["external_id"] == coffee.external_id


def test_short_balance_is_refused(api, shop):
    poor = list(shop.customers.values())[2]  # dataset: 45 points
    answer = buy(api, shop, poor, reward_titled(shop, "Menu"))
    text = "The customer does not have enough points to buy this reward."
    assert answer.status_code == 422 and answer.json() == {"message": text, "errors": {"customer": [text]}}
    assert poor.points == 45


@pytest.mark.parametrize(
    "body, key",
    [({"customer": "cust_nobody"}, "customer"), ({"store_slug": "nowhere"}, "store_slug"), ({"pin": "12"}, "pin")],
)
def test_buy_refusals(api, shop, rich, body, key):
    coffee = reward_titled(shop, "Café")
    answer = api.post(
        f"/v1/rewards/{coffee.public_id}/buy",
        json={"customer": rich.public_id, "store_slug": shop.stores[0].slug, **body},
    )
    assert answer.status_code == 422 and key in answer.json()["errors"]


def test_segment_and_store_limits_apply_when_buying(api, shop, rich, student):
    assert buy(api, shop, rich, reward_titled(shop, "Étudiant")).status_code == 422
    assert buy(api, shop, student, reward_titled(shop, "Étudiant")).status_code == 201
    dessert = reward_titled(shop, "Dessert")
    elsewhere = api.post(
        f"/v1/rewards/{dessert.public_id}/buy", json={"customer": rich.public_id, "store_slug": shop.stores[1].slug}
    )
    assert elsewhere.status_code == 422 and "store_slug" in elsewhere.json()["errors"]


def test_unknown_reward_is_a_404(api, shop, rich):
    answer = api.post(
        "/v1/rewards/rwd_nothing/buy", json={"customer": rich.public_id, "store_slug": shop.stores[0].slug}
    )
    assert answer.json() == {"message": "No query results for model [App\\Models\\Reward]."}


def test_won_rewards_list_and_use(api, shop, rich, sim):
    coffee = reward_titled(shop, "Café")
    won = buy(api, shop, rich, coffee).json()["data"]
    bought_used = buy(api, shop, rich, coffee, used=True).json()["data"]
    assert bought_used["status"] == "used" and bought_used["used_at"]
    listed = api.get(f"/v1/customers/{rich.public_id}/rewards").json()["data"]
    assert [w["public_id"] for w in listed] == [won["public_id"]]
    assert len(api.get(f"/v1/customers/{rich.public_id}/rewards", params={"status": "all"}).json()["data"]) == 2
    path = f"/v1/customers/{rich.public_id}/rewards/{won['public_id']}/use"
    used = api.patch(path, json={"store_slug": shop.stores[0].slug, "order_id": "T-1"})
    assert used.status_code == 200 and used.json()["data"]["status"] == "used"
    assert used.json()["data"]["order_id"] == "T-1"
    again = api.patch(path, json={"store_slug": shop.stores[0].slug})
    assert again.status_code == 422 and again.json()["message"] == "This reward has already been used."
    other = list(shop.customers.values())[3]
    assert (
        api.patch(
            f"/v1/customers/{other.public_id}/rewards/{won['public_id']}/use", json={"store_slug": shop.stores[0].slug}
        ).status_code
        == 404
    )
