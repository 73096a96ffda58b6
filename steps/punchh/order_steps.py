"""The order: products, the guest's discounts (look-up, basket, query), payment, commit and check-in.

Seed 003's workflow is judged as a sequence in the journal: what the integration sent before the
payment event (look-up, discount look-up, basket, query) and what after it (commit, check-in,
receipt details).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from pytest_bdd import given, parsers, then, when

from poscert.base.journal import Exchange
from poscert.drivers.contract import REWARD_NOT_USABLE, PaymentOutcome
from poscert.steps.common.rules import arm_fault
from poscert.steps.punchh.guest_steps import punchh_id
from poscert.steps.punchh.world import IDENTIFYING, PunchhWorld

NOT_PAID = {"the payment is declined": PaymentOutcome.DECLINED, "the payment is abandoned": PaymentOutcome.ABANDONED}
REDEMPTION_TYPES = {"D"}  # a redemption line on a check-in: a discount, or a negative menu item


def cents(amount: Any) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


def body(exchange: Exchange) -> dict[str, Any]:
    return exchange.request_body if isinstance(exchange.request_body, dict) else {}


def answer(exchange: Exchange) -> dict[str, Any]:
    return exchange.response_body if isinstance(exchange.response_body, dict) else {}


def item_ids(items: list[Any], id_field: str) -> Counter[str]:
    return Counter(str(item.get(id_field)) for item in items if isinstance(item, dict))


# -- building the order ---------------------------------------------------------------------------
def add_products(world: PunchhWorld, count: int) -> None:
    world.ensure_session()
    for product in world.extra_products(count):
        world.order = world.driver.add_product(product.sku)
        world.ordered.append(product.sku)
        world.journal.event("ordered", sku=product.sku)


@given(parsers.re(r"the guest ordered (?P<what>a product|\d+ products)"))
@when(parsers.re(r"the guest orders (?P<what>a product|\d+ products)"))
def orders(world: PunchhWorld, what: str) -> None:
    add_products(world, 1 if what == "a product" else int(what.split()[0]))


@when(parsers.re(r"the guest orders (?P<what>a product|\d+ products) and pays by card"))
def orders_and_pays(world: PunchhWorld, what: str) -> None:
    orders(world, what)
    world.pay(PaymentOutcome.APPROVED)


@when(parsers.re(r"the guest orders a product and (?P<what>the payment is declined|the payment is abandoned)"))
def orders_not_paid(world: PunchhWorld, what: str) -> None:
    orders(world, "a product")
    world.pay(NOT_PAID[what])


@when("the guest orders a product and the order is cancelled")
def orders_and_cancels(world: PunchhWorld) -> None:
    orders(world, "a product")
    world.cancel()


@when("the next guest orders a product without identifying and pays by card")
def next_guest_pays(world: PunchhWorld) -> None:
    world.start_session(world.location)
    orders_and_pays(world, "a product")


@when("the guest adds another product to the order")
def adds_another(world: PunchhWorld) -> None:
    """A product the order does not hold yet, added after its discounts were applied (the cashier rings up a drink)."""
    product = next(p for p in reversed(world.driver.catalog()) if p.sku not in world.ordered)
    world.order = world.driver.add_product(product.sku)
    world.ordered.append(product.sku)
    world.journal.event("ordered", sku=product.sku)


@when("the guest pays by card")
def pays(world: PunchhWorld) -> None:
    world.pay(PaymentOutcome.APPROVED)


@when('the guest taps "pay" again')
def pays_again(world: PunchhWorld) -> None:
    """A second tap on a paid order: not a payment (no event), the integration must not act twice."""
    world.order = world.driver.pay(PaymentOutcome.APPROVED)


@when(parsers.re(r"(?P<what>the payment is declined|the payment is abandoned)"))
def payment_fails(world: PunchhWorld, what: str) -> None:
    world.pay(NOT_PAID[what])


@when("the order is cancelled")
def cancels(world: PunchhWorld) -> None:
    world.cancel()


# -- discounts ------------------------------------------------------------------------------------
@when("the guest looks at the discounts for the order")
def looks_at_discounts(world: PunchhWorld) -> None:
    world.offered = world.driver.look_up_discounts()
    world.order = world.driver.order_view()


@given(parsers.parse('the guest chose the "{title}" reward for the order'))
@when(parsers.parse('the guest chooses the "{title}" reward'))
def chooses(world: PunchhWorld, title: str) -> None:
    if not world.offered:
        looks_at_discounts(world)
    shown = next((reward for reward in world.offered if reward.title == title), None)
    assert shown is not None, f"{title!r} is not among the discounts shown: {[r.title for r in world.offered]}"
    world.chosen.append(shown)
    world.driver.select_discount(shown.id)
    world.order = world.driver.order_view()


@given("the discounts were applied to the order")
@when("the discounts are applied to the order")
def applies(world: PunchhWorld) -> None:
    world.order = world.driver.apply_discounts()
    world.shown_before_payment = world.order


@when(
    parsers.re(
        r"the guest gives their phone number and (?P<step>looks at the discounts|chooses|applies) "
        r'(?:the "(?P<title>[^"]+)" reward )?(?:for|to) (?P<count>\d+) products'
    )
)
def identified_guest_discounts(world: PunchhWorld, step: str, title: str | None, count: str) -> None:
    """One loyalty step of a visit, everything before it done: for the failure examples of ALL-ERR-01."""
    world.ensure_session()
    world.screen = world.driver.identify_by_phone(world.typed_phone())
    add_products(world, int(count))
    if step == "looks at the discounts":
        looks_at_discounts(world)
        return
    chooses(world, title)
    if step == "applies":
        applies(world)


def chosen_ids(world: PunchhWorld) -> set[str]:
    return {punchh_id(reward) for reward in world.chosen}


# -- PUNCHH-RED-01: discount look-up for the built order, before payment -----------------------------
@then("Discount Look-up was called for the order as built, after the guest was identified and before the payment")
def looked_up_for_the_order(world: PunchhWorld) -> None:
    payment = world.payment()
    built = world.journal.events("ordered")[-1]
    identified = [x for x in world.calls_before(payment, IDENTIFYING) if x.ok]
    lookups = [x for x in world.calls_before(payment, "discount_lookup") if x.ok and x.seq > built.seq]
    assert identified and lookups, "Discount Look-up was not called once the order was built, before the payment"
    assert lookups[-1].seq > identified[0].seq, "Discount Look-up ran before the guest was identified"
    sent = item_ids(body(lookups[-1]).get("line_items") or [], "item_id")
    missing = Counter(world.ordered) - sent
    assert not missing, f"Discount Look-up did not carry the order as built: {sorted(missing)} missing"


@then(parsers.parse('the "{title}" reward is among the discounts shown'))
def among_shown(world: PunchhWorld, title: str) -> None:
    assert any(reward.title == title for reward in world.offered), (
        f"{title!r} is not shown: {[r.title for r in world.offered]}"
    )


# -- PUNCHH-RED-02: chosen discounts go to the basket ------------------------------------------------
@then("the discount basket held exactly the chosen discounts before the payment")
def basket_holds_the_chosen(world: PunchhWorld) -> None:
    payment = world.payment()
    changes = [x for x in world.calls_before(payment, ("discount_select", "discount_unselect", "auto_select")) if x.ok]
    assert changes, "nothing was added to the discount basket (Add Selection to Discount Basket) before the payment"
    held = {str(item.get("discount_id")) for item in answer(changes[-1]).get("discount_basket_items", [])}
    assert held == chosen_ids(world), f"the basket holds {sorted(held)}, the guest chose {sorted(chosen_ids(world))}"


# -- PUNCHH-RED-03: query before payment, confirmed redemptions on the order ---------------------------
def last_query_before_payment(world: PunchhWorld) -> Exchange:
    payment = world.payment()
    queries = [x for x in world.queries() if x.ok and x.seq < payment.seq]
    assert queries, "no Batch Redemption with `query: true` ran before the payment"
    return queries[-1]


def confirmed_cents(query: Exchange) -> int:
    return sum(cents(done.get("discount_amount") or 0) for done in answer(query).get("success", []))


@then("a batch redemption query ran before the payment, for the order as paid")
def queried_before_payment(world: PunchhWorld) -> None:
    query = last_query_before_payment(world)
    missing = Counter(world.ordered) - item_ids(body(query).get("line_items") or [], "item_id")
    assert not missing, f"the query before payment did not carry the order as paid: {sorted(missing)} missing"


@then("the order showed the confirmed redemptions before it was paid, and the guest paid that much less")
def redemptions_on_the_order(world: PunchhWorld) -> None:
    query = last_query_before_payment(world)
    confirmed = confirmed_cents(query)
    subtotal = sum(cents(item.get("amount") or 0) for item in body(query).get("line_items") or [])
    shown = world.shown_before_payment
    assert shown is not None and shown.status == "open", "the order was not shown before payment"
    # As a discount or as a line of negative price: the total shown is what counts, and a line names the reward.
    assert shown.total == subtotal - confirmed and any(line.reward_id or line.voucher_code for line in shown.lines), (
        f"before payment the order showed {shown.total} cents to pay for {subtotal} less {confirmed} confirmed, "
        "or no line for the redemption"
    )
    assert world.order.total == subtotal - confirmed, (
        f"the guest paid {world.order.total} cents for an order of {subtotal} less {confirmed} confirmed"
    )


@then("the order as paid was queried again before its redemptions were committed, and the guest paid that much less")
def queried_again(world: PunchhWorld) -> None:
    """The redemptions a changed order takes are confirmed for it: a query kept from before the change would
    commit another receipt than the one paid. Pressing "pay" may re-query (the terminal's answer is journaled
    first), so the query that counts is the last one before the commit that follows the payment."""
    payment = world.payment()
    if any(x.seq < payment.seq for x in world.commits()):
        return  # committed before the payment: PUNCHH-RED-04's to judge (the basket is gone, nothing to query)
    commits = [x.seq for x in world.commits() if x.seq > payment.seq]
    queries = [x for x in world.queries() if x.ok and x.seq < min(commits, default=world.journal.last_seq + 1)]
    assert queries, "no Batch Redemption with `query: true` confirmed the redemptions of the order"
    query = queries[-1]
    missing = Counter(world.ordered) - item_ids(body(query).get("line_items") or [], "item_id")
    assert not missing, f"the order changed and was not queried again: {sorted(missing)} missing from the query"
    subtotal = sum(cents(item.get("amount") or 0) for item in body(query).get("line_items") or [])
    assert world.order.total == subtotal - confirmed_cents(query), (
        f"the guest paid {world.order.total} cents; Punchh confirmed {confirmed_cents(query)} off {subtotal}"
    )


@then("nothing Punchh did not confirm was taken off the order, and the guest was told")
def nothing_unconfirmed(world: PunchhWorld) -> None:
    query = last_query_before_payment(world)
    confirmed = confirmed_cents(query)
    subtotal = sum(cents(item.get("amount") or 0) for item in body(query).get("line_items") or [])
    assert world.order.total == subtotal - confirmed, (
        f"the guest paid {world.order.total} cents; Punchh confirmed {confirmed} off {subtotal}"
    )
    assert REWARD_NOT_USABLE in world.notices(), f"the guest was not told (notices {sorted(world.notices())})"


# -- PUNCHH-RED-04 / -05: commit only after payment, nothing when not paid -------------------------------
@then("the redemptions were committed once, after the payment, with the receipt that was queried")
def committed_after_payment(world: PunchhWorld) -> None:
    payment = world.payment()
    commits = world.commits()
    early = [x.title() for x in commits if x.seq < payment.seq]
    assert not early, f"redemptions were committed before the payment: {early}"
    taken = [x for x in commits if x.ok]
    assert len(taken) == 1, f"{len(taken)} commits taken by Punchh (of {len(commits)} sent)"
    # Punchh itself refuses a commit whose lines or amounts differ from the query's; the check's identity is ours.
    query = last_query_before_payment(world)
    same = ("transaction_no", "punchh_key")
    changed = [f for f in same if str(body(taken[0]).get(f)) != str(body(query).get(f))]
    assert not changed, f"the commit does not carry the check that was queried: its {changed} differ"


@when(
    parsers.re(
        r"the platform will answer the commit of the redemptions with "
        r"(?P<failure>a (?P<status>\d{3})|a time-out|a dropped connection)(?P<after> after processing it)?"
    )
)
def commit_fails(world: PunchhWorld, failure: str, status: str | None, after: str | None) -> None:
    """Armed once the query ran: the next batch redemption is the commit after the payment."""
    arm_fault(world, "batch redemption", failure, status, after)


@then("the commit Punchh failed was sent again for the same check when the integration retried")
def commit_resent(world: PunchhWorld) -> None:
    """A paid order's redemptions are part of it: lost with the commit, the guest keeps a reward they used."""
    failed = [x for x in world.commits() if x.fault and x.seq > world.payment().seq]
    if not failed:
        return  # no commit after the payment: PUNCHH-RED-04's to judge
    same = ("external_uid", "transaction_no", "punchh_key")
    again = [
        x
        for x in world.commits()
        if x.seq > failed[-1].seq and not x.fault and all(body(x).get(f) == body(failed[-1]).get(f) for f in same)
    ]
    assert again, f"{failed[-1].title()} failed ({failed[-1].fault}) and was not sent again for the same check"


