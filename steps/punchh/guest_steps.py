"""The guest's side: looked up by phone or email, signed up or in with a one-time password, shown their account."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from poscert.drivers.contract import CUSTOMER_NOT_FOUND, ShownReward
from poscert.simulators.punchh.models import User
from poscert.steps.punchh.world import IDENTIFYING, PunchhWorld

NEW_EMAIL = "new.guest@example.com"
NEW_PHONE = "5550142389"
UNKNOWN_PHONE = "(555) 010-9999"


def punchh_id(shown: ShownReward) -> str:
    """The Punchh id a shown reward names: bare, or after its discount type (`reward:123`)."""
    return shown.id.rpartition(":")[2]


def identified_as(world: PunchhWorld, user: User) -> None:
    assert world.screen is not None and world.screen.customer_id == str(user.id), (
        f"the guest is not identified as Punchh's user {user.id} (the screen shows "
        f"{world.screen.customer_id if world.screen else None!r}, notices {sorted(world.notices())})"
    )


# -- who the guest is ---------------------------------------------------------------------------
@given("a known guest with points and rewards")
def known_guest(world: PunchhWorld) -> None:
    """The brand's regular: 500 points, three rewards of their own, redeemables their points unlock."""
    world.guest = next(iter(world.backend().users.values()))
    assert world.points() > 0 and world.backend().rewards_of(world.guest)


@given("a guest new to the brand")
def new_guest(world: PunchhWorld) -> None:
    world.guest = None
    assert world.backend().user_by("email", NEW_EMAIL) is None


# -- identifying --------------------------------------------------------------------------------
@given(parsers.re(r"the guest gave their (?P<identifier>phone number|email)"))
@when(parsers.re(r"the guest gives their (?P<identifier>phone number|email)(?: first| again)?"))
def gives_identifier(world: PunchhWorld, identifier: str) -> None:
    world.ensure_session()
    assert world.guest is not None
    if identifier == "phone number":
        world.screen = world.driver.identify_by_phone(world.typed_phone())
    else:
        world.screen = world.driver.identify_by_email(world.guest.email.upper())


@when("the guest gives a phone number the brand does not know")
def gives_unknown_phone(world: PunchhWorld) -> None:
    world.ensure_session()
    world.screen = world.driver.identify_by_phone(UNKNOWN_PHONE)


@when(parsers.re(r"the guest asks for a one-time password by (?P<channel>email|SMS)"))
def asks_for_otp(world: PunchhWorld, channel: str) -> None:
    world.ensure_session()
    if channel == "email":
        destination = world.guest.email if world.guest else NEW_EMAIL
    else:
        destination = world.guest.phone if world.guest else NEW_PHONE
    world.otp_destination = destination if channel == "email" else f"+1{destination}"
    world.screen = world.driver.send_otp(destination)


@when(parsers.re(r"the guest types the (?P<which>code they received|wrong code)"))
def types_code(world: PunchhWorld, which: str) -> None:
    code = world.received_otp(world.otp_destination)
    world.screen = world.driver.verify_otp(code if which == "code they received" else f"{(int(code) + 1) % 10**6:06d}")


@when("the guest signs up with a one-time password by email")
def signs_up(world: PunchhWorld) -> None:
    asks_for_otp(world, "email")
    types_code(world, "code they received")


# -- what the guest sees ------------------------------------------------------------------------
@then("the guest was confirmed with User Look-up and Fetch Balance")
def confirmed_by_look_up(world: PunchhWorld) -> None:
    found = [
        x
        for x in world.integration_calls("user_search")
        if x.ok and isinstance(x.response_body, dict) and x.response_body.get("id") == world.guest.id
    ]
    assert found, "the guest was not confirmed with User Look-up and Fetch Balance (GET /api/pos/users/search)"


@then("the guest's points balance, rewards and offers are shown")
def account_shown(world: PunchhWorld) -> None:
    identified_as(world, world.guest)
    assert world.screen.balance == world.points(), f"shown {world.screen.balance} points, Punchh holds {world.points()}"
    held = {str(offer["id"]): offer["name"] for offer in world.backend().offers_json(world.guest)}
    shown = {punchh_id(reward) for reward in world.screen.rewards}
    missing = [name for ident, name in held.items() if ident not in shown]
    assert not missing, f"rewards and offers Punchh holds for the guest are not shown: {missing}"


@then("the guest is told the brand does not know them, and nobody is identified")
def told_unknown(world: PunchhWorld) -> None:
    assert world.screen is not None and world.screen.customer_id is None, "an unknown number identified someone"
    assert CUSTOMER_NOT_FOUND in world.notices(), f"the guest was not told (notices {sorted(world.notices())})"


@then("the guest is identified as the account Punchh holds for them")
def identified_as_their_account(world: PunchhWorld) -> None:
    backend = world.backend()
    user = world.guest or backend.user_by("email", NEW_EMAIL) or backend.user_by("phone", NEW_PHONE)
    assert user is not None, "Punchh holds no account for the new guest: the sign-up did not reach it"
    world.guest = user
    identified_as(world, user)


@then("the code was sent with Send OTP and checked with Verify OTP")
def sent_and_verified(world: PunchhWorld) -> None:
    sent = [x for x in world.integration_calls("send_otp") if x.ok]
    verified = [x for x in world.integration_calls("verify_otp") if x.ok]
    assert sent, "no one-time password was sent with Send OTP (POST /api2/password_less/token)"
    assert verified and verified[0].seq > sent[0].seq, "the code was not verified with Verify OTP after it was sent"


@then("the access token Verify OTP returned was used for the guest")
def token_used(world: PunchhWorld) -> None:
    """The POS reaches a signed-in guest through their token: Find User with `lookup_field: user_token`."""
    verified = next(x for x in world.integration_calls("verify_otp") if x.ok)
    used = [
        x
        for x in world.integration_calls("find_user")
        if x.ok and x.seq > verified.seq and lookup_field(x) == "user_token"
    ]
    assert used, "the access token of Verify OTP was not used to reach the guest (Find User, lookup_field user_token)"


def lookup_field(exchange) -> str | None:
    for source in (exchange.request_body, exchange.query):
        if isinstance(source, dict) and source.get("lookup_field"):
            return str(source["lookup_field"])
    return None


@then("nobody is identified, and the guest is told the code is not valid")
def nobody_identified(world: PunchhWorld) -> None:
    assert world.screen is not None and world.screen.customer_id is None, "a refused code identified someone"
    assert world.screen.messages or world.screen.notices, "the guest was not told the code was refused"


@then("the legacy Create New User call was not used")
def no_legacy_sign_up(world: PunchhWorld) -> None:
    used = world.integration_calls("create_user")
    assert not used, f"the legacy Create New User call was used: {[x.title() for x in used]}"


@then("no scenario of the certification used the legacy Create New User call")
def no_legacy_sign_up_all_run(world: PunchhWorld) -> None:
    used = world.integration_calls("create_user", scenario="*")
    assert not used, f"the legacy Create New User call was used: {[x.title() for x in used[:5]]}"


@then("the guest was identified before the payment")
def identified_before_payment(world: PunchhWorld) -> None:
    payment = world.payment()
    before = [x for x in world.calls_before(payment, IDENTIFYING) if x.ok]
    assert before, "the guest was neither looked up nor signed in before the payment"
