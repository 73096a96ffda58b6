"""Broken Punchh integrations: the check-in, the receipt's Punchh key and barcode, Receipt Details.

Each is a reference with one realistic mistake.
"""

from __future__ import annotations

from typing import Any

from poscert.drivers.contract import OrderView
from poscert.drivers.order import Order
from poscert.drivers.punchh.broken.registry import breaks
from poscert.drivers.punchh.client import PunchhError, expect
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.punchh.integration import Session, check_digit, new_punchh_key
from poscert.drivers.punchh.reference import PunchhPOS
from poscert.drivers.till import Pending, Visit

AFTER_PAID = (
    "Check in - After the order is paid, the order is sent to the loyalty system so loyalty credits for the order "
    "can be properly credited to the loyalty user. (003)"
)
WITH_REDEMPTIONS = (
    "Create Check-in - This API is called to send the order (which may contain additional line items for "
    "redemptions) to Punchh. (003)"
)
ONE_KEY_PER_CHECK = (
    "POS Punchh Key and Barcode Generator - This document shows a working example of how to properly generate "
    "Punchh keys and barcodes required for POS Punchh check-ins. (003; notes: one key per check, non-sequential)"
)
PROPER_EAN13 = "a receipt with a proper Punchh EAN-13 barcode (with embedded Punchh key) from the POS (003)"


@breaks("PUNCHH-CHK-01", guide=AFTER_PAID)
class ChecksInWithTheQuery(PunchhPOS):
    """Checks the order in as soon as Punchh confirms its discounts, before the guest pays, as its old module did."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._checked_in: set[str] = set()  # orders checked in before their payment

    def apply_discounts(self) -> OrderView:
        view = super().apply_discounts()
        visit = self._current()
        if visit.order.vouchers and visit.user is not None:
            try:
                expect(self.punchh.pos("POST", "/api/pos/checkins", json=self._checkin(visit, visit.user)), 200)
                self._checked_in.add(visit.order.order_id)
            except PunchhError:
                pass  # checked in after the payment instead
        return view

    def _deliver(self, pending: Pending) -> bool | None:
        if pending.payload["external_uid"] in self._checked_in:
            pending = Pending(pending.tenant, {k: v for k, v in pending.payload.items() if k != "checkin"})
        return super()._deliver(pending)


@breaks("PUNCHH-CHK-01", guide=WITH_REDEMPTIONS)
class RedemptionLinesDropped(PunchhPOS):
    """Checks the order in with its products and payment but without the redemption lines."""

    def _menu_items(self, order: Order) -> list[dict[str, Any]]:
        return [item for item in super()._menu_items(order) if item["menu_item_type"] != "D"]


@breaks("PUNCHH-CHK-02", guide=ONE_KEY_PER_CHECK)
class OneKeyPerTill(PunchhPOS):
    """Makes one Punchh key when the till starts and prints it on every check."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._key = new_punchh_key()

    def _new_visit(self, location: str, order: Order) -> Session:
        visit = super()._new_visit(location, order)
        visit.punchh_key = self._key
        return visit


@breaks("PUNCHH-CHK-02", guide=PROPER_EAN13)
class BarcodeWithoutCheckDigit(PunchhPOS):
    """Prints the 12-digit Punchh key as the barcode, leaving the EAN-13 check digit to a printer that never adds it."""

    def _settle(self, visit: Visit) -> None:
        super()._settle(visit)
        assert isinstance(visit, Session)
        self._printed = self._printed.replace(f"Barcode {self._barcode}", f"Barcode {visit.punchh_key}")
        self._barcode = visit.punchh_key


@breaks("PUNCHH-CHK-02", guide=PROPER_EAN13)
class CheckDigitWeightsSwapped(PunchhPOS):
    """Computes the EAN-13 check digit with the weights the wrong way round (3, 1, 3… from the left); its keys come
    from a counter whose check digits this always gets wrong."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._next_key = 374951002060  # a key of Punchh's support articles; the next ones follow it

    def _new_visit(self, location: str, order: Order) -> Session:
        visit = super()._new_visit(location, order)
        while swapped_check_digit(f"{self._next_key:012d}") == check_digit(f"{self._next_key:012d}"):
            self._next_key += 1
        visit.punchh_key, self._next_key = f"{self._next_key:012d}", self._next_key + 1
        return visit

    def _settle(self, visit: Visit) -> None:
        super()._settle(visit)
        assert isinstance(visit, Session)
        wrong = visit.punchh_key + str(swapped_check_digit(visit.punchh_key))
        self._printed = self._printed.replace(f"Barcode {self._barcode}", f"Barcode {wrong}")
        self._barcode = wrong


def swapped_check_digit(digits: str) -> int:
    total = sum(int(d) * (1 if i % 2 else 3) for i, d in enumerate(digits))
    return (10 - total % 10) % 10


@breaks("PUNCHH-CHK-03")
class NoReceiptDetails(PunchhPOS):
    """Sends Punchh nothing for the check of a guest without loyalty: the barcode on their receipt leads nowhere."""

    def _deliver(self, pending: Pending) -> bool | None:
        payload = {name: value for name, value in pending.payload.items() if name != "receipt_details"}
        return super()._deliver(Pending(pending.tenant, payload))


@breaks("PUNCHH-CHK-03")
class ReceiptDetailsUnderANewKey(PunchhPOS):
    """Sends Receipt Details under a Punchh key of their own, not the one printed on the receipt."""

    def _receipt_details(self, visit: Session) -> dict[str, Any]:
        return {**super()._receipt_details(visit), "punchh_key": new_punchh_key()}
