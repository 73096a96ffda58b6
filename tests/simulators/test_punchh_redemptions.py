"""Redemptions 2.0 (the basket: select, look-up and lock, query, commit, void, unlock, auto-select)
and Redemptions 1.0 (possible, create, void) for integrations still on it."""

from __future__ import annotations

import httpx
import pytest

from poscert.simulators.core.transports import mock_transport
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import BASE, guest, key_for, line, menu, order, regular

SELECT = "/api/pos/discounts/select"
LOOKUP = "/api/pos/discounts/lookup"
BATCH = "/api/pos/batch_redemptions"
ACTIVE = "/api/pos/discounts/active"


def select(pos, user, *discounts, uid=None):
    body = {
        "user_id": user.id,
        "discount_basket_items_attributes": [
            {"discount_type": kind, "discount_id": str(ident), **extra} for kind, ident, extra in discounts
        ],
    }
    if uid:
        body["external_uid"] = uid
    return pos.post(SELECT, json=body)


def reward(biz, user, name):
    return next(r for r in biz.rewards.values() if r.user_id == user.id and r.name == name)


def redeemable(biz, name):
    return next(r for r in biz.redeemables.values() if r.name == name)


def find(pos, user):
    return pos.request("GET", "/api/pos/users/find", json={"lookup_field": "email", "lookup_value": user.email}).json()


def test_the_whole_flow_lookup_locks_query_asks_commit_takes(psim, pos, biz):
    user = regular(biz)
    flat, five_off = reward(biz, user, "$2 Off Your Order"), redeemable(biz, "$5 Off")
    picked = select(pos, user, ("reward", flat.id, {}), ("redeemable", five_off.id, {}))
    assert picked.status_code == 200, picked.text
    basket = picked.json()
    assert basket["locked"] is False and basket["location_id"] == psim.location().id
    assert [i["discount_id"] for i in basket["discount_basket_items"]] == [str(flat.id), str(five_off.id)]

    looked = pos.post(LOOKUP, json=order(user))
    assert looked.status_code == 200, looked.text
    selected = looked.json()["selected_discounts"]
    assert [(d["discount_type"], d["discount_amount"], d["qualified"]) for d in selected] == [
        ("reward", 2, True),
        ("redeemable", 5, True),
    ]
    assert [i["item_type"] for d in selected for i in d["qualified_items"]] == [
        "R",
        "R",
        "R",
    ]  # $5: 4 off the latte, 1 off the cookie
    assert {d["discount_type"] for d in looked.json()["unselected_discounts"]} == {"reward", "redeemable"}
    assert find(pos, user)["locked"] is True and find(pos, user)["external_uid"] == "TX-5001"

    asked = pos.post(BATCH, json=order(user, query=True))
    assert asked.status_code == 200 and asked.json()["failures"] == []
    ids = [s["redemption_id"] for s in asked.json()["success"]]
    assert all(ids) and ids == [d["redemption_id"] for d in selected]
    assert (flat.status, biz.points(user)) == ("unredeemed", 500)  # query: true commits nothing

    done = pos.post(BATCH, json=order(user))
    assert done.status_code == 200, done.text
    assert [s["redemption_id"] for s in done.json()["success"]] == ids
    assert (flat.status, biz.points(user)) == ("redeemed", 400)  # the reward, and 100 points
    assert find(pos, user)["locked"] is False
    assert pos.request("GET", ACTIVE, json={"user_id": user.id}).status_code == 404
    void = pos.request("DELETE", f"{BATCH}/{basket['redemption_ref']}", json={"user_id": user.id})
    assert void.status_code == 410
    assert void.json() == {
        "error": {"message": "Checkin associated with external_uid TX-5001 has been committed.", "code": "commited"}
    }


def test_a_locked_basket_is_closed_to_other_transactions(pos, biz):
    user = regular(biz)
    select(pos, user, ("reward", reward(biz, user, "$2 Off Your Order").id, {}))
    assert pos.post(LOOKUP, json=order(user)).status_code == 200
    other = order(user, external_uid="TX-OTHER", transaction_no="6001", punchh_key=key_for(9))
    for method, path, body in (
        ("POST", LOOKUP, other),
        ("POST", BATCH, other),
        (
            "POST",
            SELECT,
            {
                "user_id": user.id,
                "external_uid": "TX-OTHER",
                "discount_basket_items_attributes": [
                    {"discount_type": "redeemable", "discount_id": str(redeemable(biz, "$5 Off").id)}
                ],
            },
        ),
        ("DELETE", "/api/pos/discounts/unselect", {"user_id": user.id, "discount_basket_item_ids": [1]}),
        ("GET", ACTIVE, {"user_id": user.id, "external_uid": "TX-OTHER"}),
    ):
        answer = pos.request(method, path, json=body)
        assert answer.status_code == 422, (path, answer.text)
        assert (
            answer.json()["error"]["message"]
            == "Unable to access the user’s Discount Basket, the Basket is currently locked"
        )
    assert (
        pos.put("/api/pos/discounts/unlock", json={"user_id": user.id, "external_uid": "TX-OTHER"}).status_code == 422
    )
    unlocked = pos.put("/api/pos/discounts/unlock", json={"user_id": user.id, "external_uid": "TX-5001"})
    assert unlocked.json() == {"message": "Discount Basket is unlocked successfully."}
    assert pos.post(LOOKUP, json=other).status_code == 200  # and now the other transaction locks it


