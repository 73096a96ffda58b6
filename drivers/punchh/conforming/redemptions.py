"""Conforming Punchh variants: Redemptions 2.0. Each satisfies the requirement another way the guide allows."""

from __future__ import annotations

from typing import Any

from poscert.drivers.contract import OrderView
from poscert.drivers.punchh.client import PunchhUnavailable
from poscert.drivers.punchh.conforming.registry import conforms
from poscert.drivers.punchh.integration import Session, log
from poscert.drivers.punchh.reference import PunchhPOS

QUERY_FALSE = (
    "Batch Redemption Process (Redemptions 2.0), with the query parameter set to False - This commits the "
    "redemptions for the now-paid order. (003)"
)
UNLOCK = (
    "When payment fails or the order is abandoned, nothing is committed. (catalog); notes: R2.0 external_uid locks "
    "the basket [...] until unlock or commit"
)


@conforms("PUNCHH-RED-01")
class LooksUpAfterEachProduct(PunchhPOS):
    """Looks the identified guest's discounts up again each time a product goes on the order, so the till always
    shows what the order as it stands may take (the last look-up before payment is for the whole order)."""

    def add_product(self, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        view = super().add_product(sku, options)
        if self._current().user is not None:
            self.look_up_discounts()
            view = self.order_view()
        return view


@conforms("PUNCHH-RED-04", guide=QUERY_FALSE)
class CommitsWithQueryFalse(PunchhPOS):
    """Commits with `query: false` written out, as the guide words it (the API reference says to leave it out)."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        found = super()._order_body(visit)
        return {**found, "query": False} if visit.order.status == "paid" else found


@conforms("PUNCHH-RED-05", guide=UNLOCK)
class UnlocksWhenNotPaid(PunchhPOS):
    """Releases the basket of an abandoned or cancelled order with Unlock, not Void: the selection stays the guest's."""

    def _release(self, visit: Session) -> None:
        if visit.order.status not in ("abandoned", "cancelled") or visit.basket_ref is None or visit.user is None:
            super()._release(visit)
            return
        body = {"user_id": visit.user["id"], "external_uid": visit.order.order_id}
        visit.basket_ref, visit.selected, visit.queried = None, [], None
        try:
            answer = self.punchh.pos("PUT", "/api/pos/discounts/unlock", json=body)
            if answer.status_code != 200:
                log.warning("basket unlock refused: %s", answer.status_code)
        except PunchhUnavailable as error:
            log.warning("basket unlock failed, the lock expires on its own: %s", error)
