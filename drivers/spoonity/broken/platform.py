"""Broken Spoonity integrations: the rules every platform shares (ALL-SCHEMA-01, ALL-ERR-01, ALL-SEC-01)."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import httpx

from poscert.drivers.spoonity.broken.registry import breaks
from poscert.drivers.spoonity.client import SpoonityClient, SpoonityUnavailable, error_code
from poscert.drivers.spoonity.integration import DUPLICATE_RECEIPT, Session
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS
from poscert.drivers.till import Pending

NOT_TWICE = "Platform errors, time-outs and 5xx are handled: [...] no order is sent twice [...] (catalog)"
NOT_LOST = "Platform errors, time-outs and 5xx are handled: [...] no paid order is lost [...] (catalog)"
KEYS_PER_MERCHANT = "each merchant's tokens reach only that merchant's data. (catalog); an api_key per location (S4)"


# -- ALL-SCHEMA-01 ------------------------------------------------------------------------------
@breaks("ALL-SCHEMA-01")
class SessionHashOnTheOrder(SpoonityKiosk):
    """Adds the POS session's hash to the order, a field the order schema does not have (Spoonity ignores it)."""

    def _order_body(self, visit: Session) -> dict[str, Any]:
        return {**super()._order_body(visit), "pos_session_hash": visit.pos_session or ""}


# -- ALL-ERR-01 ---------------------------------------------------------------------------------
@breaks("ALL-ERR-01", guide=NOT_LOST)
class ForgetsFailedOrders(SpoonityPOS):
    """When Spoonity fails, the paid order is dropped and the customer told nothing."""

    def _deliver(self, pending: Pending) -> bool | None:
        taken = super()._deliver(pending)
        return False if taken is None else taken


class _RenamesDuplicates(SpoonityClient):
    def call(self, location: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        answer = super().call(location, method, path, **kwargs)
        sent = kwargs.get("json") or {}
        if path == "/order" and method == "POST" and error_code(answer) == DUPLICATE_RECEIPT:
            renamed = {**sent, "receipt_number": f"{sent['receipt_number']}-{secrets.token_hex(2)}"}
            return super().call(location, method, path, **{**kwargs, "json": renamed})
        return answer


@breaks("ALL-ERR-01", guide=NOT_TWICE)
class NewReceiptWhenDuplicate(SpoonityKiosk):
    """Takes "duplicate receipt number" for a clash and resends under a new one: an order Spoonity took is doubled."""

    client = _RenamesDuplicates


@breaks("ALL-ERR-01", guide=NOT_TWICE)
class LoyaltyPayAgainWhenAnswerLost(SpoonityPOS):
    """Sends Loyalty Pay again at once when the answer is lost: a payment Spoonity made is taken twice."""

    def _call(self, visit: Session, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if path == "/order/payments/loyalty":
            try:
                return super()._call(visit, method, path, **kwargs)
            except SpoonityUnavailable:
                pass  # the answer is lost: ask again at once
        return super()._call(visit, method, path, **kwargs)


class _DebitsAgainWithoutReceipt(SpoonityClient):
    def call(self, location: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        sent = kwargs.get("json") or {}
        if method != "POST" or path != "/order" or "amount" not in sent:
            return super().call(location, method, path, **kwargs)
        try:
            return super().call(location, method, path, **kwargs)
        except SpoonityUnavailable:
            # The receipt number is dropped so Spoonity cannot refuse the retry as a duplicate.
            again = {key: value for key, value in sent.items() if key != "receipt_number"}
            return super().call(location, method, path, **{**kwargs, "json": again})


@breaks("ALL-ERR-01", guide=NOT_TWICE)
class GiftCardDebitAgainWhenAnswerLost(SpoonityKiosk):
    """Sends the gift card debit again at once, as the guide writes it (no receipt number), when the answer is
    lost: a debit Spoonity made is taken twice from the customer's gift card."""

    client = _DebitsAgainWithoutReceipt


# -- ALL-SEC-01 ---------------------------------------------------------------------------------
class _LogsKeys(SpoonityClient):
    def call(self, location: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        key = self.connection.api_keys[location]
        logging.getLogger("poscert.integration.spoonity").debug("%s %s?api_key=%s", method, path, key)
        return super().call(location, method, path, **kwargs)


@breaks("ALL-SEC-01")
class LogsTheApiKey(SpoonityKiosk):
    """Logs every call with its full URL, the location's api_key included."""

    client = _LogsKeys


class _KeyInHeader(SpoonityClient):
    def call(self, location: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.http.headers["X-Api-Key"] = self.connection.api_keys[location]
        return super().call(location, method, path, **kwargs)


@breaks("ALL-SEC-01")
class ApiKeyInHeader(SpoonityPOS):
    """Also sends the api key in a header of its own, where Spoonity does not take it."""

    client = _KeyInHeader


class _OneKey(SpoonityClient):
    def call(self, location: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return super().call(next(iter(self.connection.api_keys)), method, path, **kwargs)


@breaks("ALL-SEC-01", guide=KEYS_PER_MERCHANT)
class OneApiKeyForEveryLocation(SpoonityKiosk):
    """Sends every call with the api key of its first location: another merchant's customers reach this one's data."""

    client = _OneKey
