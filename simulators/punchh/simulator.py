"""The Punchh simulator class: the core pipeline plus Punchh's routes, handlers, state and error shapes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from poscert.base.journal import Violation
from poscert.simulators.core.messages import PlatformError, SimRequest
from poscert.simulators.core.payloads import read_json
from poscert.simulators.core.routing import Route
from poscert.simulators.core.simulator import Call, Simulator
from poscert.simulators.punchh import dataset, errors, handlers, population
from poscert.simulators.punchh.backend import BusinessBackend
from poscert.simulators.punchh.dataset import BusinessProfile, Client, Dataset
from poscert.simulators.punchh.declaration import PUNCHH, SIGNED
from poscert.simulators.punchh.errors import Refusal
from poscert.simulators.punchh.models import Location, SentOtp
from poscert.simulators.punchh.platform import PlatformState, digest
from poscert.simulators.punchh.receipts import barcode, barcode_problem
from poscert.simulators.punchh.routes import ROUTES

__all__ = ["BusinessBackend", "PunchhSimulator", "barcode", "digest"]

FORM_TYPE = "application/x-www-form-urlencoded"
UNKNOWN_INPUT_RULES = frozenset({"additionalProperties", "unevaluatedProperties", "schema"})
EMPTY_RULES = frozenset({"required", "minLength", "minItems"})
DEFAULT_USER_AGENT = "poscert/POS/1.0"


class PunchhSimulator(Simulator):
    declaration = PUNCHH
    routes = ROUTES
    handlers = handlers
    tenants_copied = True  # Faker is most of a business's build: each reset copies the first one

    data: Dataset
    state: PlatformState

    def reset(self) -> None:
        super().reset()
        self.data = dataset.load(self.dataset, self.seed)
        self.state = PlatformState(self.data)

    def tenant_profile(self, tenant: str) -> BusinessProfile:
        return self.data.businesses[tenant]  # KeyError: no such business in this dataset

    def build_tenant(self, profile: BusinessProfile) -> BusinessBackend:
        backend = BusinessBackend(profile, self.clock, self.seed)
        population.populate(backend, profile, self.seed)
        return backend

    # -- the harness's handles ---------------------------------------------------------
    @property
    def default_business(self) -> str:
        return self.data.default_business

    @property
    def other_business(self) -> str:
        return self.data.other_business

    def location(self, business: str | None = None, index: int = 0) -> Location:
        """A store of the business, in dataset order (the first takes redemptions, the third of the
        default business does not)."""
        backend = self.backend(business or self.default_business)
        return list(backend.locations.values())[index]

    def pos_headers(
        self, business: str | None = None, index: int = 0, user_agent: str = DEFAULT_USER_AGENT
    ) -> dict[str, str]:
        """What a POS of that store sends on every call: its key pair and a User-Agent."""
        slug = business or self.default_business
        key = self.location(slug, index).location_key
        return {
            "authorization": f"Token token={key}, btoken={self.data.businesses[slug].business_key}",
            "user-agent": user_agent,
            "accept": "application/json",
        }

    def client(self, business: str | None = None) -> Client:
        """The business's Advanced Authentication client (id and digest secret)."""
        return self.data.businesses[business or self.default_business].client

    def sent_otps(self, business: str | None = None, destination: str | None = None) -> list[SentOtp]:
        """Every one-time password "sent" (the guest's inbox), oldest first; by business and destination
        (an email, or the phone number with its extension, e.g. +15551234567)."""
        slugs = [business] if business else list(self.backends)
        return [
            otp
            for slug in slugs
            for otp in self.backend(slug).sent_otps
            if destination is None or otp.destination == destination.lower()
        ]

    @staticmethod
    def check_barcode(printed: str, key: str | None = None) -> str | None:
        """Why a printed receipt barcode is not the EAN-13 of its Punchh key (None when it is)."""
        return barcode_problem(printed, key)

    # -- pipeline hooks ------------------------------------------------------------------
    def parse_body(self, request: SimRequest, route: Route) -> Any:
        """Rails reads a JSON body under a JSON content type and a form body as a form; any other body is
        no input. JSON that does not parse, or is not an object, is a 400 (`malformed_body`)."""
        if not request.body:
            return {}
        if request.content_type == FORM_TYPE:
            return dict(parse_qsl(request.body.decode("utf-8", "strict"), keep_blank_values=True))
        if "json" not in request.content_type:
            raise ValueError(f"Rails ignores a {request.content_type or 'typeless'} body")
        parsed = read_json(request.body)  # ValueError: unreadable JSON
        if not isinstance(parsed, dict):
            raise ValueError("a JSON body that is not an object")
        return parsed

    def malformed_body(self, call: Call) -> Any:
        """Rails refuses a JSON body it cannot read (400) and reads any other body as no input."""
        if "json" in call.request.content_type:
            raise errors.render(call.route.operation, Refusal(400, errors.MALFORMED))
        return {}

    def authenticate(self, call: Call) -> None:
        if call.route.security == SIGNED:  # Advanced Authentication: the digest, not a POS token
            self._signed(call)
            return
        self._user_agent(call, strict=True)
        principal = self.state.authenticate(call.request.headers.get("authorization"))
        if principal is None:
            raise errors.render(call.route.operation, errors.unauthenticated())
        call.principal, call.merchant = principal, principal.business

    def reject_invalid(self, call: Call, violations: list[Violation]) -> None:
        """Refuse what Punchh refuses: the first missing or invalid parameter (400). Unknown parameters are ignored, as Rails ignores them (still journaled)."""
        operation = call.route.operation
        refused = [v for v in violations if v.rule not in UNKNOWN_INPUT_RULES]
        if not refused:
            return
        first = min(refused, key=lambda v: (v.rule not in EMPTY_RULES, v.direction != "query", v.pointer))
        field = _field(first.pointer)
        if first.rule in EMPTY_RULES:
            raise errors.render(operation, errors.missing(field))
        raise errors.render(
            operation, Refusal(400, errors.INVALID_VALUE.format(field), code="invalid_parameter", key="invalid_param")
        )

    def _signed(self, call: Call) -> None:
        """Advanced Authentication [C]: a User-Agent, a known `client`, and its x-pch-digest (else 412)."""
        self._user_agent(call, strict=False)
        body = call.body if isinstance(call.body, dict) else {}
        if body.get("client") in (None, ""):
            raise errors.render(call.route.operation, errors.missing("client"))
        client = self.state.client(body["client"])
        if client is None:
            raise errors.render(call.route.operation, Refusal(401, errors.UNKNOWN_CLIENT))
        request = call.request
        path = request.path + (f"?{request.query_string}" if request.query_string else "")
        if not self.state.signature_holds(client, path, request.body, request.headers.get("x-pch-digest")):
            raise errors.render(call.route.operation, Refusal(412, errors.INVALID_SIGNATURE))
        call.principal, call.merchant = client, client.business

    @staticmethod
    def _user_agent(call: Call, strict: bool) -> None:
        """Every call names its integration [C]; POS calls as IntegratorName/IntegrationType/VersionNumber."""
        agent = call.request.headers.get("user-agent", "").strip()
        if not agent:
            raise errors.render(call.route.operation, Refusal(400, errors.MISSING_HEADER))
        parts = agent.split("/")
        if strict and (len(parts) != 3 or not all(p.strip() for p in parts)):
            raise errors.render(call.route.operation, Refusal(400, errors.BAD_USER_AGENT))

    def error_for_route(self, request: SimRequest, allowed: list[str]) -> PlatformError:
        return errors.route_not_found()

    def error_too_large(self) -> PlatformError:
        return errors.too_large()

    def credentials(self) -> dict[str, Any]:
        """What Punchh hands a partner for this dataset: each business's key, its locations' keys (the POS
        `Token token=<location key>, btoken=<business key>`), and its Advanced Authentication client."""
        return {
            "businesses": [
                {
                    "slug": slug,
                    "name": profile.name,
                    "business_key": profile.business_key,
                    "locations": [
                        {"id": loc.id, "name": loc.name, "location_key": loc.location_key} for loc in profile.locations
                    ],
                    "advanced_auth_client": {"client_id": profile.client.client_id, "secret": profile.client.secret},
                }
                for slug, profile in self.data.businesses.items()
            ]
        }

    def known_secrets(self) -> set[str]:
        secrets = self.state.secrets()
        for slug in self.backends:
            secrets |= self.backend(slug).secrets()
        return secrets


def _field(pointer: str) -> str:
    """A parameter as Punchh names it in messages: array members get their index as a suffix [C: item_name_0]."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts:
        return "body"
    names = [p for p in parts if not p.isdigit()]
    indexes = [p for p in parts if p.isdigit()]
    name = names[-1] if names else parts[-1]
    return f"{name}_{indexes[-1]}" if indexes and parts[-1] != indexes[-1] else name
