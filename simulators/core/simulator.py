"""The one request pipeline every simulator shares.

`Simulator.handle` takes a request and returns a response. It owns size limits,
routing, faults, body parsing, authentication, schema validation both ways,
dispatch and journaling, so the in-process path (respx, mock transport) and the
served path (ASGI) run the same lines. A platform subclass supplies its routes,
handlers, error shapes and state; it never journals or validates by itself.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from poscert import DEFAULT_SEED
from poscert.base.journal import Exchange, Journal, Violation
from poscert.base.platform import Platform
from poscert.base.redaction import Redactor, scrub_text
from poscert.base.validation import SchemaSet, schema_set
from poscert.simulators.core.backends import BackendDict, Pristine
from poscert.simulators.core.clock import SimClock
from poscert.simulators.core.faults import Fault, FaultPlan
from poscert.simulators.core.messages import PlatformError, SimRequest, SimResponse, SimTimeout
from poscert.simulators.core.payloads import read_json
from poscert.simulators.core.routing import NoRoute, Route, Router

MAX_BODY_BYTES = 256 * 1024
JOURNAL_BODY_BYTES = 16 * 1024

WebhookDelivery = Callable[[str, dict[str, str], bytes], int]


@dataclass
class Call:
    """One request on its way through the pipeline: what a handler receives."""

    request: SimRequest
    route: Route
    params: dict[str, str]
    body: Any = None
    principal: Any = None  # what the credentials resolved to (platform-defined)
    merchant: str | None = None  # the tenant, for the journal

    @property
    def query(self) -> dict[str, str]:
        return self.request.query


class Simulator:
    declaration: ClassVar[Platform]
    routes: ClassVar[list[Route]] = []
    handlers: ClassVar[Any] = None  # module or object with one function per operation
    # The folder holding `<platform name>/*.json`; None means the installed `poscert.schemas`.
    # A platform that lives outside poscert (a partner's, a test's toy) points it at its own.
    schemas_root: ClassVar[Path | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.routes:  # a route without a handler would fail only when a request hits it
            missing = sorted(
                {r.operation for r in cls.routes if not callable(getattr(cls.handlers, r.operation, None))}
            )
            if missing:
                raise TypeError(f"{cls.__name__}: routes with no handler: {', '.join(missing)}")

    def __init__(self, journal: Journal | None = None, *, seed: int = DEFAULT_SEED, dataset: str = "default") -> None:
        self.platform = self.declaration.name
        self.hosts = self.declaration.hosts
        self.redactor = self.declaration.redactor
        self.journal = journal if journal is not None else Journal()
        self.seed = seed
        self.dataset = dataset
        self.schemas = self.load_schemas()
        unschemed = sorted({r.operation for r in self.routes} - set(self.schemas.documents))
        if unschemed:  # every exchange is validated: an operation without a document would pass unchecked
            raise ValueError(f"{self.platform}: routes with no schema document: {', '.join(unschemed)}")
        self.router = Router(self.routes)
        self.clock = SimClock()
        self.faults = FaultPlan()
        self.deliver_webhook: WebhookDelivery | None = None
        self._lock = threading.RLock()
        self.reset()

    @classmethod
    def load_schemas(cls) -> SchemaSet:
        """The platform's schema documents, read and compiled once per process and root."""
        if cls.schemas_root is None:
            return schema_set(cls.declaration.name)
        return _schema_set_at(cls.declaration.name, cls.schemas_root)

    # -- hooks a platform overrides --------------------------------------------
    def reset(self) -> None:
        """Forget every piece of state and rebuild the dataset: the one call that resets it all."""
        self.clock.reset()
        self.faults.clear()
        self.backends.reset()

    # A tenant's first build depends on the dataset, the seed and the tenant alone (besides the clock and the
    # profile it is given): each reset then hands out a copy of that build instead of populating it again.
    tenants_copied: ClassVar[bool] = False

    def tenant_profile(self, tenant: str) -> Any:
        """The dataset's description of a tenant (a merchant, a business, a vendor); a KeyError, or the
        platform's own refusal, for a tenant the dataset does not have."""
        raise KeyError(tenant)

    def build_tenant(self, profile: Any) -> Any:
        """A tenant's backend, populated from its profile: its state and the rules that change it."""
        raise NotImplementedError

    # -- tenants -------------------------------------------------------------------
    @cached_property
    def backends(self) -> BackendDict[Any]:
        """One backend per tenant of the dataset, built the first time anyone asks for it."""
        return BackendDict(self._open_tenant)

    def backend(self, tenant: str) -> Any:
        """A tenant's state: the harness's handle and the handlers' way in."""
        return self.backends[tenant]

    @cached_property
    def _pristine(self) -> Pristine[Any]:
        return Pristine()

    def _open_tenant(self, tenant: str) -> Any:
        profile = self.tenant_profile(tenant)
        if not self.tenants_copied:
            return self.build_tenant(profile)
        key = (self.dataset, self.seed, tenant)
        return self._pristine.copy(key, lambda: self.build_tenant(profile), shared=(self.clock, profile))

    def parse_body(self, request: SimRequest, route: Route) -> Any:
        if not request.body:
            return {}
        if request.content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        return read_json(request.body)

    def authenticate(self, call: Call) -> None:
        """Resolve credentials into call.principal / call.merchant, or raise the platform's 401/403."""

    def reject_invalid(self, call: Call, violations: list[Violation]) -> None:
        """Raise the platform's validation error for the violations the real platform refuses."""

    def error_for_route(self, request: SimRequest, allowed: list[str]) -> PlatformError:
        raise NotImplementedError

    def error_too_large(self) -> PlatformError:
        raise NotImplementedError

    def error_unexpected(self) -> SimResponse:
        return self.fault_response(500)

    def fault_response(self, status: int) -> SimResponse:
        """The platform's own answer for a server-side status (an injected fault, a time-out at the edge)."""
        return SimResponse(status, self.declaration.fault_body(status))

    def known_secrets(self) -> set[str]:
        """Secret values this platform issued or holds (tokens, client secrets)."""
        return set()

    # -- the pipeline ------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        with self._lock:
            started = time.perf_counter()
            call: Call | None = None
            fault: Fault | None = None
            error: str | None = None
            violations: list[Violation] = []
            parsed: Any = None
            try:
                if len(request.body) > MAX_BODY_BYTES:
                    raise self.error_too_large()
                try:
                    route, params = self.router.match(request.method, request.path)
                except NoRoute as missing:
                    raise self.error_for_route(request, missing.allowed) from None
                call = Call(request, route, params)
                fault = self.faults.take(route.operation)
                if fault and not fault.after_processing:
                    response = self._fault_response(fault)
                else:
                    response, parsed, violations = self._process(call)
                    if fault:
                        response = self._fault_response(fault)
            except PlatformError as refused:
                response = refused.response
            except SimTimeout:
                response = SimResponse(504)
            except Exception:  # a simulator bug: answered, journaled, and caught by the tests
                error = traceback.format_exc()
                response = self.error_unexpected()
            try:
                if call is not None and not fault:
                    violations += self.schemas.check(call.route.operation, "response", response.body, response.status)
                self._record(request, response, call, parsed, violations, fault, error, started)
            except Exception:  # never lose an exchange: record what can be recorded, with the bug
                error = (error or "") + traceback.format_exc()
                response = self.error_unexpected()
                self._record(request, response, call, None, [], fault, error, started)
            if fault and (lost := fault.interruption(call.route.operation if call else "")):
                raise lost
            return response

    def _process(self, call: Call) -> tuple[SimResponse, Any, list[Violation]]:
        violations: list[Violation] = []
        parsed: Any = None
        try:
            try:
                call.body = parsed = self.parse_body(call.request, call.route)
            except (ValueError, UnicodeDecodeError):
                call.body = self.malformed_body(call)
            if not call.route.public:
                self.authenticate(call)
            query = call.request.query
            if query or self.schemas.has(call.route.operation, "query"):
                violations += self.schemas.check(call.route.operation, "query", query)
            if call.request.method in ("POST", "PUT", "PATCH") or call.request.body:
                violations += self.schemas.check(call.route.operation, "request", call.body)
            self.reject_invalid(call, violations)
            handler = getattr(self.handlers, call.route.operation)
            return handler(self, call), parsed, violations
        except PlatformError as refused:
            return refused.response, parsed, violations

    def malformed_body(self, call: Call) -> Any:
        """What a body that does not parse becomes; a platform may refuse it instead (raise)."""
        return {}

    def _fault_response(self, fault: Fault) -> SimResponse:
        return self.fault_response(fault.recorded_status)

    def _secrets(self) -> frozenset[str]:
        return frozenset(s for s in self.known_secrets() if len(s) >= 8)

    def _misplaced_secrets(self, request: SimRequest, operation: str, secrets: frozenset[str]) -> list[str]:
        """Where credentials travelled that the platform's declaration does not expect them."""
        allowed = self.declaration.credentials
        places = [("the URL path", request.path)]
        places += [
            (f"the {name} query parameter", value)
            for name, value in request.query.items()
            if not allowed.allows("query", name, operation)
        ]
        places += [
            (f"the {name} header", value)
            for name, value in request.headers.items()
            if not allowed.allows("header", name, operation)
        ]
        if not allowed.allows("body", "", operation):
            places.append(("the request body", request.body.decode("utf-8", "replace")))
        return [f"secret in {where}" for where, text in places if any(secret in text for secret in secrets)]

    def _record(
        self,
        request: SimRequest,
        response: SimResponse,
        call: Call | None,
        parsed: Any,
        violations: list[Violation],
        fault: Fault | None,
        error: str | None,
        started: float,
    ) -> None:
        operation = call.route.operation if call else ""
        secrets = self._secrets()
        self.journal.record(
            Exchange(
                seq=self.journal.next_seq(),
                scenario=self.journal.scenario,
                platform=self.platform,
                operation=operation,
                method=request.method,
                path=scrub_text(request.path, secrets),
                query=self.redactor.value(request.query, secrets),
                request_headers=self.redactor.headers(request.headers, secrets),
                request_body=self.redactor.value(parsed, secrets)
                if parsed is not None
                else _raw_text(self.redactor, request.body, secrets),
                status=response.status,
                response_headers=self.redactor.headers(response.all_headers(), secrets),
                response_body=(
                    self.redactor.value(response.body, secrets)
                    if response.text is None
                    else scrub_text(response.text[:2048], secrets)
                ),
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                merchant=call.merchant if call else None,
                violations=violations,
                misplaced_secrets=self._misplaced_secrets(request, operation, secrets),
                fault=fault.describe() if fault else None,
                error=error,
            )
        )

    # -- webhooks: platform → integration -----------------------------------------
    def send_webhook(
        self, url: str, event: str, headers: dict[str, str], body: bytes, merchant: str | None = None
    ) -> int:
        """Deliver one event and journal it; an unreachable receiver is recorded, not raised."""
        started = time.perf_counter()
        status = 0
        if self.deliver_webhook is not None:
            try:
                status = self.deliver_webhook(url, headers, body)
            except Exception as exc:  # the receiver failed: a delivery failure, as on the real platform
                status = 0
                headers = {**headers, "x-poscert-delivery-error": type(exc).__name__}
        self.journal.record(
            Exchange(
                seq=self.journal.next_seq(),
                scenario=self.journal.scenario,
                platform=self.platform,
                operation=f"webhook:{event}",
                method="POST",
                path=url,
                query={},
                request_headers=self.redactor.headers(headers),
                request_body=_raw_text(self.redactor, body, self._secrets()),
                status=status,
                response_headers={},
                response_body=None,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                merchant=merchant,
                direction="webhook",
            )
        )
        return status


@cache
def _schema_set_at(platform: str, root: Path) -> SchemaSet:
    return SchemaSet(platform, root)


def _raw_text(redactor: Redactor, body: bytes, secrets: frozenset[str]) -> Any:
    if not body:
        return None
    text = body[:JOURNAL_BODY_BYTES].decode("utf-8", "replace")
    try:
        return redactor.value(read_json(text), secrets)
    except ValueError:
        suffix = f"… ({len(body)} bytes)" if len(body) > JOURNAL_BODY_BYTES else ""
        return scrub_text(text, secrets) + suffix
