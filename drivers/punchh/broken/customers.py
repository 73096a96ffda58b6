"""Broken Punchh integrations: identifying the guest (look-up, OTP sign-up / sign-in, the legacy sign-up).

Each is a reference with one realistic mistake.
"""

from __future__ import annotations

from dataclasses import replace

from poscert.drivers.contract import CUSTOMER_NOT_FOUND, LoyaltyScreen
from poscert.drivers.order import Order
from poscert.drivers.punchh.broken.registry import breaks
from poscert.drivers.punchh.client import PunchhUnavailable
from poscert.drivers.punchh.integration import Session, normalize_phone
from poscert.drivers.punchh.reference import PunchhPOS

ATTACHED = "This identity is attached to the order and payment to help the loyalty system assign loyalty credits to the user for making a purchase. (003)"
ON_BEHALF = (
    "Verify OTP - This verifies the OTP token and returns an access token for that user. [...] the acquisition of "
    "an access token that enables other API calls to be made on behalf of the user. (003)"
)
CONFIRMS = "For existing loyalty users, this confirms that a user is valid [...] (003)"


@breaks("PUNCHH-ID-01", guide=ATTACHED)
class GuestStaysForTheNextTicket(PunchhPOS):
    """Keeps the guest on the till once their order is paid: the next guest's order is checked in for them."""

    def _new_visit(self, location: str, order: Order) -> Session:
        visit = super()._new_visit(location, order)
        previous = self._visit_now
        if previous is not None and previous.user is not None and not previous.order.is_open:
            visit.user, visit.screen = previous.user, previous.screen  # cleared only when another guest identifies
        return visit


@breaks("PUNCHH-ID-01", guide=ATTACHED)
class SignedInGuestLeftOffTheOrder(PunchhPOS):
    """Welcomes the guest who signed in with a one-time password, but never puts them on the order."""

    def verify_otp(self, otp: str) -> LoyaltyScreen:
        screen = super().verify_otp(otp)
        self._current().user = None  # the sign-in screen shows the guest; the ticket never hears of them
        return screen


@breaks("PUNCHH-ID-02")
class OffersLeftOut(PunchhPOS):
    """Shows the guest's points and own rewards, but not the offers (redeemables) their points unlock."""

    def _guest_screen(self, user: dict) -> LoyaltyScreen:
        screen = super()._guest_screen(user)
        return replace(screen, rewards=[reward for reward in screen.rewards if reward.type != "redeemable"])


@breaks("PUNCHH-ID-02", guide=CONFIRMS)
class UnknownGuestNotTold(PunchhPOS):
    """Reads Punchh's "User not found" as an empty answer: the guest is not told the brand does not know them."""

    def _look_up(self, query: dict[str, str]) -> LoyaltyScreen:
        screen = super()._look_up(query)
        if CUSTOMER_NOT_FOUND in screen.notices:
            return self._show(self._current(), LoyaltyScreen())
        return screen


@breaks("PUNCHH-AUTH-01", guide=ON_BEHALF)
class TokenIgnoredAfterVerify(PunchhPOS):
    """Verifies the code, then looks the guest up by the email or phone they typed, never using the access token."""

    def _signed_in(self, token: str, to: dict[str, str]) -> dict[str, str]:
        return {"email": to["email"]} if "email" in to else {"phone": to["phone_number"]}


@breaks("PUNCHH-AUTH-02")
class CreatesTheAccountBeforeTheCode(PunchhPOS):
    """Creates a guest it does not know with the legacy Create New User before sending them a code, as its old sign-up did."""

    def send_otp(self, destination: str) -> LoyaltyScreen:
        field, value = ("email", destination.strip()) if "@" in destination else ("phone", normalize_phone(destination))
        try:
            if self.punchh.pos("GET", "/api/pos/users/search", params={field: value}).status_code == 404:
                self.punchh.pos("POST", "/api/pos/users", json={field: value, "terms_and_conditions": True})
        except PunchhUnavailable:
            pass  # the code is sent all the same: Verify OTP signs the guest up
        return super().send_otp(destination)


@breaks("PUNCHH-SCAN-01")
class ScanWithoutTheAppSelection(PunchhPOS):
    """Identifies the guest by their single scan code, but drops the rewards they chose in the app."""

    def identify_by_scan(self, code: str) -> LoyaltyScreen:
        screen = super().identify_by_scan(code)
        self._current().app_selection = []  # read as a plain look-up: the guest is asked to choose again
        return screen
