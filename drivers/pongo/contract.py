"""What a Pongo certification needs an integration to do and report."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from poscert.drivers.contract import (
    Connection,
    Integration,
    LoyaltyScreen,
    OptIn,
    OrderView,
    PaymentOutcome,
    RewardOffer,
)


@runtime_checkable
class PongoIntegration(Integration, Protocol):
    """Constructed as `Cls(connection)`, with an httpx-based client of its own choosing.

    Every call to Pongo goes to `connection.base_url` (the sandbox host); the harness
    intercepts it, so the integration needs no other configuration.
    """

    def __init__(self, connection: Connection) -> None: ...

    # -- merchant set-up (admin panel) --------------------------------------------
    def start_connect(self) -> str:
        """The merchant presses "Connect with Pongo": the URL of Pongo's OAuth form to open."""
        ...

    def finish_connect(self, callback_url: str) -> None:
        """Pongo redirected the merchant's browser to the redirect URI with this full URL."""
        ...

    def sync_stores(self) -> list[str]:
        """Fetch the merchant's Pongo stores; returns the store slugs the admin panel offers."""
        ...

    def map_location(self, location: str, store_slug: str) -> None:
        """The merchant maps one of the partner's locations to a Pongo store."""
        ...

    def sku_guide(self) -> list[tuple[str, str]]:
        """(sku, product name) pairs the merchant can copy into Pongo rewards (POS)."""
        ...

    # -- customer -------------------------------------------------------------------
    def start_session(self, location: str) -> None:
        """A new customer steps up at this location (a new visit on the kiosk, a new ticket on the POS)."""
        ...

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        """The phone number exactly as the customer (or staff) typed it."""
        ...

    def identify_by_pass(self, scanned: str) -> LoyaltyScreen:
        """The text the scanner read from the digital pass."""
        ...

    def enlist(
        self,
        phone: str,
        optin: OptIn,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
    ) -> LoyaltyScreen:
        """Enlist a new customer with the opt-in answers given (None: not answered)."""
        ...

    def redeem(self, reward_id: str) -> LoyaltyScreen:
        """Buy a reward with the customer's points; returns the view shown afterwards."""
        ...

    # -- order ------------------------------------------------------------------------
    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        """The customer adds one of our products, with the SKUs of the options chosen (all paid)."""
        ...

    def add_reward(self, won_reward_id: str) -> RewardOffer:
        """Add a purchased reward to the order; free_product offers the partner's matching products."""
        ...

    def choose_reward_product(self, won_reward_id: str, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        """Pick one of the offered products (with options, which stay paid)."""
        ...

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        """The payment terminal answered: approved, declined, abandoned, or handed to an external system.

        The customer chooses how to pay looking at `order_view()`: what it tells them then (notice
        `reward_removed_unless_paid_here` when the external system cannot take a reward in the order)
        is what they knew before choosing.
        """
        ...

    def external_closed(self) -> OrderView:
        """The external payment system called back: the order it was handed was paid and closed."""
        ...

    def external_cancelled(self) -> OrderView:
        """The external payment system called back: the order it was handed was cancelled, never paid."""
        ...

    def cancel(self) -> OrderView:
        """The customer or the staff cancels the open order (or the one waiting for the external system)."""
        ...

    def retry_pending(self) -> None:
        """The integration's background job: send what could not be sent earlier."""
        ...
