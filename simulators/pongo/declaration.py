"""Pongo, as generic code sees it: the one declaration the harness, the core and redaction read."""

from poscert.base.platform import CredentialPlaces, Platform
from poscert.simulators.pongo.errors import fault_body

PONGO = Platform(
    name="pongo",
    title="Pongo",
    simulator="poscert.simulators.pongo.simulator:PongoSimulator",
    hosts=("sandbox-api.heypongo.com", "api.heypongo.com"),
    contract="poscert.drivers.pongo.contract:PongoIntegration",
    references={
        "kiosk": "poscert.drivers.pongo.reference:PongoKiosk",
        "pos": "poscert.drivers.pongo.reference:PongoPOS",
    },
    fault_body=fault_body,
    # A bearer token in Authorization, and secrets in the body only where that is the point of the call:
    # the token endpoint, the consent form, and webhook creation (a partner may reuse its signing secret).
    credentials=CredentialPlaces(
        headers=frozenset({"authorization"}),
        body_operations=frozenset({"oauth_token", "oauth_authorize", "create_webhook"}),
    ),
    secret_headers=frozenset({"pongo-signature"}),
    security_schemes={
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Passport access token from the OAuth2 authorization-code flow.",
        }
    },
)
