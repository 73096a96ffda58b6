"""Checking that a webhook really comes from Pongo, and now.

Pongo signs each delivery: `Pongo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, raw_body + t)>`.
The raw bytes are signed, so the body is verified before it is parsed; `t` is signed too, so an event
captured and sent again later is refused for its age.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300  # how far a signature's time may be from ours (clock skew, delivery delay)


def expected_signature(secret: str, body: bytes, timestamp: str) -> str:
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, header: str | None, body: bytes, now: float | None = None) -> bool:
    """True only for a well-formed header, signed within the tolerance of `now` (our clock), whose v1 matches;
    compared in constant time."""
    parts = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    timestamp, given = parts.get("t", ""), parts.get("v1")
    if not timestamp.isdigit() or not given:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(expected_signature(secret, body, timestamp), given)
