"""Broken Pongo integrations: the rules every platform shares (ALL-SCHEMA, ALL-ERR, ALL-SEC). Each is a reference with one realistic mistake."""

from __future__ import annotations

import logging
from typing import Any

from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.reference import PongoKiosk


@breaks("ALL-SCHEMA-01")
class OrderWithExtraField(PongoKiosk):
    """Adds a field Pongo's order schema does not have (Pongo ignores it; the schema check does not)."""

    def _send_order(self, pending):
        pending.payload.setdefault("payment_status", "paid")
        return super()._send_order(pending)


@breaks("ALL-SCHEMA-01")
class RedeemWithExtraField(PongoKiosk):
    """Sends a quantity when buying a reward, a field the buy schema does not have; only redeeming shows it."""

    def _call(self, method: str, path: str, **kwargs: Any):
        if path.endswith("/buy"):
            kwargs["json"] = {**kwargs.get("json", {}), "quantity": 1}
        return super()._call(method, path, **kwargs)


@breaks("ALL-ERR-01")
class ForgetsFailedOrders(PongoKiosk):
    """When Pongo fails, the paid order is dropped and the customer told nothing."""

    def _send_order(self, pending):
        return super()._send_order(pending) or _Answered()


class _Answered:
    status_code = 201

    def json(self) -> dict:
        return {"data": {"points_earned": 0}}


@breaks("ALL-SEC-01")
class TokenHeaderWhenRedeeming(PongoKiosk):
    """Also sends its access token in a header of its own when buying a reward; only redeeming shows it."""

    def _call(self, method: str, path: str, **kwargs: Any):
        if path.endswith("/buy"):
            token = self.pongo._tokens[self._link().merchant].access
            self.pongo.http.headers["X-Access-Token"] = token
            try:
                return super()._call(method, path, **kwargs)
            finally:
                del self.pongo.http.headers["X-Access-Token"]
        return super()._call(method, path, **kwargs)


@breaks("ALL-SEC-01")
class LogsTheToken(PongoKiosk):
    """Logs every call with its Authorization header, bearer token included."""

    def _call(self, method: str, path: str, **kwargs: Any):
        token = self.pongo._tokens[self._link().merchant].access
        logging.getLogger("poscert.integration.pongo").debug("%s %s Authorization: Bearer %s", method, path, token)
        return super()._call(method, path, **kwargs)
