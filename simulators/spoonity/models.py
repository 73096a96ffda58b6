"""Spoonity's resources as a vendor backend keeps them; `to_json` is the one wire shape each has.

Every object carries its `"object"` discriminator [C]; times are Unix seconds [C]; points are
integers, money is `Decimal` and written as a number with two decimals [I].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
POINTS = {"object": "currency", "id": 1, "name": "Points", "code": "PTS"}  # [I] names
DOLLARS = {"object": "currency", "id": 2, "name": "US Dollar", "code": "USD"}  # [I]
ACTIVE = {"id": 1, "name": "Active"}  # [C] the pos_session example
CLOSED = {"id": 2, "name": "Closed"}  # [I]


def money(amount: Decimal) -> float:
    return float(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def empty_expiring() -> dict[str, Any]:
    return {"object": "collection", "data": [], "page_size": 20, "count": 0, "page": 1}


@dataclass
class Location:
    id: int
    name: str
    api_key: str  # made per location in the dashboard [C]


@dataclass
class Customer:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str  # E.164, "+15555550123"
    card_number: str  # the physical card: 16 digits [I]
    barcode: str  # the app's on-device token [C that it exists; shape I]
    birthdate: int | None
    points: int = 0
    quick_pay: Decimal = Decimal(0)
    date_created: int = 0
    last_visit: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "object": "user",
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email_address": self.email,
            "phone_number": self.phone,
            "birthdate": self.birthdate,
            "is_employee": False,
            "last_visit": self.last_visit,
        }


@dataclass
class SpendingRule:
    """A perk (reward) bought with points; redeemed by naming `identifier` in an order's discounts [I]."""

    id: int
    catalog_id: int
    identifier: str  # item rewards are `discount_...`; order-level rewards are not [I, 4SoftPOS guide]
    name: str
    summary: str
    description: str
    cost: int
    start_date: int
    end_date: int | None
    date_created: int

    @property
    def order_level(self) -> bool:
        return not self.identifier.startswith("discount_")

    def catalog_json(self) -> dict[str, Any]:
        kind = {"id": 2, "name": "Order"} if self.order_level else {"id": 1, "name": "Item"}
        return {
            "object": "catalog",
            "id": self.catalog_id,
            "identifier": self.identifier,
            "name": self.name,
            "type": kind,
        }

    def template_json(self) -> dict[str, Any]:
        return {"id": 1, "name": "Standard"}

    def eligible_json(self, balance: int) -> dict[str, Any]:
        """As in GET /onscreen's `rules.spending.data` [I from client models]."""
        return {
            "object": "spending_rule",
            "id": self.id,
            "template": self.template_json(),
            "currency": POINTS,
            "name": self.name,
            "description": self.description,
            "summary": self.summary,
            "cost": self.cost,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "available": balance // self.cost,
            "progress": min(100, balance * 100 // self.cost),
            "group": None,
            "catalog": self.catalog_json(),
        }

    def perk_json(self, vendor: dict[str, Any]) -> dict[str, Any]:
        """As in GET /vendor/perk/redemption/list [C for the listed attributes; catalog I]."""
        return {
            "object": "vendor_perk_redemption",
            "vendor_perk_redemption_id": self.id,
            "vendor": vendor,
            "type": {"id": 1, "name": "Redemption"},
            "currency": POINTS,
            "template": self.template_json(),
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "cost": self.cost,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "date_created": self.date_created,
            "date_updated": self.date_created,
            "catalog": self.catalog_json(),
        }


@dataclass
class PosSession:
    id: int
    hash: str
    customer_id: int
    location_id: int
    matched: str  # which identifier opened it: card, email, phone, token
    date_created: int
    date_updated: int
    active: bool = True

    def to_json(self, customer: Customer) -> dict[str, Any]:
        return {
            "object": "pos_session",
            "id": self.id,
            "hash": self.hash,
            "date_created": self.date_created,
            "date_updated": self.date_updated,
            "status": dict(ACTIVE if self.active else CLOSED),
            "card": customer.card_number if self.matched == "card" else None,
            "token": customer.barcode if self.matched == "token" else None,
        }


@dataclass
class Order:
    """One POST /order (a loyalty order or a gift card transaction), kept for voids and duplicates."""

    id: int
    seq: int  # creation order within the vendor
    reference_number: str
    receipt_number: str | None
    kind: str  # "order" | "gift_card"
    customer_id: int
    location_id: int
    date: int
    points_earned: int = 0
    points_redeemed: int = 0
    quick_pay_delta: Decimal = Decimal(0)
    redemptions: list[SpendingRule] = field(default_factory=list)
    voided: bool = False

    @property
    def label(self) -> str:
        return self.receipt_number or self.reference_number


@dataclass
class LoyaltyPayment:
    id: int
    reference_number: str
    customer_id: int
    location_id: int
    amount: Decimal
    points: int
