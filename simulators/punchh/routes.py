"""Punchh's URL map: every endpoint poscert emulates and its handler/schema name.

Paths [C] from the POS API 1.0, Redemptions 2.0 and 1.0 documents; the Advanced Authentication
paths from the API notes (§2.5) [I]. `public` routes take no credentials (/ping); the Advanced
Authentication calls take no POS key pair either: they are signed with x-pch-digest (`SIGNED`).
"""

from poscert.simulators.core.routing import Route
from poscert.simulators.punchh.declaration import SIGNED

ROUTES = [
    Route("GET", "/ping", "ping", public=True, summary="Health page of each host"),
    # POS API 1.0
    Route("GET", "/api/pos/locations/configuration", "location_configuration", summary="Location Configuration"),
    Route("GET", "/api/pos/meta", "program_meta", summary="Program Meta"),
    Route("POST", "/api/pos/users", "create_user", summary="Create New User (legacy)"),
    Route("GET", "/api/pos/users/search", "user_search", summary="User Look-up and Fetch Balance"),
    Route("GET", "/api/pos/users/balance", "user_balance", summary="Fetch Account Balance"),
    Route("POST", "/api/pos/checkins", "create_checkin", summary="Create Check-in"),
    Route("POST", "/receipt_details", "receipt_details", summary="Store Receipt Details From POS"),
    # Redemptions 2.0
    Route("GET", "/api/pos/users/find", "find_user", summary="Find User (Redemptions 2.0)"),
    Route("POST", "/api/pos/discounts/auto_select", "auto_select", summary="Auto Redemption (Redemptions 2.0)"),
    Route("POST", "/api/pos/discounts/lookup", "discount_lookup", summary="Discount Look-up (Redemptions 2.0)"),
    Route(
        "POST",
        "/api/pos/discounts/select",
        "discount_select",
        summary="Add Selection to Discount Basket (Redemptions 2.0)",
    ),
    Route(
        "DELETE",
        "/api/pos/discounts/unselect",
        "discount_unselect",
        summary="Remove Item From Discount Basket (Redemptions 2.0)",
    ),
    Route(
        "GET", "/api/pos/discounts/active", "discount_active", summary="Get Active Discount Basket (Redemptions 2.0)"
    ),
    Route("PUT", "/api/pos/discounts/unlock", "discount_unlock", summary="Unlock Discount Basket (Redemptions 2.0)"),
    Route(
        "POST", "/api/pos/batch_redemptions", "batch_redemption", summary="Batch Redemption Process (Redemptions 2.0)"
    ),
    Route(
        "DELETE",
        "/api/pos/batch_redemptions/{redemption_ref}",
        "void_batch_redemption",
        summary="Void Redemption (Redemptions 2.0)",
    ),
    # Redemptions 1.0 (legacy)
    Route(
        "POST", "/api/pos/redemptions/possible", "possible_redemption", summary="Possible Redemptions (Redemptions 1.0)"
    ),
    Route("POST", "/api/pos/redemptions", "create_redemption", summary="Create Redemption (Redemptions 1.0)"),
    Route("DELETE", "/api/pos/redemptions", "void_redemption", summary="Void Redemption (Redemptions 1.0)"),
    Route(
        "DELETE",
        "/api/pos/redemptions/multiple_destroy",
        "void_multiple_redemptions",
        summary="Void Multiple Redemptions (Redemptions 1.0)",
    ),
    Route(
        "POST",
        "/api/pos/redemptions/applicable_offers",
        "applicable_offers",
        summary="Applicable Offers (Redemptions 1.0)",
    ),
    Route(
        "GET",
        "/api/pos/users/active_redemptions",
        "active_redemptions",
        summary="Get Active Redemptions (Redemptions 1.0)",
    ),
    # Advanced Authentication (mobile / online-ordering surface), signed with x-pch-digest
    Route(
        "POST", "/api2/password_less/token", "send_otp", security=SIGNED, summary="Send OTP (Advanced Authentication)"
    ),
    Route(
        "POST",
        "/api2/password_less/verify",
        "verify_otp",
        security=SIGNED,
        summary="Verify OTP (Advanced Authentication)",
    ),
]
