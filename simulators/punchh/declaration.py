"""PAR Punchh, as generic code sees it: the one declaration the harness, the core and redaction read."""

from poscert.base.platform import CredentialPlaces, Platform
from poscert.simulators.punchh.errors import fault_body

SIGNED = "pchDigest"  # the scheme of the Advanced Authentication calls: signed, no POS key pair

PUNCHH = Platform(
    name="punchh",
    title="PAR Punchh",
    simulator="poscert.simulators.punchh.simulator:PunchhSimulator",
    # The FQDNs of Punchh's firewall article [C]: check-ins and redemptions, POS configuration, receipt details.
    hosts=("pos.punchh.com", "api.punchh.com", "isl.punchh.com"),
    contract="poscert.drivers.punchh.contract:PunchhIntegration",
    references={
        "kiosk": "poscert.drivers.punchh.reference:PunchhKiosk",
        "pos": "poscert.drivers.punchh.reference:PunchhPOS",
    },
    fault_body=fault_body,
    # POS calls carry the store's key pair in Authorization; Advanced Authentication calls carry the
    # x-pch-digest HMAC of the client secret. A guest's access token travels as a look-up value by
    # design (Find User, `lookup_field: user_token`); the docs' examples also put `location_key` in
    # the body of Receipt Details and of a coupon's Void Redemption.
    credentials=CredentialPlaces(
        headers=frozenset({"authorization", "x-pch-digest"}),
        query=frozenset({"lookup_value"}),
        body_operations=frozenset({"find_user", "receipt_details", "void_redemption"}),
    ),
    secret_headers=frozenset({"x-pch-digest"}),
    secret_fields=frozenset(
        {"otp", "code_verifier", "location_key", "business_key", "btoken", "user_digest", "user_token"}
    ),
    capabilities=frozenset({"single_scan"}),  # drivers/punchh/contract.py: SINGLE_SCAN
    security_schemes={
        "posToken": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token token=<location key>, btoken=<business key> (the quoted form without the comma "
            "is accepted too).",
        },
        SIGNED: {
            "type": "apiKey",
            "in": "header",
            "name": "x-pch-digest",
            "description": "Lowercase hex HMAC-SHA256(client secret, URI path + body without whitespace).",
        },
    },
)
