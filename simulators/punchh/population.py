"""What a business holds the first time anyone touches it: stores, redeemables, guests, rewards, codes.

Faker and the backend's own generator are both seeded by (seed, business), so a business is the
same whichever other businesses were built before it. The first guests are fixed points scenarios
rely on (`FIXED`): a regular with every kind of identifier, a light user, a banned guest, a newcomer.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from faker import Faker

from poscert.simulators.core.clock import EPOCH
from poscert.simulators.core.seeding import HEX, seeded_faker, slugify
from poscert.simulators.punchh.backend import BusinessBackend
from poscert.simulators.punchh.dataset import SEED_NAMESPACE, BusinessProfile
from poscert.simulators.punchh.models import (
    Location,
    Redeemable,
    RedemptionCode,
    Reward,
    ShortCode,
    SingleScanCode,
    User,
)

UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# (role, ledger) of the first guests; the ledger is read by the business's program:
# points-unlock and currency programs use point credits and debits, visit programs the visits.
FIXED = (
    ("regular", {"point_credits": 540, "point_debits": 40, "visits": 12}),
    ("light", {"point_credits": 45, "visits": 3}),
    ("banned", {"point_credits": 300, "visits": 7}),
    ("newcomer", {}),
)
FIXED_ROLES = tuple(role for role, _ in FIXED)
# Rewards of the regular guest (coffee shop): a flat one, one for a single item, an auto-select birthday one.
REGULAR_REWARDS = (
    ("$2 Off Your Order", Decimal("2.00"), (), False),
    ("Free Cookie", Decimal("2.50"), ("5501",), False),
    ("Birthday $5", Decimal("5.00"), (), True),
)


def populate(backend: BusinessBackend, profile: BusinessProfile, seed: int) -> None:
    """Fill a fresh business with its stores, redeemables, guests, rewards and codes."""
    with seeded_faker(profile.locale, SEED_NAMESPACE, seed, profile.slug) as fake:
        _populate(backend, profile, fake)


def _populate(backend: BusinessBackend, profile: BusinessProfile, fake: Faker) -> None:
    for seed in profile.locations:
        backend.locations[seed.id] = Location(
            seed.id, seed.name, seed.location_key, seed.short_key, fake.city(), seed.redemption_enabled
        )
    if profile.program_type == "points_unlock_redeemables":
        for item in profile.redeemables:
            redeemable_id = backend.new_id(6)
            backend.redeemables[redeemable_id] = Redeemable(
                redeemable_id,
                item.name,
                item.description,
                item.points,
                item.discount_amount,
                EPOCH - timedelta(days=200),
                item.item_ids,
            )
    for index in range(profile.users):
        user = _user(backend, fake, index)
        backend.users[user.id] = user
    users = list(backend.users.values())
    regular = users[0]
    _identifiers(backend, regular)
    if profile.program_type != "visits":
        for name, amount, item_ids, auto in REGULAR_REWARDS[: 3 if profile.program_type != "points" else 1]:
            _reward(backend, regular, name, amount, item_ids, auto)
        _reward(backend, users[1], "Free Pastry", Decimal("3.00"), (), False)
        for user in users[len(FIXED) :]:
            if backend.rng.random() < 0.4:
                _reward(backend, user, "Welcome Reward", Decimal("1.00"), (), False)
    rewards = backend.rewards_of(regular)
    if rewards:  # a code the regular generated in the app for their first reward [C: 7 digits]
        code = f"{backend.rng.randint(0, 9999999):07d}"
        backend.codes[code] = RedemptionCode(
            code, rewards[0].discount_amount, rewards[0].name, EPOCH + timedelta(days=1), regular.id, rewards[0].id
        )
    if profile.coupon_prefix:  # a promo coupon any guest may use once
        coupon = profile.coupon_prefix + backend.new_code(6, UPPER)
        backend.codes[coupon] = RedemptionCode(
            coupon, Decimal("3.00"), "Spring Promo $3", EPOCH + timedelta(days=30), kind="CouponRedemption"
        )


def _user(backend: BusinessBackend, fake: Faker, index: int) -> User:
    rng = backend.rng
    first, last = fake.first_name(), fake.last_name()
    while True:
        phone = f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        if backend.user_by("phone", phone) is None:
            break
    created = EPOCH - timedelta(days=rng.randint(30, 900), seconds=rng.randint(0, 86399))
    role, ledger = FIXED[index] if index < len(FIXED) else ("guest", {})
    if role == "guest":
        ledger = {"point_credits": rng.randint(0, 400), "visits": rng.randint(0, 14)}
    user = User(
        id=backend.new_id(8),
        first_name=first,
        last_name=last,
        email=f"{slugify(first)}.{slugify(last)}{index}@example.com".replace("-", ""),
        phone=phone,
        created_at=created,
        card_number="".join(str(rng.randint(0, 9)) for _ in range(16)),
        qr_codes=("P" + backend.new_code(9, UPPER),),
        birthday=fake.date_between_dates(
            EPOCH.date() - timedelta(days=25000), EPOCH.date() - timedelta(days=6600)
        ).isoformat(),
        gender=rng.choice(["male", "female", "declined", ""]),
        city=fake.city(),
        zip_code=fake.postcode(),
        user_digest=backend.new_code(40, HEX),
        status="banned" if role == "banned" else "active",
        privacy_policy=True,
        terms_and_conditions=True,
    )
    for field, value in ledger.items():
        setattr(user, field, value)
    return user


def _identifiers(backend: BusinessBackend, user: User) -> None:
    """Every documented look-up identifier for one guest [C formats]: three QR forms, passes, SSF, drive-thru."""
    user.qr_codes = (
        user.qr_codes[0],
        "Punchh" + backend.new_code(24) + "Punchh",
        "S" + backend.new_code(7, UPPER),
    )
    user.apple_nfc_data = backend.new_code(32, HEX)
    user.nfc_token = backend.new_code(40, HEX)
    live = "-".join(backend.new_code(n, HEX) for n in (8, 4, 4, 4, 12))
    stale = "-".join(backend.new_code(n, HEX) for n in (8, 4, 4, 4, 12))
    backend.scan_codes[live] = SingleScanCode(
        live, user.id, EPOCH + timedelta(hours=2), "CreditCard", None, Decimal("1.00")
    )
    backend.scan_codes[stale] = SingleScanCode(stale, user.id, EPOCH - timedelta(minutes=5))
    short = backend.new_code(4, UPPER)
    backend.short_codes[short] = ShortCode(short, user.id, EPOCH + timedelta(hours=2), live)
    expired = backend.new_code(4, UPPER)
    backend.short_codes[expired] = ShortCode(expired, user.id, EPOCH - timedelta(minutes=1))


def _reward(
    backend: BusinessBackend, user: User, name: str, amount: Decimal, item_ids: tuple[str, ...], auto: bool
) -> Reward:
    reward_id = backend.new_id(11)
    created = EPOCH - timedelta(days=backend.rng.randint(1, 60))
    reward = Reward(
        reward_id,
        user.id,
        name,
        f"{name} for {backend.name} guests.",
        amount,
        created,
        end=EPOCH + timedelta(days=90),
        item_ids=item_ids,
        auto_select=auto,
    )
    backend.rewards[reward_id] = reward
    return reward
