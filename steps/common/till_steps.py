"""Steps of the till that read the same on every platform whose features speak of "the customer"."""

from __future__ import annotations

from pytest_bdd import when

from poscert.drivers.contract import PaymentOutcome
from poscert.steps.common.world import World


@when("the customer pays by card")
@when('the customer taps "pay" again')
def pays_by_card(world: World) -> None:
    world.order = world.driver.pay(PaymentOutcome.APPROVED)
