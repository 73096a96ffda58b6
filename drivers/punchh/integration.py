"""What every reference Punchh integration does: identify the guest, the Redemptions 2.0 basket, check-in.

A visit follows Punchh's POS workflow (seed 003): the guest is looked up (or signs up / in with a
one-time password) before payment; once the order is built its discounts are looked up, chosen ones
selected into the basket, and a batch redemption with `query: true` (nothing committed) tells which
apply: they become redemption lines of the order before it is paid. Paid: the same receipt commits
the redemptions (no `query`), then the order is checked in with the same Punchh key the receipt's
EAN-13 barcode carries. Declined, abandoned or voided: nothing is committed, the basket is released.
A paid order Punchh did not take is kept and resent unchanged (same `external_uid`).

`reference.py` builds the POS (and the kiosk) on `PunchhReference`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from poscert.drivers.contract import (
    CUSTOMER_NOT_FOUND,
    LOYALTY_UNAVAILABLE,
    ORDER_PENDING_SYNC,
    REWARD_NOT_USABLE,
    LoyaltyScreen,
    OrderView,
    PaymentOutcome,
    ShownReward,
)
from poscert.drivers.order import Order, Voucher, receipt_text
from poscert.drivers.punchh.client import PunchhClient, PunchhError, PunchhRefused, PunchhUnavailable, expect
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.till import Pending, Till, Visit

log = logging.getLogger("poscert.integration.punchh")

SEND_OTP = "/api2/password_less/token"
VERIFY_OTP = "/api2/password_less/verify"
BATCH = "/api/pos/batch_redemptions"
POS_TYPE = "Proprietary POS"
POS_VERSION = "1.0"
UNAVAILABLE = "Loyalty is unavailable right now; your order can go on."


def check_digit(digits: str) -> int:
    """EAN-13 check digit of 12 digits: weights 1, 3, 1, 3… from the left, mod 10."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return (10 - total % 10) % 10


def ean13(punchh_key: str) -> str:
    """The printed barcode: the 12-digit Punchh key plus its check digit."""
    return punchh_key + str(check_digit(punchh_key))


def new_punchh_key() -> str:
    """12 digits, non-sequential, one per check (the layout of Punchh's own keys is not public)."""
    return f"{secrets.randbelow(9 * 10**11) + 10**11:012d}"


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def normalize_phone(typed: str) -> str:
    """10 digits: separators and a leading +1 dropped."""
    digits = re.sub(r"\D", "", typed)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def discount_key(discount_type: str, discount_id: Any) -> str:
    return f"{discount_type}:{discount_id}"


@dataclass
class Session(Visit):
    """A visit with Punchh's side of it: the guest, the check's identity, the discount basket."""

    user: dict[str, Any] | None = None  # the user object of User Look-up
    otp_to: dict[str, str] | None = None  # where the one-time password went (email, or phone + ext)
    verifier: str | None = field(default=None, repr=False)  # PKCE code_verifier of that OTP
    punchh_key: str = field(default_factory=new_punchh_key)
    transaction_no: str = field(default_factory=lambda: str(secrets.randbelow(9 * 10**8) + 10**8))
    receipt_datetime: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    basket_ref: str | None = None
    offered: dict[str, ShownReward] = field(default_factory=dict)  # looked-up discounts by key
    selected: list[str] = field(default_factory=list)  # discount keys in the basket
    queried: list[dict[str, Any]] | None = None  # the line items the last query confirmed discounts for
    app_selection: list[str] = field(default_factory=list)  # discount keys the guest chose in the app (SSF)


