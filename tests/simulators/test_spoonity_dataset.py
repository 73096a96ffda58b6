"""The seeded dataset: same seed, same world; another seed, another; `reset()` starts it over; the
customers the guide's examples name exist; vendors are isolated and built on first use."""

from __future__ import annotations

from poscert.simulators.spoonity.dataset import ROLES
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from tests.simulators.spoonity.support import *  # noqa: F403  (the fixtures)
from tests.simulators.spoonity.support import checkin, order


def snapshot(sim: SpoonitySimulator) -> list:
    out = []
    for slug in sorted(sim.data.vendors):
        backend = sim.backend(slug)
        out.append([loc.api_key for loc in backend.locations.values()])
        out.append(
            [
                (c.id, c.email, c.phone, c.card_number, c.barcode, c.points, c.quick_pay)
                for c in backend.customers.values()
            ]
        )
        out.append([(r.id, r.identifier, r.cost) for r in backend.rules.values()])
    return out


def test_same_seed_same_world_other_seed_other_world():
    assert snapshot(SpoonitySimulator(seed=7)) == snapshot(SpoonitySimulator(seed=7))
    assert snapshot(SpoonitySimulator(seed=7)) != snapshot(SpoonitySimulator(seed=8))


def test_vendor_order_of_first_use_does_not_matter():
    one, two = SpoonitySimulator(seed=3), SpoonitySimulator(seed=3)
    two.backend(two.other_vendor)
    assert snapshot(one) == snapshot(two)


def test_shape_of_the_default_dataset(ssim):
    cafe = ssim.backend(ssim.default_vendor)
    assert set(cafe.roles) == set(ROLES)
    assert cafe.customer("regular").email == "john.smith@example.com"
    assert cafe.customer("brandin").email == "brandin@spoonity.com"
    assert len(cafe.customers) == 12 and len(cafe.locations) == 2
    keys = [loc.api_key for slug in ssim.data.vendors for loc in ssim.backend(slug).locations.values()]
    assert len(set(keys)) == 4 and all(len(k) == 32 for k in keys)
    identifiers = [x for c in cafe.customers.values() for x in (c.email, c.phone, c.card_number, c.barcode)]
    assert len(set(identifiers)) == len(identifiers)  # every identifier names one customer
    assert cafe.auto_close_sessions and not ssim.backend(ssim.other_vendor).auto_close_sessions


def test_reset_starts_the_world_over(ssim, pos, vendor):
    checkin(pos)
    pos.post("/order", json=order("RESET-1"))
    assert vendor.orders and vendor.customer("regular").points == 250
    ssim.reset()
    fresh = ssim.backend(ssim.default_vendor)
    assert fresh is not vendor and not fresh.orders and not fresh.sessions
    assert fresh.customer("regular").points == 240
    assert pos.post("/order", json=order("RESET-1")).json()["success"] is True  # no duplicate any more