def test_the_lock_expires_after_the_auto_unlock_duration(psim, pos, biz):
    user = regular(biz)
    select(pos, user, ("reward", reward(biz, user, "$2 Off Your Order").id, {}))
    pos.post(LOOKUP, json=order(user))
    other = order(user, external_uid="TX-LATER", transaction_no="6002", punchh_key=key_for(8))
    assert pos.post(LOOKUP, json=other).status_code == 422
    psim.clock.advance(100 * 60)
    assert pos.post(LOOKUP, json=other).status_code == 200


def test_external_uid_is_required_when_locking_is_on(pos, biz):
    user = regular(biz)
    body = order(user)
    del body["external_uid"]
    for path in (LOOKUP, BATCH):
        answer = pos.post(path, json=body)
        assert answer.status_code == 400
        assert answer.json()["error"]["message"] == "Required parameter missing or the value is empty: external_uid"


def test_the_commit_must_send_the_receipt_it_queried(pos, biz):
    user = regular(biz)
    select(pos, user, ("reward", reward(biz, user, "$2 Off Your Order").id, {}))
    assert pos.post(BATCH, json=order(user, query=True)).status_code == 200
    changed = order(user, [line("Latte", 6), line("Cookie", 4, 5501), line("Muffin", 3, 7000)])
    answer = pos.post(BATCH, json=changed)
    assert answer.status_code == 422 and "does not match" in answer.json()["error"]["message"]
    assert reward(biz, user, "$2 Off Your Order").status == "unredeemed"
    assert pos.post(BATCH, json=order(user, query=False)).status_code == 200  # the same receipt commits


def test_void_before_the_commit_is_202_and_empties_the_basket(pos, biz):
    user = regular(biz)
    ref = select(pos, user, ("reward", reward(biz, user, "$2 Off Your Order").id, {})).json()["redemption_ref"]
    pos.post(BATCH, json=order(user, query=True))
    answer = pos.request("DELETE", f"{BATCH}/{ref}", json={"user_id": user.id})
    assert (answer.status_code, answer.content) == (202, b"")
    assert (
        pos.request("GET", ACTIVE, json={"user_id": user.id}).json()["error"]["message"]
        == "User does not have an active basket"
    )
    assert find(pos, user)["locked"] is False
    assert pos.request("DELETE", f"{BATCH}/{ref}", params={"user_id": user.id}).status_code == 422
    assert (
        pos.request("DELETE", f"{BATCH}/nope", json={"user_id": user.id}).json()["error"]["message"]
        == "No Basket found"
    )
    assert pos.request("DELETE", f"{BATCH}/{ref}", json={"user_id": 1}).status_code == 404
    assert pos.request("DELETE", f"{BATCH}/{ref}").status_code == 400


def test_select_is_all_or_nothing(pos, biz):
    user = regular(biz)
    flat = reward(biz, user, "$2 Off Your Order")
    other_users_reward = next(r for r in biz.rewards.values() if r.user_id != user.id)
    cases = [
        ((("reward", flat.id, {}), ("reward", other_users_reward.id, {})), "Invalid Reward ID."),
        ((("reward", flat.id, {}), ("reward", flat.id, {})), "Same parameters provided multiple times"),
        ((("redeemable", 999, {}),), "Invalid Redeemable ID."),
        ((("redemption_code", "NOPE", {}),), "Invalid Code"),
        ((("discount_amount", "", {"discount_value": 1}),), "Your current loyalty program configuration"),
        ((("subscription", "7", {}),), "Your current loyalty program configuration"),
    ]
    for discounts, message in cases:
        answer = select(pos, user, *discounts)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["message"].startswith(message)
    assert pos.request("GET", ACTIVE, json={"user_id": user.id}).status_code == 404  # nothing was kept
    assert select(pos, user, ("reward", flat.id, {})).status_code == 200
    assert select(pos, user, ("reward", flat.id, {})).json()["error"]["message"] == (
        "Discount basket items have already been taken for the user"
    )
    banned = guest(biz, "banned")
    assert "banned" in select(pos, banned, ("reward", 1, {})).json()["error"]["message"]


