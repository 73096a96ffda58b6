"""Broken Pongo integrations: identifying, enlisting and showing customers (ID, ENLIST, OPTIN, VIEW, REDEEM). Each is a reference with one realistic mistake."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from poscert.drivers.contract import LoyaltyScreen, OptIn
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS


@breaks("PONGO-ID-01")
class PhoneAsTyped(PongoKiosk):
    """Looks the phone number up exactly as typed: '+32 470 …' or '0470 …' finds nobody."""

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        self._forget_customer()
        return self._loyalty(lambda: self._identify(f"/v1/customers/phone/{phone.replace(' ', '')}"))


@breaks("PONGO-ID-02")
class PassReadAsPhone(PongoKiosk):
    """Feeds the scanned pass into the phone search."""

    def identify_by_pass(self, scanned: str) -> LoyaltyScreen:
        return self.identify_by_phone(scanned)


@breaks("PONGO-ID-03")
class PosWithoutWebhooks(PongoPOS):
    """Declares webhooks but never subscribes to customer.created."""

    def _on_connected(self, merchant: str) -> None:
        return None


@breaks("PONGO-ENLIST-01")
class EnlistsButForgetsTheCustomer(PongoKiosk):
    """Creates the customer, then sends the visit's order without them: no points for the new member."""

    def _enlist(self, number: str, person: dict[str, str], optins: dict[str, bool]) -> LoyaltyScreen:
        screen = super()._enlist(number, person, optins)
        self._current().customer = None
        return screen


@breaks("PONGO-OPTIN-01")
class ConsentByDefault(PongoKiosk):
    """A question the customer skipped is sent as a yes."""

    def enlist(self, phone: str, optin: OptIn, **person: Any) -> LoyaltyScreen:
        yes = OptIn(email=True if optin.email is None else optin.email, sms=True if optin.sms is None else optin.sms)
        return super().enlist(phone, yes, **person)


@breaks("PONGO-VIEW-01")
class NoBalanceOnIdentify(PongoKiosk):
    """The welcome screen after a phone search leaves the points balance out."""

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        return self._show(replace(super().identify_by_phone(phone), balance=None))


@breaks("PONGO-VIEW-02")
class RewardsForEveryone(PongoKiosk):
    """Asks for the rewards without the customer: segment rewards meant for others are shown."""

    def _call(self, method: str, path: str, **kwargs: Any):
        if path == "/v1/rewards":
            kwargs["params"] = {k: v for k, v in kwargs.get("params", {}).items() if k != "customer"}
        return super()._call(method, path, **kwargs)


@breaks("PONGO-VIEW-03")
class PurchasedMixedIn(PongoKiosk):
    """Lists purchased rewards among the merchant's rewards, not apart."""

    def _loyalty_view(self) -> LoyaltyScreen:
        screen = super()._loyalty_view()
        mixed = [replace(reward, redeemable=False) for reward in screen.purchased]
        return replace(screen, rewards=screen.rewards + mixed)


@breaks("PONGO-REDEEM-01")
class NoRefreshAfterRedeem(PongoKiosk):
    """Buys the reward but keeps showing the screen from before the purchase."""

    def _redeem(self, reward_id: str) -> LoyaltyScreen:
        before = self._current().screen
        refreshed = super()._redeem(reward_id)
        return replace(before, messages=refreshed.messages, notices=refreshed.notices)
