"""Named, seeded datasets: the merchants, stores, customers and rewards a fresh simulator holds.

Everything is drawn from generators seeded by (seed, merchant), never from the wall
clock, so one seed always yields the same ids, names, codes and tokens, whatever
order merchants are first touched in.
"""

from __future__ import annotations

import random
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from faker import Faker

from poscert.simulators.core.clock import EPOCH
from poscert.simulators.pongo.models import Customer, Store

if TYPE_CHECKING:
    from poscert.simulators.pongo.backend import MerchantBackend

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
PARTNER_REDIRECT_URI = "https://partner.example/pongo/callback"


def random_string(rng: random.Random, length: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass(frozen=True)
class OAuthClient:
    """A partner account: what Pongo gives the partner, and the redirect URIs it whitelisted."""

    client_id: str
    client_secret: str
    name: str
    redirect_uris: tuple[str, ...]


@dataclass(frozen=True)
class RewardSeed:
    title: str
    type: str
    cost: int
    external_id: str | None = None
    value: int | None = None
    tags: tuple[str, ...] = ()
    first_store_only: bool = False


@dataclass(frozen=True)
class MerchantProfile:
    slug: str
    name: str
    locale: str
    stores: int
    customers: int
    rewards: tuple[RewardSeed, ...]
    points_per_euro: int = 1


@dataclass(frozen=True)
class Dataset:
    name: str
    merchants: dict[str, MerchantProfile]
    default_merchant: str
    other_merchant: str
    client: OAuthClient


DEFAULT_REWARDS = (
    # external_id mixes our SKUs (PSC-) with other partners' (TAB- kiosk, ZLT- and LSP- POS), as merchants type them.
    RewardSeed("Café offert", "free_product", 40, "PSC-COFFEE,TAB-1042,ZLT-77"),
    RewardSeed("Croissant offert", "free_product", 60, "LSP-3301,PSC-CROISSANT"),
    RewardSeed("Menu du jour offert", "free_product", 250, "PSC-MENU-BURGER,PSC-MENU-VEGGIE,TAB-2210,ZLT-310"),
    RewardSeed("Dessert maison offert", "free_product", 120, "PSC-DESSERT", first_store_only=True),
    RewardSeed("Bon de 5 €", "voucher_amount", 150, value=500),
    RewardSeed("Bon de 2 €", "voucher_amount", 80, value=200),
    RewardSeed("10 % sur l'addition", "voucher_percentage", 200, value=10),
    RewardSeed("Étudiant : 20 % de réduction", "voucher_percentage", 100, value=20, tags=("student",)),
)
OTHER_REWARDS = (
    RewardSeed("Frites offertes", "free_product", 30, "PSC-FRIES,ZLT-12"),
    RewardSeed("Bon de 3 €", "voucher_amount", 90, value=300),
)


def _default(seed: int) -> Dataset:
    rng = random.Random(f"pongo:{seed}:clients")
    client = OAuthClient(
        client_id=f"{random_string(rng, 8, '0123456789abcdef')}-{random_string(rng, 4, '0123456789abcdef')}"
        f"-4{random_string(rng, 3, '0123456789abcdef')}-a{random_string(rng, 3, '0123456789abcdef')}"
        f"-{random_string(rng, 12, '0123456789abcdef')}",
        client_secret=random_string(rng, 40),
        name="poscert partner",
        redirect_uris=(
            PARTNER_REDIRECT_URI,
            "http://127.0.0.1:8765/pongo/callback",
            "http://localhost:8765/pongo/callback",
        ),
    )
    main = MerchantProfile("maison-dupont", "Maison Dupont", "nl_BE", stores=3, customers=20, rewards=DEFAULT_REWARDS)
    other = MerchantProfile(
        "friterie-du-parc", "Friterie du Parc", "nl_BE", stores=1, customers=2, rewards=OTHER_REWARDS, points_per_euro=2
    )
    return Dataset("default", {main.slug: main, other.slug: other}, main.slug, other.slug, client)


DATASETS = {"default": _default}


def load(name: str, seed: int) -> Dataset:
    if name not in DATASETS:
        raise KeyError(f"unknown Pongo dataset {name!r}; known: {sorted(DATASETS)}")
    return DATASETS[name](seed)


_FAKER_LOCK = threading.Lock()  # cached Fakers are shared by every simulator in the process


@cache
def _faker(locale: str) -> Faker:
    # Building a Faker costs milliseconds; re-seeding a cached one gives the same draws.
    return Faker(locale)


def populate(backend: MerchantBackend, profile: MerchantProfile, seed: int) -> None:
    """Fill a fresh merchant with its stores, rewards and customers."""
    with _FAKER_LOCK:
        fake = _faker(profile.locale)
        fake.seed_instance(f"pongo:{seed}:{profile.slug}")
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


# The first three customers are fixed points scenarios can rely on: a rich one,
# a student (segment rewards), and one too poor to buy anything but a coffee.
FIXED_CUSTOMERS = ((500, ()), (150, ("student",)), (45, ()))  # (points, tags)


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
