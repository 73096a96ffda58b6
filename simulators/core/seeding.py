"""Deterministic randomness: every id, name, code and token a simulator makes comes from here.

Each generator is seeded from a key naming what it draws for (platform, seed, tenant...), never
from the wall clock or `hash()`, so one seed gives the same world in every process, whatever
order tenants are first touched in.
"""

from __future__ import annotations

import random
import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from faker import Faker

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"


def seed_key(*parts: object) -> str:
    """The string a generator is seeded with: `("acme", 7, "clients")` → `"acme:7:clients"`.

    `random.Random` hashes a string seed with SHA-512, so the draws do not depend on PYTHONHASHSEED.
    """
    return ":".join(str(part) for part in parts)


def seeded_rng(*parts: object) -> random.Random:
    """A generator of its own for one purpose, so adding draws elsewhere never shifts its sequence."""
    return random.Random(seed_key(*parts))


def random_string(rng: random.Random, length: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: "Café du Parc" → "cafe-du-parc"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_FAKER_LOCK = threading.Lock()  # cached Fakers are shared by every simulator in the process


@cache
def _faker(locale: str) -> Faker:
    # Building a Faker costs milliseconds; re-seeding a cached one gives the same draws.
    return Faker(locale)


@contextmanager
def seeded_faker(locale: str, *parts: object) -> Iterator[Faker]:
    """The process's Faker for `locale`, seeded from `parts` and held exclusively until the block ends:
    two simulators drawing from one shared instance at once would interleave their sequences."""
    with _FAKER_LOCK:
        fake = _faker(locale)
        fake.seed_instance(seed_key(*parts))
        yield fake
