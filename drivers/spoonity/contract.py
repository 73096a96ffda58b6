"""What a Spoonity certification needs a POS or kiosk integration to do and report.

The order of a visit follows Spoonity's ordering workflow (seed 004): check the customer in (a POS
session from their card number, email, phone or app token) and show their balances and eligible
rewards; build the order in the partner's system (products, rewards as discounts naming the spending
rule); resolve payment there (card, gift card, Loyalty Pay); then submit the whole order once with
`POST /order`; close the spent session when the merchant turned automatic clean-up off. Cancelled
orders are voided in the order they were created, for each customer at each location.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from poscert.drivers.contract import Integration, LoyaltyScreen, OrderView, PaymentOutcome, ShownReward

# Spoonity's own capabilities (declared in `capabilities` beside the shared ones): paying with the
# customer's gift card (SPOON-PAY-01) and with Loyalty Pay (SPOON-PAY-02), both MAYs of seed 004.
GIFT_CARD = "gift_card"
LOYALTY_PAY = "loyalty_pay"


@dataclass(frozen=True)
class Connection:
    """What the merchant's Spoonity dashboard gives the partner: a long-lived api key per location."""

    base_url: str  # e.g. https://api.spoonity.com
    api_keys: Mapping[str, str] = field(repr=False)  # the partner's location → that location's `api_key`
    auto_clean_up: bool = True  # the dashboard's automatic POS session clean-up; off: the integration closes them


@runtime_checkable
class SpoonityIntegration(Integration, Protocol):
    """Constructed as `Cls(connection)`, with an httpx-based client of its own choosing.

    Every call goes to `connection.base_url` with the location's `api_key` as a query parameter; the
    harness intercepts it, so the integration needs no other configuration.
    """

    def __init__(self, connection: Connection) -> None: ...

    # -- the visit and the customer -------------------------------------------------------------
    def start_session(self, location: str) -> None:
        """A new customer steps up at this location (a new ticket on the POS, a new visit on the kiosk)."""
        ...

    def identify_by_card(self, card_number: str) -> LoyaltyScreen:
        """Check the customer in by loyalty card number (POST /onscreen, then GET /onscreen): the screen shows
        their name, points balance and eligible rewards, or notice `customer_not_found`."""
        ...

    def identify_by_email(self, email: str) -> LoyaltyScreen:
        """Check the customer in by email, as `identify_by_card`."""
        ...

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        """Check the customer in by the phone number as typed, as `identify_by_card`."""
        ...

    def identify_by_token(self, scanned: str) -> LoyaltyScreen:
        """Check the customer in by the barcode / token the scanner read from their app, as `identify_by_card`."""
        ...

    def reward_list(self) -> list[ShownReward]:
        """Every reward of the merchant (GET /vendor/perk/redemption/list, not the session's eligible list);
        `redeemable` tells whether the checked-in customer can afford it now; each `id` is what `add_reward` takes."""
        ...

    # -- the order ------------------------------------------------------------------------------------
    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        """The customer adds one of our products, with the SKUs of the options chosen (all paid)."""
        ...

    def add_reward(self, reward_id: str) -> OrderView:
        """Redeem a reward (a spending rule's catalog identifier) on the order: a discount naming the rule,
        on the matching line for an item reward, on the order otherwise; the total drops accordingly.
        Notices `not_enough_points` or `reward_not_usable` when it cannot be added."""
        ...

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        """The card terminal answered. Approved: the whole order is submitted once (or kept to resend, notice
        `order_pending_sync`); a rejected order is shown and not resubmitted unchanged. Otherwise nothing is sent."""
        ...

    def pay_with_gift_card(self) -> OrderView:
        """Integrations that declare `gift_card` (others may raise NotImplementedError): pay the whole total
        from the customer's gift card (quick pay) balance, then submit the order as `pay`. Refused by Spoonity:
        the order stays open, shown as declined."""
        ...

    def pay_with_loyalty(self) -> OrderView:
        """Integrations that declare `loyalty_pay` (others may raise NotImplementedError): pay the whole total
        with Loyalty Pay (points converted to cash), then submit the order as `pay`. Refused: the order stays
        open, shown as declined (notice `not_enough_points`)."""
        ...

    def cancel(self) -> OrderView:
        """The open order is dropped before payment: nothing reaches Spoonity."""
        ...

    def close_session(self) -> None:
        """The customer leaves: their POS session is closed (DELETE /onscreen) unless the merchant's automatic
        clean-up does it; a no-op when there is none or it is already closed."""
        ...

    def void_orders(self, order_ids: list[str]) -> list[OrderView]:
        """Void paid orders (staff mistake, complaint): each is voided with DELETE /order and its receipt number,
        in the order the orders were created for each customer at each location, whatever order given."""
        ...

    def retry_pending(self) -> None:
        """The integration's background job: resend the paid orders Spoonity did not take, same receipt number."""
        ...
