"""Secrets never reach evidence: headers and body fields are masked when an exchange is recorded."""

from __future__ import annotations

from typing import Any

MASK = "***redacted***"

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "pongo-signature",
     "x-pch-digest", "x-signature"}
)
SECRET_FIELDS = frozenset(
    {"access_token", "refresh_token", "client_secret", "secret", "password", "code", "api_key",
     "token", "id_token", "pin", "signature", "authentication_token"}
)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} {MASK}".strip()
        out[name.lower()] = value
    return out


def redact_value(value: Any) -> Any:
    """Mask secret fields anywhere in a JSON-like value (bodies, query dicts)."""
    if isinstance(value, dict):
        return {k: (MASK if k.lower() in SECRET_FIELDS and v not in (None, "") else redact_value(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


def scrub_text(text: str, secrets: set[str]) -> str:
    """Mask known secret values in free text (log lines, receipts, URLs)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text
