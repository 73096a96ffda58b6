"""Conforming Punchh variants: identifying the guest. Each satisfies the requirement another way the guide allows."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx

from poscert.drivers.contract import LoyaltyScreen
from poscert.drivers.punchh.client import PunchhClient, PunchhError, digest, expect
from poscert.drivers.punchh.conforming.registry import conforms
from poscert.drivers.punchh.contract import Connection
from poscert.drivers.punchh.integration import log
from poscert.drivers.punchh.reference import PunchhPOS

FETCH_BALANCE = (
    "User Look-up and Fetch Balance - For existing loyalty users, this confirms that a user is valid, and checks "
    "the credits, rewards, and offers available to the user. (003; notes: GET /api/pos/users/balance)"
)
WHITESPACE_REMOVED = (
    "Send OTP [...] using Advanced Authentication (003); notes: x-pch-digest = HMAC-SHA256(client secret, path + "
    "body with whitespace removed)"
)


@conforms("PUNCHH-ID-02", guide=FETCH_BALANCE)
class BalanceFetchedAfterLookUp(PunchhPOS):
    """Confirms the guest with User Look-up, then shows the points of Fetch Account Balance (GET users/balance)."""

    def _guest_screen(self, user: dict[str, Any]) -> LoyaltyScreen:
        screen = super()._guest_screen(user)
        try:
            found = expect(self.punchh.pos("GET", "/api/pos/users/balance", params={"user_id": str(user["id"])}), 200)
        except PunchhError as error:
            log.warning("balance not fetched, the look-up's is shown: %s", error)
            return screen
        return replace(screen, balance=(found.get("account_balance") or {}).get("points_balance", screen.balance))


class IndentingClient(PunchhClient):
    """Sends Advanced Authentication bodies indented, as its JSON library writes them, and signs them as the
    digest rule says: path + body with the whitespace removed."""

    def signed(self, path: str, body: dict[str, Any]) -> httpx.Response:
        raw = json.dumps(body, indent=2).encode()
        headers = {"Content-Type": "application/json", "x-pch-digest": digest(self.connection.client_secret, path, raw)}
        return self._send("POST", path, headers=headers, content=raw)


@conforms("PUNCHH-AUTH-01", guide=WHITESPACE_REMOVED)
class SignsIndentedBodies(PunchhPOS):
    """Sends the one-time password calls as indented JSON, signed over the body with its whitespace removed."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.punchh.close()
        self.punchh = IndentingClient(connection)
