"""Who may talk to a served simulator: the Host it answers to, the Origins that may change its state, and
the admin token.

A simulator on localhost is reachable from any web page the developer opens: a page can make the
browser send requests to 127.0.0.1 (cross-origin), or rebind its own hostname's DNS to 127.0.0.1 so
its requests even look same-origin. The Host check defeats the second (the rebound request still
carries the attacker's hostname), the Origin check and the token the first.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def served_hosts(host: str, port: int, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The `Host` values a server bound to host:port answers: the loopback names on that port, the bound
    address itself unless it is a wildcard, and any name given (a LAN name under --host 0.0.0.0)."""
    names = {*LOOPBACK_NAMES, *extra}
    if host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host}]" if ":" in host and not host.startswith("[") else host)
    return frozenset(f"{name}:{port}" for name in names)


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() in LOOPBACK_NAMES


@dataclass(frozen=True)
class Access:
    """The rules one served app applies. `allowed_hosts` None checks no Host (the library default: tests
    reach `AsgiApp(sim)` in-process under made-up hosts); `poscert serve` passes the served addresses.
    `admin_token` None leaves the admin API open (the in-process default; `poscert serve` always sets one)."""

    admin_token: str | None = None
    allowed_hosts: frozenset[str] | None = None

    def host_refused(self, host: str) -> str | None:
        """Why a request with this Host is refused (DNS rebinding), or None."""
        if self.allowed_hosts is None or host.lower() in self.allowed_hosts:
            return None
        return f"Host {host or '(none)'!r} is not the address this simulator serves"

    def origin_refused(self, method: str, origin: str | None) -> str | None:
        """Why a state-changing call from a web page of another origin is refused, or None. A request with
        no Origin (curl, an integration, httpx) is not a browser's cross-origin call."""
        if method not in STATE_CHANGING or origin is None:
            return None
        scheme, _, host = origin.lower().partition("://")
        served = host in self.allowed_hosts if self.allowed_hosts is not None else _is_loopback(host)
        return None if scheme == "http" and served else f"cross-origin request from {origin!r} refused"

    def token_refused(self, authorization: str | None) -> str | None:
        """Why an admin call is refused for its credentials (`Authorization: Bearer <token>`), or None."""
        if self.admin_token is None:
            return None
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.admin_token.encode()):
            return None
        return "the admin API needs the token printed at start: Authorization: Bearer <token>"
