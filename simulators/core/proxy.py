"""Proxy mode: a platform's simulator that forwards each request to a live upstream (the platform's
sandbox) instead of answering it from its own state.

Everything else is the simulator's own pipeline (`Simulator.handle`): routing to the platform's
operation ids, injected faults, body parsing, schema validation of the request and of the response,
redaction and the journal. So a run against a sandbox is judged from the same `Exchange` records as a
run against the simulator. What differs:

- the request is never refused here (no authentication, no `reject_invalid`): the upstream decides;
- the upstream's answer is validated like a handler's, but a response that breaks our schema is the
  platform drifting from what we know of it, not the partner's mistake: its violations carry
  `drift=True`;
- an upstream that is down, too slow, or answers something that is not HTTP or not the JSON it
  declares gives the integration the platform's own 502 or 504 (`fault_response`), journaled with
  why as drift; the proxy itself never fails a request;
- secrets are learned as they pass (tokens in answers, credentials in requests) and added to the
  sandbox's credentials, so they are masked by value wherever else they travel.

Forwarding uses the standard library's `http.client`, not httpx: the run intercepts httpx on the
platform's real hostnames in-process, and the upstream may well be one of those hostnames.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from poscert.base.journal import Journal, Violation
from poscert.base.redaction import SECRET_FIELDS, SECRET_HEADERS
from poscert.base.validation import SchemaSet
from poscert.simulators.core.messages import SimRequest, SimResponse
from poscert.simulators.core.payloads import read_json
from poscert.simulators.core.simulator import Call, Simulator

UPSTREAM_TIMEOUT_SECONDS = 20.0  # below the default driver call time-out (30 s): the integration gets a 504 first
MAX_UPSTREAM_BYTES = 4 * 1024 * 1024
MIN_SECRET_LENGTH = 8  # shorter values would mask ordinary words in the evidence
# Not forwarded: hop-by-hop headers, and what the forwarding connection sets itself.
HOP_HEADERS = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "accept-encoding",
        "content-encoding",
    }
)
DRIFT_RULE = "upstream"  # the rule of a drift that is no schema keyword: the upstream did not answer as HTTP/JSON


class UpstreamError(Exception):
    """The upstream gave no usable answer: the integration gets `status` in the platform's error shape."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


