"""The reference Spoonity POS end to end against the Spoonity simulator (respx on the real hosts)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from poscert.driver_check import problems
from poscert.drivers.contract import (
    CAPABILITIES,
    CUSTOMER_NOT_FOUND,
    NOT_ENOUGH_POINTS,
    ORDER_PENDING_SYNC,
    REWARD_NOT_USABLE,
    PaymentOutcome,
)
from poscert.drivers.spoonity.contract import GIFT_CARD, LOYALTY_PAY, Connection, SpoonityIntegration
from poscert.drivers.spoonity.integration import SpoonityReference
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS
from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import respx_router
from poscert.simulators.spoonity.backend import VendorBackend
from poscert.simulators.spoonity.declaration import SPOONITY
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from tests.simulators.conftest import assert_requests_matched_the_schemas

BASE = "https://api.spoonity.com"


@pytest.fixture
def sim() -> Iterator[SpoonitySimulator]:
    """A fresh simulator; afterwards, everything the reference sent must match the schemas."""
    simulator = SpoonitySimulator(seed=7)
    with respx_router(simulator):
        yield simulator
    assert_requests_matched_the_schemas(simulator)


@pytest.fixture
def vendor(sim: SpoonitySimulator) -> VendorBackend:
    return sim.backend(sim.default_vendor)


def connection(sim: SpoonitySimulator, auto_clean_up: bool = True) -> Connection:
    keys = {"till-1": sim.api_key(None, 0), "till-2": sim.api_key(None, 1)}
    return Connection(BASE, keys, auto_clean_up)


@pytest.fixture
def pos(sim: SpoonitySimulator) -> Iterator[SpoonityPOS]:
    integration = SpoonityPOS(connection(sim))
    integration.start_session("till-1")
    yield integration
    integration.close()


@pytest.fixture
def manual(sim: SpoonitySimulator, vendor: VendorBackend) -> Iterator[SpoonityPOS]:
    """The merchant turned automatic session clean-up off: the POS closes spent sessions itself."""
    vendor.auto_close_sessions = False
    integration = SpoonityPOS(connection(sim, auto_clean_up=False))
    integration.start_session("till-1")
    yield integration
    integration.close()


def operations(sim: SpoonitySimulator) -> list[str]:
    return [e.operation for e in sim.journal.exchanges()]


def orders_sent(sim: SpoonitySimulator) -> list[dict]:
    return [
        e.request_body
        for e in sim.journal.exchanges()
        if e.operation == "submit_order" and "subtotal" in e.request_body
    ]


def test_the_declaration_names_the_contracts_own_capabilities():
    assert SPOONITY.capabilities == {GIFT_CARD, LOYALTY_PAY}


def test_the_reference_conforms_to_the_contract():
    assert problems(SpoonityPOS, SpoonityIntegration, CAPABILITIES | SPOONITY.capabilities) == []


def test_connection_hides_its_keys():
    assert "secret-key-1" not in repr(Connection(BASE, {"till-1": "secret-key-1"}))


def test_check_in_by_card_shows_balances_and_eligible_rewards(sim, vendor, pos):
    john = sim.customer("regular")
    screen = pos.identify_by_card(john.card_number)
    assert (screen.customer_id, screen.name, screen.balance) == (str(john.id), "John Smith", 240)
    eligible = {r.id for r in screen.rewards}
    assert eligible == {r.identifier for r in vendor.rules.values() if r.cost <= 240}
    assert "Gift card balance: 25.00" in screen.messages
    assert operations(sim) == ["open_session", "get_session"]


def test_check_in_by_email_phone_and_token(sim, pos):
    brandin = sim.customer("brandin")
    assert pos.identify_by_email("Brandin@Spoonity.com ").customer_id == str(brandin.id)
    assert pos.identify_by_phone(brandin.phone).customer_id == str(brandin.id)
    assert pos.identify_by_token(brandin.barcode).customer_id == str(brandin.id)


def test_an_unknown_customer_is_not_found(pos):
    screen = pos.identify_by_email("nobody@example.com")
    assert screen.customer_id is None and CUSTOMER_NOT_FOUND in screen.notices


def test_the_full_reward_list_comes_from_the_perk_list(sim, vendor, pos):
    pos.identify_by_email("john.smith@example.com")
    rewards = {r.id: r for r in pos.reward_list()}
    assert set(rewards) == set(vendor.rules)
    assert not rewards["discount_celebration_cake"].redeemable and rewards["5_dollar_off"].redeemable
    assert operations(sim)[-1] == "perk_list"


def test_an_order_with_a_reward_is_submitted_once(sim, vendor, pos):
    john = sim.customer("regular")
    pos.identify_by_card(john.card_number)
    pos.add_product("PSC-BURGER", ("PSC-OPT-CHEESE",))
    pos.add_product("PSC-COFFEE")
    view = pos.add_reward("discount_free_coffee")
    assert (view.discount, view.total) == (240, 900 + 80)
    paid = pos.pay(PaymentOutcome.APPROVED)
    assert paid.status == "paid" and ORDER_PENDING_SYNC not in paid.notices
    assert pos.pay(PaymentOutcome.APPROVED).status == "paid"  # a second tap sends nothing
    [sent] = orders_sent(sim)
    assert sent["receipt_number"] == paid.order_id and sent["subtotal"] == sent["total"] == 9.8
    assert sent["payment_method"] == "CARD" and sent["cashier"]["id"] == "till-1" and sent["till"] == 1
    coffee = next(item for item in sent["line_items"] if item["id"] == "PSC-COFFEE")
    assert coffee["discounts"] == [{"id": "discount_free_coffee", "name": "Free Coffee", "amount": 2.4}]
    answer = sim.journal.last("submit_order").response_body
    assert (answer["points_earned"], answer["points_redeemed"]) == (9, 50)
    assert john.points == 240 + 9 - 50
    assert "close_session" not in operations(sim)  # the platform's clean-up closed it
    assert vendor.active_sessions(john) == []


def test_an_order_level_reward_is_an_order_discount(sim, pos):
    sim.customer("regular").points = 300  # enough for both order rewards
    pos.identify_by_email("john.smith@example.com")
    pos.add_product("PSC-MENU-BURGER")
    assert pos.add_reward("5_dollar_off").total == 1350 - 500
    assert REWARD_NOT_USABLE in pos.add_reward("10_percent_off").notices  # one order reward per order
    pos.pay(PaymentOutcome.APPROVED)
    [sent] = orders_sent(sim)
    assert sent["discounts"] == [{"id": "5_dollar_off", "name": "$5 Off", "amount": 5.0}]
    assert sim.customer("regular").points == 300 + 8 - 100


def test_a_reward_beyond_the_balance_is_not_added(sim, pos):
    pos.identify_by_email("john.smith@example.com")
    pos.add_product("PSC-BURGER")
    pos.add_reward("5_dollar_off")
    view = pos.add_reward("10_percent_off")
    assert NOT_ENOUGH_POINTS in view.notices and view.discount == 500
    pos.add_product("PSC-COFFEE")
    view = pos.add_reward("discount_free_coffee")
    assert view.discount == 500 + 240  # 100 + 50 of 240 points


def test_the_session_is_closed_when_auto_clean_up_is_off(sim, vendor, manual):
    john = sim.customer("regular")
    manual.identify_by_email(john.email)
    manual.add_product("PSC-BURGER")
    manual.pay(PaymentOutcome.APPROVED)
    assert operations(sim)[-2:] == ["submit_order", "close_session"]
    assert sim.journal.last("close_session").status == 200 and vendor.active_sessions(john) == []


def test_a_customer_who_leaves_without_ordering_has_the_session_closed(sim, vendor, manual):
    john = sim.customer("regular")
    manual.identify_by_email(john.email)
    manual.close_session()
    manual.close_session()  # nothing left to close
    assert operations(sim).count("close_session") == 1 and vendor.active_sessions(john) == []


def test_insufficient_balance_is_shown_and_not_resubmitted_unchanged(sim, vendor, pos):
    john = sim.customer("regular")
    pos.identify_by_email(john.email)
    pos.add_product("PSC-BURGER")
    pos.add_reward("5_dollar_off")
    john.points = 20  # spent elsewhere since the check-in
    view = pos.pay(PaymentOutcome.APPROVED)
    assert view.status == "paid" and NOT_ENOUGH_POINTS in view.notices
    assert any("Insufficient loyalty balance" in m for m in view.messages)
    first, second = orders_sent(sim)
    assert first != second and first["discounts"] and not second["discounts"]
    assert second["receipt_number"] == first["receipt_number"] and second["subtotal"] == 9.0
    assert john.points == 20 + 9  # earned on the fixed order, nothing burnt
    pos.retry_pending()
    assert len(orders_sent(sim)) == 2


def test_a_paid_order_that_failed_to_reach_spoonity_is_resent_with_the_same_receipt(sim, pos):
    john = sim.customer("regular")
    pos.identify_by_email(john.email)
    pos.add_product("PSC-BURGER")
    sim.faults.arm(Fault("submit_order", status=503))
    view = pos.pay(PaymentOutcome.APPROVED)
    assert ORDER_PENDING_SYNC in view.notices and john.points == 240
    pos.retry_pending()
    assert [o["receipt_number"] for o in orders_sent(sim)] == [view.order_id] * 2
    assert john.points == 249
    pos.retry_pending()
    assert len(orders_sent(sim)) == 2


@pytest.mark.parametrize("outcome", [PaymentOutcome.DECLINED, PaymentOutcome.ABANDONED])
def test_an_unpaid_order_is_never_sent(sim, pos, outcome):
    pos.identify_by_email("john.smith@example.com")
    pos.add_product("PSC-BURGER")
    pos.pay(outcome)
    pos.cancel()
    assert orders_sent(sim) == []


def test_two_orders_are_voided_in_creation_order(sim, vendor, pos):
    john = sim.customer("regular")
    ids = []
    for sku in ("PSC-BURGER", "PSC-MENU-BURGER"):
        pos.identify_by_email(john.email)
        pos.add_product(sku)
        ids.append(pos.pay(PaymentOutcome.APPROVED).order_id)
        pos.start_session("till-1")
    assert john.points == 240 + 9 + 13
    views = pos.void_orders(list(reversed(ids)))  # asked newest first
    assert [v.status for v in views] == ["voided", "voided"]
    voids = [e for e in sim.journal.exchanges() if e.operation == "void_order"]
    assert [e.request_body["receipt"] for e in voids] == ids
    assert all(e.response_body["success"] for e in voids)
    assert john.points == 240


def test_a_gift_card_payment_is_voided_with_its_order(sim, pos):
    john = sim.customer("regular")
    pos.identify_by_email(john.email)
    pos.add_product("PSC-BURGER")
    view = pos.pay_with_gift_card()
    assert view.status == "paid" and str(john.quick_pay) == "16.00"
    [sent] = orders_sent(sim)
    assert sent["payment_method"] == "GIFT_CARD"
    pos.void_orders([view.order_id])
    receipts = [e.request_body["receipt"] for e in sim.journal.exchanges() if e.operation == "void_order"]
    assert receipts == [f"{view.order_id}-GC", view.order_id]
    assert (str(john.quick_pay), john.points) == ("25.00", 240)


def test_gift_card_and_loyalty_pay_refused_leave_the_order_open(sim, pos):
    light = sim.customer("light")  # 30 points, 5.00 on the gift card
    pos.identify_by_card(light.card_number)
    pos.add_product("PSC-MENU-BURGER")
    assert pos.pay_with_gift_card().status == "declined"
    view = pos.pay_with_loyalty()
    assert view.status == "declined" and NOT_ENOUGH_POINTS in view.notices
    assert orders_sent(sim) == []
    assert pos.pay(PaymentOutcome.APPROVED).status == "paid"


def test_loyalty_pay_pays_the_order(sim, pos):
    john = sim.customer("regular")
    pos.identify_by_email(john.email)
    pos.add_product("PSC-COFFEE")
    assert pos.pay_with_loyalty().status == "paid"
    assert sim.journal.last("loyalty_payment").request_body == {"card_number": john.email, "amount": 2.4}
    assert orders_sent(sim)[0]["payment_method"] == "LOYALTY_PAY"
    assert john.points == 240 - 24 + 2


def test_reference_is_shared():
    assert issubclass(SpoonityPOS, SpoonityReference)


def test_the_kiosk_runs_the_same_workflow_and_names_itself_as_cashier(sim):
    keys = {"kiosk-1": sim.api_key(None, 0)}
    kiosk = SpoonityKiosk(Connection(BASE, keys))
    try:
        assert problems(SpoonityKiosk, SpoonityIntegration, CAPABILITIES | SPOONITY.capabilities) == []
        kiosk.start_session("kiosk-1")
        john = sim.customer("regular")
        assert kiosk.identify_by_token(john.barcode).customer_id == str(john.id)
        kiosk.add_product("PSC-COFFEE")
        assert kiosk.pay(PaymentOutcome.APPROVED).status == "paid"
        [sent] = orders_sent(sim)
        assert sent["cashier"] == {"id": "kiosk-1", "name": "Self-service kiosk kiosk-1"}
    finally:
        kiosk.close()


def test_the_api_key_never_reaches_the_http_library_log(sim, pos, caplog):
    caplog.set_level(logging.DEBUG)
    pos.identify_by_email("john.smith@example.com")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "api_key=***" in logged and sim.api_key(None, 0) not in logged
