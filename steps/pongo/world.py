"""The world of one Pongo scenario: the shared world plus Pongo's actors and back office.

The harness plays every actor around the integration: the merchant's browser on
Pongo's consent form, the back office where rewards are set up, other platforms
that enlist customers. It asks the integration only through the driver contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import httpx

from poscert.base.journal import Exchange
from poscert.drivers.contract import Connection, OptIn, RewardOffer
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.steps.common.world import World
from poscert.steps.pongo import actors

SANDBOX = "https://sandbox-api.heypongo.com"
OAUTH_OPERATIONS = ("oauth_form", "oauth_authorize", "oauth_token")  # the only calls without a bearer token


@dataclass(repr=False, kw_only=True)
class PongoWorld(World):
    operations: ClassVar[dict[str, str]] = {
        "create order": "create_order",
        "get customer by phone": "get_customer_by_phone",
        "get customer": "get_customer",
        "create customer": "create_customer",
        "buy reward": "buy_reward",
        "list won rewards": "list_won_rewards",
        "use reward": "use_reward",
    }
    order_operation: ClassVar[str] = "create_order"
    order_identity: ClassVar[str] = "order_id"

    sim: PongoSimulator
    connection: Connection
    browser: httpx.Client  # the merchant's browser, shared by every scenario of the session
    offer: RewardOffer | None = None
    authorize_url: str | None = None
    refused: Exception | None = None
    offered_stores: list[str] = field(default_factory=list)
    customer_id: str | None = None  # the known customer of the scenario
    customer_points: int = 0
    reward_id: str | None = None  # the reward the scenario set up
    won_id: str | None = None  # the customer's purchase of it
    used_id: str | None = None  # a purchase the customer already used in an order
    webhook_status: int | None = None
    sku_guide: list[tuple[str, str]] = field(default_factory=list)
    optin: OptIn | None = None  # the answers the new customer gave

    # -- the merchant's side ------------------------------------------------------
    def consent(self, authorize_url: str, merchant: str, decision: str = "approve") -> str:
        """Play the merchant's browser on Pongo's form; returns where Pongo redirects it."""
        backend = self.backend(merchant)
        return actors.consent(self.browser, authorize_url, backend.login_email, backend.login_password, decision)

    def connect(self, merchant: str) -> None:
        self.driver.finish_connect(self.consent(self.driver.start_connect(), merchant))

    def map_locations(self, merchant: str) -> None:
        slugs = self.driver.sync_stores()
        for index, location in enumerate(self.our_locations(merchant)):
            slug = slugs[index % len(slugs)]
            self.driver.map_location(location, slug)
            self.location_map[location] = (merchant, slug)

    # -- the customer's side --------------------------------------------------------
    def start_session(self, location: str) -> None:
        super().start_session(location)
        self.offer = None

    def notices(self) -> set[str]:
        return super().notices() | ({self.offer.notice} if self.offer and self.offer.notice else set())

    def store_slug(self) -> str:
        return self.location_map[self.location][1]

    def buy_for_customer(self, reward_id: str) -> str:
        """The customer bought the reward earlier (on another channel)."""
        won = self.backend().buy_reward(reward_id, self.customer_id, self.backend().stores[0].slug)
        return won.public_id

    # -- what went over the wire -------------------------------------------------------
    def orders_held(self, identity: str) -> list[str]:
        return [o.status for o in self.backend().orders_list() if o.order_id == identity]

    def credential_problems(self, calls: list[Exchange]) -> list[str]:
        """Pongo wants `Authorization: Bearer <token>` on every call but the OAuth endpoints."""
        return [
            f"{x.title()}: no Bearer token in the Authorization header"
            for x in calls
            if x.operation not in OAUTH_OPERATIONS
            and not x.request_headers.get("authorization", "").startswith("Bearer ")
        ]

    def secrets(self) -> set[str]:
        return super().secrets() | {self.connection.client_secret}

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
