"""The customer's side: identifying, enlisting with opt-in, the loyalty screen, redeeming."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pytest_bdd import given, parsers, then, when

from poscert.base.journal import Exchange
from poscert.drivers.contract import CUSTOMER_NOT_FOUND, NOT_ENOUGH_POINTS, OptIn
from poscert.steps.pongo import actors
from poscert.steps.pongo.world import PongoWorld

ANSWERS = {"yes": True, "no": False, "no answer": None}
ELSEWHERE_PHONE = "32475000111"
COUNTRIES = {"Belgium": "BE", "France": "FR", "the Netherlands": "NL"}
PASS_LINK = "https://wallet.heypongo.com/pass/{}"  # [I] what a pass's QR code holds beside the bare id
# Where a customer's data comes back from Pongo: by phone, from the customer list, by public id.
CUSTOMER_READS = ("get_customer_by_phone", "list_customers", "get_customer")
CHANNELS = {"email": "email_optin", "SMS": "sms_optin"}


# -- who the customer is -----------------------------------------------------------------------
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


@given(parsers.parse("the customer is at the merchant's store in {country}"))
def at_store_in(world: PongoWorld, country: str) -> None:
    backend = world.backend()
    location = next(
        (
            location
            for location, (merchant, slug) in world.location_map.items()
            if merchant == world.merchant and backend.store(slug).country == COUNTRIES[country]
        ),
        None,
    )
    assert location is not None, f"no location of the partner is mapped to a store in {country}"
    world.start_session(location)


# -- identifying -------------------------------------------------------------------------------
@given(parsers.re(r'the customer typed the phone number "(?P<phone>[^"]*)"'))
@when(parsers.re(r'the customer types the phone number "(?P<phone>[^"]*)"'))
def types_phone(world: PongoWorld, phone: str) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_phone(phone)


@when("the customer scans their digital pass")
def scans_pass(world: PongoWorld) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_pass(world.customer_id)


@when(parsers.re(r"the customer scans their digital pass, which holds (?P<held>their public id|a link to their pass)"))
def scans_pass_holding(world: PongoWorld, held: str) -> None:
    world.ensure_session()
    scanned = world.customer_id if held == "their public id" else PASS_LINK.format(world.customer_id)
    world.screen = world.driver.identify_by_pass(scanned)


@when("the customer scans the digital pass they hold for another merchant")
def scans_other_merchants_pass(world: PongoWorld) -> None:
    """One person in two merchants' programmes is two customers: this pass is not one of this merchant's."""
    world.ensure_session()
    elsewhere = next(iter(world.backend(world.merchants[1]).customers.values()))
    world.screen = world.driver.identify_by_pass(elsewhere.public_id)


def returns_customer(exchange: Exchange, public_id: str) -> bool:
    """Whether Pongo answered with that customer: alone (by phone, by id) or in a list."""
    data = exchange.response_body.get("data") if isinstance(exchange.response_body, dict) else None
    items = data if isinstance(data, list) else [data]
    return any(isinstance(item, dict) and item.get("public_id") == public_id for item in items)


@then("the integration read that customer from Pongo")
def read_from_pongo(world: PongoWorld) -> None:
    calls = world.integration_calls(CUSTOMER_READS)
    assert any(x.status == 200 and returns_customer(x, world.customer_id) for x in calls), (
        f"Pongo never answered the integration with customer {world.customer_id}: "
        f"{[x.title() for x in calls] or 'no customer was read'}"
    )


@then("the loyalty screen shows that customer")
def shows_customer(world: PongoWorld) -> None:
    assert world.screen is not None and world.screen.customer_id == world.customer_id, (
        f"the screen shows {world.screen.customer_id if world.screen else None}, not {world.customer_id}"
    )


@then("the loyalty screen shows no customer and tells the customer so")
def shows_no_customer(world: PongoWorld) -> None:
    assert world.screen.customer_id is None, f"the screen shows customer {world.screen.customer_id}"
    assert CUSTOMER_NOT_FOUND in world.screen.notices, "the customer is not told no account was found"


# -- the customer base kept in sync (POS) ---------------------------------------------------------
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


@when(
    parsers.re(
        r"an event (?P<forgery>signed with the wrong secret|with no signature|with a malformed signature|"
        r"signed by Pongo an hour (?:ago|from now)) reaches the integration's webhook URL"
    )
)
def untrusted_event_arrives(world: PongoWorld, forgery: str) -> None:
    hooks = world.sim.subscriptions(world.merchant)
    assert hooks, "the integration has no webhook subscription to deliver to"
    customer = world.backend().customers[world.customer_id].to_json()
    headers, body = actors.untrusted_event(forgery, "customer.created", customer, hooks[0].secret)
    world.webhook_status = world.driver.handle_webhook(hooks[0].url, headers, body)


@then("the integration refuses the event")
def event_refused(world: PongoWorld) -> None:
    assert world.webhook_status is not None and 400 <= world.webhook_status < 500, (
        f"the event was answered {world.webhook_status}"
    )


# -- enlisting and the opt-in ---------------------------------------------------------------------
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


def answers(optin: OptIn) -> dict[str, bool | None]:
    return {"email": optin.email, "SMS": optin.sms}


def says(block: Mapping[str, Any]) -> tuple[bool, dict[str, bool | None]]:
    """Whether an opt-in block (a request's, or Pongo's record) uses the channel fields, and what it says of
    each channel: with channel fields, each its own (`has_optin` then sums them up, as any or all: the guides
    do not say which); with `has_optin` alone, it covers both channels."""
    per_channel = any(block.get(field) is not None for field in CHANNELS.values())
    if per_channel:
        return True, {channel: block.get(field) for channel, field in CHANNELS.items()}
    return False, dict.fromkeys(CHANNELS, block.get("has_optin"))


def unanswered(block: Mapping[str, Any], given: dict[str, bool | None]) -> list[str]:
    """What the block says that the customer did not answer: a consent not given, a refusal for a question
    skipped (the guides' "no answer" is neither yes nor no)."""
    per_channel, said = says(block)
    found = [f"{c} consent the customer did not give" for c, v in said.items() if v is True and given[c] is not True]
    if per_channel:
        found += [
            f"{c} refused, a question the customer skipped" for c, v in said.items() if v is False and given[c] is None
        ]
        if block.get("has_optin") is True and True not in given.values():
            found.append("has_optin consent, though the customer accepted nothing")
    if block.get("has_optin") is False and set(given.values()) == {None}:
        found.append("has_optin refused, though the customer answered nothing")
    return found


def untold(record: Mapping[str, Any], given: dict[str, bool | None]) -> list[str]:
    """The answers Pongo's record lacks: with channel fields, every answer; with has_optin alone, that one was
    given (consent when the customer accepted both channels it covers)."""
    per_channel, said = says(record)
    if per_channel:
        return [
            f"{c}: the customer answered, Pongo has nothing"
            for c, v in said.items()
            if v is None and given[c] is not None
        ]
    has = record.get("has_optin")
    if has is None and set(given.values()) != {None}:
        return ["the customer answered, Pongo has no opt-in"]
    if has is not True and set(given.values()) == {True}:
        return [f"the customer accepted both channels, Pongo has has_optin {has}"]
    return []


def order_optin(body: Mapping[str, Any]) -> dict[str, Any]:
    """An order's opt-in: its customer's fields, with `has_optin` from the order itself when the customer has none."""
    customer = body.get("customer") or {}
    has = customer.get("has_optin")
    return {**customer, "has_optin": body.get("has_optin") if has is None else has}


@then(
    parsers.re(
        r"Pongo recorded the email opt-in as (?P<email>yes|no|no answer) "
        r"and the SMS opt-in as (?P<sms>yes|no|no answer)"
    )
)
def optin_recorded(world: PongoWorld, email: str, sms: str) -> None:
    record = world.backend().customers[world.customer_id].to_json()
    wrong = unanswered(record, answers(world.optin)) + untold(record, answers(world.optin))
    shown = {field: record[field] for field in ("has_optin", *CHANNELS.values())}
    assert not wrong, f"answers {email} to email, {sms} to SMS; Pongo has {shown}: {wrong}"


@then("no request sent an answer the customer did not give")
def no_answer_invented(world: PongoWorld) -> None:
    for x in world.integration_calls(("create_customer", "update_customer", "create_order")):
        body = x.request_body if isinstance(x.request_body, dict) else {}
        wrong = unanswered(order_optin(body) if x.operation == "create_order" else body, answers(world.optin))
        assert not wrong, f"{x.title()} sent {wrong}"


# -- the loyalty screen -----------------------------------------------------------------------------
@then(parsers.parse("the loyalty screen shows a balance of {points:d} points"))
def shows_balance(world: PongoWorld, points: int) -> None:
    assert world.screen.balance == points, f"the screen shows a balance of {world.screen.balance}, not {points}"


@then("the integration asked Pongo for the rewards of that customer")
def asked_rewards(world: PongoWorld) -> None:
    calls = [x for x in world.integration_calls("list_rewards") if x.query.get("customer") == world.customer_id]
    assert calls and calls[-1].status == 200, "GET rewards was not asked for this customer (customer=...)"


@given("the merchant has a reward valid only at another of its stores")
def reward_elsewhere(world: PongoWorld) -> None:
    """GET rewards without the customer's store (store_slug) would offer it here too."""
    world.ensure_session()
    other = next(store.slug for store in world.backend().stores if store.slug != world.store_slug())
    world.backend().add_reward(title="Brunch du dimanche", type="free_product", cost=50, store_slugs=[other])


@then("the loyalty screen lists exactly the rewards Pongo offers that customer")
def lists_rewards(world: PongoWorld) -> None:
    expected = {r.public_id for r in world.backend().rewards_for(world.customer_id, world.store_slug())}
    shown = {r.id for r in world.screen.rewards}
    assert shown == expected, f"shown {sorted(shown)}, Pongo offers {sorted(expected)}"


@given("the customer has already bought a reward")
def already_bought(world: PongoWorld) -> None:
    cheapest = min(world.backend().rewards_for(world.customer_id, world.backend().stores[0].slug), key=lambda r: r.cost)
    world.reward_id, world.won_id = cheapest.public_id, world.buy_for_customer(cheapest.public_id)


@given("the customer has already bought and used another reward")
def already_used(world: PongoWorld) -> None:
    """Bought and used at once (buy's `used`), as a till does when the reward goes straight into an order."""
    cheapest = min(world.backend().rewards_for(world.customer_id, world.backend().stores[0].slug), key=lambda r: r.cost)
    world.used_id = (
        world.backend()
        .buy_reward(cheapest.public_id, world.customer_id, world.backend().stores[0].slug, used=True)
        .public_id
    )


@then("the loyalty screen shows the purchased reward apart from the merchant's rewards")
def purchased_apart(world: PongoWorld) -> None:
    assert world.won_id in {r.id for r in world.screen.purchased}, "the purchased reward is not shown"
    assert world.won_id not in {r.id for r in world.screen.rewards}, "the purchased reward is mixed with the others"


@then("the loyalty screen does not show the reward already used")
def used_not_shown(world: PongoWorld) -> None:
    shown = {r.id for r in world.screen.purchased} | {r.id for r in world.screen.rewards}
    assert world.used_id not in shown, "a reward the customer already used is shown as theirs to use"


# -- redeeming --------------------------------------------------------------------------------------
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
