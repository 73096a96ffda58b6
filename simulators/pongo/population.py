"""What a merchant holds the first time anyone touches it: stores, rewards and customers from its profile.

Faker and the backend's own generator are both seeded by (seed, merchant), so a merchant is
the same whichever other merchants were built before it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker

from poscert.simulators.core.clock import EPOCH
from poscert.simulators.core.seeding import seeded_faker, slugify
from poscert.simulators.pongo.backend import MerchantBackend
from poscert.simulators.pongo.dataset import SEED_NAMESPACE, MerchantProfile
from poscert.simulators.pongo.models import Customer, Store

# The first three customers are fixed points scenarios can rely on: a rich one,
# a student (segment rewards), and one too poor to buy anything but a coffee.
FIXED_CUSTOMERS = ((500, ()), (150, ("student",)), (45, ()))  # (points, tags)


def populate(backend: MerchantBackend, profile: MerchantProfile, seed: int) -> None:
    """Fill a fresh merchant with its stores, rewards and customers."""
    with seeded_faker(profile.locale, SEED_NAMESPACE, seed, profile.slug) as fake:
        _populate(backend, profile, fake)


def _populate(backend: MerchantBackend, profile: MerchantProfile, fake: Faker) -> None:
    rng = backend.rng
    for index in range(profile.stores):
        city = fake.city()
        slug = f"{profile.slug}-{slugify(city)}"
        if backend.store(slug):
            slug = f"{slug}-{index + 1}"
        backend.stores.append(
            Store(
                backend.new_id("store_"), slug, f"{profile.name} {city}", fake.street_address(), fake.postcode(), city
            )
        )
    for seed_reward in profile.rewards:
        backend.add_reward(
            seed_reward.title,
            seed_reward.type,
            seed_reward.cost,
            external_id=seed_reward.external_id,
            value=seed_reward.value,
            tags=list(seed_reward.tags),
            store_slugs=[backend.stores[0].slug] if seed_reward.first_store_only else None,
        )
    for index in range(profile.customers):
        backend.add_customer(_customer(backend, fake, rng, index))


def _customer(backend: MerchantBackend, fake: Faker, rng: random.Random, index: int) -> Customer:
    first, last = fake.first_name(), fake.last_name()
    while True:
        phone = f"324{rng.randint(60, 99)}{rng.randint(0, 999999):06d}"
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
