"""Broken Pongo integrations: ALL-SEC-01, credentials where they do not belong."""

from __future__ import annotations

import logging
from typing import Any

from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.reference import PongoKiosk


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