@dataclass
class Upstream:
    """Where a proxy forwards, with the credentials of the sandbox (masked in evidence by value).

    `public_url` is the proxy's own address: redirects the upstream sends to itself are rewritten to it,
    so the integration (or the merchant's browser) keeps talking to the proxy.
    """

    url: str
    credentials: frozenset[str] = field(default=frozenset(), repr=False)  # never printed: secrets
    timeout: float = UPSTREAM_TIMEOUT_SECONDS
    public_url: str | None = None
    verify_tls: bool = True
    _learned: set[str] = field(default_factory=set, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the upstream must be an http(s) URL, not {self.url!r}")
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")

    @property
    def host(self) -> str:
        return self._host

    def secrets(self) -> set[str]:
        """The sandbox's credentials and every secret seen on the wire so far."""
        with self._lock:
            return set(self.credentials) | self._learned

    def learn(self, values: Iterable[str]) -> None:
        with self._lock:
            self._learned.update(v for v in values if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH)

    def forward(self, request: SimRequest) -> SimResponse:
        """One request sent upstream as received (method, path, query, headers, raw body); its answer as a
        `SimResponse`. Raises `UpstreamError` when there is no usable answer."""
        target = self._prefix + request.path + (f"?{request.query_string}" if request.query_string else "")
        headers = {k: v for k, v in request.headers.items() if k not in HOP_HEADERS}
        headers["accept-encoding"] = "identity"  # bodies are read, validated and journaled as text
        connection = self._connection()
        try:
            connection.request(request.method, target, body=request.body or None, headers=headers)
            answer = connection.getresponse()
            raw = answer.read(MAX_UPSTREAM_BYTES + 1)
            status, answer_headers = answer.status, {k.lower(): v for k, v in answer.getheaders()}
        except TimeoutError:
            raise UpstreamError(504, f"the upstream did not answer within {self.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            raise UpstreamError(502, f"the upstream could not be reached: {type(exc).__name__}: {exc}") from None
        finally:
            connection.close()
        if len(raw) > MAX_UPSTREAM_BYTES:
            raise UpstreamError(502, f"the upstream's answer is larger than {MAX_UPSTREAM_BYTES} bytes")
        return self._response(status, answer_headers, raw)

    def _connection(self) -> http.client.HTTPConnection:
        if self._scheme == "https":
            context = ssl.create_default_context() if self.verify_tls else ssl._create_unverified_context()
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _response(self, status: int, headers: dict[str, str], raw: bytes) -> SimResponse:
        if not 100 <= status <= 599:
            raise UpstreamError(502, f"the upstream answered status {status}")
        kept = {k: v for k, v in headers.items() if k not in HOP_HEADERS and k not in ("date", "server")}
        if "location" in kept and self.public_url:
            kept["location"] = self._rewritten(kept["location"])
        media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if not raw:
            return SimResponse(status, None, kept)
        if media == "application/json" or media.endswith("+json"):
            try:
                body = read_json(raw)
            except (ValueError, UnicodeDecodeError):
                raise UpstreamError(502, f"the upstream's answer says {media} but is not JSON") from None
            return SimResponse(status, body, kept)
        kept.setdefault("content-type", "application/octet-stream")
        return SimResponse(status, None, kept, text=raw.decode("utf-8", "replace"))

    def _rewritten(self, location: str) -> str:
        """A redirect to the upstream itself, pointed at the proxy instead."""
        origin = f"{self._scheme}://{self._host}" + (f":{self._port}" if self._port else "")
        if self.public_url and location.startswith(origin + self._prefix):
            return self.public_url.rstrip("/") + location[len(origin + self._prefix) :]
        return location


class DriftMarked:
    """A platform's schema set whose response violations are flagged as drift: in proxy mode, a response
    comes from the upstream, so a response breaking the schema says the platform changed, not the partner."""

    def __init__(self, schemas: SchemaSet) -> None:
        self._schemas = schemas

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schemas, name)

    def check(self, operation: str, direction: str, instance: Any, status: int | None = None) -> list[Violation]:
        found = self._schemas.check(operation, direction, instance, status)
        return [replace(v, drift=True) for v in found] if direction == "response" else found


class ProxyMode(Simulator):
    """Mixed in before a platform's simulator class (see `proxy_simulator`): the pipeline is the
    platform's, the answer the upstream's."""

    upstream: Upstream

    def _process(self, call: Call) -> tuple[SimResponse, Any, list[Violation]]:
        violations: list[Violation] = []
        parsed: Any = None
        try:
            call.body = parsed = self.parse_body(call.request, call.route)
        except Exception:  # noqa: BLE001 - unreadable input is the upstream's to refuse, not ours
            call.body = None
        query = call.request.query
        if query or self.schemas.has(call.route.operation, "query"):
            violations += self.schemas.check(call.route.operation, "query", query)
        if call.request.method in ("POST", "PUT", "PATCH") or call.request.body:
            violations += self.schemas.check(call.route.operation, "request", call.body)
        self.upstream.learn(secret_values(parsed, self.redactor.extra_fields))
        self.upstream.learn(header_secrets(call.request.headers, self.redactor.extra_headers))
        try:
            response = self.upstream.forward(call.request)
        except UpstreamError as failed:
            drift = Violation(call.route.operation, "response", "", DRIFT_RULE, str(failed), drift=True)
            # The journal keeps why; the integration gets the platform's own gateway error.
            self._upstream_problems.append(drift)
            return self.fault_response(failed.status), parsed, violations
        self.upstream.learn(secret_values(response.body, self.redactor.extra_fields))
        if "location" in response.headers:  # a code handed over in a redirect (an OAuth consent's)
            query = dict(parse_qsl(urlsplit(response.headers["location"]).query))
            self.upstream.learn(secret_values(query, self.redactor.extra_fields))
        return response, parsed, violations

    def handle(self, request: SimRequest) -> SimResponse:
        with self._lock:  # the pipeline's lock is re-entrant: one request's problems stay its own
            self._upstream_problems = []
            return super().handle(request)

    def _record(self, request, response, call, parsed, violations, fault, error, started) -> None:  # noqa: ANN001
        if self._upstream_problems:  # the answer is our gateway error, not the upstream's: only why is drift
            violations = [v for v in violations if v.direction != "response"] + self._upstream_problems
        super()._record(request, response, call, parsed, violations, fault, error, started)

    def known_secrets(self) -> set[str]:
        return super().known_secrets() | self.upstream.secrets()


def proxy_simulator(
    cls: type[Simulator], upstream: Upstream, journal: Journal | None = None, *, seed: int, dataset: str = "default"
) -> Simulator:
    """The platform's simulator in proxy mode in front of `upstream`. Its own state is built (its routes,
    schemas, declaration and fault bodies are what the pipeline needs) but never answers a request."""
    proxied = type(f"{cls.__name__}Proxy", (ProxyMode, cls), {"__module__": cls.__module__})
    sim = proxied.__new__(proxied)
    sim.upstream = upstream
    sim._upstream_problems = []
    cls.__init__(sim, journal, seed=seed, dataset=dataset)
    sim.schemas = DriftMarked(sim.schemas)
    return sim


def secret_values(value: Any, extra_fields: frozenset[str] = frozenset()) -> set[str]:
    """Values of secret-named fields anywhere in a JSON-like value (a token in an answer, a secret in a form)."""
    names = SECRET_FIELDS | extra_fields
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for key, item in node.items():
                if str(key).lower() in names and isinstance(item, str):
                    found.add(item)
                else:
                    stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def header_secrets(headers: Mapping[str, str], extra_headers: frozenset[str] = frozenset()) -> set[str]:
    """Credentials in secret headers, without their scheme (`Bearer <token>` → the token)."""
    names = SECRET_HEADERS | extra_headers
    return {value.split(" ", 1)[-1] for name, value in headers.items() if name.lower() in names}


__all__ = ["DriftMarked", "ProxyMode", "Upstream", "UpstreamError", "proxy_simulator"]
