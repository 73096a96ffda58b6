"""The order: products, rewards added to it, payment outcomes, and what reached Pongo."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pytest_bdd import given, parsers, then, when

from poscert.base.journal import Exchange
from poscert.drivers.contract import (
    REWARD_NOT_USABLE,
    REWARD_REMOVED_UNLESS_PAID_HERE,
    OrderView,
    PaymentOutcome,
    Product,
)
from poscert.steps.pongo.world import PongoWorld

NOT_PAID = {
    "the payment is declined": PaymentOutcome.DECLINED,
    "the payment is abandoned": PaymentOutcome.ABANDONED,
    "chooses to pay at the counter": PaymentOutcome.EXTERNAL,
}
OURS = r"\{ours:[^}]+\}"


# -- rewards set up in Pongo's back office ---------------------------------------------------
@given(parsers.parse('the merchant\'s free product reward lists the SKUs "{skus}"'))
def free_product_reward(world: PongoWorld, skus: str) -> None:
    reward = world.backend().add_reward(
        title="Free treat", type="free_product", cost=100, external_id=world.expand(skus)
    )
    world.reward_id = reward.public_id


@given(parsers.re(r"the merchant has a (?P<type>voucher_amount|voucher_percentage) reward worth (?P<value>\d+)"))
def voucher_reward(world: PongoWorld, type: str, value: str) -> None:
    reward = world.backend().add_reward(title=f"Voucher {value}", type=type, cost=100, value=int(value))
    world.reward_id = reward.public_id


@given(parsers.parse('the customer has bought that reward and typed the phone number "{phone}"'))
def bought_and_identified(world: PongoWorld, phone: str) -> None:
    world.won_id = world.buy_for_customer(world.reward_id)
    world.ensure_session()
    world.screen = world.driver.identify_by_phone(phone)


# -- building the order -------------------------------------------------------------------------
@given(parsers.re(rf"the customer ordered (?P<token>{OURS})"))
def ordered_product(world: PongoWorld, token: str) -> None:
    world.ensure_session()
    world.order = world.driver.add_product(world.product(token).sku)
    world.ordered.append(world.product(token).sku)


def order_products(world: PongoWorld, count: int) -> None:
    world.ensure_session()
    for product in world.extra_products(count):
        world.order = world.driver.add_product(product.sku)
        world.ordered.append(product.sku)


@when("the reward is added to the order")
def add_reward(world: PongoWorld) -> None:
    """The customer adds the reward; a single product offered is the reward itself, so the customer takes it
    (an integration may add it at once, or offer it to add)."""
    world.ensure_session()
    world.offer = world.driver.add_reward(world.won_id)
    if len(world.offer.products) == 1 and not world.offer.applied:
        world.driver.choose_reward_product(world.won_id, world.offer.products[0].sku)
    world.order = world.driver.order_view()


@when(parsers.re(rf"the customer chooses (?P<token>{OURS}) for the reward"))
def choose_product(world: PongoWorld, token: str) -> None:
    world.order = world.driver.choose_reward_product(world.won_id, world.product(token).sku)


@when("the reward is added to the order with all its paid options")
def add_reward_with_options(world: PongoWorld) -> None:
    add_reward(world)
    product = world.product("{ours:with options}")
    options = tuple(option.sku for option in product.options)
    world.order = world.driver.choose_reward_product(world.won_id, product.sku, options)


# -- paying -------------------------------------------------------------------------------------
@when(parsers.re(r"the customer orders (?P<what>a product|\d+ products) and pays by card"))
def order_and_pay(world: PongoWorld, what: str) -> None:
    order_products(world, 1 if what == "a product" else int(what.split()[0]))
    world.order = world.driver.pay(PaymentOutcome.APPROVED)


@when(
    parsers.re(
        r"the customer orders (?P<count>\d+) products, (?P<identifying>typing their phone number first|"
        r"scanning their digital pass once the products are in|without identifying), and pays by card"
    )
)
def order_identify_and_pay(world: PongoWorld, count: str, identifying: str) -> None:
    """Customers identify when they like: first thing on a kiosk, once the products are rung up on a POS."""
    world.ensure_session()
    if identifying.startswith("typing"):
        world.screen = world.driver.identify_by_phone(
            world.backend().customers[world.customer_id].international_phone_number
        )
    order_products(world, int(count))
    if identifying.startswith("scanning"):
        world.screen = world.driver.identify_by_pass(world.customer_id)
    world.order = world.driver.pay(PaymentOutcome.APPROVED)


@when(
    parsers.re(
        r"the customer orders a product and (?P<what>the payment is declined|the payment is abandoned|"
        r"the order is cancelled|chooses to pay at the counter)"
    )
)
def order_not_paid(world: PongoWorld, what: str) -> None:
    order_products(world, 1)
    world.order = world.driver.cancel() if what == "the order is cancelled" else world.driver.pay(NOT_PAID[what])


@when(parsers.re(r"(?P<what>the payment is declined|the payment is abandoned)"))
def payment_fails(world: PongoWorld, what: str) -> None:
    world.order = world.driver.pay(NOT_PAID[what])


@when("the customer chooses to pay at the counter")
def pay_at_counter(world: PongoWorld) -> None:
    world.order = world.driver.pay(PaymentOutcome.EXTERNAL)


@when("the next customer starts an order")
def next_customer(world: PongoWorld) -> None:
    world.start_session(world.location)


@when("the counter confirms the order was paid and closed")
def counter_confirms(world: PongoWorld) -> None:
    world.order = world.driver.external_closed()


@when("the counter reports the order was cancelled")
def counter_cancels(world: PongoWorld) -> None:
    world.order = world.driver.external_cancelled()


# -- what the integration offers and shows -----------------------------------------------------
@then(parsers.re(rf"the products offered for the reward are (?P<token>{OURS}) alone, now in the order for free"))
def single_offer(world: PongoWorld, token: str) -> None:
    sku = world.product(token).sku
    assert [p.sku for p in world.offer.products] == [sku], f"offered {[p.sku for p in world.offer.products]}"
    assert_free(world, world.order, sku)


@then(parsers.re(rf"the products offered for the reward are a choice of (?P<a>{OURS}) and (?P<b>{OURS})"))
def choice_offer(world: PongoWorld, a: str, b: str) -> None:
    expected = {world.product(a).sku, world.product(b).sku}
    offered = [p.sku for p in world.offer.products]
    assert sorted(offered) == sorted(expected), f"offered {offered}, expected a choice of {sorted(expected)}"


@then("the products offered for the reward are none, and the customer is told it cannot be used")
def no_offer(world: PongoWorld) -> None:
    assert not world.offer.products, f"offered products that are not ours: {[p.sku for p in world.offer.products]}"
    assert_not_usable(world)


@then("the customer is told the reward cannot be used here, and the order holds none")
def not_usable_here(world: PongoWorld) -> None:
    assert_not_usable(world)
    assert_no_reward(world.driver.order_view(), "the order")


@then(parsers.re(rf"the order holds (?P<token>{OURS}) for free, carrying the reward"))
def holds_free(world: PongoWorld, token: str) -> None:
    assert_free(world, world.order, world.product(token).sku)


@then("the product is free but its options are charged at their price")
def options_charged(world: PongoWorld) -> None:
    product = world.product("{ours:with options}")
    assert_free(world, world.order, product.sku)
    lines = [(line.sku, line.unit_price, [(o.sku, o.price) for o in line.options]) for line in world.order.lines]
    assert_options_charged(product, lines, world.order.total, "the order")


@then("the order sent to Pongo charges the options at their price")
def options_sent(world: PongoWorld) -> None:
    body = world.orders_sent(world.order.order_id)[-1].request_body
    lines = [
        (
            line.get("sku"),
            line.get("unit_price"),
            [(o.get("sku"), o.get("unit_price")) for o in line.get("options") or []],
        )
        for line in body["lines"]
    ]
    assert_options_charged(world.product("{ours:with options}"), lines, body["amount"], "Pongo")


@then("the integration created a voucher with the reward's coupon code")
def voucher_created(world: PongoWorld) -> None:
    code = world.backend().won_rewards[world.won_id].coupon_code
    assert code and world.offer.voucher_code == code, f"voucher {world.offer.voucher_code}, coupon code {code}"
    assert any(line.voucher_code == code for line in world.order.lines), "the voucher is not applied to the order"


@then(parsers.re(r"the order total is reduced by (?P<discount>\d+|10% of the order) cents"))
def total_reduced(world: PongoWorld, discount: str) -> None:
    subtotal = sum(line.unit_price * line.quantity + sum(o.price for o in line.options) for line in world.order.lines)
    expected = {subtotal * 10 // 100, round(subtotal * 0.10)} if discount.startswith("10%") else {int(discount)}
    assert world.order.discount in expected, f"discount {world.order.discount}, expected {sorted(expected)}"
    assert world.order.total == subtotal - world.order.discount, "the total does not reflect the voucher"


@then(parsers.re(r"no (?P<kind>voucher|free product) reward is offered for redemption"))
def type_not_offered(world: PongoWorld, kind: str) -> None:
    prefix = "voucher_" if kind == "voucher" else "free_product"
    offered = [r for r in world.screen.rewards if r.type.startswith(prefix) and r.redeemable]
    assert not offered, f"{kind} rewards still offered: {[r.title for r in offered]}"


@then("the customer is told, before choosing how to pay, that the reward will be removed unless they pay here")
def warned_before_choosing(world: PongoWorld) -> None:
    # The order as shown now, while the customer chooses how to pay: a warning given only once the order
    # is handed over comes too late to pay here instead.
    assert REWARD_REMOVED_UNLESS_PAID_HERE in world.driver.order_view().notices, (
        "the customer was not warned before choosing to pay at the counter"
    )


@then("the order handed to the counter holds no reward")
def handed_without_reward(world: PongoWorld) -> None:
    assert_no_reward(world.order, "the counter")


def assert_free(world: PongoWorld, order: OrderView, sku: str) -> None:
    lines = [line for line in order.lines if line.reward_id == world.won_id]
    assert [line.sku for line in lines] == [sku] and lines[0].unit_price == 0, (
        f"the reward's product {sku} is not in the order for free: reward lines {lines}"
    )


def assert_not_usable(world: PongoWorld) -> None:
    assert not world.offer.applied and world.offer.notice == REWARD_NOT_USABLE, (
        f"the customer is not told the reward cannot be used (notice {world.offer.notice!r})"
    )


def assert_no_reward(order: OrderView, where: str) -> None:
    carried = [line for line in order.lines if line.reward_id or line.voucher_code]
    assert not carried, f"{where} got the reward: {carried}"


def assert_options_charged(
    product: Product, lines: Iterable[tuple[Any, Any, list[tuple[Any, Any]]]], total: int, where: str
) -> None:
    """Each option of the free product is charged at its price, on the product's line or on a line of its own."""
    wanted = {option.sku: option.price for option in product.options}
    charged = {}
    for sku, price, options in lines:
        if sku == product.sku:
            charged |= {option: paid for option, paid in options if option in wanted}
        elif sku in wanted:
            charged[sku] = price
    assert charged == wanted, f"{where} charges the options {charged}, not {wanted}"
    assert total == sum(wanted.values()), f"{where} has a total of {total}, not the options' {sum(wanted.values())}"


