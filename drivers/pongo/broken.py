"""Broken Pongo integrations: each is the reference with exactly one mistake, and names the requirement
it breaks. The project's tests certify every one and expect a failure on that requirement and no other,
which proves the harness catches what it should (see tests/test_certification_pongo.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from poscert.drivers.broken import BrokenRegistry
from poscert.drivers.contract import VOUCHERS, LoyaltyScreen, OptIn, OrderView, PaymentOutcome, Product
from poscert.drivers.order import Order, Voucher
from poscert.drivers.pongo.client import NotConnected
from poscert.drivers.pongo.integration import Session
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.drivers.pongo.wire import order_payload

BROKEN = BrokenRegistry()
breaks = BROKEN.breaks


@breaks("PONGO-AUTH-01")
class NeverRefreshesTokens(PongoKiosk):
    """Keeps using the first access token; once it expires every call is refused."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self.pongo._refresh = self._give_up

    def _give_up(self, merchant: str) -> None:
        raise NotConnected(merchant)


@breaks("PONGO-STORE-01")
class StoreListFromConnectTime(PongoKiosk):
    """Reads the stores once, when the merchant connects, and offers that stale list ever after."""

    def finish_connect(self, callback_url: str) -> None:
        super().finish_connect(callback_url)
        self._stale = super().sync_stores()

    def sync_stores(self) -> list[str]:
        return list(self._stale)


@breaks("PONGO-STORE-02")
class OneSlugPerMerchant(PongoKiosk):
    """Keeps one store slug per merchant (the first mapped), so orders from every other location carry it."""

    def map_location(self, location: str, store_slug: str) -> None:
        super().map_location(location, store_slug)
        link = self._links[location]
        first = next(line for line in self._links.values() if line.merchant == link.merchant)
        self._links[location] = replace(link, slug=first.slug)


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


@breaks("PONGO-REWARD-01")
class KeepsEverySku(PongoKiosk):
    """Offers every SKU of external_id, other partners' included."""

    def add_reward(self, won_reward_id: str):
        offer = super().add_reward(won_reward_id)
        won = self._current().won.get(won_reward_id) or {}
        ours = {p.sku for p in offer.products}
        foreign = [
            Product(sku.strip(), sku.strip(), 0)
            for sku in (won.get("external_id") or "").split(",")
            if sku.strip() and sku.strip() not in ours
        ]
        return replace(offer, products=offer.products + tuple(foreign)) if foreign else offer


