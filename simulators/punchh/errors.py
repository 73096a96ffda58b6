"""Punchh's error bodies. They have no single shape: each endpoint family answers in its own.

- POS API 1.0 and Redemptions 1.0: `{"error": "<text>"}`, and a bare list `["<text>"]` where the
  docs show one (401 `["Invalid LocationKey"]`, 404 of Fetch Account Balance, the 422 of a location
  disabled for redemption) [C].
- Redemptions 2.0: `{"error": {"message": "<text>", "code": "<code>"}}`, the one shape the docs show
  (the 410 of Void Redemption); the other R2.0 errors document their text only [I].
- Advanced Authentication (`/api2/...`): the mobile API's `{"errors": {"<key>": ["<text>"]}}` [C from
  the mobile API document: missing_required_param, unknown_client, invalid_signature].

Backends raise a `Refusal` (status, text); handlers and the pipeline hooks shape it for the
operation that refused, so one rule answers in the right shape wherever it is enforced.
"""

from __future__ import annotations

from http.client import responses as REASONS

from poscert.simulators.core.messages import PlatformError

POS = "pos"
R2 = "r2"
MOBILE = "mobile"

R2_OPERATIONS = frozenset(
    {
        "find_user",
        "auto_select",
        "discount_lookup",
        "discount_select",
        "discount_unselect",
        "discount_active",
        "discount_unlock",
        "batch_redemption",
        "void_batch_redemption",
    }
)
MOBILE_OPERATIONS = frozenset({"send_otp", "verify_otp"})

# Texts the docs give [C]; `{}` takes the field or value.
MISSING = "Required parameter missing or the value is empty: {}"
INVALID_VALUE = "Invalid value for parameter: {}"  # [I]: the docs show no type error
MISSING_HEADER = "Required header missing or the value is empty: User-Agent"  # [I]
BAD_USER_AGENT = "User-Agent must be IntegratorName/IntegrationType/VersionNumber, e.g. NCRSilverPro/POS/3.5.6b"  # [I]
MALFORMED = "The request body is not valid JSON."  # [I]
INVALID_LOCATION_KEY = "Invalid LocationKey"
USER_NOT_FOUND = "User not found"
SSF_INVALID = "Invalid or Expired Single Scan Code"
BANNED = "Guest is not allowed to earn/redeem as he/she is banned or deactivated from the Loyalty program"
BANNED_BASKET = (
    "Guest is not allowed to select/unselect from basket as he/she is banned or deactivated from the Loyalty program"
)
LOCKED = "Unable to access the user’s Discount Basket, the Basket is currently locked"
NOT_SUPPORTED = (
    "Your current loyalty program configuration does not support this feature. "
    "Please connect with your Customer Success representative for resolution of the issue."
)
INVALID_RECEIPT_AMOUNT = "Invalid Receipt Amount"
ALREADY_TAKEN = "Discount basket items have already been taken for the user"
SAME_PARAMETERS = "Same parameters provided multiple times"
NOT_ENOUGH_CARDS = "Not enough cards"
INVALID_REWARD = "Invalid Reward ID."
INVALID_REDEEMABLE = "Invalid Redeemable ID."  # [I]
INVALID_CODE = "Invalid Code"
LIMIT_REACHED = "Processing limit for discounts of loyalty type has been reached"
BANKED_EXCEEDED = "Discount value cannot be greater than the banked rewards of the user"  # [I]
INSUFFICIENT_POINTS = "Points Balance is insufficient to process request"
NO_BASKET = "No Basket found"
NO_ACTIVE_BASKET = "User does not have an active basket"
NO_VALID_BASKET = "Unable to find valid discount basket"
ITEMS_NOT_FOUND = "Discount Items not found with any given ids"
UNLOCKED = "Discount Basket is unlocked successfully."
COMMITTED = "Checkin associated with external_uid {} has been committed."
RECEIPT_MISMATCH = (  # [I]: the docs say the commit re-validates "the same receipt"
    "The receipt does not match the one sent with query: true (line items and amounts must be identical)."
)
QUALIFICATION_FAILED = "Discount qualification on receipt failed for {} at {}."
LOCATION_DISABLED = (
    "The location ({}) has been disabled for redemption. Please alert a staff member if you think this is an error."
)
DRIVE_THRU_INVALID = "drive_thru_code required or Invalid code"
DRIVE_THRU_LENGTH = "Invalid drive_thru_code length"
CODE_NOT_FOUND = "CODE_NOT_FOUND"
CODE_EXPIRED = "CODE_EXPIRED"
UNKNOWN_CLIENT = "Client ID is incorrect. Please check client param or contact us."
INVALID_SIGNATURE = (
    "Signature doesn't match. See https://developers.punchh.com/docs/dev-portal-mobile/"
    "17c2f8eb39142-generating-x-pch-digest-header-for-mobile-ap-is"
)
PRIVACY_POLICY = "Please agree on given privacy policy"
TERMS = "Please agree on given terms and conditions"  # [I], by analogy with the privacy-policy text
INVALID_OTP = "Invalid or expired one-time password."  # [I]
INVALID_VERIFIER = "code_verifier does not match the code_challenge sent with the one-time password."  # [I]
CHANNEL_DISABLED = "One-time passwords by {} are not enabled for this business."  # [I]

