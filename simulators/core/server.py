"""`poscert serve`: one or several simulators on localhost, each on its own port and the platform's real
paths, safe to leave running while browsing (token, Host and Origin checks), bounded in memory.

Several platforms get consecutive ports rather than a path prefix each: an integration's base URL is
then only a host and port, as with the real platform, and absolute paths the platform itself writes
(a consent form's `action`, a redirect) keep working.
"""

from __future__ import annotations

import secrets
import socket
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from poscert.simulators.core.access import served_hosts
from poscert.simulators.core.admin import ADMIN_PREFIX, credentials_of
from poscert.simulators.core.bounded_journal import BoundedJournal
from poscert.simulators.core.simulator import MAX_BODY_BYTES, Simulator
from poscert.simulators.core.transports import AsgiApp, answer_lifespan

DEFAULT_JOURNAL_LIMIT = 10_000
SERVED_TIMEOUT_SECONDS = 30.0  # an injected time-out holds the request this long, then answers 504
WEBHOOK_TIMEOUT_SECONDS = 5.0
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@dataclass
class Served:
    """One simulator as served: where, and the app answering there."""

    sim: Simulator
    port: int
    app: AsgiApp

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class PortDispatch:
    """One ASGI app for several listening sockets: each request goes to the app of the port it came in on."""

    def __init__(self, apps: dict[int, AsgiApp]) -> None:
        self.apps = apps

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        port = (scope.get("server") or ("", 0))[1]
        app = self.apps.get(port) or next(iter(self.apps.values()))
        await app(scope, receive, send)


def deliver_over_http(url: str, headers: dict[str, str], body: bytes) -> int:
    """POST one webhook to the URL an integration registered; the receiver's status (a failure raises,
    and the simulator journals it with status 0). No redirect is followed, as webhook senders do not."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    with httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False) as client:
        return client.post(url, headers=headers, content=body).status_code


def build(
    sim_classes: Sequence[type[Simulator]],
    *,
    host: str,
    port: int,
    seed: int,
    dataset: str = "default",
    admin_token: str,
    extra_hosts: tuple[str, ...] = (),
    journal_limit: int = DEFAULT_JOURNAL_LIMIT,
    spill_dir: Path | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    deliver_webhooks: bool = True,
) -> list[Served]:
    """A simulator per class on consecutive ports from `port`, each behind its own checked app."""
    served = []
    for offset, sim_class in enumerate(sim_classes):
        name = sim_class.declaration.name
        spill = spill_dir / f"{name}-journal.jsonl" if spill_dir is not None else None
        sim = sim_class(BoundedJournal(journal_limit, spill), seed=seed, dataset=dataset)
        if deliver_webhooks:
            sim.deliver_webhook = deliver_over_http
        app = AsgiApp(
            sim,
            admin_token=admin_token,
            allowed_hosts=served_hosts(host, port + offset, extra_hosts),
            max_body_bytes=max_body_bytes,
            timeout_seconds=SERVED_TIMEOUT_SECONDS,
        )
        served.append(Served(sim, port + offset, app))
    return served


def new_token() -> str:
    return secrets.token_urlsafe(24)


def spill_dir(option: str | None) -> Path | None:
    """Where older journal records go: the folder given, none (`"none"`: dropped), or by default a new
    folder of this process's own, never the working directory."""
    if option == "none":
        return None
    return Path(option) if option else Path(tempfile.mkdtemp(prefix="poscert-serve-"))


def banner(served: Sequence[Served], host: str, admin_token: str, spill_dir: Path | None) -> str:
    """What `serve` prints at start: where each simulator is, its credentials, the admin token."""
    lines = []
    for one in served:
        base = f"http://{_shown_host(host)}:{one.port}"
        lines += [
            f"poscert: {one.sim.declaration.title} ({one.sim.platform}) simulator on {base}",
            f"  docs {base}/docs · OpenAPI {base}/openapi.json · admin {base}{ADMIN_PREFIX}/",
            f"  seed {one.sim.seed}, dataset {one.sim.dataset}; credentials (also GET {ADMIN_PREFIX}/credentials):",
            *_outline(credentials_of(one.sim), "    "),
        ]
    lines.append(f"admin token (Authorization: Bearer <token>): {admin_token}")
    if spill_dir is not None:
        lines.append(f"older journal records spill to {spill_dir}")
    if host in WILDCARD_HOSTS or host not in ("127.0.0.1", "localhost", "::1"):
        lines.append(
            f"WARNING: --host {host} serves beyond this machine: anyone who can reach it can use the simulator "
            "(the admin API still needs the token; add the name they use with --allow-host)"
        )
    return "\n".join(lines)


def _shown_host(host: str) -> str:
    if host in WILDCARD_HOSTS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _outline(value: Any, indent: str) -> list[str]:
    """Plain data as indented lines a person reads (YAML-like, not meant to be parsed)."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{indent}{key}:")
                lines += _outline(item, indent + "  ")
            else:
                lines.append(f"{indent}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            nested = _outline(item, indent + "  ")
            if isinstance(item, dict | list) and nested:
                lines.append(f"{indent}- {nested[0].strip()}")
                lines += nested[1:]
            else:
                lines.append(f"{indent}- {_scalar(item)}")
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return str(value)


def listening_sockets(host: str, ports: Sequence[int]) -> list[socket.socket]:
    """Bind every port first, so a busy one fails the start before anything is served."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    bound = []
    try:
        for port in ports:
            # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so, else each answer waits
            # for the client's delayed ACK (23-43 ms a request).
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.listen(2048)
            sock.set_inheritable(True)
            bound.append(sock)
    except OSError:
        for sock in bound:
            sock.close()
        raise
    return bound


def run(served: Sequence[Served], sockets: list[socket.socket]) -> None:
    """Serve until interrupted: one uvicorn server listening on every simulator's port (`listening_sockets`)."""
    import uvicorn

    app = PortDispatch({one.port: one.app for one in served})
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=sockets)
    finally:
        for one in served:
            journal = one.sim.journal
            if isinstance(journal, BoundedJournal):
                journal.close()
