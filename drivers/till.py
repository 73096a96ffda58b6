"""The partner software's own side of a visit, on any platform: catalog, locations, the order, payment.

A reference integration is a `Till` plus its platform's calls. The till decides *when* the platform
hears of an order (only once paid and closed, once, with the same identity on every resend); the
platform part decides *how* (`_settle`, `_deliver`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from poscert.drivers.contract import LoyaltyScreen, OrderView, PaymentOutcome, Product
from poscert.drivers.order import Order, paid_line

log = logging.getLogger("poscert.integration")


@dataclass
class Visit:
    """One customer at one location: what they see and what they order."""

    location: str
    order: Order
    screen: LoyaltyScreen = field(default_factory=LoyaltyScreen)


V = TypeVar("V", bound=Visit)


@dataclass(frozen=True)
class Pending:
    """A paid order to (re)send; the payload is frozen, so a resend carries the same identity."""

    tenant: str  # whose credentials send it (the merchant, the location)
    payload: dict[str, Any]


class Till(Generic[V]):
    """Typed by its platform's visit, so a platform reads its own fields without narrowing."""

    kind: ClassVar[str]
    capabilities: ClassVar[frozenset[str]]
    products: ClassVar[tuple[Product, ...]]
    sites: ClassVar[tuple[str, ...]]

    def __init__(self) -> None:
        self._visit_now: V | None = None
        self._handed: V | None = None  # the visit whose order waits for the external system's callback
        self._pending: list[Pending] = []
        self._printed = ""  # the receipt printed for the last order (named apart from any platform method)

    # -- what the software is ------------------------------------------------------------
    def catalog(self) -> list[Product]:
        return list(self.products)

    def locations(self) -> list[str]:
        return list(self.sites)

    def close(self) -> None:
        """Nothing held by the till itself; platform parts close their clients."""

    def handle_webhook(self, url: str, headers: Mapping[str, str], body: bytes) -> int:
        return 404  # no receiver unless the software subscribes to an event

    # -- the visit ---------------------------------------------------------------------------
    def start_session(self, location: str) -> None:
        if location not in self.sites:
            raise ValueError(f"unknown location {location!r}")
        # Random, not a counter: platforms ignore a second order with a known id,
        # so ids must stay unique across restarts of the till.
        self._visit_now = self._new_visit(location, Order(f"{location}-{secrets.token_hex(5)}", location))

    def loyalty_screen(self) -> LoyaltyScreen:
        return self._current().screen

    def order_view(self) -> OrderView:
        return self._current().order.view()

    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        order = self._open_order()
        order.lines.append(paid_line(self._product(sku), options))
        return order.view()

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        order = self._current().order
        if not order.is_open:
            return order.view()  # a second tap on "pay" must not send the order twice
        if not order.lines:
            raise ValueError("nothing to pay")
        if outcome is PaymentOutcome.APPROVED:
            order.status = "paid"
            self._settle(self._current())
        elif outcome is PaymentOutcome.EXTERNAL:
            self._hand_to_external(order)
            self._handed = self._current()
        else:
            order.status = outcome.value  # declined or abandoned: the platform never hears of it
        return order.view()

    def external_closed(self) -> OrderView:
        visit = self._handed_visit()
        if visit.order.status == "external_pending":
            visit.order.status = "paid"
            self._settle(visit)
        return visit.order.view()

    def external_cancelled(self) -> OrderView:
        order = self._handed_visit().order
        if order.status == "external_pending":
            order.status = "cancelled"  # never paid: the platform never hears of it
        return order.view()

    def cancel(self) -> OrderView:
        order = self._current().order
        if order.is_open or order.status == "external_pending":
            order.status = "cancelled"
        return order.view()

    def receipt(self) -> str:
        return self._printed

    def retry_pending(self) -> None:
        """The background job: resend what the platform did not take; drop what it refused for good."""
        self._pending = [pending for pending in self._pending if self._deliver(pending) is None]
        self._after_retry()

    # -- what a platform (or a kind) supplies ------------------------------------------------------
    def _new_visit(self, location: str, order: Order) -> V:
        return Visit(location, order)  # type: ignore[return-value]  # a platform's own visit type overrides

    def _settle(self, visit: Visit) -> None:
        """The visit's order is paid: tell the platform once (or keep it to resend), print the receipt."""
        raise NotImplementedError

    def _deliver(self, pending: Pending) -> bool | None:
        """Send one paid order: True taken, False refused for good, None to resend later."""
        raise NotImplementedError

    def _after_retry(self) -> None:
        """Other set-up the background job retries (a webhook subscription that failed)."""

    def _hand_to_external(self, order: Order) -> None:
        raise ValueError(f"the {self.kind} has no external payment")

    # -- internals ------------------------------------------------------------------------------
    def _current(self) -> V:
        if self._visit_now is None:
            raise RuntimeError("start_session first")
        return self._visit_now

    def _handed_visit(self) -> V:
        """The visit whose order the external system calls back about: the kiosk may already serve the next customer."""
        return self._handed or self._current()

    def _open_order(self) -> Order:
        return self._visit().order

    def _visit(self) -> V:
        """The current visit; once its order is closed, whatever comes next is a new visit at the same place."""
        visit = self._current()
        if not visit.order.is_open:
            self.start_session(visit.location)
        return self._current()

    def _product(self, sku: str) -> Product:
        for product in self.products:
            if product.sku == sku:
                return product
        raise ValueError(f"unknown product {sku!r}")