# -- what reached Pongo ----------------------------------------------------------------------------
@then("exactly one order was sent to Pongo for it, and Pongo accepted it")
def sent_once(world: PongoWorld) -> None:
    sent = world.orders_sent()
    ids = [x.request_body.get("order_id") if isinstance(x.request_body, dict) else None for x in sent]
    assert ids == [world.order.order_id], f"Pongo received {len(ids)} orders {ids}: not {world.order.order_id}, once"
    assert sent[0].status == 201, f"Pongo answered {sent[0].status}: {sent[0].response_body}"


@then("the order sent has the products ordered and the amount paid")
def order_content(world: PongoWorld) -> None:
    body = world.orders_sent(world.order.order_id)[0].request_body
    assert sorted(line["sku"] for line in body["lines"]) == sorted(world.ordered), f"lines {body['lines']}"
    amount_paid(world)


@then("the order sent has the amount paid")
def amount_paid(world: PongoWorld) -> None:
    body = world.orders_sent(world.order.order_id)[0].request_body
    assert body["amount"] == world.order.total, f"sent amount {body['amount']}, paid {world.order.total}"


@then("Pongo gave the order and its points to the customer who identified, if any")
def order_customer(world: PongoWorld) -> None:
    held = next((o for o in world.backend().orders_list() if o.order_id == world.order.order_id), None)
    assert held is not None, f"Pongo holds no order {world.order.order_id}"
    # Whom the integration identified, as it showed them (identifying is judged by the ID requirements).
    identified = world.screen.customer_id if world.screen else None
    assert held.customer_public_id == identified, (
        f"the order went to {held.customer_public_id}, not to the customer who identified ({identified})"
    )
    if identified == world.customer_id:  # the known customer, whose balance before the order the world holds
        balance = world.backend().customers[identified].points
        assert held.points_earned > 0 and balance == world.customer_points + held.points_earned, (
            f"the customer has {balance} points after earning {held.points_earned} on {world.customer_points}"
        )


