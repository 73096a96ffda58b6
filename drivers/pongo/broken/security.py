"""Broken Pongo integrations: ALL-SEC-01, credentials where they do not belong. The subtle ones first: a
leak only on a failure path, or only when a second merchant is connected."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from poscert.drivers.contract import LOYALTY_UNAVAILABLE, ORDER_PENDING_SYNC, LoyaltyScreen
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.integration import Session
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.drivers.till import Pending

TOKENS_PER_MERCHANT = "each merchant's tokens reach only that merchant's data. (catalog)"


class _ShowsFailedCalls(PongoKiosk):
    """Keeps the failed call's request line for the support desk, Authorization header included."""

    def _failed_request(self, merchant: str) -> str:
        return f"Authorization: Bearer {self.pongo._tokens[merchant].access}"


@breaks("ALL-SEC-01")
class TokenInFailureMessage(_ShowsFailedCalls):
    """When loyalty fails, shows the customer the failed request 'for the staff', bearer token included."""

    def _loyalty(self, action: Callable[[], LoyaltyScreen]) -> LoyaltyScreen:
        screen = super()._loyalty(action)
        if LOYALTY_UNAVAILABLE in screen.notices:
            screen.messages.append(f"Details for the staff: {self._failed_request(self._link().merchant)}")
        return screen


@breaks("ALL-SEC-01")
class TokenOnFailureReceipt(_ShowsFailedCalls):
    """Prints the failed order call on the receipt for the support desk, bearer token included."""

    def _settle(self, session: Session) -> None:
        super()._settle(session)
        if ORDER_PENDING_SYNC in session.order.notices:
            self._printed += f"\nLoyalty support: {self._failed_request(self._links[session.location].merchant)}"


@breaks("ALL-SEC-01")
class TokenOnStderrWhenPongoFails(_ShowsFailedCalls):
    """Writes an order Pongo failed to take to stderr, with the request's headers, bearer token included."""

    def _send_order(self, pending: Pending):
        response = super()._send_order(pending)
        if response is None:
            print(f"order {pending.payload['order_id']} kept: {self._failed_request(pending.tenant)}", file=sys.stderr)
        return response


@breaks("ALL-SEC-01")
class FailuresDumpedInWorkingDirectory(_ShowsFailedCalls):
    """Appends every loyalty failure to pongo-failures.log in its working directory, bearer token included."""

    def _loyalty(self, action: Callable[[], LoyaltyScreen]) -> LoyaltyScreen:
        screen = super()._loyalty(action)
        if LOYALTY_UNAVAILABLE in screen.notices:
            with Path("pongo-failures.log").open("a", encoding="utf-8") as dump:
                dump.write(f"{screen.messages[-1]} {self._failed_request(self._link().merchant)}\n")
        return screen


@breaks("ALL-SEC-01", guide=TOKENS_PER_MERCHANT)
class OrdersWithTheLastConnectedToken(PongoKiosk):
    """Sends every order with the token of the merchant connected last: another merchant's orders go to it."""

    def _send_order(self, pending: Pending):
        return super()._send_order(replace(pending, tenant=self._admin_merchant()))


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
