"""Conforming Pongo variants: ALL-SEC-01, credentials kept where they belong. Each satisfies the requirement another way the guides allow."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from poscert.drivers.contract import LOYALTY_UNAVAILABLE, LoyaltyScreen
from poscert.drivers.pongo.conforming.registry import conforms
from poscert.drivers.pongo.reference import PongoKiosk

debug = logging.getLogger("poscert.integration.pongo")


@conforms(
    "ALL-SEC-01",
    guide="Credentials travel only where the platform expects them [...], never in logs or receipts (catalog)",
)
class TracesWithTheTokenMasked(PongoKiosk):
    """Traces calls and failures in its log, on stderr and in a file, the bearer token masked to its last 4 characters.

    Every call goes to the log; every loyalty failure to stderr and to pongo-failures.log in its working
    directory. Four characters tell tokens apart and are useless to anyone else."""

    def _masked(self) -> str:
        return f"Authorization: Bearer …{self.pongo._tokens[self._link().merchant].access[-4:]}"

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        debug.debug("%s %s %s", method, path, self._masked())
        return super()._call(method, path, **kwargs)

    def _loyalty(self, action: Callable[[], LoyaltyScreen]) -> LoyaltyScreen:
        screen = super()._loyalty(action)
        if LOYALTY_UNAVAILABLE in screen.notices:
            trace = f"loyalty failed ({self._masked()}): {screen.messages[-1]}"
            print(trace, file=sys.stderr)
            with Path("pongo-failures.log").open("a", encoding="utf-8") as dump:
                dump.write(trace + "\n")
        return screen
