"""Toy: the smallest platform the simulator core can run, written for the core's own tests.

Everything a real platform supplies is here in miniature (a declaration, routes, handlers,
per-tenant backends, error shapes, schema documents under `toy_schemas/`), and nothing of Pongo,
so the core's tests prove the pipeline is platform-neutral. It lives outside the poscert package
and points `schemas_root` at its own documents, as a third-party platform would.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poscert.base.journal import Violation
from poscert.base.platform import CredentialPlaces, Platform
from poscert.simulators.core.messages import PlatformError, SimRequest, SimResponse
from poscert.simulators.core.routing import Route
from poscert.simulators.core.seeding import random_string, seeded_rng
from poscert.simulators.core.simulator import Call, Simulator

SHOPS = ("alpha", "beta")
KEYS = {"key-alpha-0001": "alpha", "key-beta-00002": "beta"}  # API key → the shop it opens


def error_body(status: int, reason: str) -> dict[str, Any]:
    return {"error": {"status": status, "reason": reason}}


def toy_error(status: int, reason: str, headers: dict[str, str] | None = None) -> PlatformError:
    return PlatformError(status, error_body(status, reason), headers)


TOY = Platform(
    name="toy",
    title="Toy",
    simulator="tests.core.toy:ToySimulator",
    hosts=("api.toy.test",),
    contract="tests.core.toy:ToySimulator",  # no integration drives the toy; the field is required
    references={},
    fault_body=lambda status: error_body(status, "fault"),
    credentials=CredentialPlaces(headers=frozenset({"x-toy-key"})),
    secret_headers=frozenset({"x-toy-signature"}),
    secret_fields=frozenset({"pin_code"}),
    security_schemes={"toyKey": {"type": "apiKey", "in": "header", "name": "x-toy-key"}},
)

ROUTES = [
    Route("GET", "/v1/ping", "ping", public=True, summary="Is the toy alive"),
    Route("POST", "/v1/things", "create_thing", summary="Create a thing"),
    Route("GET", "/v1/things/{thing_id}", "get_thing", summary="Get a thing"),
]


@dataclass
class ShopBackend:
    """One shop's things; ids come from the shop's own seeded generator."""

    shop: str
    rng: random.Random
    things: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str) -> dict[str, Any]:
        thing = {"id": f"thg_{random_string(self.rng, 8)}", "name": name}
        self.things[thing["id"]] = thing
        return thing

    def get(self, thing_id: str) -> dict[str, Any]:
        if thing_id not in self.things:
            raise toy_error(404, "no such thing")
        return self.things[thing_id]


class ToyHandlers:
    """One function per operation, as a platform's `handlers.py` module holds them."""

    @staticmethod
    def ping(sim: ToySimulator, call: Call) -> SimResponse:
        return SimResponse(200, {"pong": True, "echo": call.query.get("echo", "")})

    @staticmethod
    def create_thing(sim: ToySimulator, call: Call) -> SimResponse:
        return SimResponse(201, sim.backend(call.merchant).add(call.body["name"]))

    @staticmethod
    def get_thing(sim: ToySimulator, call: Call) -> SimResponse:
        return SimResponse(200, sim.backend(call.merchant).get(call.params["thing_id"]))


class ToySimulator(Simulator):
    declaration = TOY
    routes = ROUTES
    handlers = ToyHandlers
    schemas_root = Path(__file__).parent / "toy_schemas"

    def tenant_profile(self, tenant: str) -> str:
        if tenant not in SHOPS:
            raise KeyError(tenant)
        return tenant

    def build_tenant(self, profile: str) -> ShopBackend:
        return ShopBackend(profile, seeded_rng("toy", self.seed, profile))

    def authenticate(self, call: Call) -> None:
        """The key travels in `x-toy-key`; the toy also reads `?key=` so a declaration can allow it or not."""
        key = call.request.headers.get("x-toy-key") or call.request.query.get("key", "")
        if key not in KEYS:
            raise toy_error(401, "unauthenticated")
        call.principal = call.merchant = KEYS[key]

    def reject_invalid(self, call: Call, violations: list[Violation]) -> None:
        """Bodies are strict; a bad query is recorded but tolerated."""
        if any(v.direction == "request" for v in violations):
            raise toy_error(422, "invalid body")

    def malformed_body(self, call: Call) -> Any:
        raise toy_error(400, "unparsable body")

    def error_for_route(self, request: SimRequest, allowed: list[str]) -> PlatformError:
        if allowed:
            return toy_error(405, "method not allowed", {"allow": ", ".join(allowed)})
        return toy_error(404, "no route")

    def error_too_large(self) -> PlatformError:
        return toy_error(413, "too large")

    def known_secrets(self) -> set[str]:
        return set(KEYS)
