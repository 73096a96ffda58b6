"""What a merchant holds the first time anyone touches it: stores, rewards and customers from its profile.

Faker and the backend's own generator are both seeded by (seed, merchant), so a merchant is
the same whichever other merchants were built before it. Every scenario starts from a fresh
simulator, so a merchant is drawn once per process and (profile, seed), then copied: the copy's
generator resumes where the drawing left it, so what it makes next is what a fresh drawing's would be.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from faker import Faker

from poscert.simulators.core.clock import EPOCH
from poscert.simulators.core.seeding import seeded_faker, slugify
from poscert.simulators.pongo.backend import MerchantBackend
from poscert.simulators.pongo.dataset import SEED_NAMESPACE, MerchantProfile
from poscert.simulators.pongo.models import Customer, Reward, Store

# The first three customers are fixed points scenarios can rely on: a rich one,
# a student (segment rewards), and one too poor to buy anything but a coffee.
FIXED_CUSTOMERS = ((500, ()), (150, ("student",)), (45, ()))  # (points, tags)
# Faker's data for the address of a store in each country a profile may name.
STORE_LOCALES = {"BE": "nl_BE", "FR": "fr_FR", "NL": "nl_NL"}
# Mobile numbers as Pongo keeps them (international digits, no "+"). Most customers of a Belgian merchant
# are Belgian; some live across the border. The fixed customers are Belgian.
MOBILE_NUMBERS = {
    "BE": lambda rng: f"324{rng.randint(60, 99)}{rng.randint(0, 999999):06d}",
    "FR": lambda rng: f"33{rng.choice('67')}{rng.randint(0, 99999999):08d}",
    "NL": lambda rng: f"316{rng.randint(0, 99999999):08d}",
}
PHONE_COUNTRIES = ("BE", "BE", "BE", "FR", "NL")


@dataclass(frozen=True)
class Drawn:
    """A merchant as first drawn, and the state its generator was left in."""

    stores: list[Store]
    rewards: dict[str, Reward]
    customers: dict[str, Customer]
    rng_state: Any


def populate(backend: MerchantBackend, profile: MerchantProfile, seed: int) -> None:
    """Fill a fresh merchant with its stores, rewards and customers."""
    drawn = _drawn(profile, seed)
    backend.stores = [_copied(store) for store in drawn.stores]
    backend.rewards = {key: _copied(reward) for key, reward in drawn.rewards.items()}
    backend.customers = {key: _copied(customer) for key, customer in drawn.customers.items()}
    backend.rng.setstate(drawn.rng_state)


def _copied(model: Any) -> Any:
    """A model the scenario may change without touching the drawn one: its fields are values or flat
    lists, so a copy of the object and of its lists is whole (and far cheaper than a deep copy)."""
    clone = copy.copy(model)
    for name, value in vars(clone).items():
        if isinstance(value, list):
            setattr(clone, name, list(value))
    return clone


@cache
def _drawn(profile: MerchantProfile, seed: int) -> Drawn:
    # A backend of its own to draw into: populating uses only its generator and its collections.
    scratch = MerchantBackend(profile, state=None, clock=None, seed=seed)  # type: ignore[arg-type]
    for index, country in enumerate(profile.stores):
        with seeded_faker(STORE_LOCALES[country], SEED_NAMESPACE, seed, profile.slug, "store", index) as fake:
            scratch.stores.append(_store(scratch, profile, fake, country, index))
    for seed_reward in profile.rewards:
        scratch.add_reward(
            seed_reward.title,
            seed_reward.type,
            seed_reward.cost,
            external_id=seed_reward.external_id,
            value=seed_reward.value,
            tags=list(seed_reward.tags),
            store_slugs=[scratch.stores[0].slug] if seed_reward.first_store_only else None,
        )
    with seeded_faker(profile.locale, SEED_NAMESPACE, seed, profile.slug) as fake:
        for index in range(profile.customers):
            scratch.add_customer(_customer(scratch, fake, scratch.rng, index))
    return Drawn(scratch.stores, scratch.rewards, scratch.customers, scratch.rng.getstate())


def _store(backend: MerchantBackend, profile: MerchantProfile, fake: Faker, country: str, index: int) -> Store:
    city = fake.city()
    slug = f"{profile.slug}-{slugify(city)}"
    if backend.store(slug):
        slug = f"{slug}-{index + 1}"
    return Store(
        backend.new_id("store_"),
        slug,
        f"{profile.name} {city}",
        fake.street_address(),
        fake.postcode(),
        city,
        country,
    )


def _customer(backend: MerchantBackend, fake: Faker, rng: random.Random, index: int) -> Customer:
    first, last = fake.first_name(), fake.last_name()
    country = "BE" if index < len(FIXED_CUSTOMERS) else rng.choice(PHONE_COUNTRIES)
    while True:
        phone = MOBILE_NUMBERS[country](rng)
        if backend.customer_by_phone(phone) is None:
            break
    created = EPOCH - timedelta(days=rng.randint(1, 700), seconds=rng.randint(0, 86399))
    points, tags = (
        FIXED_CUSTOMERS[index]
        if index < len(FIXED_CUSTOMERS)
        else (rng.randint(0, 600), rng.choice([(), (), (), ("student",), ("ambassador",)]))
    )
    optins = (rng.choice([True, False, None]) for _ in range(3))
    return Customer(
        public_id=backend.new_id("cust_"),
        international_phone_number=phone,
        reference_store_slug=rng.choice(backend.stores).slug,
        created_at=created,
        updated_at=created,
        first_name=first,
        last_name=last,
        email=f"{slugify(first)}.{slugify(last)}@example.be".replace("-", ""),
        gender=rng.choice(["man", "woman", "undisclosed", "other", None]),
        birthday=fake.date_between_dates(date(1955, 1, 1), date(2006, 12, 31)) if rng.random() < 0.7 else None,
        has_optin=next(optins),
        sms_optin=next(optins),
        email_optin=next(optins),
        points=points,
        tags=list(tags),
    )
