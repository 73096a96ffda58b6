"""What every reference integration's HTTP client shares: how it is built, and which answers mean
"try again later" rather than a refusal to read."""

from __future__ import annotations

import logging
import ssl
from functools import cache
from typing import Any

import httpx

TIMEOUT_SECONDS = 10.0
COME_BACK_LATER = frozenset({429})  # throttled: the platform asks to be called again, not a refusal


@cache
def tls_context() -> ssl.SSLContext:
    """Loading the CA bundle costs tens of milliseconds: do it once per process, not per client."""
    return httpx.create_ssl_context()


def new_client(base_url: str, **options: Any) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=TIMEOUT_SECONDS, verify=tls_context(), **options)


def send(
    http: httpx.Client,
    method: str,
    path: str,
    unavailable: type[Exception],
    log: logging.Logger,
    *,
    shown: str | None = None,
    come_back_later: frozenset[int] = COME_BACK_LATER,
    **options: Any,
) -> httpx.Response:
    """One request; a network failure (time-outs included), a 5xx or a throttle raises `unavailable`,
    any other answer is returned to read. `shown` is the path as the logs may show it."""
    shown = shown or path
    try:
        response = http.request(method, path, **options)
    except httpx.TransportError as failure:
        log.info("%s %s -> %s", method, shown, type(failure).__name__)
        raise unavailable(f"{method} {shown}: {type(failure).__name__}") from None
    log.info("%s %s -> %s", method, shown, response.status_code)
    if response.status_code >= 500 or response.status_code in come_back_later:
        raise unavailable(f"{method} {shown}: {response.status_code}")
    return response
