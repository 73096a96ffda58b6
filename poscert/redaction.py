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


def redact_headers(headers: dict[str, str], secrets: frozenset[str] = frozenset()) -> dict[str, str]:
    """Mask secret headers by name, and any known secret value wherever else it travels."""
    out = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} {MASK}".strip()
        out[name.lower()] = scrub_text(value, secrets)
    return out


def redact_value(value: Any, secrets: frozenset[str] = frozenset()) -> Any:
    """Mask secret fields anywhere in a JSON-like value (bodies, query dicts), and known secret values."""
    if isinstance(value, dict):
        return {k: (MASK if k.lower() in SECRET_FIELDS and v not in (None, "") else redact_value(v, secrets))
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    if isinstance(value, str):
        return scrub_text(value, secrets)
    return value


def scrub_text(text: str, secrets: set[str] | frozenset[str]) -> str:
    """Mask known secret values in free text (log lines, receipts, URLs)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return text
