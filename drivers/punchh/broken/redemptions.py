"""Broken Punchh integrations: Redemptions 2.0 (look-up, basket, query before payment, commit after it).

Each is a reference with one realistic mistake.
"""

from __future__ import annotations

from typing import Any

import httpx

from poscert.drivers.contract import REWARD_NOT_USABLE, OrderView, PaymentOutcome, ShownReward
from poscert.drivers.order import Voucher
from poscert.drivers.punchh.broken.registry import breaks
from poscert.drivers.punchh.client import PunchhClient
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.punchh.integration import BATCH, Session, dollars
from poscert.drivers.punchh.reference import PunchhPOS
from poscert.drivers.till import Pending, Till

LOOKUP = "/api/pos/discounts/lookup"
SELECT = "/api/pos/discounts/select"
CURRENT_ORDER = (
    "Discount Look-up (Redemptions 2.0) - This looks up available discounts (rewards or redemptions) for a user based "
    "on the current order. (003)"
)
CONFIRMED = (
    "with the query parameter set to True - This confirms the redemptions for the order. The integration adds these "
    "confirmed redemptions as extra line items to the order before it is paid. (003)"
)
NOW_PAID = "with the query parameter set to False - This commits the redemptions for the now-paid order. (003)"


class Answers(PunchhClient):
    """A client that keeps Punchh's last answer per path, for integrations that read an answer again later."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.last: dict[str, httpx.Response] = {}

    def pos(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = super().pos(method, path, **kwargs)
        self.last[path] = response
        return response


@breaks("PUNCHH-RED-01", guide=CURRENT_ORDER)
class DiscountsOfTheFirstProduct(PunchhPOS):
    """Looks the guest's discounts up once, when the first product goes on the order, and shows that list after."""

    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        view = super().add_product(sku, options)
        visit = self._current()
        if visit.user is not None and len(visit.order.lines) == 1:
            super().look_up_discounts()
        return view

    def look_up_discounts(self) -> list[ShownReward]:
        visit = self._guest_with_order()
        return list(visit.offered.values()) or super().look_up_discounts()


class SelectsAlongside(Answers):
    """A client that adds these discounts to every Add Selection to Discount Basket it sends."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.alongside: list[dict[str, str]] = []

    def pos(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if path == SELECT and self.alongside:
            body = kwargs["json"]
            chosen = body["discount_basket_items_attributes"]
            kwargs["json"] = {**body, "discount_basket_items_attributes": chosen + self.alongside}
        return super().pos(method, path, **kwargs)


@breaks("PUNCHH-RED-02")
class SelectsEveryReward(PunchhPOS):
    """Puts every reward the order qualifies for into the basket when the guest chooses one, not only that one."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.punchh.close()
        self.punchh = self.selecting = SelectsAlongside(connection)

    def select_discount(self, discount_id: str) -> list[ShownReward]:
        visit = self._guest_with_order()
        self.selecting.alongside = [
            {"discount_type": "reward", "discount_id": key.partition(":")[2]}
            for key, shown in visit.offered.items()
            if key != discount_id and shown.type == "reward" and shown.redeemable and key not in visit.selected
        ]
        try:
            return super().select_discount(discount_id)
        finally:
            self.selecting.alongside = []


