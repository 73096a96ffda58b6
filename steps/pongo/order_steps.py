"""The order: products, rewards added to it, payment outcomes, and what reached Pongo."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.drivers.contract import REWARD_NOT_USABLE, REWARD_REMOVED_UNLESS_PAID_HERE, PaymentOutcome
from poscert.steps.pongo.world import PongoWorld

NOT_PAID = {
    "the payment is declined": PaymentOutcome.DECLINED,
    "the payment is abandoned": PaymentOutcome.ABANDONED,
    "chooses to pay at the counter": PaymentOutcome.EXTERNAL,
}


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
@given(parsers.re(r"the customer ordered (?P<token>\{ours:[^}]+\})"))
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
    world.ensure_session()
    world.offer = world.driver.add_reward(world.won_id)
    world.order = world.driver.order_view()


@when(parsers.re(r"the customer chooses (?P<token>\{ours:[^}]+\}) for the reward"))
def choose_product(world: PongoWorld, token: str) -> None:
    world.order = world.driver.choose_reward_product(world.won_id, world.product(token).sku)


@when("the reward is added to the order with its first paid option")
def add_reward_with_option(world: PongoWorld) -> None:
    add_reward(world)
    product = world.product("{ours:with options}")
    world.order = world.driver.choose_reward_product(world.won_id, product.sku, (product.options[0].sku,))


# -- paying -------------------------------------------------------------------------------------
@when(parsers.re(r"the customer orders (?P<what>a product|\d+ products) and pays by card"))
def order_and_pay(world: PongoWorld, what: str) -> None:
    order_products(world, 1 if what == "a product" else int(what.split()[0]))
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


@when("the customer pays by card")
def pays(world: PongoWorld) -> None:
    world.order = world.driver.pay(PaymentOutcome.APPROVED)


@when("the customer chooses to pay at the counter")
def pay_at_counter(world: PongoWorld) -> None:
    world.order = world.driver.pay(PaymentOutcome.EXTERNAL)


@when("the counter confirms the order was paid and closed")
def counter_confirms(world: PongoWorld) -> None:
    world.order = world.driver.external_closed()


# -- what the integration offers and shows -----------------------------------------------------
@then(parsers.re(r"the products offered for the reward are (?P<token>\{ours:[^}]+\}), already in the order"))
def single_offer(world: PongoWorld, token: str) -> None:
    sku = world.product(token).sku
    assert [p.sku for p in world.offer.products] == [sku], f"offered {[p.sku for p in world.offer.products]}"
    free = [line for line in world.order.lines if line.sku == sku and line.reward_id == world.won_id]
    assert free and free[0].unit_price == 0, "the single product of the reward is not in the order for free"


@then(
    parsers.re(r"the products offered for the reward are a choice of (?P<a>\{ours:[^}]+\}) and (?P<b>\{ours:[^}]+\})")
)
def choice_offer(world: PongoWorld, a: str, b: str) -> None:
    expected = {world.product(a).sku, world.product(b).sku}
    offered = [p.sku for p in world.offer.products]
    assert sorted(offered) == sorted(expected), f"offered {offered}, expected a choice of {sorted(expected)}"


@then("the products offered for the reward are none, and the customer is told it cannot be used")
def no_offer(world: PongoWorld) -> None:
    assert not world.offer.products, f"offered other partners' products: {[p.sku for p in world.offer.products]}"
    assert not world.offer.applied and world.offer.notice == REWARD_NOT_USABLE, "the customer is not told"


@then(parsers.re(r"the order holds (?P<token>\{ours:[^}]+\}) for free, carrying the reward"))
def holds_free(world: PongoWorld, token: str) -> None:
    sku = world.product(token).sku
    lines = [line for line in world.order.lines if line.reward_id == world.won_id]
    assert [line.sku for line in lines] == [sku] and lines[0].unit_price == 0, f"reward lines: {lines}"


@then("the product is free but the option is charged at its price")
def option_charged(world: PongoWorld) -> None:
    product = world.product("{ours:with options}")
    option = product.options[0]
    line = next(line for line in world.order.lines if line.reward_id == world.won_id)
    assert line.unit_price == 0, "the reward's product is not free"
    charged = {o.sku: o.price for o in line.options}
    assert charged.get(option.sku) == option.price, f"the option {option.sku} is charged {charged.get(option.sku)}"
    assert world.order.total == option.price, f"the order total is {world.order.total}, not the option's {option.price}"


@then("the order sent to Pongo charges the option at its price")
def option_sent(world: PongoWorld) -> None:
    product = world.product("{ours:with options}")
    option = product.options[0]
    body = world.orders_sent(world.order.order_id)[-1].request_body
    line = next(line for line in body["lines"] if line.get("sku") == product.sku)
    prices = {o.get("sku") or o.get("name"): o.get("unit_price") for o in line.get("options") or []}
    assert option.price in prices.values(), f"the option went to Pongo at {prices}"
    assert body["amount"] == option.price, f"Pongo was told {body['amount']} was paid"


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


# -- what reached Pongo ----------------------------------------------------------------------------
@then("exactly one order was sent to Pongo for it, and Pongo accepted it")
def sent_once(world: PongoWorld) -> None:
    sent = world.orders_sent(world.order.order_id)
    assert len(sent) == 1, f"order {world.order.order_id} was sent {len(sent)} times"
    assert sent[0].status == 201, f"Pongo answered {sent[0].status}: {sent[0].response_body}"


@then("the order sent has the products ordered and the amount paid")
def order_content(world: PongoWorld) -> None:
    body = world.orders_sent(world.order.order_id)[0].request_body
    assert sorted(line["sku"] for line in body["lines"]) == sorted(world.ordered), f"lines {body['lines']}"
    assert body["amount"] == world.order.total, f"sent amount {body['amount']}, paid {world.order.total}"


@then("the customer's balance grew by the points Pongo awarded for the order")
def balance_grew(world: PongoWorld) -> None:
    sent = world.orders_sent(world.order.order_id)[0]
    earned = sent.response_body["data"]["points_earned"]
    assert earned > 0, "the order was sent without the customer: no points were awarded"
    assert world.backend().customers[world.customer_id].points == world.customer_points + earned


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
    body = world.orders_sent(world.order.order_id)[-1].request_body
    ids = {world.won_id, world.reward_id}
    in_lines = any(line.get("reward_id") in ids for line in body.get("lines", []))
    in_ids = bool(ids & set(body.get("reward_ids") or []))
    used = [x for x in world.integration_calls("use_reward") if world.won_id in x.path and x.ok]
    assert in_lines or in_ids or used, "the reward is neither in the order's lines nor marked used"


@then("Pongo shows the reward as used")
def reward_used(world: PongoWorld) -> None:
    assert world.backend().won_rewards[world.won_id].status == "used", "Pongo still shows the reward available"


@then("the customer was told the reward will be removed unless they pay at the kiosk")
def told_removed(world: PongoWorld) -> None:
    assert REWARD_REMOVED_UNLESS_PAID_HERE in world.order.notices, "the customer was not warned"


@then("the order handed to the counter holds no reward")
def handed_without_reward(world: PongoWorld) -> None:
    assert not [line for line in world.order.lines if line.reward_id or line.voucher_code], (
        "the counter got the reward lines"
    )


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
