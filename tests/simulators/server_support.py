"""A served simulator app, called in-process over httpx's ASGI transport as `poscert serve` builds it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from poscert.simulators.core.access import served_hosts
from poscert.simulators.core.simulator import Simulator
from poscert.simulators.core.transports import AsgiApp

PORT = 8080
BASE = f"http://127.0.0.1:{PORT}"
TOKEN = "test-admin-token"
ADMIN = {"authorization": f"Bearer {TOKEN}"}


def served_app(sim: Simulator, **options: Any) -> AsgiApp:
    """The app as `serve` configures it: the token, the served hosts of 127.0.0.1:8080."""
    return AsgiApp(sim, admin_token=TOKEN, allowed_hosts=served_hosts("127.0.0.1", PORT), **options)


def call(app: AsgiApp, method: str, path: str, *, base: str = BASE, **kwargs: Any) -> httpx.Response:
    """One request in-process; a network error (an injected drop) is raised as httpx raises it."""

    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(run())


def admin(app: AsgiApp, method: str, action: str, **kwargs: Any) -> httpx.Response:
    headers = {**ADMIN, **kwargs.pop("headers", {})}
    return call(app, method, f"/_poscert{action}", headers=headers, **kwargs)


def password_grant_body(credentials: dict, scope: str) -> dict:
    """What a partner can do with only the printed credentials: a token grant for the first merchant."""
    client, merchant = credentials["oauth_clients"][0], credentials["merchants"][0]
    return {
        "grant_type": "password",
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
        "username": merchant["login_email"],
        "password": merchant["login_password"],
        "scope": scope,
    }
