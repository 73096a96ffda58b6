"""Talking to Spoonity: the location's `api_key` as a query parameter on every call, JSON bodies.

A 5xx, a 429 or a network failure is `SpoonityUnavailable` (try again later); any other answer is
returned to read. Order calls report business failures as HTTP 200 with `success: false`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx

from poscert.drivers.http import new_client, send
from poscert.drivers.spoonity.contract import Connection

log = logging.getLogger("poscert.integration.spoonity")
API_KEY = re.compile(r"(api_key=)[^&\s\"']+")


class MaskApiKey(logging.Filter):
    """httpx logs every request's URL at INFO, and Spoonity's key is in the URL: mask it before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                API_KEY.sub(r"\1***", str(arg)) if isinstance(arg, (str, httpx.URL)) else arg for arg in record.args
            )
        return True


def mask_library_logs() -> None:
    """Install the mask once on the logger of the HTTP library (a filter belongs to the logger, not to us)."""
    library = logging.getLogger("httpx")
    if not any(isinstance(f, MaskApiKey) for f in library.filters):
        library.addFilter(MaskApiKey())


class SpoonityError(Exception):
    """Spoonity cannot serve this call now; the customer is told and the sale goes on."""


class SpoonityUnavailable(SpoonityError):
    """A 5xx, a time-out or a network failure: try again later."""


class SpoonityClient:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        mask_library_logs()
        self.http = new_client(connection.base_url, headers={"Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    def call(
        self, location: str, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """One call with the location's api key (KeyError: the merchant did not map this location)."""
        query = {"api_key": self.connection.api_keys[location], **(params or {})}
        return send(self.http, method, path, SpoonityUnavailable, log, params=query, json=json)


def body(response: httpx.Response) -> dict[str, Any]:
    try:
        parsed = response.json()
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def succeeded(response: httpx.Response) -> bool:
    """An order call took effect: 2xx and not `success: false`."""
    return response.is_success and body(response).get("success") is not False


def error_code(response: httpx.Response) -> int | None:
    error = body(response).get("error")
    return error.get("code") if isinstance(error, dict) else None


def error_message(response: httpx.Response, default: str = "Spoonity refused this.") -> str:
    error = body(response).get("error")
    if isinstance(error, dict):
        for item in error.get("errors") or []:
            if isinstance(item, dict) and item.get("message"):
                return str(item["message"])
    return default
