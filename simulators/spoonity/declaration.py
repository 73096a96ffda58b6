"""Spoonity, as generic code sees it: the one declaration the harness, the core and redaction read."""

from poscert.base.platform import CredentialPlaces, Platform
from poscert.simulators.spoonity.errors import fault_body

SPOONITY = Platform(
    name="spoonity",
    title="Spoonity",
    simulator="poscert.simulators.spoonity.simulator:SpoonitySimulator",
    # Production [C]; the staging host appears in the docs' examples [C], whether partners use it is [I].
    hosts=("api.spoonity.com", "api.staging.spoonity.com"),
    contract="poscert.drivers.spoonity.contract:SpoonityIntegration",
    references={
        "kiosk": "poscert.drivers.spoonity.reference:SpoonityKiosk",
        "pos": "poscert.drivers.spoonity.reference:SpoonityPOS",
    },
    fault_body=fault_body,
    # The legacy POS API takes the location's `api_key` as a query parameter by design [C]; consumer calls
    # take the customer's `session_key` the same way [C]. No header carries a credential.
    credentials=CredentialPlaces(headers=frozenset(), query=frozenset({"api_key", "session_key"})),
    secret_fields=frozenset({"api_key", "session_key"}),
    capabilities=frozenset({"gift_card", "loyalty_pay"}),  # drivers/spoonity/contract.py: GIFT_CARD, LOYALTY_PAY
    security_schemes={
        "apiKey": {
            "type": "apiKey",
            "in": "query",
            "name": "api_key",
            "description": "The location's long-lived API key, made in the dashboard (location → Configuration).",
        },
    },
)
