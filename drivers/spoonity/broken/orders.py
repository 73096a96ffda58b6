"""Broken Spoonity integrations: submitting the order (ORDER-01) and handling its rejection (ORDER-02)."""

from __future__ import annotations

import secrets
from typing import Any

from poscert.drivers.contract import NOT_ENOUGH_POINTS, OrderView, PaymentOutcome
from poscert.drivers.spoonity.broken.registry import breaks
from poscert.drivers.spoonity.client import SpoonityUnavailable, error_code, error_message, succeeded
from poscert.drivers.spoonity.integration import DUPLICATE_RECEIPT, Session, dollars
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS
from poscert.drivers.till import Pending

RESOLVED = "Once the order has been completed and resolved inside your application, you can submit it (004)"
WHOLE = "The Spoonity API is only capable of processing whole orders. (004); the catalog lists the fields"
SUBTOTAL = "subtotal: the only value used to compute points earned (developers.spoonity.com/order, api-notes)"
REWARD = (
    "Our platform will automatically apply any relevant loyalty rules as part of the order processing step. (004); "
    "a reward is a discount naming the spending rule (api-notes)"
)
NOT_UNCHANGED = "the order is not resubmitted unchanged (catalog); it is [...] immutable (004)"
NOTHING_LOST = "Your application must be able to handle these kinds of failures. (004); nothing is lost (catalog)"


# -- SPOON-ORDER-01 ---------------------------------------------------------------------------
@breaks("SPOON-ORDER-01", guide=RESOLVED)
class SubmitsBeforeTheCardAnswers(SpoonityKiosk):
    """Submits the order when the customer taps "pay", before the card terminal answers: declined orders go too."""

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        visit = self._current()
        if visit.order.is_open and visit.card_number and outcome is not PaymentOutcome.APPROVED:
            self.spoonity.call(visit.location, "POST", "/order", json=self._order_body(visit))
        return super().pay(outcome)


@breaks("SPOON-ORDER-01", guide=RESOLVED)
class SubmitsBeforeGiftCardDebit(SpoonityPOS):
    """Submits the order first and debits the gift card after: Spoonity has an order whose payment may yet fail."""

    def pay_with_gift_card(self) -> OrderView:
        visit = self._current()
        if visit.order.is_open and visit.card_number and visit.order.total:
            visit.order.payment_method = "GIFT_CARD"
            try:
                self.spoonity.call(visit.location, "POST", "/order", json=self._order_body(visit))
            except SpoonityUnavailable:
                pass  # the order goes again, under the same receipt number, once the debit is taken
        view = super().pay_with_gift_card()  # the debit; then the order again, which Spoonity already holds
        if (placed := self._placed.get(visit.order.order_id)) is not None:
            placed.receipts.sort(key=lambda receipt: receipt.endswith("-GC"))  # as created: the order first
        return view


@breaks("SPOON-ORDER-01")
class TicketPerTap(SpoonityKiosk):
    """Numbers a new ticket at each tap on "pay": a second tap submits the paid order again, as another order."""

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        visit = self._current()
        if visit.order.status == "paid" and outcome is PaymentOutcome.APPROVED and visit.card_number:
            visit.order.order_id = f"{visit.location}-{secrets.token_hex(5)}"
            self._settle(visit)
            return visit.order.view()
        return super().pay(outcome)


@breaks("SPOON-ORDER-01", guide=WHOLE)
class NoCashier(SpoonityKiosk):
    """Leaves the cashier out of the order (the schema does not require it, and a kiosk has no staff member)."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        body = super()._order_body(visit)
        del body["cashier"]
        return body


@breaks("SPOON-ORDER-01", guide=WHOLE)
class LinesWithoutOptions(SpoonityPOS):
    """Sends each product without the options chosen on it: the order Spoonity holds is not the one sold."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        body = super()._order_body(visit)
        for item in body["line_items"]:
            item["price"] = round(item["price"] + sum(m["price"] for m in item["modifiers"]), 2)
            item["modifiers"] = []
        return body


