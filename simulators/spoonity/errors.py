"""Spoonity's one error envelope [C, handling-errors-v2], used by every route:

    {"error": {"code", "reference_id", "more_info", "errors": [{"reason", "message"}]}, "object": "error"}

Order calls answer business failures (insufficient balance, a duplicate receipt, a void out of order)
as HTTP 200 with `"success": false` beside the envelope [C: "may be HTTP 200 with success: false"];
every other refusal keeps its HTTP status [C: "status codes follow common sense"]. The codes and
texts are not documented [NF]: ours are plausible and stable [I].

Backends raise a `Refusal`; handlers and pipeline hooks render it with `render`.
"""

from __future__ import annotations

from http.client import responses as REASONS

from poscert.simulators.core.messages import PlatformError

MORE_INFO = "http://api.spoonity.com/doc/#apiMethod"  # [C] the sample's value

# Texts [I] unless marked.
INVALID_API_KEY = "Invalid or missing api_key."
MISSING = "Missing required parameter: {}"
INVALID_VALUE = "Invalid value for parameter: {}"
NO_CUSTOMER = "No customer was found for this card number."
NO_SESSION = "POS session not found."
SESSION_CLOSED = "POS session {} is closed."
INSUFFICIENT_POINTS = "Insufficient loyalty balance: {} points needed, {} available."
INSUFFICIENT_GIFT_CARD = "Insufficient gift card balance: {} requested, {} available."
UNKNOWN_REWARD = "Reward {} is not available."
ONE_ORDER_REWARD = "Only one order-level reward can be redeemed per order."
DUPLICATE_RECEIPT = "An order with receipt number {} was already submitted at this location."
NO_ORDER = "No order with receipt {} was found at this location."
ALREADY_VOIDED = "Order {} is already voided."
VOID_ORDER = (
    "Orders must be voided in the order they are created for each customer, for each location: "
    "order {} was created before order {}, which is already voided."
)
NOT_FOUND = "The requested resource does not exist."
METHOD = "Method {} is not allowed here; allowed: {}."
TOO_LARGE = "Request entity too large."

# Envelope codes [I]: Spoonity's are not public. HTTP refusals carry their status.
CODES = {
    "insufficient_points": 1001,
    "insufficient_gift_card": 1002,
    "unknown_reward": 1003,
    "one_order_reward": 1004,
    "duplicate_receipt": 1005,
    "no_customer": 1006,
    "no_order": 1007,
    "already_voided": 1008,
    "void_order": 1009,
}


class Refusal(Exception):
    """A rule Spoonity enforces. status 200 is a business failure (`success: false`)."""

    def __init__(self, status: int, message: str, code: int | None = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.code = code if code is not None else status


def failure(reason: str, message: str) -> Refusal:
    """An order call's business failure: HTTP 200, `success: false` [C]."""
    return Refusal(200, message, CODES[reason])


def envelope(message: str, code: int) -> dict:
    return {
        "error": {
            "code": code,
            "reference_id": None,
            "more_info": MORE_INFO,
            "errors": [{"reason": "exception", "message": message}],
        },
        "object": "error",
    }


def render(refusal: Refusal, headers: dict[str, str] | None = None) -> PlatformError:
    body = envelope(refusal.message, refusal.code)
    if refusal.status == 200:
        body = {"success": False, **body}
    return PlatformError(refusal.status, body, headers)


def missing(field: str) -> Refusal:
    return Refusal(400, MISSING.format(field))


def route_not_found(method: str, allowed: list[str]) -> PlatformError:
    if not allowed:
        return render(Refusal(404, NOT_FOUND))
    methods = sorted(set(allowed) | ({"HEAD"} if "GET" in allowed else set()))
    return render(Refusal(405, METHOD.format(method, ", ".join(methods))), {"allow": ", ".join(methods)})


def too_large() -> PlatformError:
    return render(Refusal(413, TOO_LARGE))


def fault_body(status: int) -> dict:
    """The body of a server-side status, injected or unexpected [I]: the envelope with the reason phrase."""
    return envelope(REASONS.get(status, "Internal Server Error"), status)
