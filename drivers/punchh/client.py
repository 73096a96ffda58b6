"""Talking to Punchh: the POS key pair and User-Agent on every POS call, x-pch-digest on the OTP calls.

Keys only travel in the Authorization header; the OTP calls carry no key pair, only their signature.
A 5xx or a network failure is `PunchhUnavailable` (try again later); any other answer is returned
to read, its status deciding.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from typing import Any

import httpx

from poscert.drivers.http import new_client, send
from poscert.drivers.punchh.contract import Connection

log = logging.getLogger("poscert.integration.punchh")

WHITESPACE = re.compile(r"\s+")


class PunchhError(Exception):
    """Punchh cannot serve this call now; the customer is told and the sale goes on."""


class PunchhUnavailable(PunchhError):
    """A 5xx, a time-out or a network failure: try again later."""


class PunchhRefused(PunchhError):
    """Punchh answered with an error the integration did not expect."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.request.method} {response.request.url.path}: {response.status_code}")
        self.status = response.status_code


def digest(secret: str, path: str, body: bytes) -> str:
    """x-pch-digest: lowercase hex HMAC-SHA256(client secret, path + body with all whitespace removed)."""
    message = path + WHITESPACE.sub("", body.decode("utf-8"))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class PunchhClient:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = new_client(
            connection.base_url, headers={"User-Agent": connection.user_agent, "Accept": "application/json"}
        )

    def close(self) -> None:
        self.http.close()

    def pos(self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None) -> httpx.Response:
        """A POS API call with the store's key pair."""
        auth = f"Token token={self.connection.location_key}, btoken={self.connection.business_key}"
        return self._send(method, path, headers={"Authorization": auth}, json=json, params=params)

    def signed(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """An Advanced Authentication call: the exact bytes sent are the bytes signed."""
        raw = json.dumps(body, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "x-pch-digest": digest(self.connection.client_secret, path, raw),
        }
        return self._send("POST", path, headers=headers, content=raw)

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return send(self.http, method, path, PunchhUnavailable, log, **kwargs)


def expect(response: httpx.Response, *statuses: int) -> Any:
    """The JSON of an answer with one of these statuses; any other answer is a refusal."""
    if response.status_code not in statuses:
        raise PunchhRefused(response)
    return response.json() if response.content else None
