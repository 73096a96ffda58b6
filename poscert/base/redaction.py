"""Secrets never reach evidence: headers and body fields are masked when an exchange is recorded.

The generic names below are secret on any platform; a platform's declaration adds its own
(a signature header, a key parameter), and every secret value a simulator issued is masked
wherever it travels.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

MASK = "***redacted***"

SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
SECRET_FIELDS = frozenset(
    {
        "access_token",
        "refresh_token",
        "client_secret",
        "secret",
        "password",
        "code",
        "api_key",
        "token",
        "id_token",
        "pin",
        "signature",
        "authentication_token",
    }
)


@dataclass(frozen=True)
class Redactor:
    """Masks secrets by name (generic ones plus a platform's own) and by known value."""

    extra_headers: frozenset[str] = frozenset()
    extra_fields: frozenset[str] = frozenset()

    def headers(self, headers: dict[str, str], secrets: frozenset[str] = frozenset()) -> dict[str, str]:
        """Mask secret headers by name (keeping the scheme), and any known secret value elsewhere."""
        out = {}
        for name, value in headers.items():
            if name.lower() in SECRET_HEADERS or name.lower() in self.extra_headers:
                scheme = value.split(" ", 1)[0] if " " in value else ""
                value = f"{scheme} {MASK}".strip()
            out[name.lower()] = scrub_text(value, secrets)
        return out

    def value(self, value: Any, secrets: frozenset[str] = frozenset()) -> Any:
        """Mask secret fields anywhere in a JSON-like value (bodies, query dicts), and known secret values."""
        if isinstance(value, dict):
            return {
                k: (MASK if self._secret_field(k) and v not in (None, "") else self.value(v, secrets))
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.value(v, secrets) for v in value]
        if isinstance(value, str):
            return scrub_text(value, secrets)
        return value

    def _secret_field(self, name: Any) -> bool:
        lowered = str(name).lower()
        return lowered in SECRET_FIELDS or lowered in self.extra_fields


GENERIC = Redactor()


def redact_headers(headers: dict[str, str], secrets: frozenset[str] = frozenset()) -> dict[str, str]:
    return GENERIC.headers(headers, secrets)


def redact_value(value: Any, secrets: frozenset[str] = frozenset()) -> Any:
    return GENERIC.value(value, secrets)


def scrub_text(text: str, secrets: set[str] | frozenset[str]) -> str:
    """Mask known secret values in free text (log lines, receipts, URLs)."""
    for secret in _longest_first(secrets if isinstance(secrets, frozenset) else frozenset(secrets)):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


@functools.lru_cache(maxsize=256)
def _longest_first(secrets: frozenset[str]) -> tuple[str, ...]:
    # A secret that contains another is masked whole; the order is computed once per set, not per text:
    # one exchange's headers, bodies and query values are scrubbed with the same set.
    return tuple(secret for secret in sorted(secrets, key=len, reverse=True) if secret)
