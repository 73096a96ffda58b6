"""Broken Pongo integrations: ALL-ERR-01, platform errors, time-outs and 5xx not survived."""

from __future__ import annotations

from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.reference import PongoKiosk


@breaks("ALL-ERR-01")
class ForgetsFailedOrders(PongoKiosk):
    """When Pongo fails, the paid order is dropped and the customer told nothing."""

    def _send_order(self, pending):
        return super()._send_order(pending) or _Answered()


class _Answered:
    status_code = 201

    def json(self) -> dict:
        return {"data": {"points_earned": 0}}
