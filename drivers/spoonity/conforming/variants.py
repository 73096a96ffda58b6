"""Conforming Spoonity variants, in the order of the requirements they satisfy: each is the reference doing one
thing another way the guide allows."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx

from poscert.drivers.contract import (
    LOYALTY_UNAVAILABLE,
    NOT_ENOUGH_POINTS,
    LoyaltyScreen,
    OrderView,
    PaymentOutcome,
    ShownReward,
)
from poscert.drivers.spoonity.client import SpoonityClient, SpoonityUnavailable, body, error_message, succeeded
from poscert.drivers.spoonity.conforming.registry import conforms
from poscert.drivers.spoonity.integration import PERKS, UNAVAILABLE, Placed, Session, points_of
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS

ANY_IDENTIFIER = (
    "the customer may also be identified using an on-device identifier such as a barcode or token (004); the example "
    'checks in with "card_number": "john.smith@example.com" (004)'
)
SEED_GIFT_CARD = (
    'curl [...] -d \'{"card_number": "john.smith@example.com", "till": 1, "amount": -10.00, "date": 1416240444}\' (004)'
)
SEED_DATE = '"date": "1422901482" (004, the order example)'
RESOLVED = "Once the order has been completed and resolved inside your application, you can submit it (004)"
WHENEVER_POSSIBLE = "Whenever possible, completed or previously-created POS sessions should be closed. (004)"
SEED_VOID = 'curl [...] --request DELETE -d \'{"receipt": "{reference_number}"}\' (004)'


# -- SPOON-ID-01 ------------------------------------------------------------------------------
@conforms("SPOON-ID-01", guide=ANY_IDENTIFIER)
class OrdersUnderTheEmail(SpoonityPOS):
    """Names the customer by the email GET /onscreen returned on the order and payments, whatever was typed."""

    def _check_in(self, identifier: str) -> LoyaltyScreen:
        screen = super()._check_in(identifier)
        visit = self._current()
        email = ((visit.details or {}).get("user") or {}).get("email_address")
        if visit.card_number is not None and email:
            visit.card_number = email
        return screen


# -- SPOON-REW-01 -----------------------------------------------------------------------------
@conforms("SPOON-REW-01")
class ReadsPerkListAtCheckIn(SpoonityKiosk):
    """Reads the merchant's full reward list once, at check-in, and shows it from there."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self._perks: list[dict[str, Any]] = []

    def _check_in(self, identifier: str) -> LoyaltyScreen:
        screen = super()._check_in(identifier)
        visit = self._current()
        if visit.details is not None:
            try:
                answer = self._call(visit, "GET", PERKS)
                self._perks = body(answer).get("data") or [] if answer.status_code == 200 else []
            except SpoonityUnavailable:
                self._perks = []
        return screen

    def reward_list(self) -> list[ShownReward]:
        if not self._perks:
            return super().reward_list()
        visit = self._current()
        points = visit.points or 0
        shown = [self._reward(p, p.get("name", ""), p.get("cost", 0) <= points) for p in self._perks]
        for reward in shown:
            visit.known.setdefault(reward.id, reward)
        return shown


# -- SPOON-PAY-01 -----------------------------------------------------------------------------
@conforms("SPOON-PAY-01", guide=SEED_GIFT_CARD)
class GiftCardDebitAsTheSeedWritesIt(SpoonityKiosk):
    """Debits the gift card with the guide's own body (no receipt number), and voids it by the reference number
    Spoonity answered."""

    def _pay_in_spoonity(self, visit: Session, path: str, payload: dict[str, Any], method, receipt, short):
        if path != "/order":
            return super()._pay_in_spoonity(visit, path, payload, method, receipt, short)
        debit = {key: value for key, value in payload.items() if key != "receipt_number"}
        try:
            answer = self._call(visit, "POST", path, json=debit)
        except SpoonityUnavailable:
            # Told and declined, never sent again: the lost answer may hide a debit Spoonity made.
            visit.order.tell(UNAVAILABLE, LOYALTY_UNAVAILABLE)
            return self.pay(PaymentOutcome.DECLINED)
        if not succeeded(answer):
            visit.order.tell(error_message(answer, "The payment was refused."))
            return self.pay(PaymentOutcome.DECLINED)
        return self._paid_in_spoonity(visit, method, body(answer).get("reference_number"))


