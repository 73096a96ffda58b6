"""What every reference Spoonity integration does: check in, build and pay the order, submit it once, void.

A visit follows Spoonity's ordering workflow (seed 004): the customer is checked in (POST /onscreen
makes a POS session, GET /onscreen shows their balances and eligible rewards); the order is built and
its payment resolved in our till (card; gift card debit through POST /order; Loyalty Pay); only then
is the whole order submitted, once, with POST /order; the spent session is closed with DELETE
/onscreen when the merchant turned automatic clean-up off. A rejected order (HTTP 200, `success:
false`) is shown and never resent unchanged: a refused reward leaves the order and the order is sent
without it, so the customer still earns. A paid order Spoonity did not take is kept and resent with
the same receipt number. Voids go out in creation order for each customer at each location.

`reference.py` builds the POS on `SpoonityReference`.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from poscert.drivers.contract import (
    CUSTOMER_NOT_FOUND,
    LOYALTY_UNAVAILABLE,
    NOT_ENOUGH_POINTS,
    ORDER_PENDING_SYNC,
    REWARD_NOT_USABLE,
    LoyaltyScreen,
    OrderView,
    PaymentOutcome,
    ShownReward,
)
from poscert.drivers.order import Order, Voucher, receipt_text
from poscert.drivers.spoonity.client import (
    SpoonityClient,
    SpoonityUnavailable,
    body,
    error_code,
    error_message,
    succeeded,
)
from poscert.drivers.spoonity.contract import Connection
from poscert.drivers.till import Pending, Till, Visit

log = logging.getLogger("poscert.integration.spoonity")

UNAVAILABLE = "Loyalty is unavailable right now; your order can go on."
PERKS = "/vendor/perk/redemption/list"
ITEM_PREFIX = "discount_"  # item rewards' catalog identifiers (4SoftPOS's set-up guide)
DOLLAR_OFF = re.compile(r"^(\d+)_dollars?_off$")
PERCENT_OFF = re.compile(r"^(\d+)_percent_off$")
# Business failure codes of the order calls that a changed order can fix (not our own mistakes).
REFUSED_REWARDS = {1001, 1003, 1004}  # insufficient points, reward not available, two order-level rewards
DUPLICATE_RECEIPT = 1005  # already taken: a resend whose first answer was lost


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def typed_phone(typed: str) -> str:
    """Separators dropped, a leading + kept (Spoonity matches E.164 or the national digits)."""
    digits = re.sub(r"\D", "", typed)
    return "+" + digits if typed.strip().startswith("+") else digits


def till_number(location: str) -> int:
    found = re.search(r"(\d+)$", location)
    return int(found.group(1)) if found else 1


@dataclass
class Session(Visit):
    """A visit with Spoonity's side of it: the POS session, the customer, the rewards they may use."""

    pos_session: str | None = None  # the session hash, while open
    card_number: str | None = None  # the identifier the customer was checked in with
    details: dict[str, Any] | None = None  # GET /onscreen
    points: int | None = None  # the balance read with the details: what redemptions are checked against
    known: dict[str, ShownReward] = field(default_factory=dict)  # rewards shown, by catalog identifier
    item_rewards: dict[str, int] = field(default_factory=dict)  # item reward identifier → index of its line
    paid_before: list[str] = field(default_factory=list)  # receipts of payments made in Spoonity (gift card)


@dataclass
class Placed:
    """A paid order: what was sent (or is to be sent) to Spoonity under which receipt numbers, in order."""

    order: Order
    location: str
    card_number: str | None
    receipts: list[str]  # creation order: the gift card debit (if any), then the order
    taken: bool = False


