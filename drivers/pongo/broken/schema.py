"""Broken Pongo integrations: ALL-SCHEMA-01, requests that do not match the platform's schema."""

from __future__ import annotations

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
