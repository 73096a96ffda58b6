"""The reference Pongo kiosk and POS end to end against the Pongo simulator (respx on the real host)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TypeVar

import httpx
import pytest

from poscert.drivers.contract import (
    CUSTOMER_NOT_FOUND,
    LOYALTY_UNAVAILABLE,
    NOT_ENOUGH_POINTS,
    ORDER_PENDING_SYNC,
    REWARD_NOT_USABLE,
    REWARD_REMOVED_UNLESS_PAID_HERE,
    Connection,
    OptIn,
    PaymentOutcome,
)
from poscert.drivers.pongo.integration import PongoReference
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import respx_router
from poscert.simulators.pongo.simulator import MerchantBackend, PongoSimulator
from poscert.steps.pongo import actors

BASE = "https://sandbox-api.heypongo.com"
Integration = TypeVar("Integration", bound=PongoReference)


@pytest.fixture
def sim() -> Iterator[PongoSimulator]:
    """A fresh simulator on the real host; afterwards, everything the reference sent must match the schemas."""
    simulator = PongoSimulator()
    with respx_router(simulator):
        yield simulator
    sent = simulator.journal.exchanges()
    assert [str(v) for e in sent for v in e.request_violations()] == []
    assert [e.title() for e in sent if e.misplaced_secrets or e.error] == []


def connect(integration: PongoReference, sim: PongoSimulator, merchant: str) -> None:
    """Play the merchant's browser on Pongo's consent form, then hand the redirect back."""
    backend = sim.backend(merchant)
    with httpx.Client() as browser:
        back = actors.consent(browser, integration.start_connect(), backend.login_email, backend.login_password)
    integration.finish_connect(back)


def installed(cls: type[Integration], sim: PongoSimulator, merchant: str | None = None) -> Integration:
    """Connected, stores synced, every location mapped to a store in order; a session at the first."""
    client = sim.oauth_client
    integration = cls(Connection(BASE, client.client_id, client.client_secret, client.redirect_uris[0]))
    sim.deliver_webhook = integration.handle_webhook
    connect(integration, sim, merchant or sim.default_merchant)
    slugs = integration.sync_stores()
    for location, slug in zip(integration.locations(), slugs, strict=False):
        integration.map_location(location, slug)
    integration.start_session(integration.locations()[0])
    return integration


def customers(backend: MerchantBackend) -> list:
    """The dataset's fixed customers: rich (500 points), student (150), poor (45)."""
    return list(backend.customers.values())[:3]


def reward_id(backend: MerchantBackend, title: str) -> str:
    return next(r.public_id for r in backend.rewards.values() if r.title == title)


def spaced(phone: str) -> str:
    """As a customer types it: national form, with spaces."""
    return f"0{phone[2:5]} {phone[5:7]} {phone[7:9]} {phone[9:]}"


