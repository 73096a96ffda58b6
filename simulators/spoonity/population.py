"""What a vendor holds the first time anyone touches it: locations, perks, customers and balances.

Faker and every generator are seeded by (seed, vendor), so a vendor is the same whichever other
vendors were built before it. The first customers are the fixed ones of the dataset (`FIXED`).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from poscert.simulators.core.clock import EPOCH
from poscert.simulators.core.seeding import ALNUM, random_string, seeded_faker, seeded_rng
from poscert.simulators.spoonity.backend import VendorBackend
from poscert.simulators.spoonity.dataset import SEED_NAMESPACE, CustomerSeed, VendorProfile
from poscert.simulators.spoonity.models import Customer, Location, SpendingRule


def populate(backend: VendorBackend, profile: VendorProfile, seed: int) -> None:
    rng = seeded_rng(SEED_NAMESPACE, seed, profile.slug, "population")
    start = int((EPOCH - timedelta(days=365)).timestamp())
    for loc in profile.locations:
        backend.locations[loc.id] = Location(loc.id, loc.name, loc.api_key)
    rule_ids = rng.sample(range(200, 999), len(profile.rules))
    for index, rule in enumerate(profile.rules):
        backend.rules[rule.identifier] = SpendingRule(
            id=rule_ids[index],
            catalog_id=rule_ids[index] + 10000,
            identifier=rule.identifier,
            name=rule.name,
            summary=rule.summary,
            description=f"{rule.summary} Costs {rule.cost} points.",
            cost=rule.cost,
            start_date=start,
            end_date=None,
            date_created=start,
        )
    ids = rng.sample(range(100000, 999999), profile.customers)
    fixed = list(profile.fixed)
    with seeded_faker(profile.locale, SEED_NAMESPACE, seed, profile.slug) as fake:
        for index in range(profile.customers):
            spec = fixed[index] if index < len(fixed) else CustomerSeed("", None, None, None, 0, Decimal(0))
            first = spec.first_name or fake.first_name()
            last = spec.last_name or fake.last_name()
            email = spec.email or f"{first}.{last}.{index}@example.org".lower().replace(" ", "")
            points = spec.points if spec.role else rng.randint(0, 400)
            quick_pay = spec.quick_pay if spec.role else Decimal(rng.randint(0, 6000)) / 100
            birth = fake.date_of_birth(minimum_age=18, maximum_age=70)
            customer = Customer(
                id=ids[index],
                first_name=first,
                last_name=last,
                email=email,
                phone=f"+1555{rng.randint(0, 9999999):07d}",
                card_number="6" + "".join(str(rng.randint(0, 9)) for _ in range(15)),
                barcode="SPN" + random_string(rng, 13, ALNUM).upper(),
                birthdate=int((EPOCH.replace(year=birth.year, month=birth.month, day=min(birth.day, 28))).timestamp()),
                points=points,
                quick_pay=quick_pay,
                date_created=start + rng.randint(0, 300) * 86400,
            )
            backend.customers[customer.id] = customer
            if spec.role:
                backend.roles[spec.role] = customer.id