@then("the chosen reward is used up in Punchh")
def reward_used(world: PunchhWorld) -> None:
    rewards = world.backend().rewards
    statuses = {ident: rewards[int(ident)].status for ident in chosen_ids(world) if int(ident) in rewards}
    assert statuses and all(s == "redeemed" for s in statuses.values()), f"the chosen rewards are {statuses}"


@then("the redemptions taken off the paid order are used up in Punchh")
def taken_off_used_up(world: PunchhWorld) -> None:
    """A declined card does not undo the redemptions the order still shows: a basket released on the decline
    leaves nothing to commit, and the guest is given the reward without spending it."""
    if not any(line.reward_id or line.voucher_code for line in world.order.lines):
        return  # the paid order took nothing off: nothing to commit
    reward_used(world)


@given("the guest's account is noted")
def note_account(world: PunchhWorld) -> None:
    world.account_before = account(world)


def account(world: PunchhWorld) -> tuple[int, list[str]]:
    rewards = sorted(f"{r.id}:{r.status}" for r in world.backend().rewards_of(world.guest))
    return world.points(), rewards


@then("nothing was committed, and the guest keeps every reward and point")
def nothing_committed(world: PunchhWorld) -> None:
    """Nothing committed from the failed payment on, and nothing taken from the guest. A commit sent before the
    payment is PUNCHH-RED-04's to judge, as are points a check-in before payment earned (PUNCHH-CHK-01's)."""
    failed = world.failed_payment()
    late = [x.title() for x in world.commits() if x.seq > failed.seq]
    assert not late, f"redemptions were committed for an order not paid: {late}"
    if any(x.seq < failed.seq for x in world.commits()):
        return
    (points, rewards), (points_before, rewards_before) = account(world), world.account_before
    assert rewards == rewards_before, f"the guest's rewards changed: {rewards_before} -> {rewards}"
    assert points >= points_before, f"the guest lost {points_before - points} points"


