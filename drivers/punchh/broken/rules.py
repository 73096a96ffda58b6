"""Broken Punchh integrations: the rules every platform shares (schema, errors, credentials).

Each is a reference with one realistic mistake.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import httpx

from poscert.drivers.contract import LOYALTY_UNAVAILABLE, ORDER_PENDING_SYNC, ShownReward
from poscert.drivers.punchh.broken.registry import breaks
from poscert.drivers.punchh.client import PunchhClient, PunchhUnavailable
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.punchh.integration import BATCH, Session
from poscert.drivers.punchh.reference import PunchhPOS
from poscert.drivers.till import Pending, Visit

log = logging.getLogger("poscert.integration.punchh")

NOT_LOST = "no paid order is lost (it is retried later with the same identity). (catalog)"
NO_ORDER_TWICE = (
    "no order is sent twice, and no paid order is lost (it is retried later with the same identity). (catalog)"
)
CUSTOMER_TOLD = "Platform errors, time-outs and 5xx are handled: the customer is told [...] (catalog)"
NEVER_IN_LOGS = (
    "Credentials travel only where the platform expects them (a header [...]), never in logs or receipts (catalog)"
)


@breaks("ALL-SCHEMA-01")
class StoreNumberOnChecks(PunchhPOS):
    """Sends the store's number on every check, a field only online ordering's redemptions have."""

    def _check(self, visit: Session) -> dict[str, Any]:
        return {**super()._check(visit), "store_number": visit.location}


@breaks("ALL-ERR-01", guide=NO_ORDER_TWICE)
class NewUidOnResend(PunchhPOS):
    """Resends a check-in Punchh did not take under a new external_uid, as a new transaction."""

    def retry_pending(self) -> None:
        for pending in self._pending:
            if "checkin" in pending.payload:
                pending.payload["checkin"]["external_uid"] = f"{pending.payload['external_uid']}-{secrets.token_hex(2)}"
        super().retry_pending()


@breaks("ALL-ERR-01", guide=NOT_LOST)
class ForgetsFailedCheckins(PunchhPOS):
    """Drops a paid order when Punchh fails to take its check-in, and tells the guest nothing."""

    def _deliver(self, pending: Pending) -> bool | None:
        delivered = super()._deliver(pending)
        return False if delivered is None else delivered


@breaks("ALL-ERR-01", guide=NOT_LOST)
class CommitNotResent(PunchhPOS):
    """Marks the redemptions committed before sending the commit: when Punchh fails it, the paid order is kept and
    resent, but the resend only checks it in, and the guest keeps the reward they were given."""

    def _deliver(self, pending: Pending) -> bool | None:
        uid = pending.payload["external_uid"]
        if "commit" in pending.payload and uid not in self._committed:
            self._committed.add(uid)  # too early: before Punchh took it
            try:
                self.punchh.pos("POST", BATCH, json=pending.payload["commit"])
            except PunchhUnavailable as error:
                log.warning("commit failed: %s", error)
                return None  # the order is kept and the guest told, as for a check-in
        return super()._deliver(pending)


@breaks("ALL-ERR-01", guide=CUSTOMER_TOLD)
class DiscountLookUpUnguarded(PunchhPOS):
    """Looks the discounts up without guarding the call: when Punchh fails, the order screen crashes."""

    def look_up_discounts(self) -> list[ShownReward]:
        order = self._current().order
        before = LOYALTY_UNAVAILABLE in order.notices
        shown = super().look_up_discounts()
        if LOYALTY_UNAVAILABLE in order.notices and not before:
            raise RuntimeError("discount look-up failed")  # what an unguarded call does to the screen
        return shown


class LoggingClient(PunchhClient):
    """Logs every POS call with its Authorization header, for the support desk."""

    def pos(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        auth = f"Token token={self.connection.location_key}, btoken={self.connection.business_key}"
        log.debug("%s %s Authorization: %s", method, path, auth)
        return super().pos(method, path, **kwargs)


@breaks("ALL-SEC-01", guide=NEVER_IN_LOGS)
class LogsTheKeys(PunchhPOS):
    """Logs every POS call with its Authorization header: the location and business keys in clear."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.punchh.close()
        self.punchh = LoggingClient(connection)


@breaks("ALL-SEC-01", guide=NEVER_IN_LOGS)
class FailedCallOnTheReceipt(PunchhPOS):
    """When a check-in fails, prints the failed call on the receipt for the support desk, Authorization header included."""

    def _settle(self, visit: Visit) -> None:
        super()._settle(visit)
        if ORDER_PENDING_SYNC in visit.order.notices:
            auth = f"Token token={self.connection.location_key}, btoken={self.connection.business_key}"
            self._printed += f"\nSupport: POST /api/pos/checkins failed\nAuthorization: {auth}"
