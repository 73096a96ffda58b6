"""Checking that a webhook really comes from Pongo.

Pongo signs each delivery: `Pongo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, raw_body + t)>`.
The raw bytes are signed, so the body is verified before it is parsed.
"""

from __future__ import annotations

import hashlib
import hmac


def expected_signature(secret: str, body: bytes, timestamp: str) -> str:
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, header: str | None, body: bytes) -> bool:
    """True only for a well-formed header whose v1 matches; compared in constant time."""
    parts = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    timestamp, given = parts.get("t"), parts.get("v1")
    if not timestamp or not given:
        return False
    return hmac.compare_digest(expected_signature(secret, body, timestamp), given)