@then("nothing was committed between the declined payment and the one that went through")
def nothing_committed_while_declined(world: PunchhWorld) -> None:
    failed, paid = world.failed_payment(), world.payment()
    between = [x.title() for x in world.commits() if failed.seq < x.seq < paid.seq]
    assert not between, f"redemptions were committed for a declined payment: {between}"


# -- PUNCHH-CHK-01 / PUNCHH-ID-01: the check-in after payment -------------------------------------------
def checkins_taken(world: PunchhWorld) -> list[Exchange]:
    """Check-ins Punchh took, or refused only because the check is under the program's minimum visit amount:
    the integration created it, and the program's rule (not the integration) keeps it from earning."""
    minimum = cents(world.backend().profile.minimum_visit_amount)
    return [
        x
        for x in world.integration_calls("create_checkin")
        if x.ok or (x.status == 422 and cents(body(x).get("receipt_amount") or 0) < minimum)
    ]


@then("the order was checked in after the payment, with its products and redemption lines")
def checked_in_with_redemptions(world: PunchhWorld) -> None:
    payment = world.payment()
    early = [x.title() for x in world.integration_calls("create_checkin") if x.seq < payment.seq]
    assert not early, f"a check-in was sent before the payment: {early}"
    taken = checkins_taken(world)
    assert taken, "the paid order was not checked in"
    items = body(taken[-1]).get("menu_items") or []
    missing = Counter(world.ordered) - item_ids([i for i in items if i.get("menu_item_type") == "M"], "menu_item_id")
    assert not missing, f"the check-in lacks products of the order: {sorted(missing)}"
    redeemed = sum(
        cents(i.get("item_amount") or 0)
        for i in items
        if i.get("menu_item_type") in REDEMPTION_TYPES
        or (i.get("menu_item_type") == "M" and cents(i["item_amount"]) < 0)
    )
    confirmed = confirmed_cents(last_query_before_payment(world)) if world.chosen else 0
    assert abs(redeemed) == confirmed, (
        f"the check-in carries {abs(redeemed)} cents of redemption lines, the order redeemed {confirmed}"
    )


