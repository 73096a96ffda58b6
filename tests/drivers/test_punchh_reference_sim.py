"""The reference Punchh POS end to end against the Punchh simulator (respx on the real hosts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from poscert.driver_check import problems
from poscert.drivers.contract import (
    CAPABILITIES,
    CUSTOMER_NOT_FOUND,
    ORDER_PENDING_SYNC,
    PaymentOutcome,
)
from poscert.drivers.punchh.contract import SINGLE_SCAN, Connection, PunchhIntegration
from poscert.drivers.punchh.integration import PunchhReference, ean13
from poscert.drivers.punchh.reference import PunchhKiosk, PunchhPOS
from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import respx_router
from poscert.simulators.punchh.backend import BusinessBackend
from poscert.simulators.punchh.declaration import PUNCHH
from poscert.simulators.punchh.receipts import barcode
from poscert.simulators.punchh.simulator import PunchhSimulator
from tests.simulators.conftest import assert_requests_matched_the_schemas

BASE = "https://pos.punchh.com"


@pytest.fixture
def sim() -> Iterator[PunchhSimulator]:
    """A fresh simulator; afterwards, everything the reference sent must match the schemas."""
    simulator = PunchhSimulator(seed=7)
    with respx_router(simulator):
        yield simulator
    assert_requests_matched_the_schemas(simulator)


@pytest.fixture
def biz(sim: PunchhSimulator) -> BusinessBackend:
    return sim.backend(sim.default_business)


@pytest.fixture
def pos(sim: PunchhSimulator) -> Iterator[PunchhPOS]:
    integration = PunchhPOS(connection(sim))
    integration.start_session("till-1")
    yield integration
    integration.close()


def connection(sim: PunchhSimulator) -> Connection:
    slug = sim.default_business
    client = sim.client(slug)
    return Connection(
        BASE,
        sim.location(slug).location_key,
        sim.data.businesses[slug].business_key,
        "Poscert/POS/1.0",
        client.client_id,
        client.secret,
    )


def regular(biz: BusinessBackend):
    return list(biz.users.values())[0]


def operations(sim: PunchhSimulator) -> list[str]:
    return [e.operation for e in sim.journal.exchanges()]


def batch_calls(sim: PunchhSimulator) -> list[object]:
    return [e.request_body.get("query") for e in sim.journal.exchanges() if e.operation == "batch_redemption"]


def two_dollars_off(pos: PunchhPOS) -> str:
    offered = pos.look_up_discounts()
    return next(r.id for r in offered if r.title == "$2 Off Your Order")


def test_the_reference_conforms_to_the_contract():
    for cls in (PunchhPOS, PunchhKiosk):
        assert problems(cls, PunchhIntegration, CAPABILITIES | PUNCHH.capabilities) == []


def test_the_declaration_names_the_contracts_own_capability():
    assert PUNCHH.capabilities == {SINGLE_SCAN}


def test_connection_hides_its_secrets():
    shown = repr(Connection(BASE, "loc-key-123", "biz-key-456", "A/POS/1", "cid", "the-secret"))
    assert "loc-key-123" not in shown and "biz-key-456" not in shown and "the-secret" not in shown


def test_look_up_discount_select_query_pay_commit_check_in(sim, biz, pos):
    user = regular(biz)
    points = biz.points(user)
    phone = user.phone
    screen = pos.identify_by_phone(f"+1 ({phone[:3]}) {phone[3:6]}-{phone[6:]}")
    assert screen.customer_id == str(user.id) and screen.balance == points
    assert any(r.title == "$2 Off Your Order" for r in screen.rewards)

    pos.add_product("PSC-BURGER", ("PSC-OPT-CHEESE",))
    pos.add_product("PSC-COFFEE")
    chosen = two_dollars_off(pos)
    assert [r.id for r in pos.select_discount(chosen)] == [chosen]
    view = pos.apply_discounts()
    assert (view.discount, view.total) == (200, 900 + 80 + 240 - 200)
    [redemption] = [line for line in view.lines if line.reward_id]
    assert redemption.reward_id == chosen and redemption.voucher_code
    flat = next(r for r in biz.rewards.values() if r.user_id == user.id and r.name == "$2 Off Your Order")
    assert flat.status == "unredeemed"  # the query commits nothing

    paid = pos.pay(PaymentOutcome.APPROVED)
    assert paid.status == "paid" and ORDER_PENDING_SYNC not in paid.notices
    assert flat.status == "redeemed"
    assert batch_calls(sim) == [True, None]  # query before payment, commit after
    ops = operations(sim)
    assert ops.index("discount_lookup") < ops.index("discount_select") < ops.index("batch_redemption")
    assert ops[-2:] == ["batch_redemption", "create_checkin"]

    [checkin] = biz.checkins.values()
    sent = sim.journal.last("create_checkin").request_body
    assert [i["menu_item_type"] for i in sent["menu_items"]] == ["M", "M", "M", "D", "P"]
    assert sent["menu_items"][3]["item_amount"] == 2 and sent["subtotal_amount"] == 10.2
    commit = [e.request_body for e in sim.journal.exchanges() if e.operation == "batch_redemption"][-1]
    assert checkin.punchh_key == sent["punchh_key"] == commit["punchh_key"]
    assert sent["external_uid"] == commit["external_uid"] == paid.order_id
    assert pos.receipt_barcode() == barcode(checkin.punchh_key) == ean13(checkin.punchh_key)
    assert sim.check_barcode(pos.receipt_barcode(), checkin.punchh_key) is None
    assert pos.receipt_barcode() in pos.receipt()
    assert biz.points(user) == points + sent_points(sim)


def sent_points(sim: PunchhSimulator) -> int:
    return sim.journal.last("create_checkin").response_body["points_earned"]


def test_sign_up_with_a_one_time_password_then_check_in(sim, biz, pos):
    email = "brand.new@example.com"
    assert pos.send_otp(email).customer_id is None
    [sent] = sim.sent_otps(destination=email)
    screen = pos.verify_otp(sent.otp)
    assert screen.customer_id is not None
    user = biz.users[int(screen.customer_id)]
    assert (user.email, user.created_via) == (email, "advanced_auth")
    assert "find_user" in operations(sim)  # the access token names the guest at the POS

    pos.add_product("PSC-MENU-BURGER")
    assert pos.pay(PaymentOutcome.APPROVED).status == "paid"
    [checkin] = biz.checkins.values()
    assert checkin.user_id == user.id and biz.points(user) == sent_points(sim) > 0
    assert "batch_redemption" not in operations(sim)


def test_a_wrong_code_identifies_nobody(sim, pos):
    pos.send_otp("someone@example.com")
    otp = sim.sent_otps(destination="someone@example.com")[-1].otp
    screen = pos.verify_otp("000000" if otp != "000000" else "111111")
    assert screen.customer_id is None and CUSTOMER_NOT_FOUND in screen.notices


def test_an_unknown_phone_is_not_found(pos):
    screen = pos.identify_by_phone("212-555-0000")
    assert screen.customer_id is None and CUSTOMER_NOT_FOUND in screen.notices


@pytest.mark.parametrize("outcome", [PaymentOutcome.DECLINED, PaymentOutcome.ABANDONED])
def test_failed_payment_commits_nothing(sim, biz, pos, outcome):
    user = regular(biz)
    points = biz.points(user)
    pos.identify_by_email(user.email)
    pos.add_product("PSC-BURGER")
    pos.select_discount(two_dollars_off(pos))
    pos.apply_discounts()
    view = pos.pay(outcome)
    if outcome is PaymentOutcome.DECLINED:
        assert view.status == "declined"
        pos.cancel()  # the customer walks away
    flat = next(r for r in biz.rewards.values() if r.user_id == user.id and r.name == "$2 Off Your Order")
    assert (flat.status, biz.points(user), biz.checkins) == ("unredeemed", points, {})
    assert batch_calls(sim) == [True]
    assert operations(sim)[-1] == "void_batch_redemption"
    assert sim.journal.last("void_batch_redemption").status == 202


def test_pay_queries_the_basket_when_the_order_changed(sim, biz, pos):
    user = regular(biz)
    pos.identify_by_email(user.email)
    pos.add_product("PSC-BURGER")
    pos.select_discount(two_dollars_off(pos))
    pos.apply_discounts()
    assert pos.add_product("PSC-FRIES").discount == 0  # to be confirmed again
    assert pos.pay(PaymentOutcome.APPROVED).discount == 200
    assert batch_calls(sim) == [True, True, None]


def test_a_paid_order_punchh_did_not_take_is_resent_with_the_same_identity(sim, biz, pos):
    user = regular(biz)
    pos.identify_by_email(user.email)
    pos.add_product("PSC-BURGER")
    pos.select_discount(two_dollars_off(pos))
    sim.faults.arm(Fault("create_checkin", status=503))
    view = pos.pay(PaymentOutcome.APPROVED)
    assert view.status == "paid" and ORDER_PENDING_SYNC in view.notices
    assert biz.checkins == {}
    pos.retry_pending()
    [checkin] = biz.checkins.values()
    uids = [e.request_body["external_uid"] for e in sim.journal.exchanges() if e.operation == "create_checkin"]
    assert uids == [view.order_id, view.order_id]
    assert batch_calls(sim) == [True, None]  # committed once, not again on the resend
    pos.retry_pending()
    assert len([op for op in operations(sim) if op == "create_checkin"]) == 2  # nothing left to send


def test_a_guest_without_loyalty_gets_a_claimable_receipt(sim, biz, pos):
    pos.add_product("PSC-BURGER")
    assert pos.pay(PaymentOutcome.APPROVED).status == "paid"
    sent = sim.journal.last("receipt_details")
    assert sent.status == 200 and pos.receipt_barcode() == barcode(sent.request_body["punchh_key"])


def test_the_kiosk_checks_in_on_its_channel(sim, biz):
    kiosk = PunchhKiosk(connection(sim))
    kiosk.start_session("kiosk-1")
    kiosk.identify_by_email(regular(biz).email)
    kiosk.add_product("PSC-MENU-BURGER")
    kiosk.pay(PaymentOutcome.APPROVED)
    kiosk.close()
    assert sim.journal.last("create_checkin").request_body["channel"] == "kiosk"


def test_reference_is_shared(sim):
    assert issubclass(PunchhPOS, PunchhReference) and issubclass(PunchhKiosk, PunchhReference)
