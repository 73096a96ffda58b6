"""The customer's side: identifying, enlisting with opt-in, the loyalty screen, redeeming."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.drivers.contract import CUSTOMER_NOT_FOUND, NOT_ENOUGH_POINTS, OptIn
from poscert.steps.pongo import actors
from poscert.steps.pongo.world import PongoWorld

ANSWERS = {"yes": True, "no": False, "no answer": None}
ELSEWHERE_PHONE = "32475000111"


@given(parsers.parse('a known customer with the phone number "{phone}" and {points:d} points'))
def known_customer(world: PongoWorld, phone: str, points: int) -> None:
    backend = world.backend()
    customer = backend.customer_by_phone(phone) or backend.create_customer(phone, world.backend().stores[0].slug)
    backend.set_points(customer.public_id, points)
    world.customer_id, world.customer_points = customer.public_id, points


@given(parsers.re(r"(?P<who>an identified|an anonymous) customer starts an order at location (?P<n>\d+)"))
def starts_order(world: PongoWorld, who: str, n: str) -> None:
    world.start_session(world.our_locations()[int(n) - 1])
    if who == "an identified":
        world.screen = world.driver.identify_by_phone(
            world.backend().customers[world.customer_id].international_phone_number
        )


@given(parsers.re(r'the customer typed the phone number "(?P<phone>[^"]*)"'))
@when(parsers.re(r'the customer types the phone number "(?P<phone>[^"]*)"'))
def types_phone(world: PongoWorld, phone: str) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_phone(phone)


@then("the integration looked the customer up by phone number")
def looked_up_by_phone(world: PongoWorld) -> None:
    phone = world.backend().customers[world.customer_id].international_phone_number
    calls = [x for x in world.integration_calls("get_customer_by_phone") if x.path.endswith("/" + phone)]
    assert calls and calls[-1].status == 200, (
        f"no successful GET customer by phone {phone}; calls: {[x.title() for x in world.integration_calls()]}"
    )


@then("the loyalty screen shows that customer")
def shows_customer(world: PongoWorld) -> None:
    assert world.screen is not None and world.screen.customer_id == world.customer_id, (
        f"the screen shows {world.screen.customer_id if world.screen else None}, not {world.customer_id}"
    )


@then("the loyalty screen shows no customer and tells the customer so")
def shows_no_customer(world: PongoWorld) -> None:
    assert world.screen.customer_id is None, f"an unknown number showed customer {world.screen.customer_id}"
    assert CUSTOMER_NOT_FOUND in world.screen.notices, "the customer is not told the number is unknown"


@when("the customer scans their digital pass")
def scans_pass(world: PongoWorld) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_pass(world.customer_id)


@then("the integration looked the customer up by their public id")
def looked_up_by_id(world: PongoWorld) -> None:
    calls = [x for x in world.integration_calls("get_customer") if x.path.endswith("/" + world.customer_id)]
    assert calls and calls[-1].status == 200, "no successful GET customer by public id"


@then(parsers.parse('the integration subscribed to "{event}" with an HTTPS URL'))
def subscribed(world: PongoWorld, event: str) -> None:
    subs = [
        x
        for x in world.integration_calls("create_webhook")
        if x.status == 201 and isinstance(x.request_body, dict) and x.request_body.get("event") == event
    ]
    assert subs, f"the integration never subscribed to {event}"
    assert str(subs[-1].request_body.get("url", "")).startswith("https://"), "the webhook URL is not HTTPS"


@when("a customer enlists on another platform connected to the merchant")
def enlists_elsewhere(world: PongoWorld) -> None:
    world.customer_id = world.backend().enlist_elsewhere(ELSEWHERE_PHONE).public_id


@then(parsers.parse('Pongo delivered "{event}" to the integration, which accepted it'))
def delivered(world: PongoWorld, event: str) -> None:
    deliveries = world.journal.exchanges(f"webhook:{event}", direction="webhook")
    assert deliveries, f"Pongo delivered no {event} (is the integration subscribed?)"
    assert all(200 <= x.status < 300 for x in deliveries), f"the integration refused: {[x.status for x in deliveries]}"


@then("the pass of that customer is recognised when scanned")
def pass_recognised(world: PongoWorld) -> None:
    world.ensure_session()
    screen = world.driver.identify_by_pass(world.customer_id)
    assert screen.customer_id == world.customer_id, "the pass of a customer enlisted elsewhere is not recognised"


@when("an event signed with the wrong secret reaches the integration's webhook URL")
def forged_event(world: PongoWorld) -> None:
    hooks = world.sim.subscriptions(world.merchant)
    assert hooks, "the integration has no webhook subscription to deliver to"
    customer = world.backend().customers[world.customer_id]
    headers, body = actors.forged_event("customer.created", customer.to_json(), world.sim.clock.timestamp())
    world.webhook_status = world.driver.handle_webhook(hooks[0].url, headers, body)


@then("the integration refuses the event")
def event_refused(world: PongoWorld) -> None:
    assert world.webhook_status is not None and 400 <= world.webhook_status < 500, (
        f"a forged event was answered {world.webhook_status}"
    )


@when(
    parsers.re(
        r'a new customer enlists with the phone number "(?P<phone>[^"]*)" answering '
        r"(?P<email>yes|no|no answer) to email and (?P<sms>yes|no|no answer) to SMS"
    )
)
def enlists(world: PongoWorld, phone: str, email: str, sms: str) -> None:
    world.ensure_session()
    world.optin = OptIn(email=ANSWERS[email], sms=ANSWERS[sms])
    world.screen = world.driver.enlist(phone, world.optin, first_name="Camille", last_name="Peeters")


@then(parsers.parse('Pongo has a customer with the phone number "{phone}"'))
def customer_exists(world: PongoWorld, phone: str) -> None:
    customer = world.backend().customer_by_phone(phone)
    assert customer is not None, f"Pongo has no customer {phone}"
    world.customer_id = customer.public_id


@then("that customer earned the points of the order")
def earned(world: PongoWorld) -> None:
    customer = world.backend().customers[world.customer_id]
    assert customer.points > 0, "the new customer earned no points from the paid order"


@then(
    parsers.re(
        r"Pongo recorded the email opt-in as (?P<email>yes|no|no answer) "
        r"and the SMS opt-in as (?P<sms>yes|no|no answer)"
    )
)
def optin_recorded(world: PongoWorld, email: str, sms: str) -> None:
    customer = world.backend().customer_by_phone("32478112233")
    assert customer is not None, "the enlisted customer does not exist in Pongo"
    for channel, answer, stored in (("email", email, customer.email_optin), ("SMS", sms, customer.sms_optin)):
        if ANSWERS[answer] is None:
            assert stored is not True, f"{channel}: no answer was recorded as consent"
        else:
            assert stored is ANSWERS[answer], f"{channel}: the customer answered {answer}, Pongo has {stored}"
    any_yes = "yes" in (email, sms)
    assert (customer.has_optin is True) == any_yes, f"has_optin is {customer.has_optin} for answers {email}/{sms}"


@then("no request sent a consent the customer did not give")
def no_unasked_consent(world: PongoWorld) -> None:
    given_email, given_sms = world.optin.email is True, world.optin.sms is True
    for x in world.integration_calls(("create_customer", "update_customer", "create_order")):
        body = x.request_body if isinstance(x.request_body, dict) else {}
        blocks = [body.get("customer") or {}] if x.operation == "create_order" else [body]
        for block in blocks:
            assert not (block.get("email_optin") is True and not given_email), f"{x.title()} sent email consent"
            assert not (block.get("sms_optin") is True and not given_sms), f"{x.title()} sent SMS consent"
            assert not (block.get("has_optin") is True and not (given_email or given_sms)), (
                f"{x.title()} sent has_optin"
            )


@then(parsers.parse("the loyalty screen shows a balance of {points:d} points"))
def shows_balance(world: PongoWorld, points: int) -> None:
    assert world.screen.balance == points, f"the screen shows a balance of {world.screen.balance}, not {points}"


@then("the integration asked Pongo for the rewards of that customer")
def asked_rewards(world: PongoWorld) -> None:
    calls = [x for x in world.integration_calls("list_rewards") if x.query.get("customer") == world.customer_id]
    assert calls and calls[-1].status == 200, "GET rewards was not asked for this customer (customer=...)"


@then("the loyalty screen lists exactly the rewards Pongo offers that customer")
def lists_rewards(world: PongoWorld) -> None:
    expected = {r.public_id for r in world.backend().rewards_for(world.customer_id, world.store_slug())}
    shown = {r.id for r in world.screen.rewards}
    assert shown == expected, f"shown {sorted(shown)}, Pongo offers {sorted(expected)}"


@given("the customer has already bought a reward")
def already_bought(world: PongoWorld) -> None:
    cheapest = min(world.backend().rewards_for(world.customer_id, world.backend().stores[0].slug), key=lambda r: r.cost)
    world.reward_id, world.won_id = cheapest.public_id, world.buy_for_customer(cheapest.public_id)


@then("the loyalty screen shows the purchased reward apart from the merchant's rewards")
def purchased_apart(world: PongoWorld) -> None:
    assert world.won_id in {r.id for r in world.screen.purchased}, "the purchased reward is not shown"
    assert world.won_id not in {r.id for r in world.screen.rewards}, "the purchased reward is mixed with the others"


@when("the customer redeems the cheapest reward")
def redeem_cheapest(world: PongoWorld) -> None:
    offered = [r for r in world.screen.rewards if r.redeemable and r.cost is not None]
    assert offered, "the screen offers no reward the customer can redeem"
    cheapest = min(offered, key=lambda r: r.cost)
    world.reward_id = cheapest.id
    world.screen = world.driver.redeem(cheapest.id)


@then("Pongo recorded the purchase of that reward for the customer")
def purchase_recorded(world: PongoWorld) -> None:
    won = [
        w
        for w in world.backend().won_rewards.values()
        if w.reward_public_id == world.reward_id and w.customer_public_id == world.customer_id
    ]
    assert won, "Pongo has no purchase of the reward"
    world.won_id = won[-1].public_id


@then("the loyalty screen shows the purchased reward and the balance left")
def refreshed_view(world: PongoWorld) -> None:
    cost = world.backend().rewards[world.reward_id].cost
    for screen in (world.screen, world.driver.loyalty_screen()):
        assert world.won_id in {r.id for r in screen.purchased}, "the view was not refreshed with the purchase"
        assert screen.balance == world.customer_points - cost, (
            f"the view shows {screen.balance} points, Pongo has {world.customer_points - cost}"
        )


@when("the customer tries to redeem a reward that costs more than their balance")
def redeem_too_dear(world: PongoWorld) -> None:
    reward = world.backend().add_reward(
        title="Grand cru",
        type="free_product",
        cost=world.customer_points + 500,
        external_id=world.product("{ours:1}").sku,
    )
    world.screen = world.driver.redeem(reward.public_id)


@then("the customer is told they do not have enough points")
def not_enough(world: PongoWorld) -> None:
    assert NOT_ENOUGH_POINTS in world.screen.notices, "the customer is not told their balance is too low"
