"""The Pongo simulator class: the core pipeline plus Pongo's routes, handlers, state and error shapes."""

from __future__ import annotations

from typing import Any

from poscert.base.journal import Violation
from poscert.simulators.core.messages import PlatformError, SimRequest
from poscert.simulators.core.routing import Route
from poscert.simulators.core.simulator import Call, Simulator
from poscert.simulators.pongo import dataset, errors, handlers, population
from poscert.simulators.pongo.backend import MerchantBackend
from poscert.simulators.pongo.dataset import Dataset, MerchantProfile, OAuthClient
from poscert.simulators.pongo.declaration import PONGO
from poscert.simulators.pongo.models import Webhook
from poscert.simulators.pongo.platform import ACCESS_TTL, PlatformState
from poscert.simulators.pongo.routes import ROUTES

__all__ = ["MerchantBackend", "PongoSimulator"]

JSON_TYPES = ("application/json", "+json")
FORM_TYPE = "application/x-www-form-urlencoded"


class PongoSimulator(Simulator):
    declaration = PONGO
    routes = ROUTES
    handlers = handlers

    access_token_ttl = ACCESS_TTL  # seconds of simulated time

    data: Dataset
    state: PlatformState

    def reset(self) -> None:
        super().reset()
        self.data = dataset.load(self.dataset, self.seed)
        self.state = PlatformState(self.data, self.seed, self.clock, self.send_webhook)

    # Built afresh on each reset, not copied: a merchant holds the platform state of its reset.
    def tenant_profile(self, tenant: str) -> MerchantProfile:
        return self.data.merchants[tenant]  # KeyError: no such merchant in this dataset

    def build_tenant(self, profile: MerchantProfile) -> MerchantBackend:
        backend = MerchantBackend(profile, self.state, self.clock, self.seed)
        population.populate(backend, profile, self.seed)
        return backend

    # -- the harness's handles ---------------------------------------------------------
    @property
    def default_merchant(self) -> str:
        return self.data.default_merchant

    @property
    def other_merchant(self) -> str:
        return self.data.other_merchant

    @property
    def oauth_client(self) -> OAuthClient:
        return self.data.client

    def subscriptions(self, merchant: str) -> list[Webhook]:
        """The merchant's webhook subscriptions (the integration's, once it subscribed)."""
        return self.state.subscriptions(merchant)

    # -- pipeline hooks ------------------------------------------------------------------
    def parse_body(self, request: SimRequest, route: Route) -> Any:
        """Laravel reads a JSON body only under a JSON content type and a form body only as a form;
        anything else, or JSON that is not an object, is read as empty input (`malformed_body`)."""
        if not request.body:
            return {}
        if request.content_type == FORM_TYPE:
            return super().parse_body(request, route)
        if not any(t in request.content_type for t in JSON_TYPES):
            raise ValueError(f"Laravel ignores a {request.content_type or 'typeless'} body")
        parsed = super().parse_body(request, route)
        if not isinstance(parsed, dict):
            raise ValueError("a JSON body that is not an object is no input")
        return parsed

    def authenticate(self, call: Call) -> None:
        scheme, _, token = call.request.headers.get("authorization", "").partition(" ")
        found = self.state.verify(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if found is None:
            raise errors.unauthenticated()
        call.principal, call.merchant = found, found.merchant
        if call.route.scope and call.route.scope not in found.scopes:
            raise errors.invalid_scope()

    def reject_invalid(self, call: Call, violations: list[Violation]) -> None:
        """Refuse what Laravel refuses. Unknown input is ignored (still journaled as a violation)
        unless the operation's schema says `x-unknown-fields: reject`."""
        strict = self.schemas.unknown_fields_policy(call.route.operation) == "reject"
        refused = [v for v in violations if strict or not _unknown_input(v)]
        if not refused:
            return
        found = errors.from_violations(refused)
        if call.route.operation == "oauth_token":  # Passport answers OAuth, not Laravel validation
            raise errors.oauth(400, "invalid_request", next(iter(found.values()))[0])
        raise errors.invalid(found)

    def error_for_route(self, request: SimRequest, allowed: list[str]) -> PlatformError:
        if allowed:
            return errors.method_not_allowed(request.method, request.path, allowed)
        return errors.route_not_found(request.path)

    def error_too_large(self) -> PlatformError:
        return errors.too_large()

    def known_secrets(self) -> set[str]:
        return self.state.secrets()

    def credentials(self) -> dict[str, Any]:
        """What Pongo hands a partner for this dataset: its OAuth client, and each merchant's back-office
        login (what the consent form and the password grant take). Shown by `poscert serve`, never journaled."""
        client = self.data.client
        return {
            "oauth_clients": [
                {
                    "name": client.name,
                    "client_id": client.client_id,
                    "client_secret": client.client_secret,
                    "redirect_uris": list(client.redirect_uris),
                }
            ],
            "merchants": [
                {
                    "slug": slug,
                    "name": profile.name,
                    "login_email": self.state.logins[slug].email,
                    "login_password": self.state.logins[slug].password,
                }
                for slug, profile in self.data.merchants.items()
            ],
        }


def _unknown_input(violation: Violation) -> bool:
    """An unknown field, or input an operation takes none of (a query on POST, a body on GET)."""
    return violation.rule in errors.UNKNOWN_FIELD_RULES or violation.rule == "schema"
