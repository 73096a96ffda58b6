"""The one request pipeline every simulator shares.

`Simulator.handle` takes a request and returns a response. It owns size limits,
routing, faults, body parsing, authentication, schema validation both ways,
dispatch and journaling, so the in-process path (respx, mock transport) and the
served path (ASGI) run the same lines. A platform subclass supplies its routes,
handlers, error shapes and state; it never journals or validates by itself.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl

from poscert import DEFAULT_SEED
from poscert.journal import Exchange, Journal, Violation
from poscert.redaction import redact_headers, redact_value, scrub_text
from poscert.validation import SchemaSet, schema_set
from simulators.core.clock import SimClock
from simulators.core.faults import Fault, FaultPlan
from simulators.core.messages import PlatformError, SimRequest, SimResponse, SimTimeout
from simulators.core.routing import NoRoute, Route, Router

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
    platform: str = ""
    hosts: tuple[str, ...] = ()
    routes: list[Route] = []
    handlers: Any = None  # module or object with one function per operation
    secret_bearing_operations: frozenset[str] = frozenset()  # where a secret in the body is expected

    def __init__(self, journal: Journal | None = None, *, seed: int = DEFAULT_SEED, dataset: str = "default") -> None:
        self.journal = journal if journal is not None else Journal()
        self.seed = seed
        self.dataset = dataset
        self.schemas: SchemaSet = schema_set(self.platform)
        self.router = Router(self.routes)
        self.clock = SimClock()
        self.faults = FaultPlan()
        self.deliver_webhook: WebhookDelivery | None = None
        self._lock = threading.RLock()
        self.reset()

    # -- hooks a platform overrides --------------------------------------------
    def reset(self) -> None:
        """Forget every piece of state and rebuild the dataset: the one call that resets it all."""
        self.clock.reset()
        self.faults.clear()

    def parse_body(self, request: SimRequest, route: Route) -> Any:
        if not request.body:
            return {}
        if request.content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        return json.loads(request.body)

    def authenticate(self, call: Call) -> None:
        """Resolve credentials into call.principal / call.merchant, or raise the platform's 401/403."""

    def reject_invalid(self, call: Call, violations: list[Violation]) -> None:
        """Raise the platform's validation error for the violations the real platform refuses."""

    def error_for_route(self, request: SimRequest, allowed: list[str]) -> PlatformError:
        raise NotImplementedError

    def error_too_large(self) -> PlatformError:
        raise NotImplementedError

    def error_unexpected(self) -> SimResponse:
        raise NotImplementedError

    def error_fault(self, status: int) -> SimResponse:
        raise NotImplementedError

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
            if call is not None and not fault:
                violations += self.schemas.check(call.route.operation, "response", response.body, response.status)
            self._record(request, response, call, parsed, violations, fault, error, started)
            if fault and fault.timeout:
                raise SimTimeout(call.route.operation if call else "")
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
        if fault.timeout:
            return SimResponse(504)
        return self.error_fault(fault.status or 503)

    def _secrets(self) -> frozenset[str]:
        return frozenset(s for s in self.known_secrets() if len(s) >= 8)

    def _misplaced_secrets(self, request: SimRequest, operation: str, secrets: frozenset[str]) -> list[str]:
        """Where credentials travelled that the platform does not expect them (only Authorization does)."""
        found = []
        places = [("the URL path", request.path), ("the URL query", request.query_string)]
        places += [(f"the {name} header", value) for name, value in request.headers.items() if name != "authorization"]
        if operation not in self.secret_bearing_operations:
            places.append(("the request body", request.body.decode("utf-8", "replace")))
        for where, text in places:
            if any(secret in text for secret in secrets):
                found.append(f"secret in {where}")
        return found

    def _record(self, request: SimRequest, response: SimResponse, call: Call | None, parsed: Any,
                violations: list[Violation], fault: Fault | None, error: str | None, started: float) -> None:
        operation = call.route.operation if call else ""
        secrets = self._secrets()
        self.journal.record(Exchange(
            seq=self.journal.next_seq(),
            scenario=self.journal.scenario,
            platform=self.platform,
            operation=operation,
            method=request.method,
            path=scrub_text(request.path, secrets),
            query=redact_value(request.query, secrets),
            request_headers=redact_headers(request.headers, secrets),
            request_body=redact_value(parsed, secrets) if parsed is not None else _raw_text(request.body, secrets),
            status=response.status,
            response_headers=redact_headers(response.all_headers(), secrets),
            response_body=(redact_value(response.body, secrets) if response.text is None
                           else scrub_text(response.text[:2048], secrets)),
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            merchant=call.merchant if call else None,
            violations=violations,
            misplaced_secrets=self._misplaced_secrets(request, operation, secrets),
            fault=fault.describe() if fault else None,
            error=error,
        ))

    # -- webhooks: platform → integration -----------------------------------------
    def send_webhook(self, url: str, event: str, headers: dict[str, str], body: bytes,
                     merchant: str | None = None) -> int:
        """Deliver one event and journal it; an unreachable receiver is recorded, not raised."""
        started = time.perf_counter()
        status = 0
        if self.deliver_webhook is not None:
            try:
                status = self.deliver_webhook(url, headers, body)
            except Exception as exc:  # the receiver failed: a delivery failure, as on the real platform
                status = 0
                headers = {**headers, "x-poscert-delivery-error": type(exc).__name__}
        self.journal.record(Exchange(
            seq=self.journal.next_seq(), scenario=self.journal.scenario, platform=self.platform,
            operation=f"webhook:{event}", method="POST", path=url, query={},
            request_headers=redact_headers(headers), request_body=_raw_text(body, self._secrets()), status=status,
            response_headers={}, response_body=None,
            duration_ms=round((time.perf_counter() - started) * 1000, 3), merchant=merchant,
            direction="webhook"))
        return status


def _raw_text(body: bytes, secrets: frozenset[str]) -> Any:
    if not body:
        return None
    text = body[:JOURNAL_BODY_BYTES].decode("utf-8", "replace")
    try:
        return redact_value(json.loads(text), secrets)
    except ValueError:
        suffix = f"… ({len(body)} bytes)" if len(body) > JOURNAL_BODY_BYTES else ""
        return scrub_text(text, secrets) + suffix
