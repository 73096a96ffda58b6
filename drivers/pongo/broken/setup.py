"""Broken Pongo integrations: connecting to Pongo and mapping stores (AUTH, STORE). Each is a reference with one realistic mistake, the subtle ones first."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.client import NotConnected
from poscert.drivers.pongo.reference import PongoKiosk


@breaks("PONGO-AUTH-01")
class RefreshTokenNotRotated(PongoKiosk):
    """Keeps the first refresh token: the second renewal presents one Pongo rotated away, and loyalty stops."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        refresh = self.pongo._refresh

        def keeping_the_first(merchant: str) -> None:
            first = self.pongo._tokens[merchant].refresh
            refresh(merchant)
            self.pongo._tokens[merchant].refresh = first

        self.pongo._refresh = keeping_the_first


@breaks("PONGO-AUTH-01")
class TrustsTheReturnedState(PongoKiosk):
    """Takes the state that comes back in the callback for one it issued: a forged callback connects the merchant."""

    def finish_connect(self, callback_url: str) -> None:
        self._states.add(dict(parse_qsl(urlsplit(callback_url).query)).get("state", ""))
        super().finish_connect(callback_url)


@breaks(
    "PONGO-AUTH-01",
    guide="GET {BASE_URL}/v1/oauth/form?client_id={CLIENT_ID}&state={STATE}&redirect_uri={REDIRECT_URI} (API "
    "reference, Authentication); Giving the merchant autonomy to connect with Pongo is required to ensure the best "
    "security (000, 001, 002)",
)
class StateNotSingleUse(PongoKiosk):
    """Checks the callback's state against those it issued, but never forgets one: a callback presenting the
    state of a finished connection again, with another code, connects whoever sent it."""

    def finish_connect(self, callback_url: str) -> None:
        issued = set(self._states)
        super().finish_connect(callback_url)
        self._states |= issued


@breaks("PONGO-AUTH-01")
class NeverRefreshesTokens(PongoKiosk):
    """Keeps using the first access token; once it expires every call is refused."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self.pongo._refresh = self._give_up

    def _give_up(self, merchant: str) -> None:
        raise NotConnected(merchant)


@breaks("PONGO-STORE-01")
class StoreListFromConnectTime(PongoKiosk):
    """Reads the stores once, when the merchant connects, and offers that stale list ever after."""

    def finish_connect(self, callback_url: str) -> None:
        super().finish_connect(callback_url)
        self._stale = super().sync_stores()

    def sync_stores(self) -> list[str]:
        return list(self._stale)


@breaks("PONGO-STORE-02")
class OneSlugPerMerchant(PongoKiosk):
    """Keeps one store slug per merchant (the first mapped), so orders from every other location carry it."""

    def map_location(self, location: str, store_slug: str) -> None:
        super().map_location(location, store_slug)
        link = self._links[location]
        first = next(line for line in self._links.values() if line.merchant == link.merchant)
        self._links[location] = replace(link, slug=first.slug)
