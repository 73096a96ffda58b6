"""Conforming Punchh variants: the check-in and Receipt Details. Each satisfies the requirement another way the guide allows."""

from __future__ import annotations

from typing import Any

from poscert.drivers.contract import OrderView, PaymentOutcome
from poscert.drivers.order import Order
from poscert.drivers.punchh.client import PunchhError
from poscert.drivers.punchh.conforming.registry import conforms
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.punchh.integration import Session, log
from poscert.drivers.punchh.reference import PunchhPOS
from poscert.drivers.till import Pending

NEGATIVE_ITEMS = (
    "Create Check-in - This API is called to send the order (which may contain additional line items for "
    "redemptions) to Punchh. (003; notes: subtotal = ΣM − ΣD, a negative M counts as a discount)"
)
EVERY_TRANSACTION = (
    "Store Receipt Details from POS [...] (003); notes, module 8a: Receipt Details sent for every transaction, "
    "after the check-in or for non-members"
)
EACH_VERSION = (
    "Store Receipt Details from POS [...] (003); notes: Punchh keeps every version of a receipt (same key, 1 s apart), "
    "and integrations send one at print time, at tender time, and whenever the check changes (support 360022257314)"
)
NOT_RECEIPT_FIELDS = ("email", "phone", "external_uid")  # a check-in's guest and idempotency key


@conforms("PUNCHH-CHK-01", guide=NEGATIVE_ITEMS)
class RedemptionsAsNegativeItems(PunchhPOS):
    """Checks the redemptions in as negative menu items (M) rather than discount lines (D)."""

    def _menu_items(self, order: Order) -> list[dict[str, Any]]:
        items = super()._menu_items(order)
        for item in items:
            if item["menu_item_type"] == "D":
                item["menu_item_type"], item["item_amount"] = "M", -item["item_amount"]
        return items


@conforms("PUNCHH-CHK-03", guide=EVERY_TRANSACTION)
class ReceiptDetailsForEveryCheck(PunchhPOS):
    """Sends Receipt Details for every check, after the check-in for a loyalty guest, as Punchh's module 8a asks."""

    def _deliver(self, pending: Pending) -> bool | None:
        checkin = pending.payload.get("checkin")
        if checkin is not None and "receipt_details" not in pending.payload:
            check = {name: value for name, value in checkin.items() if name not in NOT_RECEIPT_FIELDS}
            pending.payload["receipt_details"] = {**check, "amount": check["receipt_amount"]}  # resent as it was
        return super()._deliver(pending)


@conforms("PUNCHH-CHK-03", guide=EACH_VERSION)
class ReceiptDetailsAsTheCheckChanges(PunchhPOS):
    """Sends Receipt Details for a guest without loyalty each time the check changes, before the payment too, as
    Punchh's support describes, and the tendered check after the payment (the same key: versions of one receipt).
    A check abandoned or cancelled after a version went out is sent again as void, so nobody claims it."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._sent: set[str] = set()  # orders with a receipt version at Punchh

    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        view = super().add_product(sku, options)
        visit = self._current()
        if visit.user is None:
            self._version(visit, {})
        return view

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        view = super().pay(outcome)
        if view.status == "abandoned":
            self._version(self._current(), {"status": "void"})
        return view

    def cancel(self) -> OrderView:
        view = super().cancel()
        if view.status == "cancelled":
            self._version(self._current(), {"status": "void"})
        return view

    def _version(self, visit: Session, change: dict[str, Any]) -> None:
        if change and visit.order.order_id not in self._sent:
            return  # nothing at Punchh to void
        try:
            self.punchh.pos("POST", "/receipt_details", json={**self._receipt_details(visit), **change})
            self._sent.add(visit.order.order_id)
        except PunchhError as error:
            log.warning("receipt version not sent, the next one will be: %s", error)
