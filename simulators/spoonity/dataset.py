"""Named, seeded datasets: the vendors, their locations and api keys, program rules and fixed customers.

`population.py` fills a vendor's backend from its profile. Api keys are drawn here, so a call is
authenticated (key → vendor, location) without building any vendor. The default vendor's first
customers are the ones the integration guide's examples name (seed 004): `john.smith@example.com`
and `brandin@spoonity.com`, so its example bodies are accepted exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from poscert.simulators.core.seeding import HEX, random_string, seeded_rng

SEED_NAMESPACE = "spoonity"


@dataclass(frozen=True)
class LocationSeed:
    id: int
    name: str
    api_key: str


@dataclass(frozen=True)
class RuleSeed:
    identifier: str
    name: str
    cost: int
    summary: str


@dataclass(frozen=True)
class CustomerSeed:
    """A fixed customer: role, names (None: drawn by Faker), email, points, quick pay (gift card) balance."""

    role: str
    first_name: str | None
    last_name: str | None
    email: str | None
    points: int
    quick_pay: Decimal


@dataclass(frozen=True)
class VendorProfile:
    slug: str
    id: int
    name: str
    locations: tuple[LocationSeed, ...]
    customers: int  # fixed ones included
    fixed: tuple[CustomerSeed, ...]
    rules: tuple[RuleSeed, ...]
    auto_close_sessions: bool  # the dashboard's automatic POS session clean-up [C that it exists]
    points_per_dollar: int = 1  # earned on subtotal, rounded down [I]
    loyalty_pay_points_per_dollar: int = 10  # Loyalty Pay's conversion [I]
    locale: str = "en_US"


@dataclass(frozen=True)
class Dataset:
    name: str
    vendors: dict[str, VendorProfile]
    api_keys: dict[str, tuple[str, int]]  # api_key → (vendor slug, location id)
    default_vendor: str
    other_vendor: str


RULES = (
    RuleSeed("discount_free_coffee", "Free Coffee", 50, "Any size drip coffee."),
    RuleSeed("discount_free_muffin", "Free Muffin", 80, "One muffin of your choice."),
    RuleSeed("5_dollar_off", "$5 Off", 100, "$5 off your order."),
    RuleSeed("10_percent_off", "10% Off", 150, "10% off your order."),
    RuleSeed("discount_celebration_cake", "Celebration Cake", 2000, "A whole cake."),
)

FIXED = (
    CustomerSeed("regular", "John", "Smith", "john.smith@example.com", 240, Decimal("25.00")),
    CustomerSeed("brandin", "Brandin", None, "brandin@spoonity.com", 150, Decimal("40.00")),
    CustomerSeed("light", None, None, None, 30, Decimal("5.00")),
    CustomerSeed("newcomer", None, None, None, 0, Decimal(0)),
)
ROLES = tuple(seed.role for seed in FIXED)


def _default(seed: int) -> Dataset:
    rng = seeded_rng(SEED_NAMESPACE, seed, "keys")
    location_ids = rng.sample(range(1000, 9999), 4)
    vendor_ids = rng.sample(range(100, 999), 2)

    def location(index: int, name: str) -> LocationSeed:
        return LocationSeed(location_ids[index], name, random_string(rng, 32, HEX))

    cafe = VendorProfile(
        slug="spoon-cafe",
        id=vendor_ids[0],
        name="Spoon Cafe",
        locations=(location(0, "Downtown"), location(1, "Airport")),
        customers=12,
        fixed=FIXED,
        rules=RULES,
        auto_close_sessions=True,
    )
    bakery = VendorProfile(
        slug="ladle-bakery",
        id=vendor_ids[1],
        name="Ladle Bakery",
        locations=(location(2, "Harbor"), location(3, "Old Town")),
        customers=6,
        fixed=FIXED[2:],
        rules=RULES[:3],
        auto_close_sessions=False,
    )
    vendors = {v.slug: v for v in (cafe, bakery)}
    keys = {loc.api_key: (v.slug, loc.id) for v in vendors.values() for loc in v.locations}
    return Dataset("default", vendors, keys, cafe.slug, bakery.slug)


DATASETS = {"default": _default}


def load(name: str, seed: int) -> Dataset:
    if name not in DATASETS:
        raise KeyError(f"unknown Spoonity dataset {name!r}; known: {sorted(DATASETS)}")
    return DATASETS[name](seed)
