"""The admin API of a served simulator, under `/_poscert`: what a developer or a harness in another
language needs to drive the platform from outside (seed, reset, clock, faults) and to see what
happened (journal, one-time passwords, webhook deliveries, the dataset's credentials).

Every action takes the simulator's lock, as a request does, so an admin call never sees half a
request's work; the served app runs these actions off the event loop. Bad input is a 4xx with a
message, never a 500. See docs/standalone-simulators.md.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime
from typing import Any

import anyio
import anyio.to_thread

from poscert.simulators.core.faults import Fault, Latency, LatencyPlan
from poscert.simulators.core.messages import SimRequest, SimResponse
from poscert.simulators.core.payloads import read_json
from poscert.simulators.core.routing import NoRoute
from poscert.simulators.core.simulator import Simulator

ADMIN_PREFIX = "/_poscert"
STREAM_POLL_SECONDS = 0.1
FAULT_FIELDS = frozenset(
    {"operation", "method", "path", "status", "timeout", "dropped", "after_processing", "latency_ms", "times"}
)


class AdminError(Exception):
    """Bad admin input: answered with its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Streamed:
    """An answer sent as it is produced (the journal stream): the app sends each chunk as it comes."""

    content_type: str
    chunks: AsyncIterator[bytes]


def as_json(value: Any, status: int = 200) -> SimResponse:
    """A JSON answer of plain data (datetimes and dataclasses included), serialised here once."""
    text = json.dumps(value, default=_plain, ensure_ascii=False)
    return SimResponse(status, headers={"content-type": "application/json"}, text=text)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _error(status: int, message: str) -> SimResponse:
    return SimResponse(status, {"message": message})


