"""The order: products, rewards, payment (card, gift card, Loyalty Pay), and what was submitted to Spoonity."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pytest_bdd import given, parsers, then, when

from poscert.base.journal import Exchange
from poscert.drivers.contract import NOT_ENOUGH_POINTS, PaymentOutcome, Product
from poscert.steps.spoonity.customer_steps import check_in
from poscert.steps.spoonity.world import SpoonityWorld, succeeded

ORDER_FIELDS = (
    "receipt_number",
    "till",
    "subtotal",
    "taxes",
    "total",
    "payment_method",
    "date",
    "cashier",
    "line_items",
    "discounts",
)
NOT_PAID = {"the payment is declined": PaymentOutcome.DECLINED, "the payment is abandoned": PaymentOutcome.ABANDONED}
CENT = 0.005  # money is sent in currency units as JSON numbers: compare to the cent


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def add(world: SpoonityWorld, product: Product, options: tuple[str, ...] = ()) -> None:
    world.ensure_session()
    world.order = world.driver.add_product(product.sku, options)
    world.ordered.append(product.sku)
    world.lines.append((product.sku, options))


def add_products(world: SpoonityWorld, count: int) -> None:
    for product in world.extra_products(count):
        add(world, product)


def coffee(world: SpoonityWorld) -> Product:
    """The product the merchant's "Free Coffee" reward is for, in the integration's own catalog."""
    return next((p for p in world.driver.catalog() if "coffee" in p.name.casefold()), world.product("{ours:1}"))


# -- building the order ---------------------------------------------------------------------------
@given("the customer ordered a product")
def ordered_a_product(world: SpoonityWorld) -> None:
    add_products(world, 1)


@given("the customer ordered a coffee and another product")
@when("the customer orders a coffee and another product")
def orders_coffee(world: SpoonityWorld) -> None:
    add(world, coffee(world))
    add_products(world, 1)


@given(parsers.parse('the customer redeemed the reward "{reward}"'))
@when(parsers.parse('the customer redeems the reward "{reward}"'))
def redeems(world: SpoonityWorld, reward: str) -> None:
    world.order = world.driver.add_reward(reward)
    world.redeemed.append(reward)


@when(parsers.parse("the customer's points are spent elsewhere, leaving {points:d}"))
def spent_elsewhere(world: SpoonityWorld, points: int) -> None:
    """Another channel (the app, another till) spends the points between the check-in and the payment."""
    world.customer.points = points


# -- paying ---------------------------------------------------------------------------------------
@when(parsers.re(r"the customer orders (?P<what>a product|\d+ products) and pays by card"))
def order_and_pay(world: SpoonityWorld, what: str) -> None:
    add_products(world, 1 if what == "a product" else int(what.split()[0]))
    world.order = world.driver.pay(PaymentOutcome.APPROVED)


@when(
    parsers.re(
        r"the customer orders 2 products, one with all its options, (?P<how>checking in with their email first|"
        r"checking in with their card number once the products are in), and pays by card"
    )
)
def order_identify_and_pay(world: SpoonityWorld, how: str) -> None:
    """Customers check in when they like: first thing on a kiosk, once the products are rung up on a POS."""
    if how.endswith("first"):
        check_in(world, world.customer, "email")
    product = world.product("{ours:with options}")
    add(world, product, tuple(option.sku for option in product.options))
    add_products(world, 1)
    if how.endswith("are in"):
        check_in(world, world.customer, "card number")
    world.order = world.driver.pay(PaymentOutcome.APPROVED)


@when(parsers.re(r"the customer orders a product and (?P<what>the payment is declined|the payment is abandoned)"))
def order_not_paid(world: SpoonityWorld, what: str) -> None:
    add_products(world, 1)
    world.order = world.driver.pay(NOT_PAID[what])


@when("the customer orders a product and the order is cancelled")
def order_cancelled(world: SpoonityWorld) -> None:
    add_products(world, 1)
    world.order = world.driver.cancel()


@when("the customer pays with their gift card")
def pays_with_gift_card(world: SpoonityWorld) -> None:
    world.before = (world.customer.points, world.customer.quick_pay)
    world.order = world.driver.pay_with_gift_card()


@when("the customer pays with Loyalty Pay")
def pays_with_loyalty(world: SpoonityWorld) -> None:
    world.before = (world.customer.points, world.customer.quick_pay)
    world.order = world.driver.pay_with_loyalty()


# -- what was submitted ---------------------------------------------------------------------------
def the_order(world: SpoonityWorld) -> Exchange:
    """The one order the scenario submitted and Spoonity took."""
    sent = world.orders_submitted()
    taken = [x for x in sent if succeeded(x)]
    assert len(taken) == 1, f"Spoonity took {len(taken)} orders: {[x.title() for x in sent]}"
    return taken[0]


@then("no order was submitted to Spoonity")
def none_submitted(world: SpoonityWorld) -> None:
    sent = world.orders_submitted()
    assert not sent, f"an order that was not paid was submitted anyway: {[x.title() for x in sent]}"


@then("exactly one order was submitted to Spoonity for it, and Spoonity took it")
def one_submitted(world: SpoonityWorld) -> None:
    sent = world.orders_submitted()
    assert len(sent) == 1, f"{len(sent)} orders were submitted: {[x.title() for x in sent]}"
    assert succeeded(sent[0]), f"Spoonity refused {sent[0].title()}: {sent[0].response_body}"
    receipt = sent[0].request_body.get("receipt_number")
    assert receipt == world.order.order_id, f"the order submitted is {receipt}, the one paid {world.order.order_id}"
    assert world.order.status == "paid", f"the order is {world.order.status}"


@then(
    "the order submitted is whole: receipt number, till, subtotal, taxes, total, payment method, date, cashier, "
    "line items and discounts"
)
def submitted_whole(world: SpoonityWorld) -> None:
    body = the_order(world).request_body
    missing = [name for name in ORDER_FIELDS if body.get(name) in (None, "")]
    assert not missing, f"the order submitted has no {', '.join(missing)}"


def money(value: Any) -> float | None:
    """An amount as sent, to the cent (None when it is no number: the schema judges that)."""
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return None


@then("its line items are the products ordered, with their options, at their prices")
def line_items_match(world: SpoonityWorld) -> None:
    """Each line as sold: the product and its options, each at its catalog price in currency units, as the
    order's totals are (a line in cents, or an option sent free, is not the order sold)."""
    items = the_order(world).request_body.get("line_items") or []
    sent = Counter(
        (
            item.get("id"),
            money(item.get("price")),
            tuple(sorted((m.get("id"), money(m.get("price"))) for m in item.get("modifiers") or [])),
        )
        for item in items
        for _ in range(int(item.get("quantity") or 0))
    )
    catalog = {product.sku: product for product in world.driver.catalog()}
    ordered: Counter[tuple[Any, ...]] = Counter()
    for sku, options in world.lines:
        product = catalog[sku]
        prices = {option.sku: option.price for option in product.options}
        ordered[(sku, dollars(product.price), tuple(sorted((o, dollars(prices[o])) for o in options)))] += 1
    assert sent == ordered, f"line items (id, price, options) {dict(sent)}; sold {dict(ordered)}"


