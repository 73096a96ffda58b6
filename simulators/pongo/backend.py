"""One Pongo merchant's state and rules: stores, customers, rewards, won rewards, orders, check-ins.

Backends raise Pongo-shaped errors (`PlatformError`) so handlers stay thin; the
harness reads and seeds state through the same objects the wire changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from poscert.simulators.core.clock import SimClock
from poscert.simulators.core.seeding import random_string, seeded_rng, slugify
from poscert.simulators.pongo import errors
from poscert.simulators.pongo.dataset import SEED_NAMESPACE, MerchantProfile
from poscert.simulators.pongo.models import Checkin, Customer, Order, Reward, Store, WonReward
from poscert.simulators.pongo.platform import PlatformState

# Fields an integration may set on a customer (create, update, order auto-enrol, check-in).
CUSTOMER_FIELDS = (
    "international_phone_number",
    "first_name",
    "last_name",
    "email",
    "gender",
    "tags",
    "has_optin",
    "sms_optin",
    "email_optin",
    "pin",
    "payment_method_hash",
)
OPTIN_FIELDS = ("has_optin", "sms_optin", "email_optin")
COUPON_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class MerchantBackend:
    def __init__(self, profile: MerchantProfile, state: PlatformState, clock: SimClock, seed: int) -> None:
        self.slug = profile.slug
        self.name = profile.name
        self.points_per_euro = profile.points_per_euro
        self.state = state
        self.clock = clock
        self.rng = seeded_rng(SEED_NAMESPACE, seed, profile.slug)
        self.stores: list[Store] = []
        self.customers: dict[str, Customer] = {}
        self.rewards: dict[str, Reward] = {}
        self.won_rewards: dict[str, WonReward] = {}
        self.orders: dict[str, Order] = {}  # by Pongo public id
        self.checkins: dict[str, Checkin] = {}
        self._order_keys: dict[tuple[str, str], Order] = {}  # (store slug, partner order_id): idempotency
        self._coupons: set[str] = set()

    # -- identity ------------------------------------------------------------------
    @property
    def public_id(self) -> str:
        return self.state.merchant_ids[self.slug]

    @property
    def login_email(self) -> str:
        return self.state.logins[self.slug].email

    @property
    def login_password(self) -> str:
        return self.state.logins[self.slug].password

    def new_id(self, prefix: str) -> str:
        return prefix + random_string(self.rng, 20)

    def _now(self) -> datetime:
        return self.clock.now()

    # -- lookups -------------------------------------------------------------------
    def store(self, slug: str | None) -> Store | None:
        return next((s for s in self.stores if s.slug == slug), None)

    def customer(self, public_id: str) -> Customer:
        found = self.customers.get(public_id)
        if found is None:
            raise errors.not_found("Customer")
        return found

    def customer_by_phone(self, phone: str) -> Customer | None:
        return next((c for c in self.customers.values() if c.international_phone_number == phone), None)

    def reward(self, public_id: str) -> Reward:
        found = self.rewards.get(public_id)
        if found is None:
            raise errors.not_found("Reward")
        return found

    # -- customers -----------------------------------------------------------------
    def create_customer(
        self, international_phone_number: str, reference_store_slug: str | None = None, **fields: Any
    ) -> Customer:
        """The harness's shorthand for `create_customer_from` (same rules, same customer.created event)."""
        return self.create_customer_from(
            {
                **fields,
                "international_phone_number": international_phone_number,
                "reference_store_slug": reference_store_slug,
            }
        )

    def create_customer_from(self, fields: dict[str, Any]) -> Customer:
        """POST /customers rules on a schema-checked body: reference store by slug, else by public id."""
        found = self._customer_errors(fields, None)
        store = self._reference_store(fields, found)
        if found:
            raise errors.invalid(found)
        now = self._now()
        customer = Customer(self.new_id("cust_"), fields["international_phone_number"], store.slug, now, now)
        self._apply(customer, fields)
        customer.points = fields.get("points") or 0
        self.add_customer(customer)
        self.state.notify(self.slug, "customer.created", customer.to_json())
        return customer

    def update_customer(self, customer: Customer, fields: dict[str, Any]) -> Customer:
        found = self._customer_errors(fields, customer)
        store = self._reference_store(fields, found) if _names_store(fields) else None
        if found:
            raise errors.invalid(found)
        self._apply(customer, fields)
        if store is not None:
            customer.reference_store_slug = store.slug
        customer.points += fields.get("points") or 0
        customer.updated_at = self._now()
        self.state.notify(self.slug, "customer.updated", customer.to_json())
        return customer

    def _reference_store(self, fields: dict[str, Any], found: dict[str, list[str]]) -> Store | None:
        """The store named by slug, else by public id; a miss is recorded against the field used."""
        by_slug = fields.get("reference_store_slug") is not None
        key = "reference_store_slug" if by_slug else "reference_store_public_id"
        store = next((s for s in self.stores if fields.get(key) == (s.slug if by_slug else s.public_id)), None)
        if store is None:
            found.setdefault(key, []).append(f"The selected {errors.label(key)} is invalid.")
        return store

    def _customer_errors(self, fields: dict[str, Any], current: Customer | None) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        phone = fields.get("international_phone_number")
        owner = self.customer_by_phone(phone) if phone else None
        if owner is not None and owner is not current:
            found["international_phone_number"] = ["The international phone number has already been taken."]
        birthday = _parse(date.fromisoformat, fields.get("birthday"), "birthday")
        if birthday is not None and birthday >= self._now().date():
            found["birthday"] = ["The birthday field must be a date before today."]
        if fields.get("payment_method_hash") == "unknown":
            found["payment_method_hash"] = ["The selected payment method hash is invalid."]
        return found

    @staticmethod
    def _apply(customer: Customer, fields: dict[str, Any]) -> None:
        for name in CUSTOMER_FIELDS:
            if name in fields:
                setattr(customer, name, fields[name] if name != "tags" else list(fields[name] or []))
        if "birthday" in fields:
            customer.birthday = _parse(date.fromisoformat, fields["birthday"], "birthday")

    def search_customers(self, phone: str | None = None, email: str | None = None) -> list[Customer]:
        return [
            c
            for c in self.customers.values()
            if (not phone or c.international_phone_number == phone) and (not email or c.email == email)
        ]

    # -- rewards -------------------------------------------------------------------
    def rewards_for(
        self,
        customer_id: str | None = None,
        store_slug: str | None = None,
        min_points: int | None = None,
        max_points: int | None = None,
    ) -> list[Reward]:
        """Active rewards; with a customer only those of the customer's segments, with a store only those valid there."""
        customer = self.customer(customer_id) if customer_id else None
        return [
            r
            for r in self.rewards.values()
            if r.is_active
            and (customer is None or r.available_to(customer))
            and (store_slug is None or r.valid_in(store_slug))
            and (min_points is None or r.cost >= min_points)
            and (max_points is None or r.cost <= max_points)
        ]

    def buy_reward(
        self, reward_id: str, customer_id: str, store_slug: str, used: bool | None = None, pin: str | None = None
    ) -> WonReward:
        reward = self.reward(reward_id)
        customer = self.customers.get(customer_id)
        if customer is None:
            raise errors.field_invalid("customer")
        if self.store(store_slug) is None:
            raise errors.field_invalid("store_slug")
        if pin is not None and customer.pin is not None and pin != customer.pin:
            raise errors.field_invalid("pin", "The pin is incorrect.")
        if not reward.is_active or not reward.available_to(customer):
            raise errors.field_invalid("customer", "This reward is not available for this customer.")
        if not reward.valid_in(store_slug):
            raise errors.field_invalid("store_slug", "This reward is not available in this store.")
        if customer.points < reward.cost:
            text = "The customer does not have enough points to buy this reward."
            raise errors.invalid({"customer": [text]}, text)
        customer.points -= reward.cost
        customer.updated_at = self._now()
        won = WonReward(
            self.new_id("won_"),
            replace(reward),
            customer.public_id,
            store_slug,
            self._now(),
            coupon_code=self._coupon() if reward.type != "free_product" else None,
        )
        if used:
            won.status, won.used_at = "used", self._now()
        self.won_rewards[won.public_id] = won
        return won

    def _coupon(self) -> str:
        while True:
            code = f"PGO-{random_string(self.rng, 4, COUPON_ALPHABET)}-{random_string(self.rng, 4, COUPON_ALPHABET)}"
            if code not in self._coupons:
                self._coupons.add(code)
                return code

    def won_rewards_of(self, customer_id: str, status: str = "available") -> list[WonReward]:
        self.customer(customer_id)
        return [
            w for w in self.won_rewards.values() if w.customer_public_id == customer_id and status in ("all", w.status)
        ]

    def use_reward(self, customer_id: str, won_id: str, store_slug: str, order_id: str | None) -> WonReward:
        self.customer(customer_id)
        won = self.won_rewards.get(won_id)
        if won is None or won.customer_public_id != customer_id:
            raise errors.not_found("CustomerReward")
        if self.store(store_slug) is None:
            raise errors.field_invalid("store_slug")
        if won.status == "used":
            text = "This reward has already been used."
            raise errors.invalid({"reward": [text]}, text)
        self._mark_used(won, order_id)
        return won

    def _mark_used(self, won: WonReward, order_id: str | None) -> None:
        won.status, won.used_at, won.order_id = "used", self._now(), order_id

    # -- orders --------------------------------------------------------------------
    def create_order(self, body: dict[str, Any]) -> tuple[Order, bool]:
        """The order and whether it is new: a repeated (store, order_id) changes nothing (202)."""
        store_field = "loyalty_store_slug" if "loyalty_store_slug" in body else "store_slug"
        store = self.store(body.get(store_field))
        if store is None:
            raise errors.field_invalid(store_field)
        if (known := self._order_keys.get((store.slug, body["order_id"]))) is not None:
            return known, False
        customer, enrol = self._order_customer(body.get("customer"))
        used = self._order_rewards(body, customer)
        optins = _order_optins(body)
        if enrol is not None:
            customer = self.create_customer_from({**enrol, **optins, "reference_store_slug": store.slug})
        elif customer is not None and optins:
            self.update_customer(customer, optins)
        order = Order(
            self.new_id("ord_"),
            body["order_id"],
            store.slug,
            body["amount"],
            body["status"],
            body["delivery_status"],
            body["created_at"],
            customer.public_id if customer else None,
            payload=body,
        )
        for won in used:
            self._mark_used(won, order.order_id)
            order.rewards_used.append(won.public_id)
        self._accrue(order)
        self.orders[order.public_id] = order
        self._order_keys[(store.slug, order.order_id)] = order
        return order, True

    def _order_customer(self, data: dict[str, Any] | None) -> tuple[Customer | None, dict[str, Any] | None]:
        """The order's customer, or the fields to enrol one with once the whole order is known to be valid."""
        if not data:
            return None, None
        if "public_id" in data or "international_phone_number" not in data:
            if data.get("public_id") not in self.customers:
                raise errors.field_invalid("customer.public_id")
            return self.customers[data["public_id"]], None
        found = self.customer_by_phone(data["international_phone_number"])
        if found is not None:
            return found, None
        return None, {k: v for k, v in data.items() if k in CUSTOMER_FIELDS}

    def _order_rewards(self, body: dict[str, Any], customer: Customer | None) -> list[WonReward]:
        """Won rewards the order uses; a line's reward and the same id in `reward_ids` are one use."""
        wanted = [
            (f"lines.{i}.reward_id", line["reward_id"]) for i, line in enumerate(body["lines"]) if line.get("reward_id")
        ]
        extra = Counter(body.get("reward_ids") or []) - Counter(rid for _, rid in wanted)
        for i, rid in enumerate(body.get("reward_ids") or []):
            if extra[rid] > 0:
                extra[rid] -= 1
                wanted.append((f"reward_ids.{i}", rid))
        chosen: list[WonReward] = []
        for field, rid in wanted:
            won = self._available_won(customer, rid, chosen)
            if won is None:
                raise errors.field_invalid(field)
            chosen.append(won)
        return chosen

    def _available_won(self, customer: Customer | None, rid: str, taken: list[WonReward]) -> WonReward | None:
        if customer is None:
            return None
        candidates = sorted(
            (
                w
                for w in self.won_rewards.values()
                if w.customer_public_id == customer.public_id
                and w.status == "available"
                and w not in taken
                and rid in (w.public_id, w.reward_public_id)
            ),
            key=lambda w: w.bought_at,
        )
        return candidates[0] if candidates else None

    def _accrue(self, order: Order) -> None:
        if order.status == "paid" and order.customer_public_id and not order.points_earned:
            order.points_earned = order.amount // 100 * self.points_per_euro
            customer = self.customers[order.customer_public_id]
            customer.points += order.points_earned
            customer.updated_at = self._now()

    def update_order_status(self, public_id: str, status: str, delivery_status: str | None) -> Order:
        order = self.orders.get(public_id)
        if order is None:
            raise errors.not_found("Order")
        order.status = status
        if delivery_status is not None:
            order.delivery_status = delivery_status
        self._accrue(order)
        return order

    # -- check-ins -----------------------------------------------------------------
    def checkin(self, body: dict[str, Any]) -> Checkin:
        store = self.store(body["store_slug"])
        if store is None:
            raise errors.field_invalid("store_slug")
        at = _parse(datetime.fromisoformat, body.get("checked_in_at"), "checked_in_at") or self._now()
        if at > self._now():
            raise errors.field_invalid(
                "checked_in_at", "The checked in at field must be a date before or equal to now."
            )
        phone, hashed = body.get("international_phone_number"), body.get("payment_method_hash")
        if phone:
            customer = self.customer_by_phone(phone) or self.create_customer(
                phone, store.slug, payment_method_hash=hashed
            )
        elif hashed:
            customer = next((c for c in self.customers.values() if c.payment_method_hash == hashed), None)
            if customer is None:
                raise errors.field_invalid("payment_method_hash")
        else:
            raise errors.field_invalid(
                "international_phone_number",
                "The international phone number field is required when payment method hash is not present.",
            )
        earned = body["amount"] // 100 * self.points_per_euro
        customer.points += earned
        customer.updated_at = self._now()
        found = Checkin(self.new_id("chk_"), customer.public_id, store.slug, earned, at)
        self.checkins[found.public_id] = found
        return found

    # -- admin helpers for the harness -----------------------------------------------
    def add_customer(self, customer: Customer) -> Customer:
        self.customers[customer.public_id] = customer
        return customer

    def add_reward(
        self,
        title: str,
        type: str,
        cost: int,
        *,
        external_id: str | None = None,
        value: int | None = None,
        description: str = "",
        store_slugs: list[str] | None = None,
        tags: list[str] | None = None,
        is_active: bool = True,
    ) -> Reward:
        reward = Reward(
            self.new_id("rwd_"),
            title,
            type,
            cost,
            description,
            external_id,
            value,
            store_slugs,
            list(tags or []),
            is_active,
        )
        self.rewards[reward.public_id] = reward
        return reward

    def add_store(self, name: str, city: str = "Bruxelles") -> Store:
        """A store the merchant opens in Pongo's back office (after the integration synced stores)."""
        slug = slugify(name) if slugify(name).startswith(self.slug) else f"{self.slug}-{slugify(name)}"
        while self.store(slug):
            slug += "-2"
        store = Store(self.new_id("store_"), slug, name, "Rue Neuve 1", "1000", city)
        self.stores.append(store)
        return store

    def orders_list(self) -> list[Order]:
        return list(self.orders.values())

    def set_points(self, customer_id: str, points: int) -> None:
        self.customer(customer_id).points = points

    def set_external_id(self, reward_id: str, external_id: str | None) -> None:
        self.reward(reward_id).external_id = external_id

    def enlist_elsewhere(self, phone: str, **fields: Any) -> Customer:
        """A customer enlisted through another connected platform (the merchant's app, another POS):
        it exists in Pongo and fires customer.created, but the integration under test never sent it."""
        return self.create_customer(phone, **{"reference_store_slug": self.stores[0].slug, **fields})


def _order_optins(body: dict[str, Any]) -> dict[str, bool]:
    """The opt-in answers an order carries, for a new or a known customer: `has_optin` on the order itself
    (the guides pass it "to the POST create order") or in its customer. An unanswered (null) one changes nothing."""
    customer = body.get("customer") or {}
    found = {"has_optin": body["has_optin"]} if body.get("has_optin") is not None else {}
    return found | {name: customer[name] for name in OPTIN_FIELDS if customer.get(name) is not None}


def _names_store(fields: dict[str, Any]) -> bool:
    return any(fields.get(k) is not None for k in ("reference_store_slug", "reference_store_public_id"))


def _parse(parser: Callable[[str], Any], value: str | None, field: str) -> Any:
    """Parse a schema-checked date; the schema's format check is laxer than Python's parser on a few edges."""
    if not value:
        return None
    try:
        return parser(value)
    except ValueError:
        raise errors.field_invalid(field, f"The {errors.label(field)} field must be a valid date.") from None
