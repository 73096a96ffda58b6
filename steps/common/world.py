"""The world of one scenario, on any platform: the simulator, the integration under test, and what
the steps remember. A platform's world extends it with its own actors and set-up.

The harness asks the integration only through the driver contract, and judges what it sent
only from the journal, never counting the requests of the harness's own actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from poscert.base.journal import Exchange, Journal
from poscert.drivers.contract import LoyaltyScreen, OrderView, Product
from poscert.drivers.http import tls_context
from poscert.simulators.core.faults import AFTER_PROCESSING

ACTOR_HEADER = "x-poscert-actor"  # marks the harness's own requests: never judged as the integration's
OURS = re.compile(r"\{ours:([^}]+)\}")


def actor_client(actor: str, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An HTTP client for one of the harness's actors (the merchant's browser, another platform); `transport`
    reaches the simulator in-process when it is served (see `actor_transport` in fixtures)."""
    headers = {"user-agent": f"poscert {actor}", ACTOR_HEADER: actor}
    return httpx.Client(headers=headers, follow_redirects=False, transport=transport, verify=tls_context())


@dataclass(repr=False, kw_only=True)
class World:
    # What the platform's world says about its wire: wording of the features → operations, and the
    # operation and field that carry a paid order and its identity (ALL-ERR-01).
    operations: ClassVar[dict[str, str]] = {}
    order_operation: ClassVar[str] = ""
    order_identity: ClassVar[str] = ""
    # Actions (see `action_of`) whose repeat changes nothing for anyone, though sent as a write: a look-up
    # posted with a body. ALL-ERR-01's "no more than once" does not count them.
    repeatable: ClassVar[frozenset[str]] = frozenset()

    sim: Any  # the platform's simulator
    journal: Journal
    driver: Any  # the integration under test
    merchants: tuple[str, str]  # the scenario's merchant, and a second one for tenant isolation
    location_map: dict[str, tuple[str, str]] = field(default_factory=dict)  # location → (merchant, store)
    location: str | None = None
    screen: LoyaltyScreen | None = None
    order: OrderView | None = None
    ordered: list[str] = field(default_factory=list)  # SKUs the customer ordered

    def __repr__(self) -> str:
        # Allure shows step arguments by repr: name the scenario's place, never the credentials it holds.
        return f"{type(self).__name__}(merchant={self.merchant!r}, location={self.location!r})"

    @property
    def merchant(self) -> str:
        return self.merchants[0]

    def backend(self, tenant: str | None = None) -> Any:
        """A tenant's state in the simulator: the scenario's merchant's unless another is named."""
        return self.sim.backend(tenant or self.merchant)

    # -- the partner's locations -------------------------------------------------------
    def our_locations(self, merchant: str | None = None) -> list[str]:
        """The first merchant owns every location but the last, which the second merchant gets."""
        locations = list(self.driver.locations())
        if (merchant or self.merchant) == self.merchants[0]:
            return locations[:-1] if len(locations) > 2 else locations
        return locations[-1:]

    def start_session(self, location: str) -> None:
        self.location = location
        self.journal.event("session", location=location, merchant=self.location_map.get(location, (None,))[0])
        self.driver.start_session(location)
        self.screen, self.order, self.ordered = None, None, []

    def ensure_session(self) -> None:
        if self.location is None:
            self.start_session(self.our_locations()[0])

    def notices(self) -> set[str]:
        """What the integration tells the customer now, as notice codes: on the loyalty screen and the order."""
        return (self.screen.notices if self.screen else set()) | (self.order.notices if self.order else set())

    # -- the partner's catalog ----------------------------------------------------------
    def product(self, token: str) -> Product:
        """`{ours:1}` is our first catalog product, `{ours:with options}` the first with options."""
        found = OURS.fullmatch(token.strip())
        key = found.group(1) if found else token
        catalog = list(self.driver.catalog())
        if key == "with options":
            return next(p for p in catalog if p.options)
        return catalog[int(key) - 1]

    def expand(self, text: str) -> str:
        return OURS.sub(lambda m: self.product(m.group(0)).sku, text)

    def extra_products(self, count: int) -> list[Product]:
        """Products to order that no reward of the scenario names: the end of the catalog."""
        return list(self.driver.catalog())[-count:]

    # -- what went over the wire ----------------------------------------------------------
    def integration_calls(
        self, operation: str | tuple[str, ...] | None = None, *, scenario: str | None = None
    ) -> list[Exchange]:
        """Requests the integration made (not the harness's actors); this scenario's, or `scenario="*"`."""
        return [
            x for x in self.journal.exchanges(operation, scenario=scenario) if not x.request_headers.get(ACTOR_HEADER)
        ]

    def orders_sent(self, identity: str | None = None) -> list[Exchange]:
        """The integration's attempts to send a paid order; with an identity, only those of that order."""
        return [
            x
            for x in self.integration_calls(self.order_operation)
            if identity is None
            or (isinstance(x.request_body, dict) and x.request_body.get(self.order_identity) == identity)
        ]

    # -- what a platform's world answers ----------------------------------------------------
    def platform_acted(self, exchange: Exchange) -> bool:
        """Whether the platform did what the request asked: a success that changed something (a 202 repeats an
        answer and changes nothing), or a failure injected only after the work was done."""
        return (exchange.ok and exchange.status != 202) or (exchange.fault or "").endswith(AFTER_PROCESSING)

    def action_of(self, exchange: Exchange) -> str:
        """What a request asks the platform to do, for "carried out no more than once": its operation, unless
        one operation carries several actions (a query and a commit, an order and a gift-card debit)."""
        return exchange.operation

    def orders_held(self, identity: str) -> list[str]:
        """The statuses of the orders the platform holds under this identity."""
        raise NotImplementedError

    def credential_problems(self, calls: list[Exchange]) -> list[str]:
        """Calls whose credentials are not where and how the platform wants them (beyond misplaced secrets)."""
        return []

    def secrets(self) -> set[str]:
        """Every credential of the scenario: what the platform issued and what the partner was given."""
        return set(self.sim.known_secrets())