def test_kiosk_journey_identify_redeem_use_rewards_and_pay(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    backend = sim.backend(sim.default_merchant)
    rich = customers(backend)[0]
    screen = kiosk.identify_by_phone(spaced(rich.international_phone_number))
    assert (screen.customer_id, screen.balance, screen.purchased) == (rich.public_id, 500, [])
    assert all(shown.redeemable == (shown.cost <= 500) for shown in screen.rewards)

    coffee = kiosk.redeem(reward_id(backend, "Café offert"))
    screen = kiosk.redeem(reward_id(backend, "Bon de 2 €"))
    assert screen.balance == rich.points == 500 - 40 - 80
    assert [p.title for p in screen.purchased] == ["Café offert", "Bon de 2 €"] and coffee.purchased
    won_coffee, won_voucher = screen.purchased

    kiosk.add_product("PSC-BURGER", ("PSC-OPT-BACON",))
    offer = kiosk.add_reward(won_coffee.id)
    assert offer.applied and [p.sku for p in offer.products] == ["PSC-COFFEE"]  # TAB-, ZLT- are not ours
    kiosk.choose_reward_product(won_coffee.id, "PSC-COFFEE", ("PSC-OPT-OATMILK",))
    offer = kiosk.add_reward(won_voucher.id)
    assert offer.applied and offer.voucher_code == won_voucher.coupon_code
    view = kiosk.order_view()
    assert (view.discount, view.total) == (200, 950 + 120 + 40 - 200)
    assert kiosk.pay(PaymentOutcome.APPROVED).status == "paid"

    [order] = backend.orders.values()
    assert (order.customer_public_id, order.amount, order.points_earned) == (rich.public_id, 910, 9)
    assert sorted(order.rewards_used) == sorted([won_coffee.id, won_voucher.id])
    assert order.payload["loyalty_store_slug"] == backend.stores[0].slug and order.payload["channel"] == "kiosk"
    free = next(line for line in order.payload["lines"] if line["sku"] == "PSC-COFFEE")
    assert free["unit_price"] == 0 and free["options"] == [
        {"sku": "PSC-OPT-OATMILK", "name": "Oat milk", "unit_price": 40}
    ]
    assert len(sim.journal.exchanges("create_order")) == 1
    assert "Loyalty points earned: 9" in kiosk.receipt()


def test_several_own_skus_offer_a_choice_and_foreign_ones_are_ignored(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    backend = sim.backend(sim.default_merchant)
    kiosk.identify_by_pass(f"https://pass.heypongo.com/c/{customers(backend)[0].public_id}?v=2")
    menu = kiosk.redeem(reward_id(backend, "Menu du jour offert")).purchased[0]
    croissant = kiosk.redeem(reward_id(backend, "Croissant offert")).purchased[1]
    offer = kiosk.add_reward(menu.id)
    assert not offer.applied and [p.sku for p in offer.products] == ["PSC-MENU-BURGER", "PSC-MENU-VEGGIE"]
    kiosk.choose_reward_product(menu.id, "PSC-MENU-VEGGIE")
    refused = kiosk.add_reward(croissant.id)  # LSP-3301,PSC-CROISSANT: the kiosk sells no croissant
    assert not refused.applied and refused.notice == REWARD_NOT_USABLE
    assert [(line.sku, line.unit_price) for line in kiosk.order_view().lines] == [("PSC-MENU-VEGGIE", 0)]


def test_enlist_sends_only_the_answers_given(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    backend = sim.backend(sim.default_merchant)
    assert CUSTOMER_NOT_FOUND in kiosk.identify_by_phone("+32 499 00 11 22").notices
    screen = kiosk.enlist("0499/00.11.22", OptIn(email=True), first_name="Lea")
    created = backend.customer_by_phone("32499001122")
    assert screen.customer_id == created.public_id and screen.balance == 0
    assert (created.email_optin, created.sms_optin, created.has_optin) == (True, None, True)
    assert created.reference_store_slug == backend.stores[0].slug
    [sent] = sim.journal.exchanges("create_customer")
    assert "sms_optin" not in sent.request_body

    kiosk.start_session("kiosk-1")
    kiosk.enlist("0499 00 33 44", OptIn())
    silent = backend.customer_by_phone("32499003344")
    assert (silent.has_optin, silent.sms_optin, silent.email_optin) == (None, None, None)


def test_short_balance_is_told_not_crashed(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    backend = sim.backend(sim.default_merchant)
    kiosk.identify_by_phone(customers(backend)[2].international_phone_number)
    screen = kiosk.redeem(reward_id(backend, "Bon de 5 €"))
    assert NOT_ENOUGH_POINTS in screen.notices and screen.balance == 45 and screen.purchased == []


def test_unpaid_orders_are_never_sent_and_anonymous_paid_ones_are(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    for outcome in (PaymentOutcome.DECLINED, PaymentOutcome.ABANDONED, None):
        kiosk.start_session("kiosk-2")
        kiosk.add_product("PSC-SODA")
        view = kiosk.cancel() if outcome is None else kiosk.pay(outcome)
        assert view.status == (outcome.value if outcome else "cancelled")
    assert not sim.journal.exchanges("create_order")
    kiosk.start_session("kiosk-2")
    kiosk.add_product("PSC-SODA")
    kiosk.pay(PaymentOutcome.DECLINED)  # the card is refused; the customer tries again
    kiosk.pay(PaymentOutcome.APPROVED)
    kiosk.pay(PaymentOutcome.APPROVED)
    [sent] = sim.journal.exchanges("create_order")
    assert sent.status == 201 and "customer" not in sent.request_body
    assert sent.request_body["loyalty_store_slug"] == sim.backend(sim.default_merchant).stores[1].slug


def test_after_a_paid_order_the_next_customer_starts_a_new_visit(sim: PongoSimulator) -> None:
    pos = installed(PongoPOS, sim)
    pos.identify_by_phone(customers(sim.backend(sim.default_merchant))[0].international_phone_number)
    pos.add_product("PSC-COFFEE")
    first = pos.pay(PaymentOutcome.APPROVED)
    pos.enlist("0478 11 22 33", OptIn(email=True, sms=False))
    pos.add_product("PSC-CROISSANT")
    second = pos.pay(PaymentOutcome.APPROVED)
    assert first.order_id != second.order_id and [line.sku for line in second.lines] == ["PSC-CROISSANT"]
    newcomer = sim.backend(sim.default_merchant).customer_by_phone("32478112233")
    assert [e.request_body.get("customer") for e in sim.journal.exchanges("create_order")][1] == {
        "public_id": newcomer.public_id
    }


def test_external_payment_drops_rewards_and_waits_for_the_callback(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    backend = sim.backend(sim.default_merchant)
    kiosk.identify_by_phone(customers(backend)[0].international_phone_number)
    won = kiosk.redeem(reward_id(backend, "Café offert")).purchased[0]
    kiosk.add_product("PSC-FRIES")
    kiosk.add_reward(won.id)
    view = kiosk.pay(PaymentOutcome.EXTERNAL)
    assert view.status == "external_pending" and REWARD_REMOVED_UNLESS_PAID_HERE in view.notices
    assert [line.sku for line in view.lines] == ["PSC-FRIES"]
    kiosk.retry_pending()
    kiosk.add_product("PSC-SODA")  # the next customer already orders while the counter takes the payment
    assert not sim.journal.exchanges("create_order")
    closed = kiosk.external_closed()
    assert (closed.order_id, closed.status) == (view.order_id, "paid")
    kiosk.external_closed()
    [sent] = sim.journal.exchanges("create_order")
    assert sent.request_body["payments"] == [{"method": "external", "amount": 350}]
    assert sent.request_body["order_id"] == view.order_id and kiosk.order_view().status == "open"
    assert backend.won_rewards[won.id].status == "available"  # the customer keeps it for next time


def test_pos_webhook_keeps_its_customer_base_and_refuses_forgeries(sim: PongoSimulator) -> None:
    pos = installed(PongoPOS, sim)
    backend = sim.backend(sim.default_merchant)
    [hook] = sim.state.subscriptions(sim.default_merchant)
    assert hook.event == "customer.created" and hook.url.startswith("https://")
    elsewhere = backend.enlist_elsewhere("32470999888", first_name="Noor")
    [delivery] = sim.journal.exchanges(direction="webhook")
    assert delivery.status == 200
    assert pos.handle_webhook(hook.url, {"Pongo-Signature": "t=1,v1=00"}, b'{"data": {}}') == 401
    assert pos.handle_webhook(hook.url, {}, b"{}") == 401
    assert PongoKiosk.handle_webhook(pos, hook.url, {}, b"{}") == 404  # a kiosk has no receiver
    # The harness's forger signs as Pongo does: one t and one v1, refused only for its secret.
    headers, body = actors.forged_event("customer.created", elsewhere.to_json(), int(time.time()))
    assert [part.split("=")[0] for part in headers["pongo-signature"].split(",")] == ["t", "v1"]
    assert pos.handle_webhook(hook.url, headers, body) == 401
    genuine, body = actors.forged_event("customer.created", elsewhere.to_json(), int(time.time()), hook.secret)
    assert pos.handle_webhook(hook.url, genuine, body) == 200

    sim.faults.arm(Fault("get_customer", status=503))
    screen = pos.identify_by_pass(elsewhere.public_id)  # Pongo down: recognised from the local base
    assert screen.customer_id == elsewhere.public_id and LOYALTY_UNAVAILABLE in screen.notices
    assert pos.identify_by_pass(elsewhere.public_id).notices == set()  # and from Pongo once it is back


def test_each_merchant_is_served_with_its_own_token(sim: PongoSimulator) -> None:
    pos = installed(PongoPOS, sim)
    connect(pos, sim, sim.other_merchant)
    [other_store] = pos.sync_stores()
    pos.map_location("till-3", other_store)
    other = sim.backend(sim.other_merchant)
    pos.start_session("till-3")
    assert pos.identify_by_phone(customers(other)[0].international_phone_number).customer_id
    pos.add_product("PSC-BEER")
    pos.pay(PaymentOutcome.APPROVED)
    pos.start_session("till-1")
    pos.add_product("PSC-BEER")
    pos.pay(PaymentOutcome.APPROVED)
    sent = sim.journal.exchanges("create_order")
    assert [(e.merchant, e.request_body["loyalty_store_slug"]) for e in sent] == [
        (sim.other_merchant, other_store),
        (sim.default_merchant, sim.backend(sim.default_merchant).stores[0].slug),
    ]
    assert len(sim.state.subscriptions(sim.other_merchant)) == 1


def test_expired_tokens_are_refreshed_and_the_call_retried(sim: PongoSimulator) -> None:
    pos = installed(PongoPOS, sim)
    sim.clock.advance(3700)
    rich = customers(sim.backend(sim.default_merchant))[0]
    assert pos.identify_by_phone(rich.international_phone_number).customer_id == rich.public_id
    grants = [e.request_body["grant_type"] for e in sim.journal.exchanges("oauth_token")]
    assert grants == ["authorization_code", "refresh_token"]


def test_a_lost_answer_is_resent_with_the_same_order_id_and_counted_once(
    sim: PongoSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="poscert.integration.pongo")
    pos = installed(PongoPOS, sim)
    backend = sim.backend(sim.default_merchant)
    rich = customers(backend)[0]
    pos.identify_by_phone(rich.international_phone_number)
    pos.add_product("PSC-BURGER")
    sim.faults.arm(Fault("create_order", status=None, timeout=True, after_processing=True))
    view = pos.pay(PaymentOutcome.APPROVED)
    assert view.status == "paid" and ORDER_PENDING_SYNC in view.notices
    pos.retry_pending()
    pos.retry_pending()
    sent = sim.journal.exchanges("create_order")
    assert [e.status for e in sent] == [504, 202]  # the first answer was lost after Pongo processed it
    assert len({e.request_body["order_id"] for e in sent}) == 1
    assert len(backend.orders) == 1 and rich.points == 509
    assert not [s for s in sim.known_secrets() if s in caplog.text or s in pos.receipt()]


def test_pongo_down_during_enlist_enrols_the_customer_with_the_order(sim: PongoSimulator) -> None:
    kiosk = installed(PongoKiosk, sim)
    sim.faults.arm(Fault("create_customer", status=503))
    screen = kiosk.enlist("0477 12 34 56", OptIn(email=False, sms=True), first_name="Sam")
    assert screen.customer_id is None and LOYALTY_UNAVAILABLE in screen.notices
    kiosk.add_product("PSC-BURGER")
    kiosk.pay(PaymentOutcome.APPROVED)
    created = sim.backend(sim.default_merchant).customer_by_phone("32477123456")
    assert (created.first_name, created.sms_optin, created.email_optin, created.has_optin) == ("Sam", True, False, True)
    assert created.points == 9
