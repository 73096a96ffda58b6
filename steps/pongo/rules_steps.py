"""Rules every platform shares, checked on Pongo: schema, errors and time-outs, credentials."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.drivers.contract import LOYALTY_UNAVAILABLE, ORDER_PENDING_SYNC
from poscert.simulators.core.faults import Fault
from poscert.steps.pongo.world import PongoWorld

OPERATIONS = {"create order": "create_order", "get customer by phone": "get_customer_by_phone"}
FAILURES = {
    "a 503": dict(status=503),
    "a 500": dict(status=500),
    "a time-out": dict(status=None, timeout=True),
    "a time-out after processing it": dict(status=None, timeout=True, after_processing=True),
}


def assert_schema_kept(calls: list) -> None:
    assert calls, "the integration sent nothing"
    broken = [f"{x.scenario.rpartition('::')[2]} {x.title()}: {v}" for x in calls for v in x.request_violations()]
    assert not broken, "requests that do not match Pongo's schema:\n" + "\n".join(broken[:20])


@then("every request the integration sent matches Pongo's schema")
def requests_match_schema(world: PongoWorld) -> None:
    assert_schema_kept(world.integration_calls())


@when("every other scenario of the certification has run")
def after_every_scenario() -> None:
    """Nothing to do: the plugin runs this scenario last (@runs-last); the journal holds the others."""


@then("no request the integration sent in any scenario broke Pongo's schema")
def whole_run_matches_schema(world: PongoWorld) -> None:
    assert_schema_kept(world.integration_calls(scenario="*"))


@given(
    parsers.re(
        r'Pongo will answer the next "(?P<operation>[^"]+)" with (?P<failure>a 503|a 500|a time-out'
        r"(?: after processing it)?)"
    )
)
def arm_fault(world: PongoWorld, operation: str, failure: str) -> None:
    world.sim.faults.arm(Fault(OPERATIONS[operation], **FAILURES[failure]))


@then("the customer was told their loyalty points will follow")
def told_points_follow(world: PongoWorld) -> None:
    assert world.order.status == "paid", f"the order is {world.order.status}, though the payment went through"
    assert world.order.notices & {ORDER_PENDING_SYNC, LOYALTY_UNAVAILABLE}, "the customer was not told"


@when("the integration retries what it could not send")
def retry(world: PongoWorld) -> None:
    world.driver.retry_pending()


@then("Pongo holds exactly one order for it, as paid")
def one_order_held(world: PongoWorld) -> None:
    held = [o for o in world.backend().orders_list() if o.order_id == world.order.order_id]
    assert len(held) == 1, f"Pongo holds {len(held)} orders {world.order.order_id}: a paid order was lost or doubled"
    assert held[0].status == "paid"


@then("every attempt to send it used the same order id")
def same_order_id(world: PongoWorld) -> None:
    attempts = world.integration_calls("create_order")
    ids = {(x.request_body or {}).get("order_id") for x in attempts if isinstance(x.request_body, dict)}
    assert len(attempts) >= 2 and ids == {world.order.order_id}, f"attempts with order ids {ids}"


@then("the customer is told the loyalty programme is unavailable")
def told_unavailable(world: PongoWorld) -> None:
    assert LOYALTY_UNAVAILABLE in world.screen.notices, "the customer was not told the loyalty programme is down"


@then("the order is paid")
def order_paid(world: PongoWorld) -> None:
    assert world.order.status == "paid", f"the order is {world.order.status}"


@then("no request the integration sent in any scenario carried a credential outside the Authorization header")
def credentials_in_header_all_run(world: PongoWorld) -> None:
    assert_credentials_in_header(world.integration_calls(scenario="*"))


@then("no request carried a credential outside the Authorization header")
def credentials_in_header(world: PongoWorld) -> None:
    assert_credentials_in_header(world.integration_calls())


def assert_credentials_in_header(calls: list) -> None:
    misplaced = [f"{x.scenario.rpartition('::')[2]} {x.title()}: {m}" for x in calls for m in x.misplaced_secrets]
    assert not misplaced, "credentials outside the Authorization header:\n" + "\n".join(misplaced)
    bare = [
        x.title()
        for x in calls
        if x.operation not in ("oauth_form", "oauth_authorize", "oauth_token")
        and not x.request_headers.get("authorization", "").startswith("Bearer ")
    ]
    assert not bare, f"calls without a Bearer token in the Authorization header: {bare}"


@then("the integration's logs and the receipt hold no credential")
def nothing_leaks(world: PongoWorld, integration_logs) -> None:
    secrets = {s for s in world.sim.known_secrets() | {world.connection.client_secret} if len(s) >= 8}
    logged = "\n".join(r.getMessage() for r in integration_logs.records)
    receipt = world.driver.receipt()
    assert receipt, "the integration printed no receipt"
    for where, text in (("logs", logged), ("receipt", receipt)):
        leaked = sum(1 for s in secrets if s in text)
        assert not leaked, f"{leaked} credential(s) in the {where} (values withheld from this report)"


@when(
    parsers.re(r"a customer of the (?P<which>first|second) merchant identifies at the (?P=which) merchant's location")
)
def identifies_at(world: PongoWorld, which: str) -> None:
    merchant = world.merchant if which == "first" else world.sim.other_merchant
    world.start_session(world.our_locations(merchant)[0])
    customer = next(iter(world.backend(merchant).customers.values()))
    world.screen = world.driver.identify_by_phone(customer.international_phone_number)
    assert world.screen.customer_id == customer.public_id, f"the {which} merchant's customer was not found"


@then("every call was made with the token of the merchant that owns the location")
def tokens_per_merchant(world: PongoWorld) -> None:
    sessions = world.journal.events("session")
    assert len(sessions) >= 2
    for session, following in zip(sessions, sessions[1:] + [None], strict=True):
        calls = [
            x for x in world.integration_calls() if x.seq > session.seq and (following is None or x.seq < following.seq)
        ]
        owner = session.detail["merchant"]
        wrong = [f"{x.title()} as {x.merchant}" for x in calls if x.merchant not in (owner, None)]
        assert calls and not wrong, (
            f"calls for {session.detail['location']} (merchant {owner}) used another token: {wrong}"
        )
