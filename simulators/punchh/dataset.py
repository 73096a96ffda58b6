"""Named, seeded datasets: the businesses, locations, program rules and clients a fresh simulator holds.

This module says what a dataset is made of; `population.py` fills a business's backend from it.
Keys, ids and secrets that credentials resolve through (location keys, business keys, OAuth
clients) are drawn here, so the platform can authenticate a call without building any business.
Three businesses cover the three program types the POS API describes [C]: points unlocking
redeemables (the tutorials' "Central Punchh Coffee"), points converted to banked currency
(the tutorials' worked example: 1 point per $, 25 points = $1), and visits (punch cards).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from poscert.simulators.core.seeding import HEX, random_string, seeded_rng

SEED_NAMESPACE = "punchh"  # the first part of every Punchh generator's seed key


@dataclass(frozen=True)
class LocationSeed:
    id: int
    name: str
    location_key: str
    short_key: int
    redemption_enabled: bool = True


@dataclass(frozen=True)
class RedeemableSeed:
    name: str
    points: int
    discount_amount: Decimal
    description: str
    item_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Client:
    """An Advanced Authentication (mobile / online ordering) OAuth client: `client` in the body, and the
    secret that keys the x-pch-digest HMAC [C]."""

    client_id: str
    secret: str
    business: str


@dataclass(frozen=True)
class BusinessProfile:
    slug: str
    name: str
    business_id: int
    business_key: str  # the `btoken`: a UUID shared by every location of the brand [C]
    locations: tuple[LocationSeed, ...]
    users: int
    program_type: str  # points_unlock_redeemables | points | visits [C]
    points_conversion_type: str  # staged | currency | none [C]
    client: Client
    points_per_dollar: int = 1
    points_conversion_threshold: int = 0  # points per banked unit (currency) [C]
    conversion_value: Decimal = Decimal(0)  # banked $ per threshold (currency)
    visits_per_card: int = 0
    card_redemption_value: Decimal = Decimal(0)
    minimum_visit_amount: Decimal = Decimal(0)
    redeemables: tuple[RedeemableSeed, ...] = ()
    reward_locking: bool = False  # "enable_discount_locking" [C]
    auto_unlock_minutes: int = 100
    auto_redemption: bool = False
    max_redemptions: int = 20
    otp_channels: tuple[str, ...] = ("email", "sms")
    coupon_prefix: str = ""
    locale: str = "en_US"


@dataclass(frozen=True)
class Dataset:
    name: str
    businesses: dict[str, BusinessProfile]
    default_business: str
    other_business: str


COFFEE_REDEEMABLES = (
    RedeemableSeed("Free Drip Coffee", 50, Decimal("3.00"), "Any size drip coffee.", ("3419",)),
    RedeemableSeed("Chips & Salsa", 35, Decimal("4.00"), "Only for Chips & Salsa.", ("4410",)),
    RedeemableSeed("$5 Off", 100, Decimal("5.00"), "Flat $5 off the order."),
    RedeemableSeed("50% off (up to $10)", 200, Decimal("10.00"), "Half off, up to $10."),
)


def _uuid(rng) -> str:
    return (
        f"{random_string(rng, 8, HEX)}-{random_string(rng, 4, HEX)}-4{random_string(rng, 3, HEX)}"
        f"-a{random_string(rng, 3, HEX)}-{random_string(rng, 12, HEX)}"
    )


def _default(seed: int) -> Dataset:
    rng = seeded_rng(SEED_NAMESPACE, seed, "keys")
    short_keys = rng.sample(range(1, 8192), 5)  # 13 bits: at most 8192 stores per brand [C]
    location_ids = rng.sample(range(300000, 400000), 5)

    def location(index: int, name: str, **extra) -> LocationSeed:
        return LocationSeed(location_ids[index], name, random_string(rng, 32, HEX), short_keys[index], **extra)

    def client(business: str) -> Client:
        return Client(random_string(rng, 43), random_string(rng, 64, HEX), business)

    coffee = BusinessProfile(
        slug="central-punchh-coffee",
        name="Central Punchh Coffee",
        business_id=rng.randint(100, 999),
        business_key=_uuid(rng),
        locations=(
            location(0, "Downtown"),
            location(1, "Airport"),
            location(2, "Stadium", redemption_enabled=False),
        ),
        users=20,
        program_type="points_unlock_redeemables",
        points_conversion_type="staged",
        client=client("central-punchh-coffee"),
        points_per_dollar=1,
        points_conversion_threshold=50,
        minimum_visit_amount=Decimal("3.00"),
        redeemables=COFFEE_REDEEMABLES,
        reward_locking=True,
        auto_redemption=True,
        coupon_prefix="CPC",
    )
    pizza = BusinessProfile(
        slug="punchh-pizza-co",
        name="Punchh Pizza Co",
        business_id=rng.randint(100, 999),
        business_key=_uuid(rng),
        locations=(location(3, "Main Street"),),
        users=4,
        program_type="points",
        points_conversion_type="currency",
        client=client("punchh-pizza-co"),
        points_per_dollar=1,
        points_conversion_threshold=25,
        conversion_value=Decimal("1.00"),
        otp_channels=("email",),
    )
    bagels = BusinessProfile(
        slug="bagel-barn",
        name="Bagel Barn",
        business_id=rng.randint(100, 999),
        business_key=_uuid(rng),
        locations=(location(4, "Harbor"),),
        users=3,
        program_type="visits",
        points_conversion_type="none",
        client=client("bagel-barn"),
        visits_per_card=5,
        card_redemption_value=Decimal("2.00"),
        minimum_visit_amount=Decimal("5.00"),
    )
    businesses = {b.slug: b for b in (coffee, pizza, bagels)}
    return Dataset("default", businesses, coffee.slug, pizza.slug)


DATASETS = {"default": _default}


def load(name: str, seed: int) -> Dataset:
    if name not in DATASETS:
        raise KeyError(f"unknown Punchh dataset {name!r}; known: {sorted(DATASETS)}")
    return DATASETS[name](seed)
