"""Voiding paid orders: with DELETE /order and the receipt, reverting loyalty, in the order the orders were created."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.drivers.contract import PaymentOutcome
from poscert.simulators.spoonity.models import Customer
from poscert.steps.spoonity.customer_steps import check_in
from poscert.steps.spoonity.order_steps import add_products, orders_coffee, redeems
from poscert.steps.spoonity.world import SpoonityWorld, succeeded

VOIDED = {"voided", "cancelled"}  # what an integration may call a voided order on its screen
PICKED = {
    "newest first": lambda ids: ids[::-1],
    "oldest first": lambda ids: ids,
    "middle one first": lambda ids: [ids[1], ids[2], ids[0]],
}


def place(world: SpoonityWorld, customer: Customer, how: str = "email", paid_with: str = "card") -> str:
    """One paid order of a customer at the scenario's till, a visit of its own; its order id."""
    world.start_session(world.location or world.our_locations()[0])
    check_in(world, customer, how)
    add_products(world, 1)
    world.order = (
        world.driver.pay(PaymentOutcome.APPROVED) if paid_with == "card" else world.driver.pay_with_gift_card()
    )
    assert world.order.status == "paid", f"the order to void could not be placed: {world.order.messages}"
    world.placed.append(world.order.order_id)
    return world.order.order_id


# -- the orders to void -----------------------------------------------------------------------------
@given(
    parsers.re(
        r'the customer placed an order with the reward "(?P<reward>[^"]+)", paid (?P<paid>by card|with their gift card)'
    )
)
def placed_with_reward(world: SpoonityWorld, reward: str, paid: str) -> None:
    world.before = (world.customer.points, world.customer.quick_pay)
    world.start_session(world.our_locations()[0])
    check_in(world, world.customer, "email")
    orders_coffee(world)
    redeems(world, reward)
    world.order = world.driver.pay(PaymentOutcome.APPROVED) if paid == "by card" else world.driver.pay_with_gift_card()
    assert world.order.status == "paid", f"the order to void could not be placed: {world.order.messages}"
    world.placed.append(world.order.order_id)


@given(parsers.parse("the customer placed {count:d} orders at the same till"))
def placed_orders(world: SpoonityWorld, count: int) -> None:
    for _ in range(count):
        place(world, world.customer)


@given("two customers placed two orders each at the same till, in turn")
def placed_in_turn(world: SpoonityWorld) -> None:
    other = world.sim.customer("brandin")
    for customer in (world.customer, other, world.customer, other):
        place(world, customer)


@given("the customer placed two orders at the same till, checking in by email, then by card number")
def placed_by_two_identifiers(world: SpoonityWorld) -> None:
    place(world, world.customer, "email")
    place(world, world.customer, "card number")


# -- voiding ------------------------------------------------------------------------------------------
@when("the staff voids the order")
def voids_the_order(world: SpoonityWorld) -> None:
    world.voided = world.driver.void_orders(list(world.placed))


@when("the staff voids it from another till of the merchant")
def voids_from_another_till(world: SpoonityWorld) -> None:
    world.start_session(world.our_locations()[1])
    voids_the_order(world)


@when(parsers.re(r"the staff voids them all, picking them (?P<how>newest first|oldest first|middle one first)"))
def voids_them(world: SpoonityWorld, how: str) -> None:
    picked = PICKED[how](list(world.placed)) if len(world.placed) == 3 else list(world.placed)[::-1]
    world.voided = world.driver.void_orders(picked)


# -- judged -------------------------------------------------------------------------------------------
@then("the order was voided with DELETE /order and its receipt number")
def voided_by_receipt(world: SpoonityWorld) -> None:
    calls = world.integration_calls("void_order")
    for order_id in world.placed:
        record = world.order_record(order_id)
        names = {order_id, record.reference_number if record else None}
        done = [x for x in calls if str((x.request_body or {}).get("receipt")) in names and succeeded(x)]
        assert done, f"order {order_id} was not voided with DELETE /order (voids sent: {[x.title() for x in calls]})"


@then("Spoonity reverted its loyalty changes: the customer's points and gift card are as before the order")
def reverted(world: SpoonityWorld) -> None:
    now = (world.customer.points, world.customer.quick_pay)
    assert now == world.before, f"points and gift card were {world.before} before the order, {now} after its void"


@then("the integration shows the order voided")
def shows_voided(world: SpoonityWorld) -> None:
    statuses = [view.status for view in world.voided]
    assert statuses and all(status in VOIDED for status in statuses), f"the orders show {statuses}"


@then("the voids went out in the order the orders were created, for each customer at each location")
def voids_in_creation_order(world: SpoonityWorld) -> None:
    last: dict[tuple[int, int], tuple[int, str]] = {}  # (customer, location) -> newest order voided so far
    for call in world.integration_calls("void_order"):
        record = world.order_record(str((call.request_body or {}).get("receipt")))
        if record is None:
            continue
        key = (record.customer_id, record.location_id)
        seen = last.get(key)
        assert seen is None or record.seq >= seen[0], (
            f"{call.title()} voids {record.label}, created before {seen[1]}, which was voided first "
            f"(customer {record.customer_id}, location {record.location_id})"
        )
        last[key] = (record.seq, record.label)
