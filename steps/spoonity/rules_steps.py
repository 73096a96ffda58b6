"""Spoonity's set-up for the rules every platform shares (the rules themselves are in steps/common/rules.py)."""

from __future__ import annotations

from pytest_bdd import parsers, when

from poscert.steps.spoonity.customer_steps import check_in
from poscert.steps.spoonity.world import SpoonityWorld


@when(
    parsers.re(r"a customer of the (?P<which>first|second) merchant identifies at the (?P=which) merchant's location")
)
def identifies_at(world: SpoonityWorld, which: str) -> None:
    merchant = world.merchant if which == "first" else world.merchants[1]
    world.start_session(world.our_locations(merchant)[0])
    world.customer = world.sim.customer("light", merchant)
    screen = check_in(world, world.customer, "email")
    assert screen.customer_id == str(world.customer.id), f"the {which} merchant's customer was not found"
