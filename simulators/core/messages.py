"""Transport-neutral request and response: what every adapter (respx, ASGI, mock transport) converts to and from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class SimRequest:
    method: str
    path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    host: str = ""

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self.headers = {k.lower(): v for k, v in self.headers.items()}

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass
class SimResponse:
    status: int
    body: Any = None  # JSON-able; None means an empty body
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # a non-JSON body (an HTML consent page)

    def content(self) -> bytes:
        if self.text is not None:
            return self.text.encode("utf-8")
        if self.body is None:
            return b""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.text is not None:
            headers.setdefault("content-type", "text/html; charset=utf-8")
        elif self.body is not None:
            headers.setdefault("content-type", "application/json")
        return headers


class PlatformError(Exception):
    """A platform-shaped error answer: handlers and backends raise it, the pipeline renders it."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.response = SimResponse(status, body, headers or {})


class SimTimeout(Exception):
    """An injected time-out: adapters turn it into the client-side error a real network gives."""
