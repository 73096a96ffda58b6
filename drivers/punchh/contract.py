"""What a PAR Punchh certification needs a POS or kiosk integration to do and report.

The order of a visit follows Punchh's POS workflow: identify the guest (look-up, or sign-up / sign-in
with Advanced Authentication) before payment; once the order is built, look up the discounts for it,
select some into the basket and query the batch redemption (nothing committed) so the confirmed
redemptions become lines of the order; pay; then commit the redemptions and check in the order with
the same Punchh key that the receipt's EAN-13 barcode carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from poscert.drivers.contract import Integration, LoyaltyScreen, OrderView, PaymentOutcome, ShownReward

# Punchh's own capability (declared in `capabilities` beside the shared ones): the Single Scan Flow
# ("If you are implementing single-scan flows", seed 003), which switches on PUNCHH-SCAN-01.
SINGLE_SCAN = "single_scan"


@dataclass(frozen=True)
class Connection:
    """What the merchant's Punchh set-up gives the POS of one store."""

    base_url: str  # the POS API host, e.g. https://pos.punchh.com
    location_key: str = field(repr=False)  # the store's key: `Authorization: Token token=<location key>`
    business_key: str = field(repr=False)  # the brand's key: `btoken=<business key>`
    user_agent: str = "Poscert/POS/1.0"  # IntegratorName/IntegrationType/VersionNumber, sent on every call
    client_id: str = ""  # Advanced Authentication client (Send / Verify OTP); empty: no OTP sign-in
    client_secret: str = field(default="", repr=False)  # signs the OTP calls (x-pch-digest)


@runtime_checkable
class PunchhIntegration(Integration, Protocol):
    """Constructed as `Cls(connection)`, with an httpx-based client of its own choosing.

    Every call to Punchh goes to `connection.base_url`; the harness intercepts it, so the integration
    needs no other configuration.
    """

    def __init__(self, connection: Connection) -> None: ...

    # -- the visit and the guest -------------------------------------------------------------
    def start_session(self, location: str) -> None:
        """A new customer steps up at this location (a new ticket on the POS, a new visit on the kiosk)."""
        ...

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        """Look the guest up by the phone number as typed (User Look-up and Fetch Balance); the screen shows
        their balance, rewards and offers, or notice `customer_not_found`."""
        ...

    def identify_by_email(self, email: str) -> LoyaltyScreen:
        """Look the guest up by email, as `identify_by_phone`."""
        ...

    def identify_by_scan(self, code: str) -> LoyaltyScreen:
        """Single Scan Flow, for integrations that declare `single_scan` (others may raise NotImplementedError):
        the code the guest's app shows identifies them, and the rewards they chose in the app go to the order
        without being chosen again at the till."""
        ...

    def send_otp(self, destination: str) -> LoyaltyScreen:
        """Sign up / sign in with Advanced Authentication: send a one-time password to this email or phone
        number. Nothing is identified yet; the guest reads the code and types it (`verify_otp`)."""
        ...

    def verify_otp(self, otp: str) -> LoyaltyScreen:
        """The code the guest typed: verified, the guest (new or existing) is identified for this visit and
        their balance, rewards and offers are shown (notice `customer_not_found` when the code is refused)."""
        ...

    # -- the order and its discounts -----------------------------------------------------------
    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        """The customer adds one of our products, with the SKUs of the options chosen (all paid)."""
        ...

    def look_up_discounts(self) -> list[ShownReward]:
        """Discount Look-up for the current order (after the order is built, the guest identified):
        what the guest may use on it; each `id` is what `select_discount` takes."""
        ...

    def select_discount(self, discount_id: str) -> list[ShownReward]:
        """Add a looked-up discount to the guest's discount basket; returns what the basket holds."""
        ...

    def apply_discounts(self) -> OrderView:
        """Ask Punchh which selected discounts the order earns (batch redemption with `query: true`,
        nothing committed) and add them to the order as redemption lines; the total drops accordingly."""
        ...

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        """The payment terminal answered. Approved: the redemptions are committed and the order checked in
        (or kept to resend, notice `order_pending_sync`). Declined or abandoned: nothing is committed."""
        ...

    def cancel(self) -> OrderView:
        """The customer or the staff voids the open order: the discount basket is released, nothing committed."""
        ...

    def receipt_barcode(self) -> str:
        """The 13 digits of the EAN-13 barcode printed on the last receipt (the Punchh key + check digit)."""
        ...

    def retry_pending(self) -> None:
        """The integration's background job: send what could not be sent earlier, with the same identity."""
        ...