@breaks("PUNCHH-RED-03", guide=CONFIRMED)
class DiscountOffTheLookUp(PunchhPOS):
    """Takes each selected discount off the order at the value Discount Look-up showed, not what the query confirmed."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.punchh.close()
        self.punchh = Answers(connection)
        self._looked_up: dict[str, int] = {}  # discount key -> cents, as the look-up showed it

    def look_up_discounts(self) -> list[ShownReward]:
        shown = super().look_up_discounts()
        answer = self.punchh.last.get(LOOKUP)
        if answer is not None and answer.status_code == 200:
            found = answer.json()
            for discount in found.get("selected_discounts", []) + found.get("unselected_discounts", []):
                key = f"{discount['discount_type']}:{discount['discount_id']}"
                self._looked_up[key] = round(float(discount.get("discount_amount") or 0) * 100)
        return shown

    def _query(self, visit: Session) -> None:
        super()._query(visit)  # run, so the basket is confirmed "before payment"; its answer is not read
        confirmed = {voucher.won_reward_id: voucher for voucher in visit.order.vouchers}
        visit.order.vouchers = [
            Voucher(
                confirmed[key].code if key in confirmed else key,
                key,
                visit.offered[key].title,
                False,
                self._looked_up[key],
            )
            if key in self._looked_up and key in visit.offered
            else confirmed[key]
            for key in visit.selected
            if key in self._looked_up or key in confirmed
        ]


@breaks("PUNCHH-RED-03", guide=CONFIRMED)
class QueryKeptAfterTheOrderChanged(PunchhPOS):
    """Queries the redemptions once, when they are applied, and keeps them when a product is added after: the order
    is paid (and committed) as it now stands, but Punchh confirmed the redemptions for the order as it was."""

    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        return Till.add_product(self, sku, options)  # the redemption lines stay; nothing is confirmed again

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        visit = self._current()
        visit.queried = self._line_items(visit.order)  # "already queried": pressing pay asks Punchh nothing
        return super().pay(outcome)


@breaks("PUNCHH-RED-03", guide=CONFIRMED)
class RefusalNotTold(PunchhPOS):
    """Leaves a discount the query refused off the order without telling the guest why it is gone."""

    def _query(self, visit: Session) -> None:
        order = visit.order
        told = len(order.messages)
        super()._query(visit)
        refused = order.messages[told:]
        order.messages = order.messages[:told]
        if refused:
            order.notices.discard(REWARD_NOT_USABLE)


@breaks("PUNCHH-RED-04", guide=NOW_PAID)
class NeverCommits(PunchhPOS):
    """Takes the query for the redemption: never commits, so the guest keeps the reward they used."""

    def _deliver(self, pending: Pending) -> bool | None:
        payload = {name: value for name, value in pending.payload.items() if name != "commit"}
        return super()._deliver(Pending(pending.tenant, payload))


@breaks("PUNCHH-RED-04", guide=NOW_PAID)
class CommitsWithThePaidAmount(PunchhPOS):
    """Commits with the amount the guest paid (after the redemptions), not the receipt it queried."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        found = super()._order_body(visit)
        if visit.order.status == "paid":
            found["subtotal_amount"] = found["receipt_amount"] = dollars(visit.order.total)
        return found


@breaks("PUNCHH-RED-04", guide=NOW_PAID)
class CommitsWithTheQuery(PunchhPOS):
    """Commits the redemptions right after the query confirms them, before the order is paid."""

    def _query(self, visit: Session) -> None:
        super()._query(visit)
        if visit.queried is not None:
            self.punchh.pos("POST", BATCH, json=self._order_body(visit))


@breaks("PUNCHH-RED-05")
class CommitsWhenDeclined(PunchhPOS):
    """Commits the redemptions as soon as the guest presses "pay", whatever the card terminal answers."""

    def pay(self, outcome: PaymentOutcome) -> OrderView:
        visit = self._current()
        if outcome is PaymentOutcome.DECLINED and visit.order.is_open and visit.queried is not None:
            self.punchh.pos("POST", BATCH, json=self._order_body(visit))
        return super().pay(outcome)


@breaks("PUNCHH-RED-05")
class CommitsToReleaseTheBasket(PunchhPOS):
    """Releases the basket of an abandoned or cancelled order by committing it (to free the lock), not by voiding it."""

    def _release(self, visit: Session) -> None:
        if visit.order.status in ("abandoned", "cancelled") and visit.basket_ref and visit.user is not None:
            self.punchh.pos("POST", BATCH, json=self._order_body(visit))
            visit.basket_ref, visit.selected, visit.queried = None, [], None
            return
        super()._release(visit)
