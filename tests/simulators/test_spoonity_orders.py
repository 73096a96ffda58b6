"""Perks, orders (the seed's bodies as written, earning on subtotal, redemption through discounts,
business failures on HTTP 200), gift card and Loyalty Pay with short balances, and voids."""

from __future__ import annotations

from decimal import Decimal

from tests.simulators.spoonity.support import *  # noqa: F403  (the fixtures)
from tests.simulators.spoonity.support import (
    SEED_GIFT_CARD,
    SEED_LOYALTY_PAY,
    SEED_ORDER,
    client_for,
    message,
    order,
)

FORM = {"content-type": "application/x-www-form-urlencoded"}  # what the guide's `curl -d` sends
JSON = {"content-type": "application/json"}


def failed(answer) -> str:
    """The message of an order call's business failure: HTTP 200, success false, the error envelope."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] is False and body["object"] == "error", body
    return message(answer)


# -- perks -------------------------------------------------------------------------------------
def test_perk_list_holds_every_perk_eligible_or_not(pos, vendor):
    answer = pos.get("/vendor/perk/redemption/list")
    assert answer.status_code == 200
    body = answer.json()
    identifiers = [p["catalog"]["identifier"] for p in body["data"]]
    assert "discount_celebration_cake" in identifiers  # nobody can afford it: listed anyway
    assert len(identifiers) == body["count"] == len(vendor.rules) == 5
    cake = body["data"][identifiers.index("discount_celebration_cake")]
    assert cake["cost"] == 2000 and cake["vendor"]["id"] == vendor.profile.id


def test_perk_list_is_per_vendor(ssim):
    with client_for(ssim, ssim.other_vendor) as bakery:
        assert bakery.get("/vendor/perk/redemption/list").json()["count"] == 3


# -- the seed's bodies, exactly as written ---------------------------------------------------
def test_seed_examples_accepted_as_written(pos, vendor):
    gift = pos.post("/order", content=SEED_GIFT_CARD, headers=FORM)
    assert gift.status_code == 200 and gift.json()["success"] is True, gift.text
    assert gift.json()["quick_pay_balance"]["amount"] == 15.0
    pay = pos.post("/order/payments/loyalty", content=SEED_LOYALTY_PAY, headers=FORM)
    assert pay.status_code == 200 and pay.json()["success"] is True, pay.text
    assert pay.json()["points"] == 100 and vendor.customer("brandin").points == 50
    submitted = pos.post("/order", content=SEED_ORDER, headers=FORM)
    assert submitted.status_code == 200 and submitted.json()["success"] is True, submitted.text
    assert submitted.json()["receipt_number"] == "BC-PROMO-005"
    assert submitted.json()["points_earned"] == 10
    voided = pos.request("DELETE", "/order", json={"receipt": "BC-PROMO-005"})
    assert voided.json()["success"] is True


def test_seed_order_with_a_json_content_type(pos):
    assert pos.post("/order", content=SEED_ORDER, headers=JSON).json()["success"] is True


# -- orders ------------------------------------------------------------------------------------
def test_points_are_earned_on_subtotal_only(pos, vendor):
    john = vendor.customer("regular")
    body = order("R-1", subtotal=12.75, total=99, taxes=[{"amount": 50}])
    answer = pos.post("/order", json=body)
    assert answer.json()["success"] is True, answer.text
    assert answer.json()["points_earned"] == 12  # 1 point per unit of subtotal, rounded down
    assert john.points == 252
    assert answer.json()["loyalty_balance"]["data"][0]["amount"] == 252


def test_item_and_order_rewards_are_redeemed_through_discounts(pos, vendor):
    john = vendor.customer("regular")
    body = order("R-2", subtotal=20, discounts=[{"id": "5_dollar_off", "name": "$5 Off", "amount": 5}])
    body["line_items"][0]["discounts"] = [{"id": "discount_free_coffee", "amount": 3}]
    answer = pos.post("/order", json=body).json()
    assert answer["success"] is True
    assert answer["points_redeemed"] == 150 and answer["points_earned"] == 20
    assert sorted(r["identifier"] for r in answer["redemptions"]) == ["5_dollar_off", "discount_free_coffee"]
    assert john.points == 240 - 150 + 20


def test_a_discount_naming_no_reward_has_no_loyalty_effect(pos, vendor):
    answer = pos.post("/order", json=order("R-3", discounts=[{"id": "staff_discount", "amount": 1}])).json()
    assert answer["success"] is True and answer["points_redeemed"] == 0
    assert vendor.customer("regular").points == 250


def test_insufficient_balance_is_a_200_failure_and_changes_nothing(pos, vendor):
    light = vendor.customer("light")  # 30 points
    body = order("R-4", card=light.email, discounts=[{"id": "discount_free_coffee"}])
    text = failed(pos.post("/order", json=body))
    assert "Insufficient loyalty balance: 50 points needed, 30 available" in text
    assert light.points == 30
    assert not [o for o in vendor.orders if o.receipt_number == "R-4"]
    # the same receipt, fixed (no reward), goes through: nothing was half-recorded
    assert pos.post("/order", json=order("R-4", card=light.email)).json()["success"] is True


def test_at_most_one_order_level_reward(pos, vendor):
    body = order("R-5", discounts=[{"id": "5_dollar_off"}, {"id": "10_percent_off"}])
    assert "Only one order-level reward" in failed(pos.post("/order", json=body))
    assert vendor.customer("regular").points == 240


def test_duplicate_receipt_number_is_refused(ssim, pos, vendor):
    assert pos.post("/order", json=order("DUP-1")).json()["success"] is True
    assert "already submitted" in failed(pos.post("/order", json=order("DUP-1", subtotal=99)))
    assert vendor.customer("regular").points == 250  # earned once
    with client_for(ssim, index=1) as airport:  # receipt numbers are per location
        assert airport.post("/order", json=order("DUP-1")).json()["success"] is True


def test_unknown_customer_on_an_order_is_a_200_failure(pos):
    assert "No customer" in failed(pos.post("/order", json=order("R-6", card="ghost@example.com")))


# -- gift card and Loyalty Pay -----------------------------------------------------------------
def test_gift_card_debit_credit_and_short_balance(pos, vendor):
    light = vendor.customer("light")  # 5.00
    body = {"card_number": light.card_number, "till": 1, "amount": -7.5, "date": 1768471200}
    text = failed(pos.post("/order", json=body))
    assert "Insufficient gift card balance: 7.50 requested, 5.00 available" in text
    assert light.quick_pay == Decimal("5.00")
    credit = pos.post("/order", json={**body, "amount": 10}).json()
    assert credit["success"] is True and credit["quick_pay_balance"]["amount"] == 15.0
    debit = pos.post("/order", json=body).json()
    assert debit["success"] is True and debit["quick_pay_balance"]["amount"] == 7.5


def test_loyalty_pay_converts_points_and_can_run_short(pos, vendor):
    light = vendor.customer("light")  # 30 points: $3.00 at 10 points per unit
    text = failed(pos.post("/order/payments/loyalty", json={"card_number": light.email, "amount": 3.01}))
    assert "31 points needed, 30 available" in text
    paid = pos.post("/order/payments/loyalty", json={"card_number": light.email, "amount": 3}).json()
    assert paid["success"] is True and paid["points"] == 30 and light.points == 0


# -- voids -------------------------------------------------------------------------------------
def test_void_reverts_earn_and_burn(pos, vendor):
    john = vendor.customer("regular")
    body = order("V-1", subtotal=30, discounts=[{"id": "5_dollar_off"}])
    assert pos.post("/order", json=body).json()["success"] is True
    assert john.points == 240 - 100 + 30
    voided = pos.request("DELETE", "/order", json={"receipt": "V-1"}).json()
    assert voided["success"] is True and voided["status"]["name"] == "Voided"
    assert voided["points_reverted"] == 30 and voided["points_restored"] == 100
    assert john.points == 240
    assert "already voided" in failed(pos.request("DELETE", "/order", json={"receipt": "V-1"}))


def test_void_of_a_gift_card_transaction_by_reference(pos, vendor):
    john = vendor.customer("regular")
    gift = pos.post("/order", content=SEED_GIFT_CARD, headers=JSON).json()
    assert john.quick_pay == Decimal("15.00")
    voided = pos.request("DELETE", "/order", json={"receipt": gift["reference_number"]}).json()
    assert voided["success"] is True and john.quick_pay == Decimal("25.00")


def test_unknown_receipt_and_another_locations_receipt(ssim, pos):
    assert "No order with receipt" in failed(pos.request("DELETE", "/order", json={"receipt": "NOPE"}))
    assert pos.post("/order", json=order("LOC-1")).json()["success"] is True
    with client_for(ssim, index=1) as airport:
        assert "No order with receipt" in failed(airport.request("DELETE", "/order", json={"receipt": "LOC-1"}))


def test_voids_follow_creation_order_per_customer_per_location(ssim, pos, vendor):
    for receipt in ("A", "B", "C"):
        assert pos.post("/order", json=order(receipt)).json()["success"] is True
    assert pos.request("DELETE", "/order", json={"receipt": "B"}).json()["success"] is True
    text = failed(pos.request("DELETE", "/order", json={"receipt": "A"}))
    assert "Orders must be voided in the order they are created for each customer, for each location" in text
    assert "order A was created before order B" in text
    assert pos.request("DELETE", "/order", json={"receipt": "C"}).json()["success"] is True
    assert vendor.customer("regular").points == 240 + 10  # A still counts


def test_void_ordering_is_per_customer(pos, vendor):
    light = vendor.customer("light")
    assert pos.post("/order", json=order("J-1")).json()["success"] is True
    assert pos.post("/order", json=order("L-1", card=light.email)).json()["success"] is True
    assert pos.post("/order", json=order("J-2")).json()["success"] is True
    assert pos.request("DELETE", "/order", json={"receipt": "L-1"}).json()["success"] is True
    # J-1 was created before L-1, but L-1 is another customer's: not in J-1's sequence
    assert pos.request("DELETE", "/order", json={"receipt": "J-1"}).json()["success"] is True


def test_void_ordering_is_per_location(ssim, pos):
    with client_for(ssim, index=1) as airport:
        assert pos.post("/order", json=order("D-1")).json()["success"] is True
        assert airport.post("/order", json=order("AP-1")).json()["success"] is True
        assert airport.request("DELETE", "/order", json={"receipt": "AP-1"}).json()["success"] is True
    assert pos.request("DELETE", "/order", json={"receipt": "D-1"}).json()["success"] is True
