"""Fixtures for the core's tests: a fresh toy simulator, and requests built without any transport."""

from __future__ import annotations

import json
from typing import Any

import pytest

from poscert.simulators.core.messages import SimRequest
from tests.core.toy import ToySimulator

ALPHA_KEY = "key-alpha-0001"


@pytest.fixture
def sim() -> ToySimulator:
    return ToySimulator(seed=5)


def request(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    body: bytes = b"",
    key: str | None = ALPHA_KEY,
) -> SimRequest:
    """A request as a transport would build it; JSON bodies get their content type, keys their header."""
    sent = dict(headers or {})
    if key is not None:
        sent.setdefault("x-toy-key", key)
    if json_body is not None:
        body = json.dumps(json_body).encode()
        sent.setdefault("content-type", "application/json")
    return SimRequest(method, path, query, sent, body, "api.toy.test")
