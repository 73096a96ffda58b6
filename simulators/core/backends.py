"""Per-tenant state created on first use, as moto's `BackendDict` does per account and region.

A platform holds one backend per tenant (a merchant, a business, a vendor). Building them all
up front would seed tenants no scenario touches; building one lazily, keyed by the tenant the
credentials resolved to, keeps tenants isolated and a fresh simulator cheap.
"""

from __future__ import annotations

import io
import pickle
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

B = TypeVar("B")


class BackendDict(Generic[B]):
    """Tenant → backend, each built once by `factory(tenant)` the first time anyone asks for it.

    The factory decides which tenants exist: whatever it raises for an unknown one (a `KeyError`,
    the platform's 404) reaches the caller and nothing is stored. Iteration sees only the tenants
    built so far. Thread-safe: the served app and the harness may ask for the same tenant at once.
    """

    def __init__(self, factory: Callable[[str], B]) -> None:
        self._factory = factory
        self._backends: dict[str, B] = {}
        self._lock = threading.RLock()  # re-entrant: a factory may ask for another tenant

    def __getitem__(self, tenant: str) -> B:
        with self._lock:
            found = self._backends.get(tenant)
            if found is None:
                found = self._backends[tenant] = self._factory(tenant)
            return found

    def __contains__(self, tenant: object) -> bool:
        """Whether the tenant's backend was built (never builds it)."""
        with self._lock:
            return tenant in self._backends

    def __iter__(self) -> Iterator[str]:
        with self._lock:  # a snapshot: a tenant built meanwhile must not break the iteration
            return iter(list(self._backends))

    def __len__(self) -> int:
        with self._lock:
            return len(self._backends)

    def discard(self, tenant: str) -> None:
        """Forget one tenant's backend: the next request for it builds it again from the dataset."""
        with self._lock:
            self._backends.pop(tenant, None)

    def reset(self) -> None:
        """Forget every backend: the next request for a tenant builds it afresh."""
        with self._lock:
            self._backends.clear()


class Pristine(Generic[B]):
    """Tenants as first built, kept per (dataset, seed, tenant): each reset hands out a copy instead of
    populating the tenant again (Faker is most of a populated tenant's cost; a copy is a thirtieth of it).

    The copy is the build itself, random generator state included, so what a scenario sees does not depend on
    whether its tenant was built or copied. The build is kept pickled, which is five times quicker to load than a
    deep copy is to make. The `shared` objects (the simulator's clock, the dataset's frozen profile) are not
    copied: the copy refers to the ones given now, in place of those the build was given.
    """

    def __init__(self) -> None:
        self._kept: dict[Hashable, bytes] = {}

    def copy(self, key: Hashable, build: Callable[[], B], shared: tuple[object, ...] = ()) -> B:
        if key not in self._kept:
            self._kept[key] = _frozen(build(), shared)
        return _thawed(self._kept[key], shared)


def _frozen(built: object, shared: tuple[object, ...]) -> bytes:
    positions = {id(one): index for index, one in enumerate(shared)}
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: positions.get(id(obj))  # type: ignore[method-assign]
    pickler.dump(built)
    return out.getvalue()


def _thawed(frozen: bytes, shared: tuple[object, ...]) -> Any:
    unpickler = pickle.Unpickler(io.BytesIO(frozen))
    unpickler.persistent_load = shared.__getitem__  # type: ignore[method-assign]
    return unpickler.load()