R2_CODES = {  # [I] but 410's "commited" (sic) [C]
    400: "missing_parameter",
    401: "unauthorized",
    404: "not_found",
    410: "commited",
    412: "precondition_failed",
    413: "payload_too_large",
    422: "unprocessable_entity",
}
MOBILE_KEYS = {400: "missing_required_param", 401: "unknown_client", 412: "invalid_signature", 422: "base"}


class Refusal(Exception):
    """A rule the platform enforces, before it is shaped for the endpoint that refused it."""

    def __init__(self, status: int, text: str, *, code: str | None = None, key: str | None = None, listed=False):
        super().__init__(f"{status}: {text}")
        self.status = status
        self.text = text
        self.code = code  # Redemptions 2.0 `error.code`
        self.key = key  # mobile `errors.<key>`
        self.listed = listed  # POS: a bare JSON list, where the docs show one


def family(operation: str) -> str:
    if operation in R2_OPERATIONS:
        return R2
    if operation in MOBILE_OPERATIONS:
        return MOBILE
    return POS


def render(operation: str, refusal: Refusal) -> PlatformError:
    """The refusal in the shape of the endpoint family `operation` belongs to."""
    kind = family(operation)
    # Every POS surface answers a bad location key with the bare list [C for POS 1.0, I for the others].
    listed = refusal.listed or (refusal.status == 401 and kind != MOBILE)
    if kind == MOBILE:
        key = refusal.key or MOBILE_KEYS.get(refusal.status, "base")
        return PlatformError(refusal.status, {"errors": {key: [refusal.text]}})
    if listed:
        return PlatformError(refusal.status, [refusal.text])
    if kind == R2:
        code = refusal.code or R2_CODES.get(refusal.status, "error")
        return PlatformError(refusal.status, {"error": {"message": refusal.text, "code": code}})
    return PlatformError(refusal.status, {"error": refusal.text})


def missing(field: str) -> Refusal:
    return Refusal(400, MISSING.format(field))


def user_not_found() -> Refusal:
    return Refusal(404, USER_NOT_FOUND)


def unauthenticated() -> Refusal:
    return Refusal(401, INVALID_LOCATION_KEY, listed=True)


def route_not_found() -> PlatformError:
    """Rails' answer to an unknown path, or a known path with another method (routing error) [I]."""
    return PlatformError(404, {"error": "Not Found"})


def too_large() -> PlatformError:
    return PlatformError(413, {"error": "Request Entity Too Large"})  # [I]: the edge's answer


def fault_body(status: int) -> dict[str, str]:
    """The body of a server-side status, injected or unexpected [I]: Rails' reason phrase."""
    return {"error": REASONS.get(status, "Internal Server Error")}
