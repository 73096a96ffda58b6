"""Conforming Pongo variants: connecting to Pongo and mapping stores (AUTH, STORE). Each satisfies the requirement another way the guides allow."""

from __future__ import annotations

from typing import Any

from poscert.drivers.contract import Connection
from poscert.drivers.pongo.client import PongoClient
from poscert.drivers.pongo.conforming.registry import conforms
from poscert.drivers.pongo.integration import Session, StoreLink
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.drivers.till import Pending


class _DocumentedGrantClient(PongoClient):
    """Exchanges the code as the docs show (client_credentials + code) and presents it again to re-authorise."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._codes: dict[str, str] = {}  # merchant -> the code of their consent

    def connect(self, code: str) -> dict[str, Any]:
        merchant = super().connect(code)
        self._codes[merchant["public_id"]] = code
        return merchant

    def _code_grant(self, code: str) -> dict[str, str]:
        return {"grant_type": "client_credentials", "code": code}

    def _renewal_grant(self, merchant: str) -> dict[str, str]:
        return self._code_grant(self._codes[merchant])


@conforms(
    "PONGO-AUTH-01",
    guide="The authorization code, required when grant_type is client_credentials (API reference, Get access "
    "token); keeps the connection working [...] (by refreshing or re-authorising: the guides do not say which). "
    "(catalog)",
)
class ReauthorisesWithTheDocumentedGrant(PongoKiosk):
    """Never refreshes: exchanges the code with the documented client_credentials grant, and presents it again.

    No refresh token is used at all: when an access token expires, the merchant's code re-authorises."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.pongo.close()
        self.pongo = _DocumentedGrantClient(connection)


@conforms("PONGO-STORE-01")
class StoresReadOnConnect(PongoKiosk):
    """Reads the merchant's stores as soon as the merchant connects, and again each time the mapping opens."""

    def finish_connect(self, callback_url: str) -> None:
        super().finish_connect(callback_url)
        self.sync_stores()


@conforms(
    "PONGO-STORE-02",
    guide="The store slug from Hey Pongo (API reference, Create an order); make sure the right loyalty_store_slug "
    "is passed with the POST create order call. (000, 001, 002)",
)
class StoreSlugUnderTheReferenceName(PongoKiosk):
    """Sends the store's slug under the API reference's name, store_slug, rather than the guides' loyalty_store_slug."""

    def _pending_order(self, session: Session, link: StoreLink) -> Pending:
        pending = super()._pending_order(session, link)
        pending.payload["store_slug"] = pending.payload.pop("loyalty_store_slug")
        return pending
