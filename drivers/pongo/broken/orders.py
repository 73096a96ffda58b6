"""Broken Pongo integrations: sending orders (ORDER). Each is a reference with one realistic mistake."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from poscert.drivers.contract import Connection, OrderLine, OrderView, PaymentOutcome
from poscert.drivers.order import Order, Voucher
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.conforming.orders import ConfirmsWithUseAfterPayment, Use
from poscert.drivers.pongo.integration import Session, StoreLink
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.drivers.pongo.wire import order_payload
from poscert.drivers.till import Pending

CLOSED_ORDER = (
    "In order for us to attribute the loyalty point to a customer, Pongo must retrieve the order that was closed. "
    "(000, 001); catalog v2: once, at the amount paid, with the identified customer associated with it"
)
ASSOCIATE = "POS Users can Identify a customer from the POS and associate it with the order (001)"
USED_ONCE_PAID = (
    "To confirm a reward has been used by a client [...] you can use the PATCH use a reward enpoint (000, 001); "
    "used in an order that was paid: Ensure the order was successfully closed / paid by the customer (000, 001)"
)
CALLBACK = (
    "you can only send the order to Pongo if the system can give you a callback to confirm the order was "
    "successfully closed. (000, 001)"
)


@breaks("PONGO-ORDER-01")
class SkipsAnonymousOrders(PongoKiosk):
    """Sends only orders with an identified customer; Pongo's tablet never sees the others."""

    def _settle(self, session: Session) -> None:
        if session.customer is None and session.enrol_with_order is None:
            self._printed = "no loyalty"
            return
        super()._settle(session)


@breaks("PONGO-ORDER-01", guide=CLOSED_ORDER)
class AmountBeforeVouchers(PongoKiosk):
    """Tells Pongo the order's amount before its vouchers: points accrue on money the customer did not pay."""

    def _pending_order(self, session: Session, link: StoreLink) -> Pending:
        pending = super()._pending_order(session, link)
        pending.payload["amount"] = session.order.subtotal
        return pending


@breaks("PONGO-ORDER-01", guide=CLOSED_ORDER)
class TicketPerTap(PongoKiosk):
    """Numbers a new ticket at each tap on "pay": a second tap sends the paid order again, as another order."""

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        session = self._current()
        if session.order.status == "paid" and outcome is PaymentOutcome.APPROVED:
            session.order.order_id = f"{session.location}-{secrets.token_hex(5)}"
            self._settle(session)
            return session.order.view()
        return super().pay(outcome)


@breaks("PONGO-ORDER-01", guide=ASSOCIATE)
class CustomerOfTheFirstProduct(PongoKiosk):
    """Ties the order to whoever was identified when it was started: a customer who identifies later earns nothing."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self._order_customer: dict[str, dict | None] = {}  # order id -> the customer when it was started

    def _open_order(self) -> Order:
        order = super()._open_order()  # products and rewards go in through here
        self._order_customer.setdefault(order.order_id, self._current().customer)
        return order

    def _pending_order(self, session: Session, link: StoreLink) -> Pending:
        identified, session.customer = session.customer, self._order_customer.get(session.order.order_id)
        try:
            return super()._pending_order(session, link)
        finally:
            session.customer = identified


@breaks("PONGO-ORDER-01", guide=ASSOCIATE)
class CustomerStaysOnTheNextTicket(PongoPOS):
    """Keeps the customer of the last paid ticket on the next one: an order nobody identified for earns them points."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._last_customer: dict[str, Any] | None = None  # the ticket header's customer field, never cleared

    def _new_visit(self, location: str, order: Order) -> Session:
        visit = super()._new_visit(location, order)
        visit.customer = self._last_customer
        return visit

    def _settle(self, session: Session) -> None:
        super()._settle(session)
        self._last_customer = session.customer


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
    def line(self) -> OrderLine:
        return replace(super().line(), reward_id=None)


@breaks("PONGO-ORDER-03", guide=USED_ONCE_PAID)
class UsesRewardWhenAdded(ConfirmsWithUseAfterPayment):
    """Marks a reward used (PATCH use a reward) as soon as it is added: an order never paid takes it all the same."""

    def add_reward(self, won_reward_id: str):
        offer = super().add_reward(won_reward_id)
        session, link = self._current(), self._link()
        if offer.applied:
            self._use(
                Use(link.merchant, session.customer["public_id"], won_reward_id, link.slug, session.order.order_id)
            )
        return offer


@breaks("PONGO-ORDER-04")
class WarnsOnlyAtHandover(PongoKiosk):
    """Tells the customer the reward was removed once the order is handed to the counter: too late to pay here."""

    def order_view(self) -> OrderView:
        return self._current().order.view()  # the order screen says nothing of what paying at the counter loses


@breaks("PONGO-ORDER-04")
class DropsRewardSilently(WarnsOnlyAtHandover):
    """Hands the order to the counter and removes the reward without telling the customer, before or after."""

    def _hand_to_external(self, order: Order) -> None:
        order.remove_rewards()
        order.status = "external_pending"
        order.payment_method = "external"


@breaks("PONGO-ORDER-04")
class WarnsOfProductsOnly(PongoKiosk):
    """Warns that a free product is lost at the counter, but not a voucher, the guide's own example."""

    def _counter_cannot_take(self, line: OrderLine) -> bool:
        return line.reward_id is not None and line.voucher_code is None


@breaks("PONGO-ORDER-05")
class SendsOnHandover(PongoKiosk):
    """Sends the order to Pongo as soon as it is handed to the counter, before anyone paid."""

    def _hand_to_external(self, order: Order) -> None:
        super()._hand_to_external(order)
        self._settle(self._current())


@breaks("PONGO-ORDER-05", guide=CALLBACK)
class SendsHandedOrdersLater(PongoKiosk):
    """Queues an order handed to the counter for the background job, which sends it without waiting for the counter."""

    def _hand_to_external(self, order: Order) -> None:
        super()._hand_to_external(order)
        self._pending.append(self._pending_order(self._current(), self._link()))


@breaks("PONGO-ORDER-05", guide=CALLBACK)
class AnyCallbackCloses(PongoKiosk):
    """Takes any callback from the counter for "paid and closed": an order the counter cancelled is sent too."""

    def external_cancelled(self) -> OrderView:
        return self.external_closed()


@breaks("PONGO-ORDER-05", guide=CALLBACK)
class CallbackClosesCurrentOrder(PongoKiosk):
    """Closes the order on screen when the counter calls back: once the next customer started, the paid one is lost."""

    def _handed_visit(self):
        return self._current()