@then("no order was sent to Pongo")
def none_sent(world: PongoWorld) -> None:
    sent = world.orders_sent()
    assert not sent, f"sent anyway: {[(x.request_body or {}).get('status') for x in sent]}"


@then("every order sent to Pongo was paid")
def all_paid(world: PongoWorld) -> None:
    statuses = [x.request_body.get("status") for x in world.orders_sent()]
    assert statuses and all(s == "paid" for s in statuses), f"orders sent with status {statuses}"


@then("the reward was confirmed as used in the order")
def reward_confirmed(world: PongoWorld) -> None:
    orders, uses = confirmations(world)
    assert orders or any(x.ok for x in uses), "the reward is neither in the order's lines nor marked used"


@then("Pongo shows the reward as used")
def reward_used(world: PongoWorld) -> None:
    assert world.backend().won_rewards[world.won_id].status == "used", "Pongo still shows the reward available"


@then("a reward the integration set out to confirm is used in Pongo")
def confirmed_reward_used(world: PongoWorld) -> None:
    # Whether it confirms at all is PONGO-ORDER-03's question; once it tried, a failure must not lose it.
    if any(confirmations(world)):
        reward_used(world)


def confirmations(world: PongoWorld) -> tuple[list[Exchange], list[Exchange]]:
    """The orders sent that name the reward (in their lines or reward_ids), and the PATCH use calls for it."""
    ids = {world.won_id, world.reward_id}

    def names(body: dict[str, Any]) -> bool:
        return any(line.get("reward_id") in ids for line in body.get("lines") or []) or bool(
            ids & set(body.get("reward_ids") or [])
        )

    orders = [x for x in world.orders_sent(world.order.order_id) if names(x.request_body)]
    return orders, [x for x in world.integration_calls("use_reward") if world.won_id in x.path]


