"""The world of one Spoonity scenario: the shared world plus the merchant's dashboard and Spoonity's records.

The harness plays the merchant (api keys per location, the automatic session clean-up setting) and
the customer's other channels (points spent elsewhere). It judges what the integration sent from the
journal, and reads Spoonity's own records (orders, their creation order) only to know what a
request did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from poscert.base.journal import Exchange
from poscert.drivers.contract import ShownReward
from poscert.drivers.spoonity.contract import Connection
from poscert.simulators.spoonity.models import Customer, Order
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from poscert.steps.common.world import World

API = "https://api.spoonity.com"


def is_order(body: Any) -> bool:
    """A loyalty order, not a gift card debit or credit (the same POST /order, with `amount` and no subtotal)."""
    return isinstance(body, dict) and "subtotal" in body


def succeeded(exchange: Exchange) -> bool:
    """Spoonity took the call: 2xx and not `success: false` (order calls report refusals on a 200)."""
    body = exchange.response_body
    return exchange.ok and not (isinstance(body, dict) and body.get("success") is False)


@dataclass(repr=False, kw_only=True)
class SpoonityWorld(World):
    operations: ClassVar[dict[str, str]] = {
        "check in": "open_session",
        "read the session": "get_session",
        "close the session": "close_session",
        "list every reward": "perk_list",
        "submit order": "submit_order",
        "loyalty pay": "loyalty_payment",
        "void order": "void_order",
    }
    order_operation: ClassVar[str] = "submit_order"
    order_identity: ClassVar[str] = "receipt_number"

    sim: SpoonitySimulator
    build: Callable[[Connection], Any]  # builds the integration under test as the platform does
    auto_clean_up: bool = True
    customer: Customer | None = None  # the scenario's known customer
    rewards: list[ShownReward] = field(default_factory=list)  # the full reward list the integration showed
    redeemed: list[str] = field(default_factory=list)  # rewards the customer put on the order
    lines: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (SKU, options) ordered
    placed: list[str] = field(default_factory=list)  # paid orders of the scenario, in the order they were placed
    voided: list[Any] = field(default_factory=list)  # the order views the void answered
    before: tuple[int, Decimal] | None = None  # the customer's points and gift card before the order to void

    # -- the merchant's side ------------------------------------------------------------
    def connect(self, auto_clean_up: bool = True) -> None:
        """(Re)install the integration with the merchant's api keys, one per location, and its clean-up setting."""
        if self.driver is not None:
            self.driver.close()
        self.auto_clean_up = auto_clean_up
        self.backend().auto_close_sessions = auto_clean_up
        self.driver = self.build(Connection(API, {}, auto_clean_up))  # asked only for its locations
        locations = list(self.driver.locations())
        self.driver.close()
        keys: dict[str, str] = {}
        for merchant in self.merchants:
            ours = self.our_locations_of(locations, merchant)
            stores = list(self.backend(merchant).locations.values())
            for index, location in enumerate(ours):
                store = stores[index % len(stores)]
                keys[location] = store.api_key
                self.location_map[location] = (merchant, str(store.id))
        self.driver = self.build(Connection(API, keys, auto_clean_up))

    def our_locations_of(self, locations: list[str], merchant: str) -> list[str]:
        """As `World.our_locations`, before the integration is built: every location but the last is the first merchant's."""
        if merchant == self.merchants[0]:
            return locations[:-1] if len(locations) > 2 else locations
        return locations[-1:]

    # -- the customer's side ----------------------------------------------------------------
    def start_session(self, location: str) -> None:
        super().start_session(location)
        self.redeemed, self.lines = [], []

    # -- Spoonity's records -------------------------------------------------------------
    def order_record(self, receipt: str) -> Order | None:
        """The order (or gift card transaction) Spoonity holds under a receipt or reference number."""
        for backend in (self.backend(m) for m in self.merchants):
            for order in backend.orders:
                if receipt in (order.receipt_number, order.reference_number):
                    return order
        return None

    def orders_held(self, identity: str) -> list[str]:
        return [
            "voided" if o.voided else "paid"
            for o in self.backend().orders
            if o.kind == "order" and o.receipt_number == identity
        ]

    # -- what went over the wire ----------------------------------------------------------
    def action_of(self, exchange: Exchange) -> str:
        """POST /order carries both a loyalty order and a gift card debit or credit: two actions."""
        if exchange.operation == "submit_order" and not is_order(exchange.request_body):
            return "gift card transaction"
        return exchange.operation

    def platform_acted(self, exchange: Exchange) -> bool:
        """A call Spoonity refused on a 200 (`success: false`, a duplicate receipt for one) changed nothing."""
        return super().platform_acted(exchange) and not (exchange.ok and not succeeded(exchange))

    def orders_submitted(self) -> list[Exchange]:
        """The integration's loyalty orders of this scenario (not its gift card debits), in the order sent."""
        return [x for x in self.integration_calls("submit_order") if is_order(x.request_body)]

    def gift_card_calls(self) -> list[Exchange]:
        return [x for x in self.integration_calls("submit_order") if not is_order(x.request_body)]

    def sessions_opened(self) -> list[str]:
        """The POS session hashes Spoonity gave the integration in this scenario."""
        return [
            x.response_body["pos_session"]["hash"]
            for x in self.integration_calls("open_session")
            if x.status == 201 and isinstance(x.response_body, dict)
        ]

    def credential_problems(self, calls: list[Exchange]) -> list[str]:
        """Spoonity wants the location's `api_key` as a query parameter on every call."""
        return [f"{x.title()}: no api_key query parameter" for x in calls if "api_key" not in x.query]