@then("its total is the amount paid, and its subtotal that amount before taxes")
def totals_match(world: SpoonityWorld) -> None:
    """Spoonity earns points on `subtotal` only: what the customer paid, before taxes (rewards are not paid for)."""
    body = the_order(world).request_body
    paid = dollars(world.order.total)
    assert abs(float(body["total"]) - paid) < CENT, f"total {body['total']}, the customer paid {paid}"
    taxes = sum(float(t.get("amount", 0)) for t in body.get("taxes") or [] if isinstance(t, dict))
    assert abs(float(body["subtotal"]) - (paid - taxes)) < CENT, (
        f"subtotal {body['subtotal']}: points would be earned on more than the {paid - taxes:.2f} paid before taxes"
    )


@then("each reward redeemed is a discount naming its spending rule, and Spoonity redeemed it")
def rewards_named(world: SpoonityWorld) -> None:
    exchange = the_order(world)
    body = exchange.request_body
    named = [d.get("id") for d in body.get("discounts") or []]
    named += [d.get("id") for item in body.get("line_items") or [] for d in item.get("discounts") or []]
    missing = [reward for reward in world.redeemed if reward not in named]
    assert not missing, f"no discount names the spending rule of {missing} (discounts {named})"
    redeemed = {r.get("identifier") for r in exchange.response_body.get("redemptions") or []}
    assert set(world.redeemed) <= redeemed, f"Spoonity redeemed {sorted(redeemed)}, not {world.redeemed}"


