"""BackendDict: one backend per tenant, built on first use, once, even under concurrent first use."""

from __future__ import annotations

import random
import threading
import time

import pytest

from poscert.simulators.core.backends import BackendDict, Pristine
from poscert.simulators.core.messages import PlatformError


class Shop:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.items: list[str] = []


def test_a_backend_is_built_on_first_use_and_then_kept():
    built: list[str] = []
    shops = BackendDict(lambda tenant: built.append(tenant) or Shop(tenant))
    assert list(shops) == [] and len(shops) == 0 and "a" not in shops  # asking `in` builds nothing
    first = shops["a"]
    assert shops["a"] is first and first.tenant == "a"
    assert built == ["a"] and list(shops) == ["a"] and "a" in shops


def test_tenants_are_isolated():
    shops = BackendDict(Shop)
    shops["a"].items.append("lamp")
    assert shops["b"].items == [] and shops["a"].items == ["lamp"]
    assert sorted(shops) == ["a", "b"]


def test_a_discarded_tenant_is_built_again_and_the_others_are_kept():
    shops = BackendDict(Shop)
    shops["a"].items.append("lamp")
    shops["b"].items.append("desk")
    shops.discard("a")
    shops.discard("never built")  # nothing to forget: no error
    assert shops["a"].items == [] and shops["b"].items == ["desk"]


def test_the_factory_decides_which_tenants_exist():
    def only_known(tenant: str) -> Shop:
        if tenant == "ghost":
            raise PlatformError(404, {"error": "no such shop"})
        if tenant not in ("a", "b"):
            raise KeyError(tenant)
        return Shop(tenant)

    shops = BackendDict(only_known)
    with pytest.raises(KeyError):
        shops["zzz"]
    with pytest.raises(PlatformError) as refused:
        shops["ghost"]
    assert refused.value.response.status == 404
    assert len(shops) == 0 and "zzz" not in shops  # a refused tenant is not stored


def test_reset_forgets_every_backend():
    shops = BackendDict(Shop)
    old = shops["a"]
    old.items.append("lamp")
    shops.reset()
    assert list(shops) == []
    assert shops["a"] is not old and shops["a"].items == []


def test_a_factory_may_ask_for_another_tenant():
    shops: BackendDict[Shop] = BackendDict(lambda t: Shop(t if t == "parent" else f"{shops['parent'].tenant}/{t}"))
    assert shops["child"].tenant == "parent/child"
    assert sorted(shops) == ["child", "parent"]


def test_concurrent_first_use_builds_one_backend():
    built: list[str] = []

    def slow(tenant: str) -> Shop:
        built.append(tenant)
        time.sleep(0.02)  # wide window: without the lock every thread would build its own
        return Shop(tenant)

    shops = BackendDict(slow)
    start = threading.Barrier(8)
    seen: list[Shop] = []

    def worker() -> None:
        start.wait()
        seen.append(shops["a"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert built == ["a"] and len(seen) == 8 and all(s is seen[0] for s in seen)


def test_iteration_is_a_snapshot():
    shops = BackendDict(Shop)
    shops["a"]
    for tenant in shops:  # building while iterating must not raise "dict changed size"
        shops[f"{tenant}-more"]
    assert sorted(shops) == ["a", "a-more"]


def test_a_pristine_tenant_is_built_once_and_each_reset_gets_its_own_copy():
    clock = object()
    builds = []

    def build() -> dict:
        builds.append(1)
        return {"clock": clock, "rng": random.Random(7), "users": {"u1": {"points": 10}}}

    pristine = Pristine()
    first = pristine.copy(("default", 7, "alpha"), build, shared=(clock,))
    first["users"]["u1"]["points"] = 0  # a scenario spends the points
    first["rng"].random()
    second = pristine.copy(("default", 7, "alpha"), build, shared=(clock,))
    assert len(builds) == 1
    assert second["users"]["u1"]["points"] == 10 and second["clock"] is clock
    assert second["rng"].random() == random.Random(7).random()  # the generator as built, not as used
    pristine.copy(("default", 8, "alpha"), build)  # another seed is another world
    assert len(builds) == 2