@then("the order was checked in after the payment, for that guest, who earned its points")
def checked_in_for_the_guest(world: PunchhWorld) -> None:
    payment = world.payment()
    early = [x.title() for x in world.integration_calls("create_checkin") if x.seq < payment.seq]
    assert not early, f"a check-in was sent before the payment: {early}"
    taken = [x for x in world.integration_calls("create_checkin") if x.ok]
    assert taken, "the paid order was not checked in for the guest"
    assert answer(taken[-1]).get("id") == world.guest.id, "the order was checked in for another guest"
    assert answer(taken[-1]).get("points_earned", 0) > 0 and world.points() > world.account_before[0], (
        "the guest earned nothing for the order"
    )


@then("the order was credited only to the guest the till shows")
def credited_to_the_shown_guest(world: PunchhWorld) -> None:
    """The identity validated last is the one attached: a look-up that finds nobody must not leave the guest
    before it on the ticket while the till says the guest is unknown."""
    shown = world.screen.customer_id if world.screen else None
    credited = {str(answer(x).get("id")) for x in world.calls_after(world.payment(), "create_checkin") if x.ok}
    assert credited <= ({shown} if shown else set()), (
        f"the order was checked in for Punchh user {sorted(credited)}, the till shows {shown or 'nobody'}"
    )


@then("the next guest's order was credited to nobody")
def next_order_not_credited(world: PunchhWorld) -> None:
    checkins = [c for c in world.backend().checkins.values() if c.user_id == world.guest.id and not c.reversed]
    assert len(checkins) == 1, f"the guest was credited with {len(checkins)} orders, ordered once"
