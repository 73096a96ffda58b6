"""Broken Spoonity integrations: paying with the gift card (PAY-01) and with Loyalty Pay (PAY-02)."""

from __future__ import annotations

import time
from typing import Any

from poscert.drivers.contract import LOYALTY_UNAVAILABLE, OrderView, PaymentOutcome
from poscert.drivers.spoonity.broken.registry import breaks
from poscert.drivers.spoonity.client import SpoonityUnavailable
from poscert.drivers.spoonity.integration import UNAVAILABLE, Session, dollars, till_number
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS

DEBIT = "This request applies a debit against the customer's gift card balance [...] (004); a negative amount (catalog)"
RECONCILED = "a debit against the customer's gift card balance, which you can then reconcile against the order. (004)"
LOYALTY_PAY = "Loyalty balance payments are applied using a dedicated API endpoint. (004)"


# -- SPOON-PAY-01 -----------------------------------------------------------------------------
@breaks("SPOON-PAY-01", guide=DEBIT)
class GiftCardAsPositiveAmount(SpoonityKiosk):
    """Sends the gift card payment as a positive amount: Spoonity credits the card instead of debiting it."""

    def _pay_in_spoonity(self, visit: Session, path: str, payload: dict[str, Any], *args: Any) -> OrderView:
        if path == "/order":
            payload = {**payload, "amount": abs(payload["amount"])}
        return super()._pay_in_spoonity(visit, path, payload, *args)


@breaks("SPOON-PAY-01", guide=RECONCILED)
class GiftCardDebitOfSubtotal(SpoonityPOS):
    """Debits the gift card with the order's amount before its rewards: the customer pays for the free items."""

    def _pay_in_spoonity(self, visit: Session, path: str, payload: dict[str, Any], *args: Any) -> OrderView:
        if path == "/order":
            payload = {**payload, "amount": -dollars(visit.order.subtotal)}
        return super()._pay_in_spoonity(visit, path, payload, *args)


@breaks("SPOON-PAY-01", guide=RECONCILED)
class RefusedGiftCardTakenAsPaid(SpoonityKiosk):
    """Reads the gift card answer's HTTP 200 as a payment, although Spoonity said `success: false`."""

    def _pay_in_spoonity(self, visit: Session, path: str, payload: dict[str, Any], method: str, receipt, short):
        if path != "/order":
            return super()._pay_in_spoonity(visit, path, payload, method, receipt, short)
        try:
            answer = self._call(visit, "POST", path, json=payload)
        except SpoonityUnavailable:
            # Told and declined, as the reference does: its one mistake is reading a 200 as taken.
            visit.order.tell(UNAVAILABLE, LOYALTY_UNAVAILABLE)
            return self.pay(PaymentOutcome.DECLINED)
        if answer.is_success:
            return self._paid_in_spoonity(visit, method, receipt)
        return self.pay(PaymentOutcome.DECLINED)


# -- SPOON-PAY-02 -----------------------------------------------------------------------------
@breaks("SPOON-PAY-02")
class LoyaltyPayInPoints(SpoonityPOS):
    """Converts the total to points itself and sends that as Loyalty Pay's amount: Spoonity converts it again."""

    def _pay_in_spoonity(self, visit: Session, path: str, payload: dict[str, Any], *args: Any) -> OrderView:
        if path == "/order/payments/loyalty":
            payload = {**payload, "amount": round(payload["amount"] * 10, 2)}
        return super()._pay_in_spoonity(visit, path, payload, *args)


@breaks("SPOON-PAY-02", guide=LOYALTY_PAY)
class LoyaltyPayThroughGiftCard(SpoonityKiosk):
    """Takes "pay with loyalty" through the gift card's POST /order: the stored value is debited, not the points."""

    def pay_with_loyalty(self) -> OrderView:
        visit = self._current()
        if not visit.order.is_open or visit.card_number is None:
            return super().pay_with_loyalty()
        debit = {
            "card_number": visit.card_number,
            "till": till_number(visit.location),
            "amount": -dollars(visit.order.total),
            "date": int(time.time()),
        }
        return self._pay_in_spoonity(visit, "/order", debit, "LOYALTY_PAY", None, None)