class PunchhReference(Till[Session]):
    platform: ClassVar[str] = "punchh"
    channel: ClassVar[str]
    revenue: ClassVar[tuple[str, str]] = ("Dine In", "1")  # (revenue_code, revenue_id): the fulfilment mode

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection
        self.punchh = PunchhClient(connection)
        self._committed: set[str] = set()  # external_uids whose redemptions Punchh took (or refused for good)
        self._barcode = ""

    def close(self) -> None:
        self.punchh.close()

    def _new_visit(self, location: str, order: Order) -> Session:
        return Session(location, order)

    # -- the guest ----------------------------------------------------------------------------
    def identify_by_phone(self, phone: str) -> LoyaltyScreen:
        return self._look_up({"phone": normalize_phone(phone)})

    def identify_by_email(self, email: str) -> LoyaltyScreen:
        return self._look_up({"email": email.strip()})

    def identify_by_scan(self, code: str) -> LoyaltyScreen:
        """Single Scan Flow: User Look-up by `single_scan_code` brings the guest and their app selection."""
        screen = self._look_up({"single_scan_code": code.strip()})
        visit = self._current()
        if visit.user is not None:
            chosen = visit.user.get("selected_rewards") or []
            visit.app_selection = [discount_key(r.get("discount_type") or "reward", r["id"]) for r in chosen]
        return screen

    def send_otp(self, destination: str) -> LoyaltyScreen:
        visit = self._visit()
        self._forget_guest(visit)
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if "@" in destination:
            to = {"email": destination.strip()}
        else:
            to = {"phone_number": normalize_phone(destination), "phone_ext": "+1"}
        body = {
            "client": self.connection.client_id,
            **to,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        try:
            answer = self.punchh.signed(SEND_OTP, body)
        except PunchhUnavailable:
            return self._show(visit, LoyaltyScreen(messages=[UNAVAILABLE], notices={LOYALTY_UNAVAILABLE}))
        if answer.status_code != 200:
            log.warning("Send OTP refused: %s", answer.status_code)
            return self._show(visit, LoyaltyScreen(messages=["We could not send a code there."]))
        visit.otp_to, visit.verifier = to, verifier
        return self._show(visit, LoyaltyScreen(messages=["Please type the code we sent you."]))

    def verify_otp(self, otp: str) -> LoyaltyScreen:
        visit = self._visit()
        if visit.otp_to is None or visit.verifier is None:
            raise ValueError("send_otp first")
        body = {
            "client": self.connection.client_id,
            **visit.otp_to,
            "token": otp.strip(),
            "code_verifier": visit.verifier,
            "privacy_policy": True,
            "terms_and_conditions": True,
        }
        try:
            answer = self.punchh.signed(VERIFY_OTP, body)
            if answer.status_code != 200:
                return self._show(
                    visit, LoyaltyScreen(messages=["That code is not valid."], notices={CUSTOMER_NOT_FOUND})
                )
            to, visit.otp_to, visit.verifier = visit.otp_to, None, None
            query = self._signed_in(answer.json()["access_token"], to)
        except PunchhError as error:
            log.warning("sign-in failed: %s", error)
            return self._show(visit, LoyaltyScreen(messages=[UNAVAILABLE], notices={LOYALTY_UNAVAILABLE}))
        return self._look_up(query)

    def _signed_in(self, token: str, to: dict[str, str]) -> dict[str, str]:
        """How to look up the guest Verify OTP signed in: the access token names them at the POS (Find User,
        `lookup_field: user_token`), whatever the code was sent to."""
        found = self.punchh.pos(
            "GET", "/api/pos/users/find", json={"lookup_field": "user_token", "lookup_value": token}
        )
        guest = expect(found, 200)
        return {"email": guest["email"]} if guest.get("email") else {"phone": guest["phone"]}

    def _look_up(self, query: dict[str, str]) -> LoyaltyScreen:
        """User Look-up and Fetch Balance: the guest, their balance, rewards and offers."""
        visit = self._visit()
        self._forget_guest(visit)
        try:
            answer = self.punchh.pos("GET", "/api/pos/users/search", params=query)
        except PunchhUnavailable:
            return self._show(visit, LoyaltyScreen(messages=[UNAVAILABLE], notices={LOYALTY_UNAVAILABLE}))
        if answer.status_code == 404:
            return self._show(
                visit, LoyaltyScreen(messages=["We do not know this guest yet."], notices={CUSTOMER_NOT_FOUND})
            )
        if answer.status_code != 200:
            log.warning("look-up refused: %s", answer.status_code)
            return self._show(visit, LoyaltyScreen(messages=["Loyalty could not find this guest."]))
        visit.user = answer.json()
        return self._show(visit, self._guest_screen(visit.user))

    def _guest_screen(self, user: dict[str, Any]) -> LoyaltyScreen:
        balance = user.get("balance") or {}
        rewards = [
            ShownReward(
                discount_key(reward.get("type") or "reward", reward["id"]),
                reward.get("name", ""),
                cost=reward.get("points"),
                type=reward.get("type") or "reward",
            )
            for reward in user.get("rewards", [])
        ]
        name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p) or None
        return LoyaltyScreen(str(user["id"]), name, balance.get("points_balance"), rewards)

    def _show(self, visit: Session, screen: LoyaltyScreen) -> LoyaltyScreen:
        visit.screen = screen
        return screen

    def _forget_guest(self, visit: Session) -> None:
        """Another guest steps in: the previous one's basket is released, their discounts leave the order."""
        self._release(visit)
        visit.user, visit.offered, visit.selected, visit.queried = None, {}, [], None
        visit.app_selection = []
        visit.order.vouchers = []

    # -- discounts ------------------------------------------------------------------------------
    def look_up_discounts(self) -> list[ShownReward]:
        visit = self._guest_with_order()
        try:
            found = expect(self.punchh.pos("POST", "/api/pos/discounts/lookup", json=self._order_body(visit)), 200)
        except PunchhError as error:
            log.warning("discount look-up failed: %s", error)
            visit.order.tell(UNAVAILABLE, LOYALTY_UNAVAILABLE)
            return []
        shown = []
        for discount in found.get("selected_discounts", []) + found.get("unselected_discounts", []):
            details = discount.get("discount_details") or {}
            key = discount_key(discount["discount_type"], discount["discount_id"])
            reward = ShownReward(
                key,
                details.get("name") or discount["discount_type"],
                cost=details.get("points"),
                type=discount["discount_type"],
                redeemable=discount.get("qualified", True),
            )
            visit.offered[key] = reward
            shown.append(reward)
        return shown

    def select_discount(self, discount_id: str) -> list[ShownReward]:
        visit = self._guest_with_order()
        kind, _, ident = discount_id.partition(":")
        if not ident:
            raise ValueError(f"{discount_id!r} is not a discount shown by look_up_discounts")
        body = {
            "user_id": visit.user["id"],  # type: ignore[index]
            "discount_basket_items_attributes": [{"discount_type": kind, "discount_id": ident}],
            "external_uid": visit.order.order_id,
        }
        try:
            answer = self.punchh.pos("POST", "/api/pos/discounts/select", json=body)
        except PunchhUnavailable:
            visit.order.tell(UNAVAILABLE, LOYALTY_UNAVAILABLE)
            return self._basket(visit)
        if answer.status_code != 200:
            error = answer.json().get("error") if isinstance(answer.json(), dict) else None
            message = error.get("message") if isinstance(error, dict) else None
            message = message or "This reward cannot be used now."
            visit.order.tell(message, REWARD_NOT_USABLE)
            return self._basket(visit)
        basket = answer.json()
        visit.basket_ref = basket["redemption_ref"]
        visit.selected = [discount_key(i["discount_type"], i["discount_id"]) for i in basket["discount_basket_items"]]
        visit.queried = None  # the basket changed: the order must be queried again before payment
        return self._basket(visit)

    def _basket(self, visit: Session) -> list[ShownReward]:
        return [visit.offered.get(key) or ShownReward(key, key.partition(":")[0]) for key in visit.selected]

    def apply_discounts(self) -> OrderView:
        visit = self._guest_with_order()
        for key in visit.app_selection:  # chosen in the app: into the basket once the order is built
            if key not in visit.selected:
                self.select_discount(key)
        self._query(visit)
        return visit.order.view()

    def _query(self, visit: Session) -> None:
        """Batch redemption with `query: true`: what the basket takes off this order, as redemption lines."""
        order = visit.order
        order.vouchers = []
        visit.queried = None
        if not visit.selected:
            return
        body = {**self._order_body(visit), "query": True}
        try:
            answer = expect(self.punchh.pos("POST", BATCH, json=body), 200)
        except PunchhError as error:
            log.warning("redemption query failed: %s", error)
            order.tell("Your rewards cannot be applied right now.", LOYALTY_UNAVAILABLE)
            return
        for done in answer.get("success", []):
            key = discount_key(done["discount_type"], done["discount_id"])
            details = done.get("discount_details") or {}
            title = details.get("name") or (visit.offered[key].title if key in visit.offered else key)
            cents = round(float(done.get("discount_amount") or 0) * 100)
            order.vouchers.append(Voucher(str(done["redemption_id"]), key, title, False, cents))
        for failed in answer.get("failures", []):
            order.tell(" ".join(failed.get("message") or ["A reward does not apply to this order."]), REWARD_NOT_USABLE)
        visit.queried = body["line_items"]

    def _guest_with_order(self) -> Session:
        visit = self._current()
        if visit.user is None:
            raise ValueError("identify the guest first")
        if not visit.order.is_open or not visit.order.lines:
            raise ValueError("build the order first")
        return visit

    # -- payment ----------------------------------------------------------------------------------
    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        view = super().add_product(sku, options)
        visit = self._current()
        if visit.order.vouchers:  # the order changed: its redemptions are confirmed again before payment
            visit.order.vouchers, visit.queried = [], None
            view = visit.order.view()
        return view

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        visit = self._current()
        order = visit.order
        if order.is_open and order.lines and visit.selected and visit.queried != self._line_items(order):
            self._query(visit)  # the total the customer pays includes the confirmed redemptions
        view = super().pay(outcome)
        if order.status == "abandoned":
            self._release(visit)
        return view

    def cancel(self) -> OrderView:
        view = super().cancel()
        visit = self._current()
        if view.status == "cancelled":
            self._release(visit)
        return view

    def _release(self, visit: Session) -> None:
        """Void the basket before any commit: the guest keeps every reward and point."""
        if visit.basket_ref is None or visit.user is None:
            return
        ref, visit.basket_ref, visit.selected, visit.queried = visit.basket_ref, None, [], None
        try:
            answer = self.punchh.pos("DELETE", f"{BATCH}/{ref}", json={"user_id": visit.user["id"]})
            if answer.status_code != 202:
                log.warning("basket void refused: %s", answer.status_code)
        except PunchhUnavailable as error:
            log.warning("basket void failed, the lock expires on its own: %s", error)

    def receipt_barcode(self) -> str:
        return self._barcode

    # -- after payment ------------------------------------------------------------------------------
    def _settle(self, visit: Visit) -> None:
        assert isinstance(visit, Session)
        order, user = visit.order, visit.user
        payload: dict[str, Any] = {"external_uid": order.order_id}
        if user is not None:
            if order.vouchers:
                payload["commit"] = self._order_body(visit)  # the receipt queried, without `query`: commit
            payload["checkin"] = self._checkin(visit, user)
        else:
            payload["receipt_details"] = self._receipt_details(visit)
        if not order.vouchers:
            self._release(visit)  # a basket that took nothing off this order stays the guest's
        pending = Pending(visit.location, payload)
        if self._deliver(pending) is None:
            self._pending.append(pending)
            order.tell("Your points will be added shortly.", ORDER_PENDING_SYNC)
        self._barcode = ean13(visit.punchh_key)
        loyalty = f"Punchh guest {user['id']}" if user else "Scan this receipt in the app to earn points"
        self._printed = f"{receipt_text(order, loyalty)}\nPunchh key {visit.punchh_key}\nBarcode {self._barcode}"

    def _deliver(self, pending: Pending) -> bool | None:
        payload = pending.payload
        uid = payload["external_uid"]
        try:
            if "commit" in payload and uid not in self._committed:
                try:
                    answer = expect(self.punchh.pos("POST", BATCH, json=payload["commit"]), 200)
                    if answer.get("failures"):
                        log.warning("redemptions not committed for %s: %s", uid, answer["failures"])
                except PunchhRefused as refused:
                    log.error("commit of %s refused for good: %s", uid, refused)
                self._committed.add(uid)
            if "checkin" in payload:
                expect(self.punchh.pos("POST", "/api/pos/checkins", json=payload["checkin"]), 200)
            if "receipt_details" in payload:
                expect(self.punchh.pos("POST", "/receipt_details", json=payload["receipt_details"]), 200)
        except PunchhUnavailable as error:
            log.warning("order %s kept to resend: %s", uid, error)
            return None
        except PunchhRefused as refused:
            log.error("order %s refused for good: %s", uid, refused)
            return False
        return True

    # -- wire -------------------------------------------------------------------------------------
    @staticmethod
    def _items(order: Order) -> list[tuple[str, int, int, str, str]]:
        """(name, qty, line total in cents, id, serial): each product, its options as modifiers (n.1, n.2)."""
        rows = []
        for n, line in enumerate(order.lines, start=1):
            rows.append((line.name, line.quantity, line.unit_price * line.quantity, line.sku, f"{n}.0"))
            for m, option in enumerate(line.options, start=1):
                rows.append((option.name, line.quantity, option.price * line.quantity, option.sku, f"{n}.{m}"))
        return rows

    def _line_items(self, order: Order) -> list[dict[str, Any]]:
        """Redemptions 2.0 spelling."""
        return [
            {
                "item_name": name,
                "item_qty": qty,
                "amount": dollars(cents),
                "item_type": "M",
                "item_id": sku,
                "item_family": "",
                "item_group": "",
                "serial_number": serial,
            }
            for name, qty, cents, sku, serial in self._items(order)
        ]

    def _order_body(self, visit: Session) -> dict[str, Any]:
        """The order for Discount Look-up and Batch Redemption (query and commit send the same receipt)."""
        subtotal = dollars(visit.order.subtotal)
        return {
            "user_id": visit.user["id"],  # type: ignore[index]
            "line_items": self._line_items(visit.order),
            "receipt_datetime": visit.receipt_datetime,
            "subtotal_amount": subtotal,
            "receipt_amount": subtotal,
            "transaction_no": visit.transaction_no,
            "punchh_key": visit.punchh_key,
            "external_uid": visit.order.order_id,
        }

    def _menu_items(self, order: Order) -> list[dict[str, Any]]:
        """POS 1.0 spelling: products (M), redemptions (D, positive), then the payment (P)."""
        rows = [(name, qty, cents, "M", sku, serial) for name, qty, cents, sku, serial in self._items(order)]
        base = len(order.lines)
        for n, voucher in enumerate(order.vouchers, start=base + 1):
            rows.append((voucher.title, 1, voucher.discount(order.subtotal), "D", voucher.code, f"{n}.0"))
        rows.append(("Card", 1, order.total, "P", "CARD", f"{base + len(order.vouchers) + 1}.0"))
        return [
            {
                "item_name": name,
                "item_qty": qty,
                "item_amount": dollars(cents),
                "menu_item_type": kind,
                "menu_item_id": ident,
                "menu_family": "",
                "menu_major_group": "",
                "serial_number": serial,
            }
            for name, qty, cents, kind, ident, serial in rows
        ]

    def _check(self, visit: Session) -> dict[str, Any]:
        order = visit.order
        total = dollars(order.total)
        return {
            "pos_version": POS_VERSION,
            "pos_type": POS_TYPE,
            "transaction_no": visit.transaction_no,
            "receipt_datetime": visit.receipt_datetime,
            "revenue_code": self.revenue[0],
            "revenue_id": self.revenue[1],
            "menu_items": self._menu_items(order),
            "subtotal_amount": total,
            "receipt_amount": total,
            "payable": total,
            "punchh_key": visit.punchh_key,
            "channel": self.channel,
        }

    def _checkin(self, visit: Session, user: dict[str, Any]) -> dict[str, Any]:
        guest = {"email": user["email"]} if user.get("email") else {"phone": user["phone"]}
        return {**self._check(visit), **guest, "external_uid": visit.order.order_id}

    def _receipt_details(self, visit: Session) -> dict[str, Any]:
        """Store Receipt Details: a check with no guest, claimable later through its barcode."""
        return {**self._check(visit), "amount": dollars(visit.order.total)}