class AdminApi:
    """One simulator's admin actions; `latency` is the served app's, since latency is the network's part."""

    def __init__(self, sim: Simulator, latency: LatencyPlan) -> None:
        self.sim = sim
        self.latency = latency
        self._actions: dict[tuple[str, str], Callable[[SimRequest], SimResponse | Streamed]] = {
            ("GET", "/health"): self.health,
            ("GET", "/credentials"): self.credentials,
            ("POST", "/reset"): self.reset,
            ("POST", "/seed"): self.seed,
            ("GET", "/journal"): self.journal,
            ("GET", "/journal/stream"): self.journal_stream,
            ("GET", "/otps"): self.otps,
            ("GET", "/webhooks"): self.webhooks,
            ("GET", "/clock"): self.clock,
            ("POST", "/clock"): self.move_clock,
            ("GET", "/faults"): self.faults,
            ("POST", "/faults"): self.arm_fault,
            ("DELETE", "/faults"): self.clear_faults,
        }

    def handle(self, request: SimRequest) -> SimResponse | Streamed:
        action = request.path[len(ADMIN_PREFIX) :].rstrip("/") or "/"
        method = "GET" if request.method == "HEAD" else request.method
        found = self._actions.get((method, action))
        if found is None:
            allowed = sorted(m for m, a in self._actions if a == action)
            if allowed:
                return SimResponse(405, {"message": f"{request.method} not allowed"}, {"allow": ", ".join(allowed)})
            return _error(404, "Unknown admin action.")
        try:
            with self.sim._lock:  # the pipeline's own lock: never half a request's state
                return found(request)
        except AdminError as refused:
            return _error(refused.status, str(refused))

    # -- reading -----------------------------------------------------------------------
    def health(self, request: SimRequest) -> SimResponse:
        return SimResponse(200, {"platform": self.sim.platform, "seed": self.sim.seed, "dataset": self.sim.dataset})

    def credentials(self, request: SimRequest) -> SimResponse:
        return as_json({"platform": self.sim.platform, **credentials_of(self.sim)})

    def journal(self, request: SimRequest) -> SimResponse:
        since = _int(request.query, "since", 0)
        records = [x.to_dict() for x in self.sim.journal.since(since)]
        return SimResponse(
            200,
            headers={"content-type": "application/json", "x-poscert-last-seq": str(self.sim.journal.last_seq)},
            text=json.dumps(records, default=_plain, ensure_ascii=False),
        )

    def journal_stream(self, request: SimRequest) -> Streamed:
        """New exchanges as they are recorded: JSON Lines, or server-sent events when asked for."""
        since = _int(request.query, "since", self.sim.journal.last_seq)
        count = _int(request.query, "count", 0)
        seconds = _number(request.query, "timeout", 0)
        sse = "text/event-stream" in request.headers.get("accept", "")
        return Streamed(
            "text/event-stream" if sse else "application/x-ndjson", self._follow(since, count, seconds, sse)
        )

    async def _follow(self, since: int, count: int, seconds: float, sse: bool) -> AsyncIterator[bytes]:
        cursor, sent = since, 0
        deadline = time.monotonic() + seconds if seconds else math.inf
        while True:
            fresh = await anyio.to_thread.run_sync(self._since, cursor)
            for record in fresh:
                cursor = record["seq"]
                line = json.dumps(record, default=_plain, ensure_ascii=False)
                yield (f"id: {cursor}\ndata: {line}\n\n" if sse else line + "\n").encode("utf-8")
                sent += 1
                if count and sent >= count:
                    return
            if time.monotonic() >= deadline:
                return
            await anyio.sleep(STREAM_POLL_SECONDS)

    def _since(self, seq: int) -> list[dict[str, Any]]:
        with self.sim._lock:
            return [x.to_dict() for x in self.sim.journal.since(seq)]

    def otps(self, request: SimRequest) -> SimResponse:
        """The one-time passwords the platform "sent" (a guest's inbox), for platforms that send any."""
        sent = getattr(self.sim, "sent_otps", None)
        if not callable(sent):
            raise AdminError(404, f"{self.sim.platform} sends no one-time passwords")
        return as_json(list(sent()))

    def webhooks(self, request: SimRequest) -> SimResponse:
        since = _int(request.query, "since", 0)
        sent = [x.to_dict() for x in self.sim.journal.since(since) if x.direction == "webhook"]
        return as_json(sent)

    def clock(self, request: SimRequest) -> SimResponse:
        return as_json({"now": self.sim.clock.now().isoformat()})

    def faults(self, request: SimRequest) -> SimResponse:
        return as_json({"faults": self.sim.faults.pending(), "latency": self.latency.pending()})

    # -- changing ----------------------------------------------------------------------
    def reset(self, request: SimRequest) -> SimResponse:
        """Everything back to the dataset (state, clock, faults, journal), or one tenant's data only."""
        tenant = request.query.get("tenant")
        if tenant is None:
            self.sim.reset()
            self.sim.journal.clear()
            self.latency.clear()
            return SimResponse(204)
        self.sim.backends.discard(tenant)
        try:
            self.sim.backend(tenant)
        except Exception:  # the platform's own refusal of an unknown tenant (KeyError, a 404)
            raise AdminError(404, f"no tenant {tenant!r} in this dataset") from None
        return SimResponse(204)

    def seed(self, request: SimRequest) -> SimResponse:
        """Rebuild the world from another seed or dataset: every id, key and secret changes with it."""
        body = _object(request, {"seed", "dataset"})
        seed = body.get("seed", self.sim.seed)
        dataset = body.get("dataset", self.sim.dataset)
        if not isinstance(seed, int) or isinstance(seed, bool) or not isinstance(dataset, str):
            raise AdminError(400, 'expected {"seed": <integer>, "dataset": "<name>"}')
        before = (self.sim.seed, self.sim.dataset)
        self.sim.seed, self.sim.dataset = seed, dataset
        try:
            self.sim.reset()
        except KeyError as unknown:  # an unknown dataset: the platform's loader names the known ones
            self.sim.seed, self.sim.dataset = before
            self.sim.reset()
            raise AdminError(400, str(unknown.args[0] if unknown.args else unknown)) from None
        self.sim.journal.clear()
        self.latency.clear()
        return self.health(request)

    def move_clock(self, request: SimRequest) -> SimResponse:
        """Move simulated time forward (token expiry, code expiry): by seconds, or to an instant."""
        body = _object(request, {"advance_seconds", "now"})
        if len(body) != 1:
            raise AdminError(400, 'give one of {"advance_seconds": N} or {"now": "<ISO 8601>"}')
        clock = self.sim.clock
        if "advance_seconds" in body:
            seconds = body["advance_seconds"]
            if not _finite(seconds) or seconds < 0:
                raise AdminError(400, "advance_seconds must be a number >= 0 (the clock only moves forward)")
            clock.advance(seconds)
        else:
            try:
                target = datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
            except ValueError:
                raise AdminError(400, "now must be an ISO 8601 date-time") from None
            instant = target if target.tzinfo is not None else target.replace(tzinfo=clock.now().tzinfo)
            if instant < clock.now():
                raise AdminError(400, "the clock only moves forward; POST /_poscert/reset starts it over")
            clock.set(instant)
        return self.clock(request)

    def arm_fault(self, request: SimRequest) -> SimResponse:
        """Arm a fault for the next `times` calls of an operation (or of the route a method and path reach)."""
        body = _object(request, FAULT_FIELDS)
        operation = self._operation(body)
        times = body.get("times", 1)
        if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= 1_000_000:
            raise AdminError(400, "times must be an integer from 1 to 1000000")
        kinds = [k for k in ("status", "timeout", "dropped") if body.get(k) not in (None, False)]
        latency = body.get("latency_ms")
        if len(kinds) > 1:
            raise AdminError(400, "give one of status, timeout or dropped")
        if not kinds and latency is None:
            raise AdminError(400, "give status, timeout, dropped or latency_ms")
        if latency is not None:
            if not _finite(latency) or not 0 <= latency <= 600_000:
                raise AdminError(400, "latency_ms must be a number from 0 to 600000")
            self.latency.arm(Latency(operation, float(latency), times))
        if kinds:
            status = body.get("status")
            if status is not None and (
                not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599
            ):
                raise AdminError(400, "status must be an integer from 400 to 599")
            after = body.get("after_processing", False)
            if not isinstance(after, bool) or any(
                not isinstance(body.get(k, False), bool) for k in ("timeout", "dropped")
            ):
                raise AdminError(400, "timeout, dropped and after_processing are true or false")
            self.sim.faults.arm(
                Fault(
                    operation,
                    status,
                    timeout=bool(body.get("timeout")),
                    dropped=bool(body.get("dropped")),
                    after_processing=after,
                    times=times,
                )
            )
        return as_json({"faults": self.sim.faults.pending(), "latency": self.latency.pending()}, 201)

    def clear_faults(self, request: SimRequest) -> SimResponse:
        self.sim.faults.clear()
        self.latency.clear()
        return SimResponse(204)

    def _operation(self, body: dict[str, Any]) -> str:
        known = {route.operation for route in self.sim.routes}
        if "operation" in body:
            if body["operation"] not in known:
                raise AdminError(400, f"unknown operation {body['operation']!r}; known: {', '.join(sorted(known))}")
            return body["operation"]
        method, path = body.get("method"), body.get("path")
        if not isinstance(method, str) or not isinstance(path, str):
            raise AdminError(400, 'name the call: {"operation": ...} or {"method": ..., "path": ...}')
        try:
            route, _ = self.sim.router.match(method.upper(), path.split("?", 1)[0])
        except NoRoute:
            raise AdminError(400, f"no route for {method.upper()} {path}") from None
        return route.operation


def credentials_of(sim: Simulator) -> dict[str, Any]:
    """What the platform hands a partner for this dataset (a simulator's `credentials()`), or nothing."""
    found = getattr(sim, "credentials", None)
    return dict(found()) if callable(found) else {}


def _object(request: SimRequest, allowed: frozenset[str] | set[str]) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        body = read_json(request.body)
    except (ValueError, UnicodeDecodeError):
        raise AdminError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise AdminError(400, "the body must be a JSON object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise AdminError(400, f"unknown field(s): {', '.join(unknown)}; known: {', '.join(sorted(allowed))}")
    return body


def _int(query: dict[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 18:
        raise AdminError(400, f"{name} must be a non-negative integer")
    return int(raw)


def _number(query: dict[str, str], name: str, default: float) -> float:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise AdminError(400, f"{name} must be a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise AdminError(400, f"{name} must be a number of seconds")
    return value


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
