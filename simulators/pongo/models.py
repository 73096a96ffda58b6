"""Pongo's resources as the backend keeps them; `to_json` is the one wire shape each has."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


def iso(moment: datetime | None) -> str | None:
    """Pongo writes datetimes as ISO 8601 with an offset, seconds precision."""
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass
class Store:
    public_id: str
    slug: str
    name: str
    address: str
    zip_code: str
    city: str
    country: str = "BE"

    def to_json(self) -> dict[str, Any]:
        return {
            "public_id": self.public_id,
            "slug": self.slug,
            "name": self.name,
            "address": self.address,
            "zip_code": self.zip_code,
            "city": self.city,
            "country": self.country,
        }


@dataclass
class Customer:
    public_id: str
    international_phone_number: str
    reference_store_slug: str
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    gender: str | None = None
    birthday: date | None = None
    points: int = 0
    has_optin: bool | None = None
    sms_optin: bool | None = None
    email_optin: bool | None = None
    tags: list[str] = field(default_factory=list)
    pin: str | None = None  # never on the wire: checked when an integration sends one
    payment_method_hash: str | None = None  # never on the wire: matches check-ins to customers

    def to_json(self) -> dict[str, Any]:
        return {
            "public_id": self.public_id,
            "international_phone_number": self.international_phone_number,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "gender": self.gender,
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "points": self.points,
            "has_optin": self.has_optin,
            "sms_optin": self.sms_optin,
            "email_optin": self.email_optin,
            "reference_store_slug": self.reference_store_slug,
            "tags": list(self.tags),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class Reward:
    public_id: str
    title: str
    type: str  # free_product | voucher_amount | voucher_percentage
    cost: int
    description: str = ""
    external_id: str | None = None  # comma-separated SKUs of every partner, free_product only
    value: int | None = None  # cents (voucher_amount) or percent (voucher_percentage)
    store_slugs: list[str] | None = None  # None: every store
    tags: list[str] = field(default_factory=list)  # customer segments; empty: everyone
    is_active: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "public_id": self.public_id,
            "title": self.title,
            "description": self.description,
            "type": self.type,
            "cost": self.cost,
            "external_id": self.external_id,
            "value": self.value,
            "store_slugs": list(self.store_slugs) if self.store_slugs is not None else None,
            "tags": list(self.tags),
            "is_active": self.is_active,
        }

    def available_to(self, customer: Customer | None) -> bool:
        return not self.tags or (customer is not None and bool(set(self.tags) & set(customer.tags)))

    def valid_in(self, store_slug: str) -> bool:
        return self.store_slugs is None or store_slug in self.store_slugs


@dataclass
class WonReward:
    """A reward a customer bought: a snapshot of the reward at purchase time plus its use."""

    public_id: str
    reward: Reward
    customer_public_id: str
    store_slug: str
    bought_at: datetime
    coupon_code: str | None = None
    status: str = "available"  # available | used
    used_at: datetime | None = None
    order_id: str | None = None

    @property
    def reward_public_id(self) -> str:
        return self.reward.public_id

    def to_json(self) -> dict[str, Any]:
        r = self.reward
        return {
            "public_id": self.public_id,
            "reward_public_id": r.public_id,
            "customer_public_id": self.customer_public_id,
            "title": r.title,
            "type": r.type,
            "cost": r.cost,
            "external_id": r.external_id,
            "value": r.value,
            "coupon_code": self.coupon_code,
            "status": self.status,
            "store_slug": self.store_slug,
            "bought_at": iso(self.bought_at),
            "used_at": iso(self.used_at),
            "order_id": self.order_id,
        }


@dataclass
class Order:
    public_id: str
    order_id: str  # the partner's id
    loyalty_store_slug: str
    amount: int
    status: str
    delivery_status: str
    created_at: str  # as the partner sent it
    customer_public_id: str | None = None
    points_earned: int = 0
    rewards_used: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)  # the request body, for harness assertions

    def to_json(self) -> dict[str, Any]:
        return {
            "public_id": self.public_id,
            "order_id": self.order_id,
            "loyalty_store_slug": self.loyalty_store_slug,
            "amount": self.amount,
            "status": self.status,
            "points_earned": self.points_earned,
            "customer_public_id": self.customer_public_id,
            "rewards_used": list(self.rewards_used),
            "created_at": self.created_at,
        }


@dataclass
class Checkin:
    public_id: str
    customer_public_id: str
    store_slug: str
    points_earned: int
    checked_in_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "public_id": self.public_id,
            "customer_public_id": self.customer_public_id,
            "points_earned": self.points_earned,
        }


@dataclass
class Webhook:
    id: str
    merchant: str  # slug of the merchant whose token subscribed
    event: str
    url: str
    secret: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "event": self.event, "url": self.url, "secret": self.secret}
