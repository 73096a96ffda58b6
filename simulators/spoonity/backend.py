"""One vendor's state and rules: customers, perks, POS sessions, orders, gift card and Loyalty Pay.

Handlers pass bodies already checked against the schemas; the rules that need state live here
and raise `Refusal`s (order calls: business failures on HTTP 200, `success: false`).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from poscert.simulators.core.clock import SimClock
from poscert.simulators.core.seeding import HEX, random_string, seeded_rng
from poscert.simulators.spoonity import errors
from poscert.simulators.spoonity.dataset import SEED_NAMESPACE, VendorProfile
from poscert.simulators.spoonity.errors import Refusal, failure
from poscert.simulators.spoonity.models import (
    DOLLARS,
    POINTS,
    Customer,
    Location,
    LoyaltyPayment,
    Order,
    PosSession,
    SpendingRule,
    empty_expiring,
    money,
)


def decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class VendorBackend:
    def __init__(self, profile: VendorProfile, clock: SimClock, seed: int) -> None:
        self.profile = profile
        self.clock = clock
        self.rng = seeded_rng(SEED_NAMESPACE, seed, profile.slug, "backend")
        self.auto_close_sessions = profile.auto_close_sessions  # the merchant's dashboard setting
        self.locations: dict[int, Location] = {}
        self.customers: dict[int, Customer] = {}
        self.roles: dict[str, int] = {}  # fixed role → customer id
        self.rules: dict[str, SpendingRule] = {}  # identifier → rule
        self.sessions: dict[str, PosSession] = {}
        self.orders: list[Order] = []
        self.payments: list[LoyaltyPayment] = []
        self._ids = {"session": 0, "order": 0, "payment": 0}

    # -- ids -------------------------------------------------------------------------------
    def next_id(self, kind: str, start: int = 5000) -> int:
        self._ids[kind] += 1
        return start + self._ids[kind]

    def reference(self) -> str:
        return random_string(self.rng, 12, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    # -- customers ---------------------------------------------------------------------------
    def customer(self, role: str) -> Customer:
        return self.customers[self.roles[role]]

    def find(self, identifier: str) -> tuple[Customer, str] | None:
        """The customer an identifier names: card number, email, phone or app token [C that all are accepted]."""
        text = identifier.strip()
        folded = text.casefold()
        number = digits(text)
        for customer in self.customers.values():
            if text == customer.card_number:
                return customer, "card"
            if folded == customer.email.casefold():
                return customer, "email"
            if text == customer.barcode:
                return customer, "token"
            phone = digits(customer.phone)
            if number and len(number) >= 10 and number in (phone, phone[1:]) and not re.search(r"[A-Za-z@]", text):
                return customer, "phone"
        return None

    def identify(self, identifier: str) -> Customer:
        found = self.find(identifier)
        if found is None:
            raise failure("no_customer", errors.NO_CUSTOMER)
        return found[0]

    # -- wire shapes -------------------------------------------------------------------------
    def vendor_json(self) -> dict[str, Any]:
        return {"object": "vendor", "id": self.profile.id, "name": self.profile.name}

    def loyalty_balance_json(self, customer: Customer) -> dict[str, Any]:
        entry = {"amount": customer.points, "currency": POINTS, "expiring": empty_expiring()}
        return {"object": "collection", "data": [entry], "page_size": 20, "count": 1, "page": 1}

    def quick_pay_json(self, customer: Customer) -> dict[str, Any]:
        return {
            "object": "Virtual\\Balance",
            "amount": money(customer.quick_pay),
            "currency": DOLLARS,
            "expiring": empty_expiring(),
        }

    def eligible(self, customer: Customer) -> list[SpendingRule]:
        return [r for r in self.rules.values() if r.cost <= customer.points]

    # -- POS sessions --------------------------------------------------------------------------
    def open_session(self, location_id: int, identifier: str) -> dict[str, Any]:
        found = self.find(identifier)
        if found is None:
            raise Refusal(404, errors.NO_CUSTOMER)  # [I]: the docs show no error for this
        customer, matched = found
        now = self.clock.timestamp()
        session = PosSession(
            self.next_id("session", 880000),
            random_string(self.rng, 32, HEX),
            customer.id,
            location_id,
            matched,
            now,
            now,
        )
        self.sessions[session.hash] = session
        return {
            "pos_session": session.to_json(customer),
            "vendor": {
                **self.vendor_json(),
                "point_of_sale": {
                    "object": "pointofsale",
                    "id": 1,
                    "name": "Manual",
                    "status": {"id": 1, "name": "Active"},
                },
                "modules": {
                    "object": "collection",
                    "data": [
                        {"object": "middlewaremodule", "id": 1, "name": "Loyalty"},
                        {"object": "middlewaremodule", "id": 2, "name": "Quick Pay"},
                    ],
                    "page_size": 20,
                    "count": 2,
                    "page": 1,
                },
            },
        }

    def session(self, hash_: str) -> PosSession:
        session = self.sessions.get(hash_)
        if session is None:
            raise Refusal(404, errors.NO_SESSION)
        if not session.active:
            raise Refusal(410, errors.SESSION_CLOSED.format(hash_))
        return session

    def session_details(self, hash_: str) -> dict[str, Any]:
        session = self.session(hash_)
        customer = self.customers[session.customer_id]
        return {
            "pos_session": session.to_json(customer),
            "user": customer.to_json(),
            "loyalty_balance": self.loyalty_balance_json(customer),
            "quick_pay_balance": self.quick_pay_json(customer),
            "rules": {
                "earning": {"object": "collection", "data": [], "page_size": 20, "count": 0, "page": 1},
                "spending": {
                    "object": "collection",
                    "data": [r.eligible_json(customer.points) for r in self.eligible(customer)],
                    "page_size": 20,
                    "count": len(self.eligible(customer)),
                    "page": 1,
                },
            },
        }

    def close_session(self, hash_: str) -> dict[str, Any]:
        session = self.session(hash_)
        self._close(session)
        return {"pos_session": session.to_json(self.customers[session.customer_id])}

    def _close(self, session: PosSession) -> None:
        session.active = False
        session.date_updated = self.clock.timestamp()

    def active_sessions(self, customer: Customer | None = None) -> list[PosSession]:
        return [s for s in self.sessions.values() if s.active and (customer is None or s.customer_id == customer.id)]

    # -- perks ----------------------------------------------------------------------------------
    def perks_json(self) -> dict[str, Any]:
        data = [rule.perk_json(self.vendor_json()) for rule in self.rules.values()]
        return {"object": "collection", "data": data, "page_size": 100, "count": len(data), "page": 1}

    # -- orders ---------------------------------------------------------------------------------
    def _duplicate(self, location_id: int, receipt: str | None) -> None:
        if receipt is None:
            return
        if any(o.location_id == location_id and o.receipt_number == receipt for o in self.orders):
            raise failure("duplicate_receipt", errors.DUPLICATE_RECEIPT.format(receipt))

    def _new_order(self, kind: str, customer: Customer, location_id: int, body: dict[str, Any]) -> Order:
        receipt = body.get("receipt_number")
        order = Order(
            id=self.next_id("order", 310000),
            seq=len(self.orders) + 1,
            reference_number=self.reference(),
            receipt_number=None if receipt is None else str(receipt),
            kind=kind,
            customer_id=customer.id,
            location_id=location_id,
            date=int(body.get("date", self.clock.timestamp())),
        )
        return order

    def submit_order(self, location_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """A whole, immutable order [C]: burn the rewards its discounts name, earn on `subtotal` only [C]."""
        customer = self.identify(body["card_number"])
        self._duplicate(location_id, str(body["receipt_number"]))
        named = [d["id"] for d in body.get("discounts") or []]
        for item in body.get("line_items") or []:
            named += [d["id"] for d in item.get("discounts") or []]
        redeemed = [self.rules[str(i)] for i in named if str(i) in self.rules]
        if sum(1 for rule in redeemed if rule.order_level) > 1:
            raise failure("one_order_reward", errors.ONE_ORDER_REWARD)
        cost = sum(rule.cost for rule in redeemed)
        if cost > customer.points:
            raise failure("insufficient_points", errors.INSUFFICIENT_POINTS.format(cost, customer.points))
        earned = math.floor(decimal(body["subtotal"]) * self.profile.points_per_dollar)
        order = self._new_order("order", customer, location_id, body)
        order.points_earned, order.points_redeemed, order.redemptions = earned, cost, redeemed
        customer.points += earned - cost
        customer.last_visit = self.clock.timestamp()
        self.orders.append(order)
        if self.auto_close_sessions:  # the platform's background clean-up of the spent session [C]
            for session in self.active_sessions(customer):
                if session.location_id == location_id:
                    self._close(session)
        return {
            **order_answer(order),
            "date": order.date,
            "points_earned": earned,
            "points_redeemed": cost,
            "redemptions": [
                {"object": "redemption", "identifier": r.identifier, "name": r.name, "cost": r.cost} for r in redeemed
            ],
            "user": customer.to_json(),
            "loyalty_balance": self.loyalty_balance_json(customer),
        }

    def gift_card(self, location_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """POST /order with `amount`: a negative amount debits the quick pay balance, a positive one credits it."""
        customer = self.identify(body["card_number"])
        receipt = body.get("receipt_number")
        self._duplicate(location_id, None if receipt is None else str(receipt))
        amount = decimal(body["amount"])
        if amount < 0 and -amount > customer.quick_pay:
            raise failure(
                "insufficient_gift_card",
                errors.INSUFFICIENT_GIFT_CARD.format(f"{-amount:.2f}", f"{customer.quick_pay:.2f}"),
            )
        order = self._new_order("gift_card", customer, location_id, body)
        order.quick_pay_delta = amount
        customer.quick_pay += amount
        self.orders.append(order)
        return {
            "success": True,
            "object": "quick_pay_transaction",
            "id": order.id,
            "reference_number": order.reference_number,
            "receipt_number": order.receipt_number,
            "date": order.date,
            "amount": money(amount),
            "quick_pay_balance": self.quick_pay_json(customer),
        }

    def loyalty_pay(self, location_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Loyalty Pay: points converted to cash at the vendor's rate, rounded up to a whole point [I]."""
        customer = self.identify(body["card_number"])
        amount = decimal(body["amount"])
        points = math.ceil(amount * self.profile.loyalty_pay_points_per_dollar)
        if points > customer.points:
            raise failure("insufficient_points", errors.INSUFFICIENT_POINTS.format(points, customer.points))
        customer.points -= points
        payment = LoyaltyPayment(
            self.next_id("payment", 720000), self.reference(), customer.id, location_id, amount, points
        )
        self.payments.append(payment)
        return {
            "success": True,
            "object": "loyalty_payment",
            "id": payment.id,
            "reference_number": payment.reference_number,
            "amount": money(amount),
            "points": points,
            "loyalty_balance": self.loyalty_balance_json(customer),
        }

    def void(self, location_id: int, receipt: str) -> dict[str, Any]:
        """Void by receipt (the order's receipt number or its reference number) at this location, in creation
        order per customer per location [seed 004]; reverts the earn and burn (or the gift card amount)."""
        found = [
            o for o in self.orders if o.location_id == location_id and receipt in (o.receipt_number, o.reference_number)
        ]
        if not found:
            raise failure("no_order", errors.NO_ORDER.format(receipt))
        order = found[0]
        if order.voided:
            raise failure("already_voided", errors.ALREADY_VOIDED.format(order.label))
        later = [
            o
            for o in self.orders
            if o.voided and o.customer_id == order.customer_id and o.location_id == location_id and o.seq > order.seq
        ]
        if later:
            raise failure("void_order", errors.VOID_ORDER.format(order.label, later[0].label))
        customer = self.customers[order.customer_id]
        customer.points += order.points_redeemed - order.points_earned  # may go below zero [I]
        customer.quick_pay -= order.quick_pay_delta
        order.voided = True
        return {
            **order_answer(order),
            "status": {"id": 3, "name": "Voided"},
            "points_reverted": order.points_earned,
            "points_restored": order.points_redeemed,
            "amount_reverted": money(order.quick_pay_delta),
            "loyalty_balance": self.loyalty_balance_json(customer),
            "quick_pay_balance": self.quick_pay_json(customer),
        }

    def secrets(self) -> set[str]:
        return {loc.api_key for loc in self.locations.values()}


def order_answer(order: Order) -> dict[str, Any]:
    """What every answer about an order starts with, taken or voided."""
    return {
        "success": True,
        "object": "order",
        "id": order.id,
        "reference_number": order.reference_number,
        "receipt_number": order.receipt_number,
    }