def test_unselect_and_an_item_that_stopped_being_valid(pos, biz):
    user = regular(biz)
    flat, cookie = reward(biz, user, "$2 Off Your Order"), reward(biz, user, "Free Cookie")
    items = select(pos, user, ("reward", flat.id, {}), ("reward", cookie.id, {})).json()["discount_basket_items"]
    cookie.status = "expired"  # honored, expired or archived elsewhere since it was selected
    active = pos.request("GET", ACTIVE, json={"user_id": user.id}).json()
    assert active["discount_basket_items"][1]["message"] == ["Invalid Reward ID."]
    assert active["discount_basket_items"][1]["discount_details"] is None
    missing = pos.request(
        "DELETE", "/api/pos/discounts/unselect", json={"user_id": user.id, "discount_basket_item_ids": [1]}
    )
    assert missing.json()["error"]["message"] == "Discount Items not found with any given ids"
    left = pos.request(
        "DELETE",
        "/api/pos/discounts/unselect",
        json={"user_id": user.id, "discount_basket_item_ids": [items[1]["discount_basket_item_id"]]},
    )
    assert [i["discount_id"] for i in left.json()["discount_basket_items"]] == [str(flat.id)]


def test_a_discount_that_does_not_qualify_is_a_failure_not_a_commit(pos, biz):
    user = regular(biz)
    cookie = reward(biz, user, "Free Cookie")  # only discounts item 5501
    select(pos, user, ("reward", cookie.id, {}))
    no_cookie = order(user, [line("Latte", 6)])
    result = pos.post(BATCH, json=no_cookie).json()
    assert result["success"] == [] and result["failures"][0]["qualified"] is False
    assert result["failures"][0]["message"][0].startswith("Discount qualification on receipt failed for")
    assert cookie.status == "unredeemed"


def test_points_must_cover_the_redeemables(pos, biz):
    user = guest(biz, "light")  # 45 points
    select(pos, user, ("redeemable", redeemable(biz, "Free Drip Coffee").id, {}))  # 50 points
    answer = pos.post(BATCH, json=order(user, [line("Drip", 3)], query=True))
    assert answer.status_code == 422
    assert answer.json()["error"]["message"] == "Points Balance is insufficient to process request"


def test_auto_select_queues_the_auto_rewards(pos, biz):
    user = regular(biz)
    body = order(user)
    answer = pos.post("/api/pos/discounts/auto_select", json=body)
    assert answer.status_code == 200, answer.text
    assert [i["discount_id"] for i in answer.json()["discount_basket_items"]] == [
        str(reward(biz, user, "Birthday $5").id)
    ]
    assert "location_id" not in answer.json()
    assert pos.post("/api/pos/discounts/auto_select", json={**body, "receipt_amount": 99}).json()["error"][
        "message"
    ] == ("Invalid Receipt Amount")


def test_banked_currency_and_punch_cards_are_taken_by_the_commit(psim):
    with httpx.Client(transport=mock_transport(psim), base_url=BASE) as http:
        pizza = psim.backend("punchh-pizza-co")
        user = regular(pizza)  # $21 banked
        http.headers.update(psim.pos_headers("punchh-pizza-co"))
        too_much = select(http, user, ("discount_amount", "", {"discount_value": 50}))
        assert too_much.status_code == 422
        picked = select(http, user, ("discount_amount", "", {"discount_value": "4.50"}))
        assert picked.status_code == 200, picked.text
        body = order(user, [line("Pizza", 12)])
        del body["external_uid"]  # locking is off at this brand
        done = http.post(BATCH, json=body).json()
        assert done["success"][0]["discount_amount"] == 4.5 and done["success"][0]["remaining_balance"] == 16.5
        assert pizza.banked(user) == 16.5

        bagels = psim.backend("bagel-barn")
        user = regular(bagels)  # 12 visits: 2 cards of 5
        http.headers.update(psim.pos_headers("bagel-barn"))
        assert select(http, user, ("card_completion", "", {}), ("card_completion", "x", {})).status_code == 200
        assert select(http, user, ("card_completion", "y", {})).json()["error"]["message"] == "Not enough cards"
        body = order(user, [line("Bagel", 3), line("Coffee", 3)])
        del body["external_uid"]
        assert len(http.post(BATCH, json=body).json()["success"]) == 2
        assert bagels.cards(user) == 0


