"""Named, seeded datasets: the merchants, stores, customers and rewards a fresh simulator holds.

This module says what a dataset is made of; `population.py` fills a merchant's backend from
it. Everything random is drawn from generators seeded by (seed, purpose), never from the
wall clock, so one seed always yields the same ids, names, codes and tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from poscert.simulators.core.seeding import HEX, random_string, seeded_rng

SEED_NAMESPACE = "pongo"  # the first part of every Pongo generator's seed key
PARTNER_REDIRECT_URI = "https://partner.example/pongo/callback"


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
    locale: str  # of the names and of the stores in its home country
    stores: tuple[str, ...]  # each store's country (ISO 3166-1 alpha-2): merchants trade across borders
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
    rng = seeded_rng(SEED_NAMESPACE, seed, "clients")
    client = OAuthClient(
        client_id=f"{random_string(rng, 8, HEX)}-{random_string(rng, 4, HEX)}"
        f"-4{random_string(rng, 3, HEX)}-a{random_string(rng, 3, HEX)}-{random_string(rng, 12, HEX)}",
        client_secret=random_string(rng, 40),
        name="poscert partner",
        redirect_uris=(
            PARTNER_REDIRECT_URI,
            "http://127.0.0.1:8765/pongo/callback",
            "http://localhost:8765/pongo/callback",
        ),
    )
    # The first two stores are the ones the reference integrations' first two locations map to (see the
    # steps' world): one in Belgium, one in France, so a number typed in national form has two readings.
    main = MerchantProfile(
        "maison-dupont", "Maison Dupont", "nl_BE", stores=("BE", "FR", "NL"), customers=20, rewards=DEFAULT_REWARDS
    )
    other = MerchantProfile(
        "friterie-du-parc",
        "Friterie du Parc",
        "nl_BE",
        stores=("BE",),
        customers=2,
        rewards=OTHER_REWARDS,
        points_per_euro=2,
    )
    return Dataset("default", {main.slug: main, other.slug: other}, main.slug, other.slug, client)


DATASETS = {"default": _default}


def load(name: str, seed: int) -> Dataset:
    if name not in DATASETS:
        raise KeyError(f"unknown Pongo dataset {name!r}; known: {sorted(DATASETS)}")
    return DATASETS[name](seed)
