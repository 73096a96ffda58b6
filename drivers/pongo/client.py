"""Talking to Pongo: the OAuth connection of each merchant, their tokens, and failures the till survives.

Tokens are kept per merchant (several merchants connect the same software) and only ever
travel in the Authorization header. A 401 means the access token expired: refresh once
(refresh tokens rotate, so the new one replaces the old) and retry the call once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from poscert.drivers.contract import Connection
from poscert.drivers.http import COME_BACK_LATER, new_client, send

log = logging.getLogger("poscert.integration.pongo")

PHONE_IN_PATH = re.compile(r"(/phone/)\d+")


class PongoError(Exception):
    """Pongo cannot serve this call now; the customer is told and the sale goes on."""

    customer_message = "Loyalty could not do that right now; your order can go on."


class PongoUnavailable(PongoError):
    """A 5xx, a 429, a time-out or a network failure: try again later."""

    customer_message = "Loyalty is unavailable right now; your order can go on."


class NotConnected(PongoError):
    """No usable connection for this merchant: never connected, location unmapped, or tokens revoked."""

    customer_message = "Loyalty is not set up here yet; please ask the staff."


class PongoRefused(PongoError):
    """Pongo answered with an error the integration did not expect (a 4xx other than a handled one)."""


class ConnectRefused(PermissionError):
    """The OAuth callback cannot be trusted (unknown state, error) or Pongo refused the code."""


@dataclass
class Tokens:
    # repr=False: a token must not surface in a log line or a traceback that prints the object.
    access: str = field(repr=False)
    refresh: str = field(repr=False)


def data(response: httpx.Response) -> Any:
    """Pongo wraps every resource in {"data": ...}."""
    return response.json()["data"]


def expect(response: httpx.Response, *statuses: int) -> Any:
    """The resource of an answer with one of these statuses; any other answer is a refusal."""
    if response.status_code not in statuses:
        path = PHONE_IN_PATH.sub(r"\1***", response.request.url.path)
        raise PongoRefused(f"{response.request.method} {path}: {response.status_code}")
    return data(response)


class PongoClient:
    """One httpx client to Pongo plus the tokens of every connected merchant."""

    # 4xx answers that mean "not now" rather than "no": Pongo runs on Laravel, whose throttle answers 429.
    come_back_later: frozenset[int] = COME_BACK_LATER

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = new_client(connection.base_url)
        self._tokens: dict[str, Tokens] = {}

    def close(self) -> None:
        self.http.close()

    def authorize_url(self, state: str, scopes: tuple[str, ...]) -> str:
        query = urlencode(
            {
                "client_id": self.connection.client_id,
                "redirect_uri": self.connection.redirect_uri,
                "state": state,
                "scope": ",".join(scopes),
                "response_type": "code",
            }
        )
        return f"{self.connection.base_url.rstrip('/')}/v1/oauth/form?{query}"

    def connect(self, code: str) -> dict[str, Any]:
        """Exchange an authorization code, learn whose it is, keep the tokens; returns the merchant."""
        tokens = self._token_grant(self._code_grant(code))
        if tokens is None:
            raise ConnectRefused("Pongo refused the authorization code")
        response = self._send("GET", "/v1/oauth/me", tokens.access)
        if response.status_code != 200:
            raise ConnectRefused("Pongo did not accept the new token")
        merchant = data(response)["merchant"]
        self._tokens[merchant["public_id"]] = tokens
        return merchant

    def call(
        self, merchant: str, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """Call Pongo with this merchant's token; 4xx answers (but `come_back_later`) are returned to read."""
        if merchant not in self._tokens:
            raise NotConnected(merchant)
        response = self._send(method, path, self._tokens[merchant].access, json=json, params=params)
        if response.status_code == 401:
            self._refresh(merchant)
            response = self._send(method, path, self._tokens[merchant].access, json=json, params=params)
            if response.status_code == 401:
                raise NotConnected(merchant)
        return response

    def _code_grant(self, code: str) -> dict[str, str]:
        """How the code from the consent form is exchanged: OAuth2's authorization_code grant."""
        return {"grant_type": "authorization_code", "code": code, "redirect_uri": self.connection.redirect_uri}

    def _renewal_grant(self, merchant: str) -> dict[str, str]:
        """How an expired access token is renewed without the merchant: the refresh token."""
        return {"grant_type": "refresh_token", "refresh_token": self._tokens[merchant].refresh}

    def _refresh(self, merchant: str) -> None:
        tokens = self._token_grant(self._renewal_grant(merchant))
        if tokens is None:
            # The merchant revoked us or the refresh token is spent: only a new connection helps.
            del self._tokens[merchant]
            raise NotConnected(merchant)
        self._tokens[merchant] = tokens

    def _token_grant(self, grant: dict[str, str]) -> Tokens | None:
        """POST /v1/oauth/token with the client credentials in the form body; None when Pongo refuses."""
        form = {**grant, "client_id": self.connection.client_id, "client_secret": self.connection.client_secret}
        response = self._send("POST", "/v1/oauth/token", None, data=form)
        if response.status_code != 200:
            return None
        body = response.json()
        return Tokens(body["access_token"], body["refresh_token"])

    def _send(self, method: str, path: str, token: str | None, **kwargs: Any) -> httpx.Response:
        """The one place requests leave: the token goes in the header, never in the URL or the log."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        shown = PHONE_IN_PATH.sub(r"\1***", path)  # a customer's phone number is not for the logs either
        return send(
            self.http,
            method,
            path,
            PongoUnavailable,
            log,
            shown=shown,
            come_back_later=self.come_back_later,
            headers=headers,
            **kwargs,
        )