class SpoonityReference(Till[Session]):
    platform: ClassVar[str] = "spoonity"
    client: ClassVar[type[SpoonityClient]] = SpoonityClient  # how it talks to Spoonity (a case may change only that)

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection
        self.spoonity = self.client(connection)
        self._placed: dict[str, Placed] = {}  # order id → placed order, in creation order

    def close(self) -> None:
        self.spoonity.close()

    def _new_visit(self, location: str, order: Order) -> Session:
        if self._visit_now is not None:
            self._end(self._current())  # the previous customer left
        return Session(location, order)

    def _call(self, visit: Session, method: str, path: str, **kwargs: Any):
        return self.spoonity.call(visit.location, method, path, **kwargs)

    # -- the customer ---------------------------------------------------------------------------
    def identify_by_card(self, card_number: str) -> LoyaltyScreen:
        return self._check_in(re.sub(r"\s", "", card_number))

    def identify_by_email(self, email: str) -> LoyaltyScreen:
        return self._check_in(email.strip())

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        return self._check_in(typed_phone(phone))

    def identify_by_token(self, scanned: str) -> LoyaltyScreen:
        return self._check_in(scanned.strip())

    def _check_in(self, identifier: str) -> LoyaltyScreen:
        """POST /onscreen (a POS session), then GET /onscreen: the customer, balances, eligible rewards."""
        visit = self._visit()
        self._forget_customer(visit)
        try:
            opened = self._call(visit, "POST", "/onscreen", json={"card_number": identifier})
            if opened.status_code == 404:
                return self._show(
                    visit, LoyaltyScreen(messages=["No customer with this card."], notices={CUSTOMER_NOT_FOUND})
                )
            if opened.status_code != 201:
                log.warning("check-in refused: %s", opened.status_code)
                return self._show(visit, LoyaltyScreen(messages=[error_message(opened)]))
            visit.pos_session = body(opened)["pos_session"]["hash"]
            visit.card_number = identifier
            details = self._call(visit, "GET", "/onscreen", params={"pos_session_hash": visit.pos_session})
        except SpoonityUnavailable:
            return self._show(visit, LoyaltyScreen(messages=[UNAVAILABLE], notices={LOYALTY_UNAVAILABLE}))
        if details.status_code != 200:
            log.warning("session details refused: %s", details.status_code)
            return self._show(visit, LoyaltyScreen(messages=[error_message(details)]))
        visit.details = body(details)
        visit.points = points_of(visit.details)
        return self._show(visit, self._customer_screen(visit))

    def _customer_screen(self, visit: Session) -> LoyaltyScreen:
        details = visit.details or {}
        user = details.get("user") or {}
        points = points_of(details)
        rewards = []
        for rule in ((details.get("rules") or {}).get("spending") or {}).get("data") or []:
            reward = self._reward(rule, rule.get("name", ""), rule.get("available", 1) > 0)
            visit.known[reward.id] = reward
            rewards.append(reward)
        name = " ".join(str(p) for p in (user.get("first_name"), user.get("last_name")) if p) or None
        messages = []
        quick_pay = (details.get("quick_pay_balance") or {}).get("amount")
        if quick_pay is not None:
            messages.append(f"Gift card balance: {float(quick_pay):.2f}")
        return LoyaltyScreen(str(user["id"]) if "id" in user else None, name, points, rewards, messages=messages)

    @staticmethod
    def _reward(rule: dict[str, Any], title: str, redeemable: bool) -> ShownReward:
        identifier = str((rule.get("catalog") or {}).get("identifier") or "")
        kind = "item" if identifier.startswith(ITEM_PREFIX) else "order"
        return ShownReward(identifier, title, cost=rule.get("cost"), type=kind, redeemable=redeemable)

    def _show(self, visit: Session, screen: LoyaltyScreen) -> LoyaltyScreen:
        visit.screen = screen
        return screen

    def _forget_customer(self, visit: Session) -> None:
        """Another customer steps in: the previous one's session is closed, their rewards leave the order."""
        self._end(visit)
        visit.card_number, visit.details, visit.known, visit.points = None, None, {}, None
        self._drop_rewards(visit)

    def reward_list(self) -> list[ShownReward]:
        visit = self._current()
        try:
            answer = self._call(visit, "GET", PERKS)
        except SpoonityUnavailable:
            visit.order.tell(UNAVAILABLE, LOYALTY_UNAVAILABLE)
            return []
        if answer.status_code != 200:
            log.warning("perk list refused: %s", answer.status_code)
            return []
        balance = visit.points
        shown = []
        for perk in body(answer).get("data") or []:
            affordable = balance is not None and perk.get("cost", 0) <= balance
            reward = self._reward(perk, perk.get("name", ""), affordable)
            if reward.id:
                visit.known.setdefault(reward.id, reward)
                shown.append(reward)
        return shown

    # -- the order --------------------------------------------------------------------------------
    def add_reward(self, reward_id: str) -> OrderView:
        visit = self._current()
        order = visit.order
        if visit.card_number is None:
            raise ValueError("check the customer in first")
        if not order.is_open:
            raise ValueError("the order is closed")
        reward = visit.known.get(reward_id)
        if reward is None:
            order.tell("This reward is not offered to this customer.", REWARD_NOT_USABLE)
            return order.view()
        if any(v.won_reward_id == reward_id for v in order.vouchers):
            return order.view()  # already on the order
        spent = sum(visit.known[v.won_reward_id].cost or 0 for v in order.vouchers if v.won_reward_id in visit.known)
        balance = visit.points or 0
        if (reward.cost or 0) + spent > balance:
            order.tell(f"{reward.title} needs {reward.cost} points; {balance - spent} left.", NOT_ENOUGH_POINTS)
            return order.view()
        add = self._item_voucher if reward.type == "item" else self._order_voucher
        if (voucher := add(visit, reward)) is not None:
            order.vouchers.append(voucher)
        return order.view()

    def _item_voucher(self, visit: Session, reward: ShownReward) -> Voucher | None:
        """An item reward frees one line of the product it names ("Free Coffee": a Coffee); options stay paid."""
        wanted = reward.id.removeprefix(ITEM_PREFIX).removeprefix("free_").replace("_", " ").casefold()
        taken = set(visit.item_rewards.values())
        for index, line in enumerate(visit.order.lines):
            if index not in taken and wanted and wanted in line.name.casefold():
                visit.item_rewards[reward.id] = index
                return Voucher(reward.id, reward.id, reward.title, False, line.unit_price)
        visit.order.tell(f"Add the product of {reward.title} to the order first.", REWARD_NOT_USABLE)
        return None

    def _order_voucher(self, visit: Session, reward: ShownReward) -> Voucher | None:
        """At most one order-level reward: its value is read from its identifier (`5_dollar_off`, `10_percent_off`)."""
        order = visit.order
        if any(v.won_reward_id not in visit.item_rewards for v in order.vouchers):
            order.tell("Only one order reward per order.", REWARD_NOT_USABLE)
            return None
        if found := DOLLAR_OFF.match(reward.id):
            return Voucher(reward.id, reward.id, reward.title, False, int(found.group(1)) * 100)
        if found := PERCENT_OFF.match(reward.id):
            return Voucher(reward.id, reward.id, reward.title, True, int(found.group(1)))
        order.tell(f"{reward.title} is not a reward this till can apply.", REWARD_NOT_USABLE)
        return None

    def _drop_rewards(self, visit: Session) -> None:
        visit.order.vouchers = []
        visit.item_rewards = {}

    # -- payment ----------------------------------------------------------------------------------
    def pay(self, outcome: PaymentOutcome) -> OrderView:
        visit = self._current()
        if visit.order.is_open and outcome is PaymentOutcome.APPROVED:
            visit.order.payment_method = "CARD"
        return super().pay(outcome)

    def pay_with_gift_card(self) -> OrderView:
        """A debit (negative amount) of the whole total through POST /order, reconciled by its receipt number."""
        visit = self._current()
        order = visit.order
        if not self._payable_in_spoonity(visit):
            return order.view()
        receipt = f"{order.order_id}-GC"
        debit = {
            "card_number": visit.card_number,
            "till": till_number(visit.location),
            "receipt_number": receipt,
            "amount": -dollars(order.total),
            "date": int(time.time()),
        }
        if order.total == 0:
            return self._paid_in_spoonity(visit, "GIFT_CARD", None)
        return self._pay_in_spoonity(visit, "/order", debit, "GIFT_CARD", receipt, None)

    def pay_with_loyalty(self) -> OrderView:
        """Loyalty Pay: POST /order/payments/loyalty converts points to the total's cash value."""
        visit = self._current()
        order = visit.order
        if not self._payable_in_spoonity(visit):
            return order.view()
        if order.total == 0:
            return self._paid_in_spoonity(visit, "LOYALTY_PAY", None)
        payment = {"card_number": visit.card_number, "amount": dollars(order.total)}
        return self._pay_in_spoonity(visit, "/order/payments/loyalty", payment, "LOYALTY_PAY", None, NOT_ENOUGH_POINTS)

    @staticmethod
    def _payable_in_spoonity(visit: Session) -> bool:
        """An open order of a checked-in customer: a paid one is not paid twice (a second tap does nothing)."""
        if not visit.order.is_open:
            return False
        if visit.card_number is None:
            raise ValueError("check the customer in first")
        return True

    def _pay_in_spoonity(
        self, visit: Session, path: str, payload: dict[str, Any], method: str, receipt: str | None, short: str | None
    ) -> OrderView:
        order = visit.order
        try:
            answer = self._call(visit, "POST", path, json=payload)
        except SpoonityUnavailable:
            order.tell(UNAVAILABLE, LOYALTY_UNAVAILABLE)
            return super().pay(PaymentOutcome.DECLINED)
        if not succeeded(answer):
            order.tell(error_message(answer, "The payment was refused."), short)
            return super().pay(PaymentOutcome.DECLINED)
        return self._paid_in_spoonity(visit, method, receipt)

    def _paid_in_spoonity(self, visit: Session, method: str, receipt: str | None) -> OrderView:
        visit.order.payment_method = method
        if receipt:
            visit.paid_before.append(receipt)
        return super().pay(PaymentOutcome.APPROVED)

    def close_session(self) -> None:
        self._end(self._current())

    def _end(self, visit: Session) -> None:
        """Close the visit's POS session, unless the merchant's automatic clean-up does."""
        hash_, visit.pos_session = visit.pos_session, None
        if hash_ is None or self.connection.auto_clean_up:
            return
        try:
            answer = self._call(visit, "DELETE", "/onscreen", json={"pos_session_hash": hash_})
            if answer.status_code not in (200, 410):
                log.warning("session close refused: %s", answer.status_code)
        except SpoonityUnavailable as error:
            log.warning("session close failed: %s", error)

    # -- after payment ------------------------------------------------------------------------------
    def _settle(self, visit: Visit) -> None:
        assert isinstance(visit, Session)
        order = visit.order
        receipts = [*visit.paid_before, order.order_id]
        self._placed[order.order_id] = Placed(order, visit.location, visit.card_number, receipts)
        if visit.card_number is not None:
            pending = Pending(visit.location, {"order_id": order.order_id, "order": self._order_body(visit)})
            taken = self._deliver(pending)
            if taken is None:
                self._pending.append(pending)
                order.tell("Your points will be added shortly.", ORDER_PENDING_SYNC)
            self._end(visit)  # spent: closed now unless the platform's clean-up does it
        loyalty = f"Spoonity customer {visit.screen.customer_id}" if visit.card_number else "No loyalty"
        self._printed = receipt_text(order, loyalty)

    def _deliver(self, pending: Pending) -> bool | None:
        """POST /order, the whole order once. Refused rewards: the order is sent again without them (changed)."""
        order_id = pending.payload["order_id"]
        placed = self._placed[order_id]
        sent = pending.payload["order"]
        try:
            answer = self.spoonity.call(pending.tenant, "POST", "/order", json=sent)
            if succeeded(answer) or error_code(answer) == DUPLICATE_RECEIPT:
                placed.taken = True
                return True
            message = error_message(answer)
            log.error("order %s refused: %s", order_id, message)
            rewarded = sent["discounts"] or any(item["discounts"] for item in sent["line_items"])
            if error_code(answer) in REFUSED_REWARDS and rewarded:
                order = placed.order
                owed = order.discount
                order.remove_rewards()  # what Spoonity will hold: the order without the refused rewards
                order.tell(
                    f"Spoonity refused the reward: {message} The order was sent without it; "
                    f"the customer owes {dollars(owed):.2f} more.",
                    NOT_ENOUGH_POINTS,
                )
                retried = self.spoonity.call(pending.tenant, "POST", "/order", json=without_rewards(sent))
                placed.taken = succeeded(retried)
                if not placed.taken:
                    placed.order.tell(error_message(retried))
                return placed.taken
            placed.order.tell(f"Spoonity refused the order: {message}")
            return False
        except SpoonityUnavailable as error:
            log.warning("order %s kept to resend: %s", order_id, error)
            return None

    # -- voids ---------------------------------------------------------------------------------------
    def void_orders(self, order_ids: list[str]) -> list[OrderView]:
        unknown = [order_id for order_id in order_ids if order_id not in self._placed]
        if unknown:
            raise ValueError(f"no paid order {', '.join(unknown)}")
        wanted = set(order_ids)
        # Creation order: `_placed` keeps the orders as they were paid, each one's receipts as they were made.
        for order_id, placed in self._placed.items():
            if order_id not in wanted or placed.order.status == "voided":
                continue
            self._void(order_id, placed)
        return [self._placed[order_id].order.view() for order_id in order_ids]

    def _void(self, order_id: str, placed: Placed) -> None:
        order = placed.order
        waiting = [p for p in self._pending if p.payload["order_id"] == order_id]
        if waiting:  # Spoonity never took it: nothing to revert there
            self._pending = [p for p in self._pending if p not in waiting]
        receipts = placed.receipts if placed.taken else placed.receipts[:-1]
        for receipt in receipts:
            try:
                answer = self.spoonity.call(placed.location, "DELETE", "/order", json={"receipt": receipt})
            except SpoonityUnavailable:
                order.tell(f"Void of {receipt} could not reach Spoonity; try again.", LOYALTY_UNAVAILABLE)
                return
            if not succeeded(answer):
                order.tell(f"Void of {receipt} refused: {error_message(answer)}")
                return
        order.status = "voided"

    # -- wire -----------------------------------------------------------------------------------------
    def _cashier(self, visit: Session) -> dict[str, str]:
        """Who rang the order up: the staff member at a POS (the kiosk names itself, having none)."""
        return {"id": visit.location, "name": f"Staff at {visit.location}"}

    def _order_body(self, visit: Session) -> dict[str, Any]:
        """The whole, resolved order as POST /order takes it; `subtotal` (what points are earned on) is
        the amount after rewards, before taxes (prices include no tax here, so `taxes` is empty)."""
        order = visit.order
        rewards_by_line = {index: rid for rid, index in visit.item_rewards.items()}
        vouchers = {v.won_reward_id: v for v in order.vouchers}
        line_items = []
        for index, line in enumerate(order.lines):
            discounts = []
            if (rid := rewards_by_line.get(index)) in vouchers:
                voucher = vouchers[rid]
                discounts.append({"id": rid, "name": voucher.title, "amount": dollars(voucher.value)})
            line_items.append(
                {
                    "id": line.sku,
                    "name": line.name,
                    "categories": [],
                    "discounts": discounts,
                    "price": dollars(line.unit_price),
                    "quantity": line.quantity,
                    "modifiers": [
                        {"id": option.sku, "name": option.name, "price": dollars(option.price)}
                        for option in line.options
                    ],
                }
            )
        subtotal = order.subtotal
        order_discounts = [
            {"id": v.won_reward_id, "name": v.title, "amount": dollars(v.discount(subtotal))}
            for v in order.vouchers
            if v.won_reward_id not in visit.item_rewards
        ]
        total = dollars(order.total)
        return {
            "card_number": visit.card_number,
            "till": till_number(visit.location),
            "receipt_number": order.order_id,
            "subtotal": total,
            "taxes": [],
            "total": total,
            "payment_method": order.payment_method.upper(),
            "date": int(time.time()),
            "cashier": self._cashier(visit),
            "line_items": line_items,
            "discounts": order_discounts,
        }


def points_of(details: dict[str, Any]) -> int | None:
    """The points balance in GET /onscreen's answer: the first loyalty balance."""
    balances = (details.get("loyalty_balance") or {}).get("data") or [{}]
    return balances[0].get("amount")


def without_rewards(sent: dict[str, Any]) -> dict[str, Any]:
    """The same order with its rewards removed: the customer earns on the full subtotal, burns nothing."""
    items = [{**item, "discounts": []} for item in sent["line_items"]]
    full = round(
        sum(
            item["price"] * item["quantity"] + sum(m["price"] for m in item["modifiers"]) * item["quantity"]
            for item in items
        ),
        2,
    )
    return {**sent, "line_items": items, "discounts": [], "subtotal": full, "total": full}
