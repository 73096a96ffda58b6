"""What every reference Pongo integration does: connection, stores, identification, rewards, orders.

`reference.py` builds the kiosk and the POS on top of `PongoReference`.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from poscert.drivers.contract import (
    CUSTOMER_NOT_FOUND,
    LOYALTY_UNAVAILABLE,
    NOT_ENOUGH_POINTS,
    ORDER_PENDING_SYNC,
    PRODUCT_CATALOG,
    REWARD_NOT_USABLE,
    VOUCHERS,
    Connection,
    LoyaltyScreen,
    OptIn,
    OrderView,
    Product,
    RewardOffer,
    ShownReward,
)
from poscert.drivers.order import Order, Voucher, free_line, receipt_text
from poscert.drivers.pongo.client import (
    ConnectRefused,
    NotConnected,
    PongoClient,
    PongoError,
    PongoUnavailable,
    data,
    expect,
)
from poscert.drivers.pongo.phone import DEFAULT_CALLING_CODE, calling_code, normalize_phone
from poscert.drivers.pongo.wire import optin_fields, order_payload, own_products
from poscert.drivers.till import Pending, Till, Visit

log = logging.getLogger("poscert.integration.pongo")

# Only what the integration uses: least privilege is what a merchant is asked to approve.
SCOPES = ("customer.create", "customer.read", "reward.read", "reward.update", "order.create")
PASS_ID = re.compile(r"cust_[A-Za-z0-9]+")
# The capability a reward type needs; a type not listed is one this software cannot honour.
NEEDS = {"free_product": PRODUCT_CATALOG, "voucher_amount": VOUCHERS, "voucher_percentage": VOUCHERS}


@dataclass(frozen=True)
class StoreLink:
    """A partner location mapped to one merchant's Pongo store: whose token, which slug, which country."""

    merchant: str
    slug: str
    calling_code: str


@dataclass
class Session(Visit):
    """A visit with Pongo's side of it: who the customer is and what they won."""

    customer: dict[str, Any] | None = None  # the Pongo customer resource
    enrol_with_order: dict[str, Any] | None = None  # sign-up sent with the order when Pongo was down
    won: dict[str, dict[str, Any]] = field(default_factory=dict)  # available won rewards by public id