# -- SPOON-ORDER-01 ---------------------------------------------------------------------------
@conforms("SPOON-ORDER-01", guide=SEED_DATE)
class DateAsDigitString(SpoonityPOS):
    """Sends the order's date as a string of digits, as the guide's own order example does."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        sent = super()._order_body(visit)
        return {**sent, "date": str(sent["date"])}


@conforms("SPOON-ORDER-01")
class ItemRewardsInOrderDiscounts(SpoonityKiosk):
    """Puts every reward's discount in the order's `discounts`, item rewards too (the guide does not say where)."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        sent = super()._order_body(visit)
        moved = [d for item in sent["line_items"] for d in item["discounts"]]
        items = [{**item, "discounts": []} for item in sent["line_items"]]
        return {**sent, "line_items": items, "discounts": [*moved, *sent["discounts"]]}


# -- SPOON-ORDER-02 ---------------------------------------------------------------------------
@conforms("SPOON-ORDER-02", guide=RESOLVED)
class ChecksBalanceBeforeSubmitting(SpoonityPOS):
    """Reads the session again before submitting: rewards the points no longer cover leave the order first, and the
    customer is told, so Spoonity has nothing to refuse."""

    def _settle(self, visit: Session) -> None:
        if visit.pos_session and visit.order.vouchers:
            try:
                details = self._call(visit, "GET", "/onscreen", params={"pos_session_hash": visit.pos_session})
                points = points_of(body(details)) if details.status_code == 200 else None
            except SpoonityUnavailable:
                points = None
            cost = sum(
                visit.known[v.won_reward_id].cost or 0 for v in visit.order.vouchers if v.won_reward_id in visit.known
            )
            if points is not None and cost > points:
                visit.order.remove_rewards()
                visit.item_rewards = {}
                visit.order.tell(
                    f"The rewards need {cost} points; {points} left. Sent without them.", NOT_ENOUGH_POINTS
                )
        super()._settle(visit)


# -- SPOON-SESSION-01 -------------------------------------------------------------------------
@conforms("SPOON-SESSION-01", guide=WHENEVER_POSSIBLE)
class AlwaysClosesSessions(SpoonityKiosk):
    """Closes every spent session itself, even when the merchant's automatic clean-up is on."""

    def __init__(self, connection) -> None:
        super().__init__(replace(connection, auto_clean_up=False))


@conforms("SPOON-SESSION-01", guide=WHENEVER_POSSIBLE)
class ClosesSessionOnceRead(SpoonityPOS):
    """Closes the POS session as soon as the customer's details are read: the order names the customer, not the session."""

    def _check_in(self, identifier: str) -> LoyaltyScreen:
        screen = super()._check_in(identifier)
        visit = self._current()
        if visit.pos_session is not None:
            hash_, visit.pos_session = visit.pos_session, None
            try:
                self._call(visit, "DELETE", "/onscreen", json={"pos_session_hash": hash_})
            except SpoonityUnavailable:
                visit.pos_session = hash_  # closed later, with the visit
        return screen


# -- SPOON-VOID-01 / SPOON-VOID-02 ------------------------------------------------------------
class _RecordsOrders(SpoonityClient):
    """Keeps what Spoonity answered about each order it took: its reference number and its customer."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self.taken: dict[str, dict[str, Any]] = {}

    def call(self, location: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        answer = super().call(location, method, path, **kwargs)
        sent = kwargs.get("json") or {}
        if method == "POST" and path == "/order" and succeeded(answer) and sent.get("receipt_number"):
            self.taken[str(sent["receipt_number"])] = body(answer)
        return answer


@conforms("SPOON-VOID-01", guide=SEED_VOID)
class VoidsByReferenceNumber(SpoonityPOS):
    """Voids each order by the reference number Spoonity gave it, as the guide's own void example does."""

    client = _RecordsOrders

    def _void(self, order_id: str, placed: Placed) -> None:
        taken = self.spoonity.taken  # type: ignore[attr-defined]
        numbers = [taken.get(receipt, {}).get("reference_number") or receipt for receipt in placed.receipts]
        super()._void(order_id, replace(placed, receipts=numbers))


@conforms("SPOON-VOID-02")
class VoidsCustomerByCustomer(SpoonityKiosk):
    """Voids one customer's orders after another's (customers as picked), each customer's in creation order."""

    client = _RecordsOrders

    def void_orders(self, order_ids: list[str]) -> list[OrderView]:
        taken = self.spoonity.taken  # type: ignore[attr-defined]
        customer = {order_id: (taken.get(order_id, {}).get("user") or {}).get("id") for order_id in order_ids}
        groups: dict[Any, list[str]] = {}
        for order_id in order_ids:
            groups.setdefault(customer[order_id], [])
        for order_id in self._placed:  # creation order
            if order_id in customer:
                groups[customer[order_id]].append(order_id)
        for group in groups.values():
            super().void_orders(group)
        return [self._placed[order_id].order.view() for order_id in order_ids]