def test_redemptions_1_possible_create_void(pos, psim, biz):
    user = regular(biz)
    flat = reward(biz, user, "$2 Off Your Order")
    body = {
        "discount_type": "reward",
        "reward_id": flat.id,
        "email": user.email,
        "menu_items": [menu("White rice", 2.86), menu("Brown rice", 7.86, item_id="3418", serial="2.0")],
        "subtotal_amount": 10.72,
        "receipt_amount": 10.72,
        "receipt_datetime": "2026-01-15T09:00:00+00:00",
        "transaction_no": 5678,
        "punchh_key": key_for(3),
        "external_uid": "R1-5678",
        "channel": "pos",
    }
    possible = pos.post("/api/pos/redemptions/possible", json=body).json()
    assert possible["category"] == "redeemable" and possible["status"].endswith("It can be honored.")
    assert possible["redemption_amount"] == 2 and flat.status == "unredeemed"
    assert sum(i["item_amount"] for i in possible["discount_distribution_items"]) == -2
    created = pos.post("/api/pos/redemptions", json=body).json()
    assert created["status"].endswith("Please HONOR it.") and flat.status == "redeemed"
    assert pos.post("/api/pos/redemptions", json=body).json() == created  # the same external_uid takes nothing twice
    again = pos.post("/api/pos/redemptions", json={**body, "external_uid": "R1-OTHER"}).json()
    assert again["category"] == "processed"
    void = pos.request(
        "DELETE", "/api/pos/redemptions", json={"email": user.email, "redemption_id": created["redemption_id"]}
    )
    assert (void.status_code, void.json()) == (202, {})
    assert flat.status == "unredeemed"
    twice = pos.request(
        "DELETE", "/api/pos/redemptions", json={"email": user.email, "redemption_id": created["redemption_id"]}
    )
    assert twice.status_code == 422
    missing_id = pos.post("/api/pos/redemptions/possible", json={**body, "reward_id": None})
    assert missing_id.status_code == 400


def test_redemptions_1_at_a_store_closed_to_redemption(psim, biz):
    user = regular(biz)
    with httpx.Client(transport=mock_transport(psim), base_url=BASE, headers=psim.pos_headers(index=2)) as stadium:
        answer = stadium.post(
            "/api/pos/redemptions/possible",
            json={
                "discount_type": "redeemable",
                "redeemable_id": str(redeemable(biz, "$5 Off").id),
                "email": user.email,
                "menu_items": [menu("Hot dog", 8)],
                "subtotal_amount": 8,
                "receipt_amount": 8,
                "receipt_datetime": "2026-01-15T09:00:00Z",
                "transaction_no": "1",
                "punchh_key": key_for(4),
            },
        )
    assert answer.status_code == 422
    assert answer.json() == [
        "The location (Stadium) has been disabled for redemption. Please alert a staff member if you think this is an error."
    ]


@pytest.mark.parametrize("kind", ["redeemable", "redemption_code"])
def test_redemptions_1_other_kinds_and_multiple_void(pos, biz, kind):
    user = regular(biz)
    code = next(c for c in biz.codes.values() if c.user_id is None)  # the business coupon
    extra = {"redeemable_id": redeemable(biz, "$5 Off").id} if kind == "redeemable" else {"redemption_code": code.code}
    body = {
        "discount_type": kind,
        **extra,
        "phone": user.phone,
        "menu_items": [menu("Latte", 6), menu("Bagel", 4, item_id="77", serial="2.0")],
        "subtotal_amount": 10,
        "receipt_amount": 10,
        "receipt_datetime": "2026-01-15T09:00:00Z",
        "transaction_no": "77",
        "punchh_key": key_for(5),
    }
    created = pos.post("/api/pos/redemptions", json=body).json()
    assert created["category"] == "redeemable", created
    if kind == "redemption_code":
        assert created["redemption_id"] == code.code and user.id in code.used_by
        pos.request("DELETE", "/api/pos/redemptions", json={"redemption_code": code.code, "transaction_no": "77"})
        assert user.id not in code.used_by
    else:
        assert biz.points(user) == 400
        ids = [r.id for r in biz.redemptions.values()]
        answer = pos.request(
            "DELETE", "/api/pos/redemptions/multiple_destroy", json={"phone": user.phone, "redemption_id": ids}
        )
        assert answer.status_code == 202 and biz.points(user) == 500


def test_applicable_offers_and_active_redemptions(pos, biz):
    user = regular(biz)
    offers = pos.post(
        "/api/pos/redemptions/applicable_offers",
        json={
            "email": user.email,
            "menu_items": [menu("Latte", 6)],
            "receipt_datetime": "2026-01-15T09:00:00Z",
            "channel": "pos",
        },
    ).json()
    assert [o["reward"]["name"] for o in offers] == ["$2 Off Your Order", "Birthday $5"]  # not the cookie-only one
    active = pos.get("/api/pos/users/active_redemptions", params={"email": user.email}).json()
    assert [a["type_of_redemption"] for a in active] == ["RewardRedemption"]
