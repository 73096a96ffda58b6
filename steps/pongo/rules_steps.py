"""Pongo's set-up for the rules every platform shares (the rules themselves are in steps/common/rules.py)."""

from __future__ import annotations

from pytest_bdd import parsers, when

from poscert.steps.pongo.world import PongoWorld


@when(
    parsers.re(r"a customer of the (?P<which>first|second) merchant identifies at the (?P=which) merchant's location")
)
def identifies_at(world: PongoWorld, which: str) -> None:
    merchant = world.merchant if which == "first" else world.merchants[1]
    world.start_session(world.our_locations(merchant)[0])
    customer = next(iter(world.backend(merchant).customers.values()))
    world.screen = world.driver.identify_by_phone(customer.international_phone_number)
    assert world.screen.customer_id == customer.public_id, f"the {which} merchant's customer was not found"
