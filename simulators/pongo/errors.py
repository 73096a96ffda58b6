"""Pongo's error bodies, shaped as Laravel and Passport render them.

Schema violations become Laravel 10 validation messages here, so the 422 an
integration sees is the one real Pongo would send for the same mistake.
"""

from __future__ import annotations

import re
from http.client import responses as REASONS

from poscert.base.journal import Violation
from poscert.simulators.core.messages import PlatformError

UNKNOWN_FIELD_RULES = frozenset({"additionalProperties", "unevaluatedProperties"})
# Laravel lists these after GET in its 405 message; a GET route always answers HEAD too.
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def message(status: int, text: str) -> PlatformError:
    return PlatformError(status, {"message": text})


def unauthenticated() -> PlatformError:
    return message(401, "Unauthenticated.")


def invalid_scope() -> PlatformError:
    return message(403, "Invalid scope(s) provided.")


def not_found(model: str) -> PlatformError:
    return message(404, f"No query results for model [App\\Models\\{model}].")


def route_not_found(path: str) -> PlatformError:
    return message(404, f"The route {path.lstrip('/')} could not be found.")


def method_not_allowed(method: str, path: str, allowed: list[str]) -> PlatformError:
    methods = set(allowed) | ({"HEAD"} if "GET" in allowed else set())
    listed = ", ".join(m for m in METHOD_ORDER if m in methods)
    return PlatformError(
        405,
        {"message": f"The {method} method is not supported for route {path.lstrip('/')}. Supported methods: {listed}."},
        {"allow": listed},
    )


def too_large() -> PlatformError:
    return message(413, "The request body is too large.")


def fault_body(status: int) -> dict[str, str]:
    """Laravel's body for a server-side status; 504 is the gateway's wording in front of it."""
    text = {500: "Server Error", 503: "Service Unavailable", 429: "Too Many Attempts.", 504: "Gateway Time-out"}.get(
        status
    )
    return {"message": text or REASONS.get(status, "Server Error")}


def invalid(errors: dict[str, list[str]], text: str | None = None) -> PlatformError:
    """Laravel's 422: the first message, a count of the rest, and every message by dotted field."""
    flat = [m for messages in errors.values() for m in messages]
    if text is None:
        text = flat[0]
        if len(flat) > 1:
            more = len(flat) - 1
            text += f" (and {more} more error{'s' if more > 1 else ''})"
    return PlatformError(422, {"message": text, "errors": errors})


def field_invalid(field: str, text: str | None = None) -> PlatformError:
    """One refused field, by default with the `exists` / `in` rule's wording."""
    return invalid({field: [text or f"The selected {label(field)} is invalid."]})


def oauth(status: int, error: str, description: str) -> PlatformError:
    """Passport's token-endpoint errors (league/oauth2-server)."""
    return PlatformError(status, {"error": error, "error_description": description, "message": description})


def invalid_client() -> PlatformError:
    return oauth(401, "invalid_client", "Client authentication failed")


def invalid_grant(description: str) -> PlatformError:
    return oauth(400, "invalid_grant", description)


def label(field: str) -> str:
    """Laravel names a field in messages by its dotted path with underscores as spaces."""
    return field.replace("_", " ")


def from_violations(violations: list[Violation]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for violation in violations:
        for field, text in _laravel(violation):
            errors.setdefault(field, [])
            if text not in errors[field]:
                errors[field].append(text)
    return errors


def _dotted(pointer: str) -> str:
    return ".".join(p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:])


def _laravel(v: Violation) -> list[tuple[str, str]]:
    field = _dotted(v.pointer)
    if v.rule in UNKNOWN_FIELD_RULES:
        names = re.findall(r"'([^']*)'", v.message)
        return [
            (f"{field}.{n}" if field else n, f"The {label(f'{field}.{n}' if field else n)} field is prohibited.")
            for n in names
        ]
    name = label(field) if field else "input"
    return [(field or "input", _RULES.get(v.rule, _invalid)(name, v.message))]


def _type(name: str, detail: str) -> str:
    types = [t for t in re.findall(r'"(\w+)"', detail.split(" is not of type", 1)[-1]) if t != "null"]
    wording = {
        "integer": "an integer",
        "number": "a number",
        "string": "a string",
        "boolean": "true or false",
        "array": "an array",
        "object": "an array",
    }  # PHP has no objects in input: Laravel says array
    return f"The {name} field must be {wording.get(types[0] if types else '', 'valid')}."


def _limit(detail: str) -> str:
    found = re.findall(r"-?\d+(?:\.\d+)?", detail)
    return found[-1] if found else "?"


def _invalid(name: str, detail: str) -> str:
    return f"The {name} field is invalid."


_RULES = {
    "required": lambda n, d: f"The {n} field is required.",
    "type": _type,
    "enum": lambda n, d: f"The selected {n} is invalid.",
    "const": lambda n, d: f"The selected {n} is invalid.",
    "pattern": lambda n, d: f"The {n} field format is invalid.",
    "format": lambda n, d: (
        f"The {n} field must be a valid email address."
        if '"email"' in d
        else f"The {n} field must be a valid date."
        if '"date' in d
        else f"The {n} field format is invalid."
    ),
    "minimum": lambda n, d: f"The {n} field must be at least {_limit(d)}.",
    "maximum": lambda n, d: f"The {n} field must not be greater than {_limit(d)}.",
    "minLength": lambda n, d: f"The {n} field must be at least {_limit(d)} characters.",
    "maxLength": lambda n, d: f"The {n} field must not be greater than {_limit(d)} characters.",
    "minItems": lambda n, d: f"The {n} field must have at least {_limit(d)} items.",
    "maxItems": lambda n, d: f"The {n} field must not have more than {_limit(d)} items.",
}
