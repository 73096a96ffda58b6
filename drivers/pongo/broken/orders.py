"""Broken Pongo integrations: sending orders (ORDER). Each is a reference with one realistic mistake."""

from __future__ import annotations

from dataclasses import replace

from poscert.drivers.contract import OrderView, PaymentOutcome
from poscert.drivers.order import Order, Voucher
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.integration import Session
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.drivers.pongo.wire import order_payload


@breaks("PONGO-ORDER-01")
class SkipsAnonymousOrders(PongoKiosk):
    """Sends only orders with an identified customer; Pongo's tablet never sees the others."""

    def _settle(self, session: Session) -> None:
        if session.customer is None and session.enrol_with_order is None:
            self._receipt = "no loyalty"
            return
        super()._settle(session)


@breaks("PONGO-ORDER-02")
class SendsUnpaidOrders(PongoKiosk):
    """Reports declined, abandoned and cancelled orders to Pongo too, as cancelled."""

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        view = super().pay(outcome)
        if outcome in (PaymentOutcome.DECLINED, PaymentOutcome.ABANDONED):
            self._report_unpaid()
        return view

    def cancel(self) -> OrderView:
        view = super().cancel()
        self._report_unpaid()
        return view

    def _report_unpaid(self) -> None:
        session = self._current()
        link = self._link()
        body = order_payload(
            session.order,
            store_slug=link.slug,
            channel=self.channel,
            delivery_mode=self.delivery_mode,
            delivery_status="pending",
            customer=None,
        )
        self.pongo.call(link.merchant, "POST", "/v1/orders", json={**body, "status": "cancelled"})


@breaks("PONGO-ORDER-03")
class RewardNotConfirmed(PongoKiosk):
    """Sends the reward's product as an ordinary line: Pongo never learns the reward was used."""

    def _settle(self, session: Session) -> None:
        session.order.lines = [replace(line, reward_id=None) for line in session.order.lines]
        session.order.vouchers = [_Unconfirmed(**vars(v)) for v in session.order.vouchers]
        super()._settle(session)


class _Unconfirmed(Voucher):
    def line(self):
        return replace(super().line(), reward_id=None)


@breaks("PONGO-ORDER-04")
class DropsRewardSilently(PongoKiosk):
    """Hands the order to the counter and removes the reward without telling the customer."""

    def _hand_to_external(self, order: Order) -> None:
        order.remove_rewards()
        order.status = "external_pending"
        order.payment_method = "external"


@breaks("PONGO-ORDER-05")
class SendsOnHandover(PongoKiosk):
    """Sends the order to Pongo as soon as it is handed to the counter, before anyone paid."""

    def _hand_to_external(self, order: Order) -> None:
        super()._hand_to_external(order)
        self._settle(self._current())
