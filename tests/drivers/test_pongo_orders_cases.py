"""What the order and error cases lean on, checked directly: the counter's callbacks and its warning, dropped
connections on every way in, and a paid order or a reward confirmation kept through Pongo failing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from poscert.drivers.contract import ORDER_PENDING_SYNC, REWARD_REMOVED_UNLESS_PAID_HERE, PaymentOutcome
from poscert.drivers.pongo.conforming.orders import ConfirmsWithUseAfterPayment
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import AsgiApp, mock_transport
from poscert.simulators.pongo.simulator import PongoSimulator
from tests.drivers import test_pongo_reference_sim as reference
from tests.drivers.test_pongo_reference_sim import customers, installed, reward_id

sim = reference.sim  # the same fixture: a fresh simulator on the real host, what the integration sent checked after


def test_the_kiosk_warns_before_the_counter_is_chosen_and_a_cancelled_handover_sends_nothing(sim) -> None:
    kiosk = installed(PongoKiosk, sim)
    backend = sim.backend(sim.default_merchant)
    kiosk.identify_by_phone(customers(backend)[0].international_phone_number)
    won = kiosk.redeem(reward_id(backend, "Bon de 2 €")).purchased[0]
    kiosk.add_product("PSC-BURGER")
    assert REWARD_REMOVED_UNLESS_PAID_HERE not in kiosk.order_view().notices  # nothing to lose yet
    kiosk.add_reward(won.id)
    assert REWARD_REMOVED_UNLESS_PAID_HERE in kiosk.order_view().notices  # while the customer chooses
    handed = kiosk.pay(PaymentOutcome.EXTERNAL)
    cancelled = kiosk.external_cancelled()
    assert (cancelled.order_id, cancelled.status) == (handed.order_id, "cancelled")
    assert kiosk.external_closed().status == "cancelled"  # a late "closed" cannot revive it
    kiosk.retry_pending()
    assert not sim.journal.exchanges("create_order")
    assert backend.won_rewards[won.id].status == "available"


@pytest.mark.parametrize("after_processing, error", [(False, httpx.ConnectError), (True, httpx.RemoteProtocolError)])
def test_a_dropped_connection_is_a_network_error_whichever_way_in(after_processing: bool, error: type) -> None:
    simulator = PongoSimulator()
    simulator.faults.arm(Fault("list_stores", None, dropped=True, after_processing=after_processing))
    base = "https://sandbox-api.heypongo.com"
    with httpx.Client(transport=mock_transport(simulator), base_url=base) as client, pytest.raises(error):
        client.get("/v1/stores")
    dropped = simulator.journal.last("list_stores")
    assert (dropped.status, dropped.fault) == (502, "dropped connection" + " after processing" * after_processing)

    async def over_asgi() -> None:
        simulator.faults.arm(Fault("list_stores", None, dropped=True, after_processing=after_processing))
        transport = httpx.ASGITransport(app=AsgiApp(simulator))
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            await client.get("/v1/stores")

    with pytest.raises(error):
        asyncio.run(over_asgi())


@pytest.mark.parametrize(
    "fault",
    [Fault("create_order", 429), Fault("create_order", None, dropped=True, after_processing=True)],
    ids=["429", "dropped after processing"],
)
def test_a_paid_order_meeting_a_throttle_or_a_dropped_connection_is_kept_and_sent_once(sim, fault: Fault) -> None:
    kiosk = installed(PongoKiosk, sim)
    kiosk.add_product("PSC-BURGER")
    sim.faults.arm(fault)
    paid = kiosk.pay(PaymentOutcome.APPROVED)
    assert paid.status == "paid" and ORDER_PENDING_SYNC in paid.notices
    kiosk.retry_pending()
    kiosk.retry_pending()
    sent = sim.journal.exchanges("create_order")
    assert {x.request_body["order_id"] for x in sent} == {paid.order_id} and len(sent) == 2
    assert [o.order_id for o in sim.backend(sim.default_merchant).orders_list()] == [paid.order_id]


@pytest.mark.parametrize(
    "fault, answers",
    [
        (Fault("use_reward", 503), [503, 200]),
        (Fault("use_reward", None, dropped=True, after_processing=True), [502, 422]),  # already used: done
    ],
    ids=["503", "dropped after processing"],
)
def test_a_reward_marked_used_after_payment_is_kept_until_pongo_has_it(sim, fault: Fault, answers: list) -> None:
    kiosk = installed(ConfirmsWithUseAfterPayment, sim)
    backend = sim.backend(sim.default_merchant)
    kiosk.identify_by_phone(customers(backend)[0].international_phone_number)
    won = kiosk.redeem(reward_id(backend, "Bon de 2 €")).purchased[0]
    kiosk.add_product("PSC-BURGER")
    kiosk.add_reward(won.id)
    sim.faults.arm(fault)
    paid = kiosk.pay(PaymentOutcome.APPROVED)
    assert ORDER_PENDING_SYNC in paid.notices
    [sent] = sim.journal.exchanges("create_order")
    assert not any(line.get("reward_id") for line in sent.request_body["lines"])
    kiosk.retry_pending()
    kiosk.retry_pending()
    assert [x.status for x in sim.journal.exchanges("use_reward")] == answers
    assert backend.won_rewards[won.id].status == "used"
