"""The Spoonity simulator class: the core pipeline plus Spoonity's routes, handlers, state and error shapes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from poscert.base.journal import Violation
from poscert.simulators.core.messages import PlatformError, SimRequest
from poscert.simulators.core.payloads import read_json
from poscert.simulators.core.routing import Route
from poscert.simulators.core.simulator import Call, Simulator
from poscert.simulators.spoonity import dataset, errors, handlers, population
from poscert.simulators.spoonity.backend import VendorBackend
from poscert.simulators.spoonity.dataset import Dataset, VendorProfile
from poscert.simulators.spoonity.declaration import SPOONITY
from poscert.simulators.spoonity.errors import Refusal
from poscert.simulators.spoonity.models import Customer, Location
from poscert.simulators.spoonity.routes import ROUTES

__all__ = ["SpoonitySimulator", "VendorBackend"]

FORM_TYPE = "application/x-www-form-urlencoded"
# Unknown fields are ignored, as PHP ignores them (still journaled as violations); so is a body on a GET.
IGNORED_RULES = frozenset({"additionalProperties", "unevaluatedProperties", "schema"})
MISSING_RULES = frozenset({"required", "minLength"})


class SpoonitySimulator(Simulator):
    declaration = SPOONITY
    routes = ROUTES
    handlers = handlers
    tenants_copied = True  # Faker is most of a vendor's build: each reset copies the first one

    data: Dataset

    def reset(self) -> None:
        super().reset()
        self.data = dataset.load(self.dataset, self.seed)

    def tenant_profile(self, tenant: str) -> VendorProfile:
        return self.data.vendors[tenant]  # KeyError: no such vendor in this dataset

    def build_tenant(self, profile: VendorProfile) -> VendorBackend:
        backend = VendorBackend(profile, self.clock, self.seed)
        population.populate(backend, profile, self.seed)
        return backend

    # -- the harness's handles ---------------------------------------------------------
    @property
    def default_vendor(self) -> str:
        return self.data.default_vendor

    @property
    def other_vendor(self) -> str:
        return self.data.other_vendor

    def location(self, vendor: str | None = None, index: int = 0) -> Location:
        """A location of the vendor, in dataset order."""
        return list(self.backend(vendor or self.default_vendor).locations.values())[index]

    def api_key(self, vendor: str | None = None, index: int = 0) -> str:
        return self.location(vendor, index).api_key

    def customer(self, role: str = "regular", vendor: str | None = None) -> Customer:
        """A fixed customer: regular (John Smith), brandin, light, newcomer (the default vendor has all four)."""
        return self.backend(vendor or self.default_vendor).customer(role)

    # -- pipeline hooks ------------------------------------------------------------------
    def parse_body(self, request: SimRequest, route: Route) -> Any:
        """PHP reads the raw body as JSON whatever its content type (the docs' `curl -d` sends a form type);
        a form that is not JSON is read as a form. Anything else unreadable, or JSON that is not an
        object, is no input (the core's `malformed_body`), and then the missing fields are refused."""
        if not request.body:
            return {}
        try:
            parsed = read_json(request.body)
        except ValueError:
            if request.content_type != FORM_TYPE:
                raise
            return dict(parse_qsl(request.body.decode("utf-8", "strict"), keep_blank_values=True, errors="strict"))
        if not isinstance(parsed, dict):
            raise ValueError("a JSON body that is not an object")
        return parsed

    def authenticate(self, call: Call) -> None:
        found = self.data.api_keys.get(call.query.get("api_key", ""))
        if found is None:
            raise errors.render(Refusal(401, errors.INVALID_API_KEY))
        slug, location_id = found
        call.principal = self.backend(slug).locations[location_id]
        call.merchant = slug

    def reject_invalid(self, call: Call, violations: list[Violation]) -> None:
        """400 for the first missing or invalid parameter; unknown ones are ignored."""
        refused = [v for v in violations if v.rule not in IGNORED_RULES]
        if not refused:
            return
        first = min(refused, key=lambda v: (v.rule not in MISSING_RULES, v.direction != "query", v.pointer))
        field = _field(first.pointer)
        text = errors.MISSING if first.rule in MISSING_RULES else errors.INVALID_VALUE
        raise errors.render(Refusal(400, text.format(field)))

    def error_for_route(self, request: SimRequest, allowed: list[str]) -> PlatformError:
        return errors.route_not_found(request.method, allowed)

    def error_too_large(self) -> PlatformError:
        return errors.too_large()

    def known_secrets(self) -> set[str]:
        return set(self.data.api_keys)

    def credentials(self) -> dict[str, Any]:
        """What Spoonity hands a partner for this dataset: each location's `api_key`, by vendor."""
        return {
            "vendors": [
                {
                    "slug": slug,
                    "id": profile.id,
                    "name": profile.name,
                    "locations": [
                        {"id": loc.id, "name": loc.name, "api_key": loc.api_key} for loc in profile.locations
                    ],
                }
                for slug, profile in self.data.vendors.items()
            ]
        }


def _field(pointer: str) -> str:
    """`/line_items/0/price` → `line_items[0].price`; the whole body → `body`."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    if not parts:
        return "body"
    out = parts[0]
    for part in parts[1:]:
        out += f"[{part}]" if part.isdigit() else f".{part}"
    return out
