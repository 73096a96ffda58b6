"""A tenant copied from its pristine build is the tenant a fresh build gives: scenarios cannot tell them apart."""

from __future__ import annotations

import pytest

from poscert.platforms import simulator_class


@pytest.mark.parametrize(
    ("platform", "default", "profiles"),
    [("punchh", "default_business", "businesses"), ("spoonity", "default_vendor", "vendors")],
)
def test_a_copied_tenant_is_the_tenant_a_fresh_build_gives(platform: str, default: str, profiles: str):
    sim = simulator_class(platform)(seed=11)
    tenant = getattr(sim, default)
    built = sim.backends[tenant]
    next(iter(built.__dict__.values()))  # touched, as a scenario would
    sim.reset()
    copied = sim.backends[tenant]
    fresh = simulator_class(platform)(seed=11).backends[tenant]
    assert copied is not built and copied.clock is sim.clock
    assert copied.profile is getattr(sim.data, profiles)[tenant]  # the dataset of now, not copied
    shared = {"clock", "profile", "rng"}  # the generator is compared by its state below
    assert {name: repr(value) for name, value in vars(copied).items() if name not in shared} == {
        name: repr(value) for name, value in vars(fresh).items() if name not in shared
    }
    assert copied.rng.getstate() == fresh.rng.getstate()