@then("the gift card debit was taken before the order was submitted")
def paid_before_submitted(world: SpoonityWorld) -> None:
    """Payment is resolved in the partner's system before the whole order is submitted (seed 004)."""
    taken = [x for x in world.gift_card_calls() if succeeded(x)]
    assert taken, "no gift card debit was taken"
    first = world.orders_submitted()[0]
    assert taken[0].seq < first.seq, f"{first.title()} was submitted before the gift card debit {taken[0].title()}"


# -- gift card and Loyalty Pay ----------------------------------------------------------------------
@then("a gift card debit of the order's total was sent with POST /order, as a negative amount")
def gift_card_debit(world: SpoonityWorld) -> None:
    taken = [x for x in world.gift_card_calls() if succeeded(x)]
    assert len(taken) == 1, f"{len(taken)} gift card transactions were taken"
    amount = float(taken[0].request_body["amount"])
    owed = dollars(world.order.total)
    assert amount < 0, f"the gift card was sent {amount}: a positive amount credits it"
    assert abs(-amount - owed) < CENT, f"the gift card was debited {-amount}, the order's total is {owed}"
    assert world.order.status == "paid", f"the order is {world.order.status}"


@then("a Loyalty Pay payment of the order's total was sent with POST /order/payments/loyalty")
def loyalty_payment(world: SpoonityWorld) -> None:
    taken = [x for x in world.integration_calls("loyalty_payment") if succeeded(x)]
    assert len(taken) == 1, f"{len(taken)} Loyalty Pay payments were taken"
    amount = float(taken[0].request_body["amount"])
    owed = dollars(world.order.total)
    assert abs(amount - owed) < CENT, f"Loyalty Pay was asked for {amount}, the order's total is {owed}"
    assert world.order.status == "paid", f"the order is {world.order.status}"


@then(parsers.re(r"the order stays open, and the customer is told why(?P<points> they lack points)?"))
def stays_open(world: SpoonityWorld, points: str | None) -> None:
    assert world.order.status not in ("paid", "external_pending"), f"the order is {world.order.status}"
    assert world.order.messages, "the customer was not told the payment was refused"
    if points:
        assert NOT_ENOUGH_POINTS in world.order.notices, f"notices {sorted(world.order.notices)}"


@then("Spoonity took nothing from the customer's gift card")
def gift_card_unchanged(world: SpoonityWorld) -> None:
    assert world.customer.quick_pay == world.before[1], (
        f"the gift card went from {world.before[1]} to {world.customer.quick_pay}"
    )


@then("Spoonity took none of the customer's points")
def points_unchanged(world: SpoonityWorld) -> None:
    assert world.customer.points == world.before[0], (
        f"the points went from {world.before[0]} to {world.customer.points}"
    )


# -- a rejected order -----------------------------------------------------------------------------
def refused(world: SpoonityWorld) -> list[Exchange]:
    return [x for x in world.orders_submitted() if not succeeded(x)]


def content(body: dict[str, Any]) -> dict[str, Any]:
    """What the order says, whatever receipt number or date it is sent under."""
    return {k: v for k, v in body.items() if k not in ("receipt_number", "date")}


@then("the customer was told Spoonity refused the reward, if it refused the order")
def told_of_refusal(world: SpoonityWorld) -> None:
    if not refused(world):
        return  # Spoonity took the order as first sent: no rejection to handle
    assert NOT_ENOUGH_POINTS in world.notices(), (
        f"Spoonity refused the order and the customer was not told (notices {sorted(world.notices())})"
    )


@then("no refused order was submitted again unchanged")
def not_resubmitted_unchanged(world: SpoonityWorld) -> None:
    sent = world.orders_submitted()
    for first in refused(world):
        again = [x for x in sent if x.seq > first.seq and content(x.request_body) == content(first.request_body)]
        assert not again, f"{first.title()} was refused and submitted again unchanged: {[x.title() for x in again]}"
