"""Checking the customer in (POS sessions), what the loyalty screen shows, the full reward list, and closing sessions."""

from __future__ import annotations

from decimal import Decimal

from pytest_bdd import given, parsers, then, when

from poscert.drivers.contract import CUSTOMER_NOT_FOUND, LoyaltyScreen
from poscert.simulators.spoonity.models import Customer
from poscert.steps.spoonity.world import SpoonityWorld

IDENTIFIERS = r"card number|email|phone number as they type it|app's barcode"


def national(phone: str) -> str:
    """A North American number as a customer types it: `(555) 010-0001`."""
    digits = phone[-10:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def check_in(world: SpoonityWorld, customer: Customer, how: str) -> LoyaltyScreen:
    """The customer (or the cashier for them) checks in with one of their identifiers."""
    world.ensure_session()
    driver = world.driver
    if how == "card number":
        world.screen = driver.identify_by_card(customer.card_number)
    elif how == "email":
        world.screen = driver.identify_by_email(customer.email)
    elif how == "phone number as they type it":
        world.screen = driver.identify_by_phone(national(customer.phone))
    else:
        world.screen = driver.identify_by_token(customer.barcode)
    return world.screen


# -- the customers -----------------------------------------------------------------------------
@given(parsers.parse("a known customer with {points:d} points and {gift:f} on their gift card"))
def known_customer(world: SpoonityWorld, points: int, gift: float) -> None:
    world.customer = world.sim.customer("regular")
    world.customer.points = points
    world.customer.quick_pay = Decimal(f"{gift:.2f}")


@given(parsers.parse("the customer holds {points:d} points"))
def holds_points(world: SpoonityWorld, points: int) -> None:
    world.customer.points = points


@given(parsers.parse("the customer's gift card holds {gift:f}"))
def gift_card_holds(world: SpoonityWorld, gift: float) -> None:
    world.customer.quick_pay = Decimal(f"{gift:.2f}")


# -- checking in ----------------------------------------------------------------------------------
@given(parsers.re(rf"the customer checked in with their (?P<how>{IDENTIFIERS})"))
@when(parsers.re(rf"the customer checks in with their (?P<how>{IDENTIFIERS})"))
def checks_in(world: SpoonityWorld, how: str) -> None:
    check_in(world, world.customer, how)


@when("the customer checks in with an email no customer has")
def checks_in_unknown(world: SpoonityWorld) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_email("nobody.here@example.com")


@when(parsers.parse("the next customer, who holds {points:d} points, checks in with their email"))
def next_customer_checks_in(world: SpoonityWorld, points: int) -> None:
    world.customer = world.sim.customer("newcomer")
    world.customer.points = points
    world.start_session(world.location or world.our_locations()[0])
    check_in(world, world.customer, "email")


@when("the customer leaves without ordering")
def leaves(world: SpoonityWorld) -> None:
    world.driver.close_session()


@when("the customer comes back for another order")
def comes_back(world: SpoonityWorld) -> None:
    world.start_session(world.location or world.our_locations()[0])


@then("the customer was checked in with POST /onscreen before each order was submitted")
def checked_in_before_each_order(world: SpoonityWorld) -> None:
    orders = world.orders_submitted()
    assert orders, "no order was submitted to Spoonity"
    backend = world.backend()
    visits = world.journal.events("session")
    for order in orders:
        found = backend.find(str(order.request_body.get("card_number", "")))
        assert found is not None, f"{order.title()} names no customer of the merchant"
        started = max((v.seq for v in visits if v.seq < order.seq), default=0)
        opened = [
            x
            for x in world.integration_calls("open_session")
            if started < x.seq < order.seq
            and x.status == 201
            and (backend.find(str((x.request_body or {}).get("card_number", ""))) or (None,))[0] is found[0]
        ]
        assert opened, (
            f"{order.title()} was submitted for customer {found[0].id} with no POS session opened for them "
            "(POST /onscreen) in that visit before it"
        )


@then("the loyalty screen shows that customer")
def screen_shows_customer(world: SpoonityWorld) -> None:
    screen = world.screen
    assert screen is not None and screen.customer_id == str(world.customer.id), (
        f"the screen shows customer {screen.customer_id if screen else None}, not {world.customer.id}"
    )


@then("the loyalty screen shows no customer and tells the customer so")
def screen_shows_no_customer(world: SpoonityWorld) -> None:
    screen = world.screen
    assert screen is not None and screen.customer_id is None, f"the screen shows customer {screen.customer_id}"
    assert CUSTOMER_NOT_FOUND in screen.notices, f"the customer was not told (notices {sorted(screen.notices)})"


# -- the customer's details (GET /onscreen) -------------------------------------------------------
@then("the integration read each POS session with GET /onscreen")
def read_each_session(world: SpoonityWorld) -> None:
    opened = world.sessions_opened()
    assert opened, "no POS session was opened"
    for hash_ in opened:
        read = [x for x in world.integration_calls("get_session") if x.query.get("pos_session_hash") == hash_]
        assert any(x.status == 200 for x in read), f"POS session {hash_[:6]}… was never read with GET /onscreen"


@then("the loyalty screen shows the customer's name, points balance and the rewards they can afford")
def screen_shows_details(world: SpoonityWorld) -> None:
    screen_shows_customer(world)
    customer, screen = world.customer, world.screen
    assert screen.name and customer.first_name in screen.name and customer.last_name in screen.name, (
        f"the screen shows the name {screen.name!r}"
    )
    assert screen.balance == customer.points, f"the screen shows {screen.balance} points, not {customer.points}"
    offered = {r.id for r in screen.rewards if r.redeemable}
    eligible = {r.identifier for r in world.backend().eligible(customer)}
    assert offered == eligible, f"the screen offers the rewards {sorted(offered)}, not the eligible {sorted(eligible)}"


# -- the full reward list (GET /vendor/perk/redemption/list) ---------------------------------------
@when("the integration shows every reward of the merchant")
def shows_every_reward(world: SpoonityWorld) -> None:
    world.rewards = world.driver.reward_list()
    world.order = world.driver.order_view()


@then("every reward of the merchant is listed, those the customer cannot afford too")
def every_reward_listed(world: SpoonityWorld) -> None:
    listed = {r.id for r in world.rewards}
    every = set(world.backend().rules)
    assert listed == every, f"the list shows {sorted(listed)}, the merchant has {sorted(every)}"
    assert any(x.status == 200 for x in world.integration_calls("perk_list")), (
        "the list was not read from GET /vendor/perk/redemption/list"
    )


@then("only the rewards the customer can afford are offered for redemption")
def only_affordable_offered(world: SpoonityWorld) -> None:
    offered = {r.id for r in world.rewards if r.redeemable}
    affordable = {r.identifier for r in world.backend().eligible(world.customer)}
    assert offered == affordable, f"the list offers {sorted(offered)}; the customer can afford {sorted(affordable)}"


# -- closing spent sessions ----------------------------------------------------------------------
@given("the merchant has turned automatic session clean-up off")
def clean_up_off(world: SpoonityWorld) -> None:
    world.connect(auto_clean_up=False)


@then("every POS session the integration opened was closed with DELETE /onscreen")
def sessions_closed(world: SpoonityWorld) -> None:
    opened = world.sessions_opened()
    assert opened, "no POS session was opened"
    closed = {
        (x.request_body or {}).get("pos_session_hash") or x.query.get("pos_session_hash")
        for x in world.integration_calls("close_session")
        if x.status in (200, 410)  # 410: already closed, by an earlier DELETE
    }
    left = [hash_[:6] + "…" for hash_ in opened if hash_ not in closed]
    assert not left, f"POS sessions left open with automatic clean-up off: {left}"