@then("Pongo still shows the reward available to the customer")
def reward_available(world: PongoWorld) -> None:
    won = world.backend().won_rewards[world.won_id]
    assert won.status == "available", f"the order is not paid, yet Pongo shows the reward {won.status}"


@then(parsers.parse("the order sent to Pongo carries the store slug mapped to location {n:d}"))
def order_slug(world: PongoWorld, n: int) -> None:
    location = world.our_locations()[n - 1]
    body = world.orders_sent(world.order.order_id)[-1].request_body
    sent = body.get("loyalty_store_slug") or body.get("store_slug")
    assert sent == world.location_map[location][1], f"the order from {location} carries {sent!r}"


@then("that store slug belongs to the merchant")
def slug_belongs(world: PongoWorld) -> None:
    sent = world.orders_sent(world.order.order_id)[-1]
    slug = sent.request_body.get("loyalty_store_slug") or sent.request_body.get("store_slug")
    assert slug in {s.slug for s in world.backend().stores}, f"{slug!r} is not a store of the merchant"
    assert sent.status == 201, f"Pongo refused the order: {sent.response_body}"


@then("Pongo gave that order to no customer")
def order_without_customer(world: PongoWorld) -> None:
    """Nobody identified for this order: no customer, not one identified before, earns its points.

    Whether the order was sent at all is for the ORDER requirements to judge."""
    held = [o.customer_public_id for o in world.backend().orders_list() if o.order_id == world.order.order_id]
    assert not any(held), f"order {world.order.order_id} went to {held}, though nobody identified for it"
