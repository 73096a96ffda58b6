"""Broken Pongo integrations: identifying, enlisting and showing customers (ID, ENLIST, OPTIN, VIEW, REDEEM). Each is a reference with one realistic mistake, the subtle ones first."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from poscert.drivers.contract import CUSTOMER_NOT_FOUND, Connection, LoyaltyScreen, OptIn
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.phone import DEFAULT_CALLING_CODE, normalize_phone
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.drivers.pongo.signature import TOLERANCE_SECONDS, verify


@breaks(
    "PONGO-ID-01",
    guide="POS users must be able to find a customer based on their phone number in the POS. (001); "
    "Phone [...] international format without the '+' (API reference, Create a customer)",
)
class EveryNumberBelgian(PongoKiosk):
    """Reads every national number as Belgian: '06 12 34 56 78' typed at the French store finds nobody."""

    def _normalize(self, phone: str) -> str:
        return normalize_phone(phone, DEFAULT_CALLING_CODE)


@breaks("PONGO-ID-01")
class UnknownNumberKeepsThePreviousCustomer(PongoKiosk):
    """Replaces the customer on screen only when a search finds one: an unknown number leaves the last one there."""

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        previous = self._current().customer, self._current().screen
        screen = super().identify_by_phone(phone)
        if CUSTOMER_NOT_FOUND in screen.notices and previous[0] is not None:
            self._current().customer = previous[0]
            return self._show(replace(previous[1], messages=screen.messages, notices=screen.notices))
        return screen


@breaks("PONGO-ID-01")
class PhoneAsTyped(PongoKiosk):
    """Looks the phone number up exactly as typed: '+32 470 …' or '0470 …' finds nobody."""

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        self._forget_customer()
        return self._loyalty(lambda: self._identify(f"/v1/customers/phone/{phone.replace(' ', '')}"))


@breaks("PONGO-ID-02")
class PassTakenWhole(PongoKiosk):
    """Takes whatever the scanner read for the public id: a bare id works, a link to the pass does not."""

    def identify_by_pass(self, scanned: str) -> LoyaltyScreen:
        self._forget_customer()
        return self._loyalty(lambda: self._identify_pass(scanned.strip()))


@breaks("PONGO-ID-02")
class PassReadAsPhone(PongoKiosk):
    """Feeds the scanned pass into the phone search."""

    def identify_by_pass(self, scanned: str) -> LoyaltyScreen:
        return self.identify_by_phone(scanned)


@breaks("PONGO-ID-03", guide="Pongo-Signature: t={timestamp},v1={hmac} (API reference, Webhooks)")
class UnsignedEventsAccepted(PongoPOS):
    """Checks a signature only when the event carries one: an event without one, or with no v1, is taken."""

    def _genuine(self, secret: str, signature: str | None, body: bytes) -> bool:
        return "v1=" not in (signature or "") or super()._genuine(secret, signature, body)


@breaks("PONGO-ID-03", guide="Pongo-Signature: t={timestamp},v1={hmac} (API reference, Webhooks)")
class ReplayedEventsAccepted(PongoPOS):
    """Checks the signature but not its time: an event Pongo signed an hour ago, sent again, is taken."""

    def _genuine(self, secret: str, signature: str | None, body: bytes) -> bool:
        signed_at = next((part[2:] for part in (signature or "").split(",") if part.startswith("t=")), "")
        return signed_at.isdigit() and verify(secret, signature, body, now=int(signed_at))


@breaks("PONGO-ID-03")
class OnlyPastSignaturesExpire(PongoPOS):
    """Rejects a signature older than five minutes but not one dated ahead: `now - t > 300`, no `abs`."""

    def _genuine(self, secret: str, signature: str | None, body: bytes) -> bool:
        signed_at = next((part[2:] for part in (signature or "").split(",") if part.startswith("t=")), "")
        if not signed_at.isdigit() or time.time() - int(signed_at) > TOLERANCE_SECONDS:
            return False
        return verify(secret, signature, body, now=int(signed_at))


@breaks("PONGO-ID-03")
class PosWithoutWebhooks(PongoPOS):
    """Never subscribes to customer.created: customers enlisted elsewhere stay unknown to its customer base."""

    def _on_connected(self, merchant: str) -> None:
        return None


@breaks("PONGO-ENLIST-01")
class EnlistsButForgetsTheCustomer(PongoKiosk):
    """Creates the customer, then sends the visit's order without them: no points for the new member."""

    def _enlist(self, number: str, person: dict[str, str], optins: dict[str, bool]) -> LoyaltyScreen:
        screen = super()._enlist(number, person, optins)
        self._current().customer = None
        return screen


@breaks(
    "PONGO-OPTIN-01",
    guide="you can pass it to the POST create order or the POST/PATCH customer calls in the has_optin attribute. "
    "(000, 001); has_optin is consent only for what the customer accepted. (catalog)",
)
class RefusalMergedIntoConsent(PongoKiosk):
    """Sends has_optin alone, true when the customer accepted either channel: a refused channel becomes consent."""

    def _enlist(self, number: str, person: dict[str, str], optins: dict[str, bool]) -> LoyaltyScreen:
        return super()._enlist(number, person, {"has_optin": optins["has_optin"]} if optins else {})


@breaks("PONGO-OPTIN-01", guide="No answer is never sent as consent. (catalog); SMS opt-in, boolean|null (API)")
class SkippedSentAsRefusal(PongoKiosk):
    """Sends a question the customer skipped as a refusal (false), which they never gave."""

    def enlist(self, phone: str, optin: OptIn, **person: Any) -> LoyaltyScreen:
        return super().enlist(phone, OptIn(email=optin.email is True, sms=optin.sms is True), **person)


@breaks(
    "PONGO-OPTIN-01",
    guide="When a customer enlist to the loyalty program, it is mandatory to ask the customer for their opt-in "
    "for Email and SMS communication. (000, 001); No answer is never sent as consent. (catalog)",
)
class OptinFormNotReset(PongoKiosk):
    """Never resets the opt-in form between customers: a question the next customer skips keeps the answer of
    the customer before, and is sent as theirs."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._form = OptIn(email=None, sms=None)  # what the form's two checkboxes show

    def enlist(self, phone: str, optin: OptIn, **person: Any) -> LoyaltyScreen:
        self._form = OptIn(
            email=self._form.email if optin.email is None else optin.email,
            sms=self._form.sms if optin.sms is None else optin.sms,
        )
        return super().enlist(phone, self._form, **person)


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
