"""Conforming Punchh variants: the rules every platform shares. Each satisfies the requirement another way."""

from __future__ import annotations

from typing import Any

import httpx

from poscert.drivers.punchh.client import PunchhClient
from poscert.drivers.punchh.conforming.registry import conforms
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.punchh.integration import log
from poscert.drivers.punchh.reference import PunchhPOS
from poscert.drivers.till import Pending

RETRIED = "no paid order is lost (it is retried later with the same identity). (catalog)"
NOT_IN_LOGS = (
    "Credentials travel only where the platform expects them (a header [...]), never in logs or receipts (catalog)"
)


@conforms("ALL-ERR-01", guide=RETRIED)
class ResendsAtOnce(PunchhPOS):
    """Sends a paid order a second time at once when Punchh fails, and keeps it for the background job only then."""

    def _deliver(self, pending: Pending) -> bool | None:
        delivered = super()._deliver(pending)
        return super()._deliver(pending) if delivered is None else delivered


def masked(secret: str) -> str:
    return f"…{secret[-4:]}"


class MaskingClient(PunchhClient):
    """Traces every POS call with the store's keys masked to their last 4 characters."""

    def pos(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        keys = f"token={masked(self.connection.location_key)}, btoken={masked(self.connection.business_key)}"
        response = super().pos(method, path, **kwargs)
        log.debug("%s %s (%s) -> %s", method, path, keys, response.status_code)
        return response


@conforms("ALL-SEC-01", guide=NOT_IN_LOGS)
class TracesWithTheKeysMasked(PunchhPOS):
    """Traces every POS call in its log with the store's keys masked to their last 4 characters."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.punchh.close()
        self.punchh = MaskingClient(connection)