class PongoReference(Till[Session]):
    """What the kiosk and the POS share on Pongo: connection, stores, identification, rewards, orders."""

    platform: ClassVar[str] = "pongo"
    channel: ClassVar[str]
    delivery_mode: ClassVar[str] = "eat_in"
    delivery_status: ClassVar[str]

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.pongo = PongoClient(connection)
        self._states: set[str] = set()  # OAuth states handed out and not yet used
        self._admin: str | None = None  # the merchant whose admin panel is open: the last one connected
        self._stores: dict[str, dict[str, dict[str, Any]]] = {}  # merchant -> slug -> store
        self._links: dict[str, StoreLink] = {}

    def close(self) -> None:
        self.pongo.close()

    def sku_guide(self) -> list[tuple[str, str]]:
        """Every SKU a merchant may type into a Pongo reward's external_id: products, then options."""
        options = {option.sku: option.name for product in self.products for option in product.options}
        return [(product.sku, product.name) for product in self.products] + list(options.items())

    # -- merchant set-up ----------------------------------------------------------------
    def start_connect(self) -> str:
        state = secrets.token_urlsafe(24)  # ties the callback to this request: no forged connections
        self._states.add(state)
        return self.pongo.authorize_url(state, SCOPES)

    def finish_connect(self, callback_url: str) -> None:
        expected = urlsplit(self.pongo.connection.redirect_uri)
        callback = urlsplit(callback_url)
        query = dict(parse_qsl(callback.query))
        state = query.get("state", "")
        if state not in self._states or callback[:3] != expected[:3]:
            raise ConnectRefused("this callback does not answer a connection we started")
        self._states.discard(state)  # single use
        if "error" in query or not query.get("code"):
            raise ConnectRefused(f"the merchant did not approve: {query.get('error', 'no code')}")
        merchant = self.pongo.connect(query["code"])
        self._admin = merchant["public_id"]
        log.info("connected merchant %s", merchant.get("slug", self._admin))
        self._on_connected(self._admin)

    def sync_stores(self) -> list[str]:
        merchant = self._admin_merchant()
        stores = expect(self.pongo.call(merchant, "GET", "/v1/stores"), 200)
        self._stores[merchant] = {store["slug"]: store for store in stores}
        return list(self._stores[merchant])

    def map_location(self, location: str, store_slug: str) -> None:
        if location not in self.sites:
            raise ValueError(f"unknown location {location!r}")
        merchant = self._admin_merchant()
        store = self._stores.get(merchant, {}).get(store_slug)
        if store is None:
            raise ValueError(f"{store_slug!r} is not one of the merchant's stores; sync the stores first")
        self._links[location] = StoreLink(merchant, store_slug, calling_code(store.get("country")))

    # -- customer -------------------------------------------------------------------------
    def _new_visit(self, location: str, order: Order) -> Session:
        return Session(location, order)

    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        self._forget_customer()
        try:
            number = self._normalize(phone)
        except ValueError:
            return self._show(LoyaltyScreen(messages=["This phone number is not valid."], notices={CUSTOMER_NOT_FOUND}))
        return self._loyalty(lambda: self._identify_phone(number))

    def identify_by_pass(self, scanned: str) -> LoyaltyScreen:
        self._forget_customer()
        # The pass may hold the bare id or a link that contains it.
        found = PASS_ID.search(scanned)
        if found is None:
            return self._show(LoyaltyScreen(messages=["This pass could not be read."], notices={CUSTOMER_NOT_FOUND}))
        return self._loyalty(lambda: self._identify_pass(found.group()))

    def enlist(
        self,
        phone: str,
        optin: OptIn,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
    ) -> LoyaltyScreen:
        self._forget_customer()
        try:
            number = self._normalize(phone)
        except ValueError:
            return self._show(LoyaltyScreen(messages=["This phone number is not valid."]))
        person = {
            key: value
            for key, value in (("first_name", first_name), ("last_name", last_name), ("email", email))
            if value
        }
        return self._loyalty(lambda: self._enlist(number, person, optin_fields(optin)))

    def redeem(self, reward_id: str) -> LoyaltyScreen:
        return self._loyalty(lambda: self._redeem(reward_id))

    # -- order ----------------------------------------------------------------------------
    def add_reward(self, won_reward_id: str) -> RewardOffer:
        order = self._open_order()
        try:
            won = self._won_reward(won_reward_id)
        except PongoError as error:
            return RewardOffer(won_reward_id, message=error.customer_message, notice=LOYALTY_UNAVAILABLE)
        if not self._usable(won):
            return RewardOffer(won_reward_id, message="This reward cannot be used here.", notice=REWARD_NOT_USABLE)
        if won["type"] == "free_product":
            products = tuple(self._reward_products(won))
            if not products:
                return RewardOffer(
                    won_reward_id, message="None of this reward's products is sold here.", notice=REWARD_NOT_USABLE
                )
            if len(products) > 1:
                return RewardOffer(won_reward_id, products, message="Choose the product you want.")
            self.choose_reward_product(won_reward_id, products[0].sku)
            return RewardOffer(won_reward_id, products, applied=True)
        percent = won["type"] == "voucher_percentage"
        voucher = Voucher(won["coupon_code"], won_reward_id, won["title"], percent, won["value"])
        order.remove_reward(won_reward_id)
        order.vouchers.append(voucher)
        return RewardOffer(won_reward_id, voucher_code=voucher.code, applied=True)

    def choose_reward_product(self, won_reward_id: str, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        order = self._open_order()
        won = self._current().won.get(won_reward_id)
        offered = self._reward_products(won) if won and won["type"] == "free_product" else []
        product = next((product for product in offered if product.sku == sku), None)
        if product is None:
            raise ValueError(f"{sku!r} is not a product of reward {won_reward_id!r}")
        order.remove_reward(won_reward_id)  # choosing again (say, to add options) replaces the free line
        order.lines.append(free_line(product, won_reward_id, options))
        return order.view()

    def _after_retry(self) -> None:
        for merchant in {link.merchant for link in self._links.values()}:
            self._on_connected(merchant)  # set-up steps that failed at connection time

    # -- hooks the kinds refine ---------------------------------------------------------------
    def _on_connected(self, merchant: str) -> None:
        """Set-up right after a merchant connects (and retried by the background job)."""

    def _identify_phone(self, number: str) -> LoyaltyScreen:
        return self._identify(f"/v1/customers/phone/{number}")

    def _identify_pass(self, public_id: str) -> LoyaltyScreen:
        return self._identify(f"/v1/customers/{public_id}")

    def _open_account(self, customer: dict[str, Any]) -> LoyaltyScreen:
        """Make this customer the session's and show their loyalty view."""
        self._current().customer = customer
        return self._loyalty_view()

    def _admin_merchant(self) -> str:
        if self._admin is None:
            raise NotConnected("no merchant connected")
        return self._admin

    def _link(self) -> StoreLink:
        """The store of the session's location; looked up each time, so a later mapping counts at once."""
        link = self._links.get(self._current().location)
        if link is None:
            raise NotConnected("location not mapped to a Pongo store")
        return link

    def _normalize(self, phone: str) -> str:
        """The typed number in Pongo's form; a national number takes the country of the location's store."""
        link = self._links.get(self._current().location)
        return normalize_phone(phone, link.calling_code if link else DEFAULT_CALLING_CODE)

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call for the current location, with the token of the merchant that mapped it."""
        return self.pongo.call(self._link().merchant, method, path, **kwargs)

    def _forget_customer(self) -> Session:
        """A new identification replaces the customer, and the previous customer's rewards leave the order."""
        session = self._visit()
        session.customer, session.enrol_with_order, session.won = None, None, {}
        session.screen = LoyaltyScreen()
        session.order.remove_rewards()
        return session

    def _show(self, screen: LoyaltyScreen) -> LoyaltyScreen:
        self._current().screen = screen
        return screen

    def _loyalty(self, action: Callable[[], LoyaltyScreen]) -> LoyaltyScreen:
        """Run a loyalty step; if Pongo fails, keep what is shown and tell the customer, never crash."""
        try:
            return self._show(action())
        except PongoError as error:
            log.warning("loyalty step failed: %s", error)
            screen = self._current().screen
            return self._show(replace(screen, messages=[error.customer_message], notices={LOYALTY_UNAVAILABLE}))

    def _identify(self, path: str) -> LoyaltyScreen:
        response = self._call("GET", path)
        if response.status_code == 404:
            return no_account()
        return self._open_account(expect(response, 200))

    def _enlist(self, number: str, person: dict[str, str], optins: dict[str, bool]) -> LoyaltyScreen:
        session = self._current()
        body = {"international_phone_number": number, "reference_store_slug": self._link().slug, **person, **optins}
        try:
            response = self._call("POST", "/v1/customers", json=body)
        except PongoUnavailable:
            # Pongo enrols a customer sent with a paid order, so the sign-up is not lost.
            session.enrol_with_order = {"international_phone_number": number, **person, **optins}
            return LoyaltyScreen(
                name=full_name(person),
                notices={LOYALTY_UNAVAILABLE},
                messages=["Loyalty is unavailable right now; you will be enrolled with this order."],
            )
        if response.status_code == 422 and "international_phone_number" in response.json().get("errors", {}):
            screen = self._identify(f"/v1/customers/phone/{number}")
            screen.messages.append("This number is already a member; here is the account.")
            return screen
        return self._open_account(expect(response, 201))

    def _redeem(self, reward_id: str) -> LoyaltyScreen:
        session = self._current()
        if session.customer is None:
            return replace(session.screen, messages=["Identify the customer first."])
        body = {"customer": session.customer["public_id"], "store_slug": self._link().slug}
        bought = self._call("POST", f"/v1/rewards/{reward_id}/buy", json=body)
        if bought.status_code != 422:
            expect(bought, 201)
        # Refresh everything: the balance fell and the purchase must appear among the purchased rewards;
        # after a refusal, the fresh balance tells whether points were short (they may have changed elsewhere).
        screen = self._refreshed()
        if bought.status_code == 422:
            cost = next((shown.cost for shown in screen.rewards if shown.id == reward_id), None)
            short = cost is not None and (screen.balance or 0) < cost
            screen.messages.append(
                "Not enough points for this reward." if short else "This reward cannot be bought here."
            )
            screen.notices.add(NOT_ENOUGH_POINTS if short else REWARD_NOT_USABLE)
        return screen

    def _refreshed(self) -> LoyaltyScreen:
        """The session's customer read again from Pongo (GET customer), and their view with it."""
        public_id = self._current().customer["public_id"]
        return self._open_account(expect(self._call("GET", f"/v1/customers/{public_id}"), 200))

    def _loyalty_view(self) -> LoyaltyScreen:
        session = self._current()
        customer = session.customer
        public_id, balance = customer["public_id"], customer.get("points") or 0
        won = expect(self._call("GET", f"/v1/customers/{public_id}/rewards"), 200)
        rewards = expect(
            self._call("GET", "/v1/rewards", params={"customer": public_id, "store_slug": self._link().slug}), 200
        )
        session.won = {reward["public_id"]: reward for reward in won}
        return LoyaltyScreen(
            customer_id=public_id,
            name=full_name(customer),
            balance=balance,
            rewards=[
                ShownReward(
                    r["public_id"],
                    r["title"],
                    r["cost"],
                    r["type"],
                    redeemable=self._supports(r["type"]) and balance >= r["cost"],
                )
                for r in rewards
            ],
            purchased=[
                ShownReward(
                    w["public_id"],
                    w["title"],
                    w.get("cost"),
                    w["type"],
                    redeemable=self._supports(w["type"]),
                    coupon_code=w.get("coupon_code"),
                )
                for w in won
            ],
        )

    def _supports(self, reward_type: str) -> bool:
        return NEEDS.get(reward_type) in self.capabilities

    def _usable(self, won: dict[str, Any] | None) -> bool:
        """Whether the order can take this purchased reward: its type needs nothing the software lacks."""
        return won is not None and self._supports(won["type"])

    def _reward_products(self, won: dict[str, Any]) -> list[Product]:
        """The products of our catalog a free_product reward names (one: that product; several: a choice)."""
        return own_products(won.get("external_id"), self.catalog())

    def _won_reward(self, won_reward_id: str) -> dict[str, Any] | None:
        """The customer's available won reward, fetched again if it was bought after the view was shown."""
        session = self._current()
        if won_reward_id not in session.won and session.customer is not None:
            won = expect(self._call("GET", f"/v1/customers/{session.customer['public_id']}/rewards"), 200)
            session.won = {reward["public_id"]: reward for reward in won}
        return session.won.get(won_reward_id)

    def _settle(self, session: Session) -> None:
        """The visit's order is paid: tell Pongo once, or keep it to resend; then print the receipt."""
        order = session.order
        link = self._links.get(session.location)
        if link is None:
            order.tell("Loyalty is not set up at this location: no points for this order.", LOYALTY_UNAVAILABLE)
            self._printed = receipt_text(order, "Loyalty points could not be recorded.")
            return
        pending = self._pending_order(session, link)
        customer = pending.payload.get("customer")
        response = self._send_order(pending)
        if response is None:
            self._pending.append(pending)
            order.tell("Your loyalty points will be added as soon as the loyalty service answers.", ORDER_PENDING_SYNC)
            loyalty = "Loyalty points will be added shortly."
        elif response.status_code == 201 and customer:
            loyalty = f"Loyalty points earned: {data(response)['points_earned']}"
        elif response.status_code in (201, 202):
            loyalty = "Loyalty points recorded." if customer else "Join our loyalty program to earn points."
        else:
            log.error("Pongo refused order %s (%s)", order.order_id, response.status_code)
            order.tell("Loyalty could not record this order; please ask the staff.", LOYALTY_UNAVAILABLE)
            loyalty = "Loyalty points could not be recorded."
        self._printed = receipt_text(order, loyalty)

    def _pending_order(self, session: Session, link: StoreLink) -> Pending:
        """The paid order as Pongo takes it, with the customer identified (or enrolled) during the visit."""
        customer = {"public_id": session.customer["public_id"]} if session.customer else session.enrol_with_order
        return Pending(
            link.merchant,
            order_payload(
                session.order,
                store_slug=link.slug,
                channel=self.channel,
                delivery_mode=self.delivery_mode,
                delivery_status=self.delivery_status,
                customer=customer,
            ),
        )

    def _deliver(self, pending: Pending) -> bool | None:
        response = self._send_order(pending)
        if response is None:
            return None
        if response.status_code not in (201, 202):
            log.error("Pongo refused order %s (%s); not resent", pending.payload["order_id"], response.status_code)
        return response.status_code in (201, 202)

    def _send_order(self, pending: Pending) -> httpx.Response | None:
        """POST the order; None when it must be resent later (Pongo down, or the merchant must reconnect).

        A 202 means Pongo already has this order_id (an earlier answer was lost): that is success.
        """
        try:
            return self.pongo.call(pending.tenant, "POST", "/v1/orders", json=pending.payload)
        except PongoError as error:
            log.warning("order %s kept to resend: %s", pending.payload["order_id"], error)
            return None


def no_account() -> LoyaltyScreen:
    """What a search that finds nobody shows."""
    return LoyaltyScreen(messages=["No loyalty account found. Would you like to join?"], notices={CUSTOMER_NOT_FOUND})


def full_name(person: Mapping[str, Any]) -> str | None:
    return " ".join(filter(None, (person.get("first_name"), person.get("last_name")))) or None
