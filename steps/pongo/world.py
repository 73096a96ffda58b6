"""The world of one Pongo scenario: the simulator, the integration under test, and what the steps remember.

The harness plays every actor around the integration: the merchant's browser on
Pongo's consent form, the back office where rewards are set up, other platforms
that enlist customers. It asks the integration only through the driver contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import httpx

from poscert.base.journal import Exchange, Journal
from poscert.drivers.contract import Connection, LoyaltyScreen, OptIn, OrderView, Product, RewardOffer
from poscert.simulators.pongo.simulator import PongoSimulator

SANDBOX = "https://sandbox-api.heypongo.com"
BROWSER = {"user-agent": "poscert merchant browser", "x-poscert-actor": "merchant-browser"}


def merchant_browser() -> httpx.Client:
    return httpx.Client(headers=BROWSER, follow_redirects=False)


OURS = re.compile(r"\{ours:([^}]+)\}")


@dataclass(repr=False)
class PongoWorld:
    sim: PongoSimulator
    journal: Journal
    driver: object
    connection: Connection
    browser: httpx.Client  # the merchant's browser, shared by every scenario of the session
    merchant: str  # the merchant whose admin and locations the scenario uses
    location_map: dict[str, tuple[str, str]] = field(default_factory=dict)  # location → (merchant, slug)
    location: str | None = None
    screen: LoyaltyScreen | None = None
    order: OrderView | None = None
    offer: RewardOffer | None = None
    authorize_url: str | None = None
    refused: Exception | None = None
    offered_stores: list[str] = field(default_factory=list)
    customer_id: str | None = None  # the known customer of the scenario
    customer_points: int = 0
    reward_id: str | None = None  # the reward the scenario set up
    won_id: str | None = None  # the customer's purchase of it
    ordered: list[str] = field(default_factory=list)  # SKUs the customer ordered
    webhook_status: int | None = None
    sku_guide: list[tuple[str, str]] = field(default_factory=list)
    optin: OptIn | None = None  # the answers the new customer gave

    def __repr__(self) -> str:
        # Allure shows step arguments by repr: name the scenario's place, never the credentials it holds.
        return f"PongoWorld(merchant={self.merchant!r}, location={self.location!r}, customer={self.customer_id!r})"

    # -- the merchant's side ------------------------------------------------------
    def backend(self, merchant: str | None = None):
        return self.sim.backend(merchant or self.merchant)

    def consent(self, authorize_url: str, merchant: str, decision: str = "approve") -> str:
        """Play the merchant's browser on Pongo's form; returns where Pongo redirects it."""
        backend = self.backend(merchant)
        query = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        form = self.browser.get(authorize_url)
        assert form.status_code == 200, f"Pongo's OAuth form answered {form.status_code}: {form.text[:200]}"
        answer = self.browser.post(
            f"{SANDBOX}/v1/oauth/form",
            data={
                **{k: query.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope")},
                "email": backend.login_email,
                "password": backend.login_password,
                "decision": decision,
            },
        )
        assert answer.status_code == 302, f"consent answered {answer.status_code}: {answer.text[:200]}"
        return answer.headers["location"]

    def connect(self, merchant: str) -> None:
        self.driver.finish_connect(self.consent(self.driver.start_connect(), merchant))

    def our_locations(self, merchant: str | None = None) -> list[str]:
        """The first merchant owns every location but the last, which the second merchant gets."""
        locations = list(self.driver.locations())
        if (merchant or self.merchant) == self.sim.default_merchant:
            return locations[:-1] if len(locations) > 2 else locations
        return locations[-1:]

    def map_locations(self, merchant: str) -> None:
        slugs = self.driver.sync_stores()
        for index, location in enumerate(self.our_locations(merchant)):
            slug = slugs[index % len(slugs)]
            self.driver.map_location(location, slug)
            self.location_map[location] = (merchant, slug)

    # -- the customer's side --------------------------------------------------------
    def start_session(self, location: str) -> None:
        self.location = location
        self.journal.event("session", location=location, merchant=self.location_map.get(location, (None,))[0])
        self.driver.start_session(location)
        self.screen, self.order, self.offer, self.ordered = None, None, None, []

    def ensure_session(self) -> None:
        if self.location is None:
            self.start_session(self.our_locations()[0])

    def store_slug(self) -> str:
        return self.location_map[self.location][1]

    def product(self, token: str) -> Product:
        """`{ours:1}` is our first catalog product, `{ours:with options}` the first with options."""
        key = OURS.fullmatch(token.strip()).group(1) if OURS.fullmatch(token.strip()) else token
        catalog = list(self.driver.catalog())
        if key == "with options":
            return next(p for p in catalog if p.options)
        return catalog[int(key) - 1]

    def expand(self, text: str) -> str:
        return OURS.sub(lambda m: self.product(m.group(0)).sku, text)

    def extra_products(self, count: int) -> list[Product]:
        """Products to order that no reward of the scenario names: the end of the catalog."""
        return list(self.driver.catalog())[-count:]

    def buy_for_customer(self, reward_id: str) -> str:
        """The customer bought the reward earlier (on another channel)."""
        won = self.backend().buy_reward(reward_id, self.customer_id, self.backend().stores[0].slug)
        return won.public_id

    # -- what went over the wire -------------------------------------------------------
    def integration_calls(
        self, operation: str | tuple[str, ...] | None = None, *, scenario: str | None = None
    ) -> list[Exchange]:
        """Requests the integration made (not the harness's browser); this scenario's, or `scenario="*"`."""
        return [
            x
            for x in self.journal.exchanges(operation, scenario=scenario)
            if x.request_headers.get("x-poscert-actor") != "merchant-browser"
        ]

    def orders_sent(self, order_id: str | None = None) -> list[Exchange]:
        return [
            x
            for x in self.integration_calls("create_order")
            if order_id is None or (isinstance(x.request_body, dict) and x.request_body.get("order_id") == order_id)
        ]

    def token_grants(self, *grants: str) -> list[Exchange]:
        return [
            x
            for x in self.integration_calls("oauth_token")
            if isinstance(x.request_body, dict) and x.request_body.get("grant_type") in grants
        ]


def forge_state(callback_url: str) -> str:
    """The same callback with a state the integration never issued."""
    parts = urlparse(callback_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = "forged-" + query.get("state", "x")[::-1]
    return urlunparse(parts._replace(query=urlencode(query)))
