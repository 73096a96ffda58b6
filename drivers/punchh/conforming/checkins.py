"""Conforming Punchh variants: the check-in and Receipt Details. Each satisfies the requirement another way the guide allows."""

from __future__ import annotations

from typing import Any

from poscert.drivers.order import Order
from poscert.drivers.punchh.conforming.registry import conforms
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