@breaks("SPOON-ORDER-01", guide=WHOLE)
class LinePricesInCents(SpoonityPOS):
    """Sends each line's price and its options' prices in cents, as the till keeps them, though the order's
    subtotal and total are in currency units: the items Spoonity holds cost a hundred times what was sold."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        body = super()._order_body(visit)
        for item in body["line_items"]:
            item["price"] = round(item["price"] * 100)
            for modifier in item["modifiers"]:
                modifier["price"] = round(modifier["price"] * 100)
        return body


@breaks("SPOON-ORDER-01", guide=SUBTOTAL)
class SubtotalBeforeRewards(SpoonityKiosk):
    """Sends the amount before rewards as the subtotal: the customer earns points on what the rewards paid for."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        body = super()._order_body(visit)
        body["subtotal"] = dollars(visit.order.subtotal)
        return body


@breaks("SPOON-ORDER-01", guide=REWARD)
class RewardNamedByTitle(SpoonityPOS):
    """Names each reward's discount by its title, not its spending rule: Spoonity gives the reward without burning it."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        body = super()._order_body(visit)
        for discount in [*body["discounts"], *(d for item in body["line_items"] for d in item["discounts"])]:
            discount["id"] = discount["name"]
        return body


# -- SPOON-ORDER-02 ---------------------------------------------------------------------------
@breaks("SPOON-ORDER-02", guide=NOT_UNCHANGED)
class ResubmitsRejectedUnchanged(SpoonityKiosk):
    """Retries a refused order once as it is, as if Spoonity had failed, before handling the refusal."""

    def _deliver(self, pending: Pending) -> bool | None:
        try:
            answer = self.spoonity.call(pending.tenant, "POST", "/order", json=pending.payload["order"])
        except SpoonityUnavailable:
            return None
        if succeeded(answer):
            self._placed[pending.payload["order_id"]].taken = True
            return True
        return super()._deliver(pending)


@breaks("SPOON-ORDER-02", guide=NOT_UNCHANGED)
class ResubmitsUnderNewReceipt(SpoonityPOS):
    """Sends a refused order again under a new receipt number, rewards and all, and gives up when it is refused again."""

    def _deliver(self, pending: Pending) -> bool | None:
        sent = pending.payload["order"]
        try:
            answer = self.spoonity.call(pending.tenant, "POST", "/order", json=sent)
            if succeeded(answer) or error_code(answer) == DUPLICATE_RECEIPT:
                self._placed[pending.payload["order_id"]].taken = True
                return True
            order = self._placed[pending.payload["order_id"]].order
            order.tell(f"Spoonity refused the order: {error_message(answer)}", NOT_ENOUGH_POINTS)
            renamed = {**sent, "receipt_number": f"{sent['receipt_number']}-R"}
            return succeeded(self.spoonity.call(pending.tenant, "POST", "/order", json=renamed))
        except SpoonityUnavailable:
            return None


@breaks("SPOON-ORDER-02", guide=NOTHING_LOST)
class DropsRejectedOrders(SpoonityKiosk):
    """Shows Spoonity's refusal and drops the order: the customer earns nothing for what they paid."""

    def _deliver(self, pending: Pending) -> bool | None:
        try:
            answer = self.spoonity.call(pending.tenant, "POST", "/order", json=pending.payload["order"])
        except SpoonityUnavailable:
            return None
        placed = self._placed[pending.payload["order_id"]]
        placed.taken = succeeded(answer)
        if not placed.taken:
            placed.order.tell(f"Spoonity refused the order: {error_message(answer)}", NOT_ENOUGH_POINTS)
        return placed.taken


@breaks("SPOON-ORDER-02", guide=NOTHING_LOST)
class OrderAnswer200IsTaken(SpoonityPOS):
    """Reads an order's HTTP 200 as taken, although Spoonity answers refusals on a 200 with `success: false`."""

    def _deliver(self, pending: Pending) -> bool | None:
        try:
            answer = self.spoonity.call(pending.tenant, "POST", "/order", json=pending.payload["order"])
        except SpoonityUnavailable:
            return None
        self._placed[pending.payload["order_id"]].taken = answer.is_success
        return answer.is_success


@breaks("SPOON-ORDER-02")
class HidesTheRejection(SpoonityKiosk):
    """Sends a refused order again without its rewards, as the reference does, but never tells the customer."""

    def _deliver(self, pending: Pending) -> bool | None:
        taken = super()._deliver(pending)
        order = self._placed[pending.payload["order_id"]].order
        order.notices.discard(NOT_ENOUGH_POINTS)
        order.messages = [m for m in order.messages if not m.startswith("Spoonity refused")]
        return taken
