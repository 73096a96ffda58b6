"""The platform-wide part of Pongo: partner OAuth clients, consent codes, tokens and webhook subscriptions.

Merchant data lives in `MerchantBackend`s; this part only knows which merchant a
code or token stands for, so one token can never reach another merchant's data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from poscert.simulators.core.clock import SimClock
from poscert.simulators.core.seeding import HEX, random_string, seeded_rng
from poscert.simulators.pongo import errors
from poscert.simulators.pongo.dataset import SEED_NAMESPACE, Dataset, OAuthClient
from poscert.simulators.pongo.models import Webhook, iso

SCOPES = (
    "customer.create",
    "customer.read",
    "customer.update",
    "reward.create",
    "reward.read",
    "reward.update",
    "contest-game.create",
    "contest-game.read",
    "contest-game.update",
    "order.create",
    "order.read",
    "order.update",
    "checkin.create",
)
ISSUER = "https://api.heypongo.com"
CODE_TTL = 600
ACCESS_TTL = 3600

Sender = Callable[..., int]  # Simulator.send_webhook


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    merchant: str
    scopes: tuple[str, ...]
    expires_at: datetime
    standing: bool = False  # exchanged through the docs' `client_credentials` grant: presented again to re-authorise


@dataclass
class AccessToken:
    """What a bearer token resolves to: `call.principal`."""

    jti: str
    token: str
    client_id: str
    merchant: str
    scopes: tuple[str, ...]
    expires_at: datetime
    revoked: bool = False


@dataclass
class RefreshToken:
    client_id: str
    merchant: str
    scopes: tuple[str, ...]
    access_jti: str
    revoked: bool = False


@dataclass(frozen=True)
class Login:
    """A merchant's back-office account, used on the consent form and by the password grant."""

    merchant: str
    email: str
    password: str


def parse_scopes(raw: str | None) -> tuple[str, ...]:
    """Scopes come comma-separated in the docs' example; spaces (the OAuth norm) are accepted too."""
    return tuple(dict.fromkeys(s for s in re.split(r"[,\s]+", raw or "") if s))


