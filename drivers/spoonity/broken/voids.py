"""Broken Spoonity integrations: voiding orders (VOID-01) and the order of voids (VOID-02)."""

from __future__ import annotations

from dataclasses import replace

from poscert.drivers.contract import OrderView
from poscert.drivers.spoonity.broken.registry import breaks
from poscert.drivers.spoonity.integration import Placed
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS

REVERT = "a voiding API to mark the order as cancelled, as well as to revert any loyalty changes that were made (004)"


# -- SPOON-VOID-01 ----------------------------------------------------------------------------
@breaks("SPOON-VOID-01")
class VoidsOnlyInTheTill(SpoonityKiosk):
    """Cancels the order in its own till and never tells Spoonity: the customer keeps the points."""

    def _void(self, order_id: str, placed: Placed) -> None:
        placed.order.status = "voided"


@breaks("SPOON-VOID-01", guide=REVERT)
class LeavesTheGiftCardDebit(SpoonityPOS):
    """Voids the order but not the gift card debit that paid it: the customer's gift card is not refunded."""

    def _void(self, order_id: str, placed: Placed) -> None:
        super()._void(order_id, replace(placed, receipts=placed.receipts[-1:]))


@breaks("SPOON-VOID-01")
class VoidsFromTheCurrentTill(SpoonityKiosk):
    """Voids with the api key of the till the staff stands at: Spoonity finds no such order at that location."""

    def _void(self, order_id: str, placed: Placed) -> None:
        super()._void(order_id, replace(placed, location=self._current().location))


# -- SPOON-VOID-02 ----------------------------------------------------------------------------
@breaks("SPOON-VOID-02")
class VoidsNewestFirst(SpoonityPOS):
    """Voids like an undo stack, the newest order first: each void after the first breaks the creation order."""

    def void_orders(self, order_ids: list[str]) -> list[OrderView]:
        wanted = set(order_ids)
        for order_id, placed in reversed(self._placed.items()):
            if order_id in wanted and placed.order.status != "voided":
                self._void(order_id, placed)
        return [self._placed[order_id].order.view() for order_id in order_ids]


@breaks("SPOON-VOID-02")
class VoidsInTheOrderPicked(SpoonityKiosk):
    """Voids the orders in the order the staff picked them."""

    def void_orders(self, order_ids: list[str]) -> list[OrderView]:
        for order_id in order_ids:
            if self._placed[order_id].order.status != "voided":
                self._void(order_id, self._placed[order_id])
        return [self._placed[order_id].order.view() for order_id in order_ids]


@breaks("SPOON-VOID-02")
class TracksCustomersByWhatWasTyped(SpoonityPOS):
    """Keeps creation order per identifier typed: one customer checked in by email and by card is two customers."""

    def void_orders(self, order_ids: list[str]) -> list[OrderView]:
        groups: dict[str | None, list[str]] = {}
        for order_id in order_ids:  # customers in the order picked
            groups.setdefault(self._placed[order_id].card_number, [])
        for order_id, placed in self._placed.items():  # each one's orders in creation order
            if order_id in order_ids:
                groups[placed.card_number].append(order_id)
        for group in groups.values():
            super().void_orders(group)
        return [self._placed[order_id].order.view() for order_id in order_ids]
