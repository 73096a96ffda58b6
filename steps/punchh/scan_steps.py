"""The Single Scan Flow: the guest's app code names them and the rewards they chose in the app."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.steps.punchh.guest_steps import identified_as
from poscert.steps.punchh.order_steps import answer, body, last_query_before_payment
from poscert.steps.punchh.world import PunchhWorld


@given(parsers.parse('the guest chose the "{title}" reward in the app, which shows a single scan code'))
def chose_in_app(world: PunchhWorld, title: str) -> None:
    backend = world.backend()
    reward = next(r for r in backend.rewards_of(world.guest) if r.name == title)
    scan = next(s for s in backend.scan_codes.values() if s.user_id == world.guest.id and s.expires_at > backend.now())
    scan.selected_reward_ids = (reward.id,)
    world.scan_code, world.app_reward = scan.code, reward.id


@when("the guest's single scan code is scanned")
def scanned(world: PunchhWorld) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_scan(world.scan_code)


def scanned_look_ups(world: PunchhWorld) -> list:
    """User Look-up by `single_scan_code`, or Find User with `lookup_field: otp` (the scan code) [C]."""
    return [
        x
        for x in world.calls_before(world.payment(), ("user_search", "find_user"))
        if x.ok
        and (
            (x.query or {}).get("single_scan_code") == world.scan_code
            or (body(x).get("lookup_field") == "otp" and body(x).get("lookup_value") == world.scan_code)
        )
    ]


@then("the one scan identified the guest, before the payment")
def one_scan_identified(world: PunchhWorld) -> None:
    assert scanned_look_ups(world), "the single scan code was not looked up before the payment"
    identified_as(world, world.guest)


@then("the reward chosen in the app was confirmed for the order before payment, without being chosen again")
def app_selection_confirmed(world: PunchhWorld) -> None:
    """Confirmed by the query and shown on the order; committing it after payment is PUNCHH-RED-04's to judge."""
    query = last_query_before_payment(world)
    confirmed = {str(done.get("discount_id")) for done in answer(query).get("success", [])}
    assert str(world.app_reward) in confirmed, "no query before payment confirmed the reward chosen in the app"
    shown = world.shown_before_payment
    assert shown is not None and any(line.reward_id or line.voucher_code for line in shown.lines), (
        "the order did not show the app's reward before payment"
    )