class PlatformState:
    def __init__(self, dataset: Dataset, seed: int, clock: SimClock, send: Sender) -> None:
        self.clock = clock
        self._send = send
        self.rng = seeded_rng(SEED_NAMESPACE, seed, "platform")
        self.jwt_secret = random_string(self.rng, 64, HEX)
        self.clients: dict[str, OAuthClient] = {dataset.client.client_id: dataset.client}
        self.logins = {slug: Login(slug, f"admin@{slug}.be", random_string(self.rng, 16)) for slug in dataset.merchants}
        self.merchant_ids = {slug: f"mer_{random_string(self.rng, 20)}" for slug in dataset.merchants}
        self.codes: dict[str, AuthCode] = {}
        self.issued_codes: set[str] = set()  # every code ever issued: a spent code is still a secret in evidence
        self.access_tokens: dict[str, AccessToken] = {}  # by jti
        self._by_value: dict[str, AccessToken] = {}  # the same tokens, by the exact string issued
        self.refresh_tokens: dict[str, RefreshToken] = {}  # by value
        self.webhooks: dict[str, Webhook] = {}

    # -- consent form ---------------------------------------------------------------
    def check_authorization(self, client_id: str, redirect_uri: str, scope: str | None) -> tuple[str, ...]:
        """The consent form only opens for a known client and one of its whitelisted redirect URIs."""
        client = self.clients.get(client_id)
        if client is None:
            raise errors.message(400, "Client authentication failed: unknown client.")
        if redirect_uri not in client.redirect_uris:
            raise errors.message(400, "The redirect URI is not whitelisted for this client.")
        scopes = parse_scopes(scope)
        if unknown := [s for s in scopes if s not in SCOPES]:
            raise errors.message(400, f"The requested scope is invalid, unknown, or malformed: {', '.join(unknown)}.")
        return scopes

    def login(self, email: str | None, password: str | None) -> str | None:
        for found in self.logins.values():
            if found.email == (email or "").lower() and _same(found.password, password):
                return found.merchant
        return None

    def issue_code(self, client_id: str, redirect_uri: str, merchant: str, scopes: tuple[str, ...]) -> str:
        code = random_string(self.rng, 64)
        self.issued_codes.add(code)
        self.codes[code] = AuthCode(
            client_id, redirect_uri, merchant, scopes, self.clock.now() + timedelta(seconds=CODE_TTL)
        )
        return code

    # -- token endpoint -------------------------------------------------------------
    def token(self, body: dict[str, Any]) -> dict[str, Any]:
        """Passport's /oauth/token, with the docs' quirk: `client_credentials` + `code` exchanges a code."""
        grant = body.get("grant_type")
        client = self.clients.get(body.get("client_id") or "")
        if client is None or not _same(client.client_secret, body.get("client_secret")):
            raise errors.invalid_client()
        if grant in ("authorization_code", "client_credentials"):
            return self._exchange_code(client, body, redirect_required=grant == "authorization_code")
        if grant == "refresh_token":
            return self._refresh(client, body.get("refresh_token") or "")
        if grant == "password":
            merchant = self.login(body.get("username"), body.get("password"))
            if merchant is None:
                raise errors.invalid_grant("The user credentials were incorrect.")
            scopes = parse_scopes(body.get("scope"))
            if any(s not in SCOPES for s in scopes):
                raise errors.oauth(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
            return self._issue(client.client_id, merchant, scopes)
        raise errors.oauth(
            400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server."
        )

    def _exchange_code(self, client: OAuthClient, body: dict[str, Any], redirect_required: bool) -> dict[str, Any]:
        """Exchange a code from the consent form. With `authorization_code` (OAuth2) it is single use, gone
        even when the exchange fails. The docs pair the code with `client_credentials` instead and name no
        refresh grant: read as the client authenticating itself with the merchant's code, that code stays the
        merchant's authorisation, which the client presents again when a token expires (the catalog's
        "re-authorising"). Both readings are accepted; a failed exchange spends the code either way."""
        value = body.get("code")
        if not value:
            raise errors.oauth(
                400,
                "invalid_request",
                "The request is missing a required parameter, includes an "
                "invalid parameter value, includes a parameter more than once, "
                "or is otherwise malformed. Check the `code` parameter.",
            )
        code = self.codes.get(value)
        redirect_uri = body.get("redirect_uri")
        if (
            code is None
            or code.client_id != client.client_id
            or (self.clock.now() >= code.expires_at and not code.standing)
            or (code.standing and redirect_required)
            or (redirect_uri is None and redirect_required)
            or (redirect_uri is not None and redirect_uri != code.redirect_uri)
        ):
            self.codes.pop(value, None)
            raise errors.invalid_grant(
                "The authorization code is invalid, expired, already used, "
                "or was issued to another client or redirect URI."
            )
        if redirect_required:
            del self.codes[value]
        else:
            code.standing = True
        return self._issue(client.client_id, code.merchant, code.scopes)

    def _refresh(self, client: OAuthClient, value: str) -> dict[str, Any]:
        old = self.refresh_tokens.get(value)
        if old is None or old.revoked or old.client_id != client.client_id:
            raise errors.invalid_grant("The refresh token is invalid.")
        # Rotation as in league/oauth2-server: the old refresh token and its access token both die.
        old.revoked = True
        if (access := self.access_tokens.get(old.access_jti)) is not None:
            access.revoked = True
        return self._issue(client.client_id, old.merchant, old.scopes)

    def _issue(self, client_id: str, merchant: str, scopes: tuple[str, ...]) -> dict[str, Any]:
        now = self.clock.now()
        jti = random_string(self.rng, 40, HEX)
        claims = {
            "iss": ISSUER,
            "aud": client_id,
            "sub": self.merchant_ids[merchant],
            "scopes": list(scopes),
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + ACCESS_TTL,
            "jti": jti,
        }
        token = jwt.encode(claims, self.jwt_secret, algorithm="HS256")
        access = AccessToken(jti, token, client_id, merchant, scopes, now + timedelta(seconds=ACCESS_TTL))
        self.access_tokens[jti] = self._by_value[token] = access
        refresh = random_string(self.rng, 80, HEX)
        self.refresh_tokens[refresh] = RefreshToken(client_id, merchant, scopes, jti)
        return {
            "token_type": "Bearer",
            "expires_in": ACCESS_TTL,
            "access_token": token,
            "refresh_token": refresh,
            "scope": ",".join(scopes),
        }

    def verify(self, token: str) -> AccessToken | None:
        """A bearer token is good when it is exactly one issued here (so its signature holds: decoding it again
        would only cost a JWT check per request), not revoked, and not expired by the simulated clock."""
        found = self._by_value.get(token)
        if found is None or found.revoked or self.clock.now() >= found.expires_at:
            return None
        return found

    # -- webhooks -------------------------------------------------------------------
    def subscribe(self, merchant: str, event: str, url: str, secret: str | None) -> Webhook:
        hook = Webhook(
            f"whk_{random_string(self.rng, 20)}", merchant, event, url, secret or random_string(self.rng, 32)
        )
        self.webhooks[hook.id] = hook
        return hook

    def subscriptions(self, merchant: str) -> list[Webhook]:
        return [h for h in self.webhooks.values() if h.merchant == merchant]

    def unsubscribe(self, merchant: str, hook_id: str) -> None:
        hook = self.webhooks.get(hook_id)
        if hook is None or hook.merchant != merchant:
            raise errors.not_found("Webhook")
        del self.webhooks[hook_id]

    def notify(self, merchant: str, event: str, data: dict[str, Any]) -> None:
        """Deliver an event to the merchant's subscribers, signed as Pongo-Signature documents."""
        for hook in self.subscriptions(merchant):
            if hook.event != event:
                continue
            body = json.dumps(
                {"event": event, "created_at": iso(self.clock.now()), "data": data}, separators=(",", ":")
            ).encode("utf-8")
            headers = {
                "content-type": "application/json",
                "user-agent": "Pongo-Webhooks/1.0",
                # Signed at the real time of delivery, not the simulated time: a receiver can only judge a
                # signature's age against its own clock. The header is a secret, masked in every evidence.
                "pongo-signature": sign(hook.secret, body, int(time.time())),
            }
            self._send(hook.url, event, headers, body, merchant=merchant)

    def secrets(self) -> set[str]:
        return (
            {c.client_secret for c in self.clients.values()}
            | set(self.refresh_tokens)
            | {t.token for t in self.access_tokens.values()}
            | {h.secret for h in self.webhooks.values()}
            | self.issued_codes
        )


def _same(expected: str, given: str | None) -> bool:
    """Constant-time comparison; on bytes, since compare_digest refuses non-ASCII text."""
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, raw_body + str(t))>`."""
    digest = hmac.new(secret.encode("utf-8"), body + str(timestamp).encode("ascii"), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