@breaks("PONGO-REWARD-02")
class FreeOptions(PongoKiosk):
    """Gives the options of a free product away too."""

    def choose_reward_product(self, won_reward_id: str, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        super().choose_reward_product(won_reward_id, sku, options)
        order = self._open_order()
        order.lines = [
            replace(line, options=tuple(replace(o, price=0) for o in line.options)) if line.reward_id else line
            for line in order.lines
        ]
        return order.view()


@breaks("PONGO-REWARD-03")
class VoucherWithOwnCode(PongoKiosk):
    """Creates the voucher under a code of its own instead of the reward's coupon_code."""

    def add_reward(self, won_reward_id: str):
        offer = super().add_reward(won_reward_id)
        order = self._open_order()
        order.vouchers = [replace(v, code=f"KSK-{v.won_reward_id[-6:].upper()}") for v in order.vouchers]
        return replace(offer, voucher_code=order.vouchers[0].code) if offer.voucher_code else offer


@breaks("PONGO-REWARD-04")
class DeclaresNoVouchersButOffersThem(PongoKiosk):
    """Tells Pongo it takes no vouchers, yet offers voucher rewards for redemption."""

    capabilities = PongoKiosk.capabilities - {VOUCHERS}

    def _supports(self, reward_type: str) -> bool:
        return True


@breaks("PONGO-REWARD-05")
class PosWithoutSkuGuide(PongoPOS):
    """Gives the merchant no way to find the SKUs to type into Pongo rewards."""

    def sku_guide(self) -> list[tuple[str, str]]:
        return []


@breaks("PONGO-ORDER-01")
class SkipsAnonymousOrders(PongoKiosk):
    """Sends only orders with an identified customer; Pongo's tablet never sees the others."""

    def _settle(self, session: Session) -> None:
        if session.customer is None and session.enrol_with_order is None:
            self._receipt = "no loyalty"
            return
        super()._settle(session)


@breaks("PONGO-ORDER-02")
class SendsUnpaidOrders(PongoKiosk):
    """Reports declined, abandoned and cancelled orders to Pongo too, as cancelled."""

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        view = super().pay(outcome)
        if outcome in (PaymentOutcome.DECLINED, PaymentOutcome.ABANDONED):
            self._report_unpaid()
        return view

    def cancel(self) -> OrderView:
        view = super().cancel()
        self._report_unpaid()
        return view

    def _report_unpaid(self) -> None:
        session = self._current()
        link = self._link()
        body = order_payload(
            session.order,
            store_slug=link.slug,
            channel=self.channel,
            delivery_mode=self.delivery_mode,
            delivery_status="pending",
            customer=None,
        )
        self.pongo.call(link.merchant, "POST", "/v1/orders", json={**body, "status": "cancelled"})


@breaks("PONGO-ORDER-03")
class RewardNotConfirmed(PongoKiosk):
    """Sends the reward's product as an ordinary line: Pongo never learns the reward was used."""

    def _settle(self, session: Session) -> None:
        session.order.lines = [replace(line, reward_id=None) for line in session.order.lines]
        session.order.vouchers = [_Unconfirmed(**vars(v)) for v in session.order.vouchers]
        super()._settle(session)


class _Unconfirmed(Voucher):
    def line(self):
        return replace(super().line(), reward_id=None)


@breaks("PONGO-ORDER-04")
class DropsRewardSilently(PongoKiosk):
    """Hands the order to the counter and removes the reward without telling the customer."""

    def _hand_to_external(self, order: Order) -> None:
        order.remove_rewards()
        order.status = "external_pending"
        order.payment_method = "external"


@breaks("PONGO-ORDER-05")
class SendsOnHandover(PongoKiosk):
    """Sends the order to Pongo as soon as it is handed to the counter, before anyone paid."""

    def _hand_to_external(self, order: Order) -> None:
        super()._hand_to_external(order)
        self._settle(self._current())


@breaks("ALL-SCHEMA-01")
class OrderWithExtraField(PongoKiosk):
    """Adds a field Pongo's order schema does not have (Pongo ignores it; the schema check does not)."""

    def _send_order(self, pending):
        pending.payload.setdefault("payment_status", "paid")
        return super()._send_order(pending)


@breaks("ALL-SCHEMA-01")
class RedeemWithExtraField(PongoKiosk):
    """Sends a quantity when buying a reward, a field the buy schema does not have; only redeeming shows it."""

    def _call(self, method: str, path: str, **kwargs: Any):
        if path.endswith("/buy"):
            kwargs["json"] = {**kwargs.get("json", {}), "quantity": 1}
        return super()._call(method, path, **kwargs)


@breaks("ALL-ERR-01")
class ForgetsFailedOrders(PongoKiosk):
    """When Pongo fails, the paid order is dropped and the customer told nothing."""

    def _send_order(self, pending):
        return super()._send_order(pending) or _Answered()


class _Answered:
    status_code = 201

    def json(self) -> dict:
        return {"data": {"points_earned": 0}}


@breaks("ALL-SEC-01")
class TokenHeaderWhenRedeeming(PongoKiosk):
    """Also sends its access token in a header of its own when buying a reward; only redeeming shows it."""

    def _call(self, method: str, path: str, **kwargs: Any):
        if path.endswith("/buy"):
            token = self.pongo._tokens[self._link().merchant].access
            self.pongo.http.headers["X-Access-Token"] = token
            try:
                return super()._call(method, path, **kwargs)
            finally:
                del self.pongo.http.headers["X-Access-Token"]
        return super()._call(method, path, **kwargs)


@breaks("ALL-SEC-01")
class LogsTheToken(PongoKiosk):
    """Logs every call with its Authorization header, bearer token included."""

    def _call(self, method: str, path: str, **kwargs: Any):
        token = self.pongo._tokens[self._link().merchant].access
        logging.getLogger("poscert.integration.pongo").debug("%s %s Authorization: Bearer %s", method, path, token)
        return super()._call(method, path, **kwargs)
