"""The rules every platform shares (ALL-SCHEMA-01, ALL-ERR-01, ALL-SEC-01), worded for any platform.

Each platform's world says what its wire looks like (`World.operations`, `order_operation`,
`order_identity`, `orders_held`, `credential_problems`); the rules themselves name no platform.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.base.journal import Exchange
from poscert.drivers.contract import LOYALTY_UNAVAILABLE, ORDER_PENDING_SYNC
from poscert.simulators.core.faults import Fault
from poscert.steps.common.fixtures import Traces
from poscert.steps.common.world import World

TOLD = frozenset({LOYALTY_UNAVAILABLE, ORDER_PENDING_SYNC})  # what telling the customer of a failure looks like
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _where(exchange: Exchange) -> str:
    return f"{exchange.scenario.rpartition('::')[2]} {exchange.title()}"


def assert_schema_kept(calls: list[Exchange]) -> None:
    assert calls, "the integration sent nothing"
    broken = [f"{_where(x)}: {v}" for x in calls for v in x.request_violations()]
    assert not broken, "requests that do not match the platform's schema:\n" + "\n".join(broken[:20])


def assert_credentials_kept(world: World, calls: list[Exchange]) -> None:
    misplaced = [f"{_where(x)}: {m}" for x in calls for m in x.misplaced_secrets]
    assert not misplaced, "credentials where the platform does not expect them:\n" + "\n".join(misplaced)
    wrong = world.credential_problems(calls)
    assert not wrong, "credentials not sent the platform's way:\n" + "\n".join(wrong)


# -- ALL-SCHEMA-01 ---------------------------------------------------------------------------
@then("every request the integration sent matches the platform's schema")
def requests_match_schema(world: World) -> None:
    assert_schema_kept(world.integration_calls())


@when("every other scenario of the certification has run")
def after_every_scenario() -> None:
    """Nothing to do: the plugin runs this scenario last (@runs-last); the journal holds the others."""


@then("no request the integration sent in any scenario broke the platform's schema")
def whole_run_matches_schema(world: World) -> None:
    assert_schema_kept(world.integration_calls(scenario="*"))


# -- ALL-ERR-01 ------------------------------------------------------------------------------
@given(
    parsers.re(
        r'the platform will answer the next "(?P<operation>[^"]+)" with '
        r"(?P<failure>a (?P<status>\d{3})|a time-out|a dropped connection)(?P<after> after processing it)?"
    )
)
def arm_fault(world: World, operation: str, failure: str, status: str | None, after: str | None) -> None:
    world.sim.faults.arm(
        Fault(
            world.operations[operation],
            status=int(status) if status else None,
            timeout=failure == "a time-out",
            dropped=failure == "a dropped connection",
            after_processing=bool(after),
        )
    )


def failed_calls(world: World) -> list[Exchange]:
    """The integration's calls of this scenario that met an injected failure."""
    return [x for x in world.integration_calls() if x.fault]


@then("the customer was told of the failure, unless the integration got past it")
def told_of_failure(world: World) -> None:
    failed = failed_calls(world)
    if not failed:
        return  # the integration never made the call that would have failed: nothing to tell
    last = failed[-1]
    # Past it: a later call of the same operation went through (a retry, or a resend the platform already had).
    recovered = any(x.ok for x in world.integration_calls(last.operation) if x.seq > last.seq)
    assert recovered or world.notices() & TOLD, (
        f"{last.title()} failed ({last.fault}) and the customer was not told (notices {sorted(world.notices())})"
    )


@then("the platform carried it out no more than once")
def done_once(world: World) -> None:
    for action in {world.action_of(x) for x in failed_calls(world)} - world.repeatable:
        done = [
            x
            for x in world.integration_calls()
            if world.action_of(x) == action and x.method in WRITES and world.platform_acted(x)
        ]
        assert len(done) <= 1, f"the platform carried out {action} {len(done)} times: {[x.title() for x in done]}"


@when("the integration retries what it could not send")
def retry(world: World) -> None:
    world.driver.retry_pending()


@then("the platform holds exactly one order for it, as paid")
def one_order_held(world: World) -> None:
    held = world.orders_held(world.order.order_id)
    assert len(held) == 1, (
        f"the platform holds {len(held)} orders {world.order.order_id}: a paid order was lost or doubled"
    )
    assert held[0] == "paid", f"the order is held as {held[0]}"


@then("every attempt to send it used the same order id")
def same_order_id(world: World) -> None:
    attempts = world.orders_sent()
    ids = {(x.request_body or {}).get(world.order_identity) for x in attempts if isinstance(x.request_body, dict)}
    assert len(attempts) >= 2 and ids == {world.order.order_id}, f"attempts with order ids {ids}"


@then("the order is paid")
def order_paid(world: World) -> None:
    assert world.order.status == "paid", f"the order is {world.order.status}"


# -- ALL-SEC-01 ------------------------------------------------------------------------------
@then("no request carried a credential where the platform does not expect it")
def credentials_kept(world: World) -> None:
    assert_credentials_kept(world, world.integration_calls())


@then("no request the integration sent in any scenario carried a credential where the platform does not expect it")
def credentials_kept_all_run(world: World) -> None:
    assert_credentials_kept(world, world.integration_calls(scenario="*"))


@then("no credential is in the integration's logs, output, files, customer messages or receipt")
def nothing_leaks(world: World, integration_traces: Traces) -> None:
    receipt = world.driver.receipt()
    assert receipt, "the integration printed no receipt"
    shown = [*(world.screen.messages if world.screen else []), *(world.order.messages if world.order else [])]
    places = integration_traces.texts() | {"customer messages": "\n".join(shown), "receipt": receipt}
    secrets = {s for s in world.secrets() if len(s) >= 8}
    leaks = {where: sum(1 for s in secrets if s in text) for where, text in places.items()}
    leaked = [f"{count} in the {where}" for where, count in leaks.items() if count]
    assert not leaked, "credentials (values withheld from this report): " + ", ".join(leaked)


@then("every call was made with the credentials of the merchant that owns the location")
def tokens_per_merchant(world: World) -> None:
    sessions = world.journal.events("session")
    assert len(sessions) >= 2
    for session, following in zip(sessions, sessions[1:] + [None], strict=True):
        calls = [
            x for x in world.integration_calls() if x.seq > session.seq and (following is None or x.seq < following.seq)
        ]
        owner = session.detail["merchant"]
        wrong = [f"{x.title()} as {x.merchant}" for x in calls if x.merchant not in (owner, None)]
        assert calls and not wrong, f"calls for {session.detail['location']} (merchant {owner}) used another's: {wrong}"
