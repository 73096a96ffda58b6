"""The platform-wide part of Punchh: which business and store a POS key pair opens, the Advanced
Authentication clients, and the x-pch-digest signature.

Business data lives in `BusinessBackend`s; this part only knows which business a key or client
stands for, so a store's keys can never reach another brand's guests.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from poscert.simulators.punchh.dataset import Client, Dataset

# `Token token=LOC, btoken=BIZ` [C], and the quoted form without the comma [C, payments examples].
AUTHORIZATION = re.compile(
    r'^\s*Token\s+token\s*=\s*"?(?P<token>[^",\s]+)"?\s*,?\s*btoken\s*=\s*"?(?P<btoken>[^",\s]+)"?\s*$',
    re.IGNORECASE,
)
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Principal:
    """What a POS key pair resolved to: `call.principal`."""

    business: str
    location_id: int


def digest(secret: str, path: str, body: bytes | str) -> str:
    """x-pch-digest [C]: lowercase hex HMAC-SHA256(client secret, URI path + body with all whitespace removed).

    The path is the request URI without the base URL; a query string, when there is one, is part of it [I].
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    message = path + WHITESPACE.sub("", text)
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


class PlatformState:
    def __init__(self, dataset: Dataset) -> None:
        self.locations: dict[str, Principal] = {}
        self.business_keys: dict[str, str] = {}
        self.clients: dict[str, Client] = {}
        for profile in dataset.businesses.values():
            self.business_keys[profile.slug] = profile.business_key
            self.clients[profile.client.client_id] = profile.client
            for seed in profile.locations:
                self.locations[seed.location_key] = Principal(profile.slug, seed.id)

    def authenticate(self, header: str | None) -> Principal | None:
        """The store a POS Authorization header opens: a known location key with its own brand's key."""
        found = AUTHORIZATION.match(header or "")
        if found is None:
            return None
        principal = self.locations.get(found["token"])
        if principal is None or not _same(self.business_keys[principal.business], found["btoken"]):
            return None
        return principal

    def client(self, client_id: object) -> Client | None:
        return self.clients.get(client_id) if isinstance(client_id, str) else None

    def signature_holds(self, client: Client, path: str, body: bytes, given: str | None) -> bool:
        return _same(digest(client.secret, path, body), (given or "").strip().lower())

    def secrets(self) -> set[str]:
        return set(self.locations) | set(self.business_keys.values()) | {c.secret for c in self.clients.values()}


def _same(expected: str, given: str | None) -> bool:
    """Constant-time comparison; on bytes, since compare_digest refuses non-ASCII text."""
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))
