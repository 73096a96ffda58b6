"""The traffic journal: every exchange with a platform, in order, redacted, queryable by steps."""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any


@dataclass(frozen=True)
class Violation:
    """A schema rule an exchange broke: which way, which operation, where, which rule."""

    operation: str
    direction: str  # "request", "query" or "response"
    pointer: str  # JSON pointer into the instance ("" for the root)
    rule: str  # the JSON Schema keyword that failed
    message: str
    # A response from a live upstream (a platform's sandbox) that breaks our schema: the platform drifted from
    # what we know of it. Never the partner's failure; reported apart (`Exchange.drift`, `Journal.drift`).
    drift: bool = False

    def __str__(self) -> str:
        return f"{self.direction} of {self.operation} at '{self.pointer or '/'}' breaks '{self.rule}': {self.message}"


@dataclass
class Exchange:
    """One request and its response, as recorded (secrets already masked)."""

    seq: int
    scenario: str
    platform: str
    operation: str  # operation id from the simulator's routes, "" when no route matched
    method: str
    path: str
    query: dict[str, Any]
    request_headers: dict[str, str]
    request_body: Any
    status: int
    response_headers: dict[str, str]
    response_body: Any
    duration_ms: float
    merchant: str | None = None  # the tenant the credentials resolved to
    direction: str = "inbound"  # "inbound": integration → platform; "webhook": platform → integration
    violations: list[Violation] = field(default_factory=list)
    misplaced_secrets: list[str] = field(default_factory=list)  # e.g. "access token in query"
    fault: str | None = None
    error: str | None = None  # simulator bug (an unexpected exception): must never happen

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def request_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.direction in ("request", "query")]

    def response_violations(self) -> list[Violation]:
        return [v for v in self.violations if v.direction == "response"]

    @property
    def drift(self) -> list[Violation]:
        """Where the upstream's answer broke our schema (or gave no usable answer): platform drift."""
        return [v for v in self.violations if v.drift]

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not `asdict`: its deep copy of every body was most of a journal line's cost,
        # and the record is only serialised, never changed.
        record = {name: getattr(self, name) for name in self.__dataclass_fields__}
        record["violations"] = [asdict(v) for v in self.violations]
        return record

    def title(self) -> str:
        return f"#{self.seq} {self.method} {self.path} → {self.status}"


@dataclass(frozen=True)
class Event:
    """Something that happened outside the wire (a payment outcome) placed in the call sequence."""

    seq: int
    scenario: str
    name: str
    detail: dict[str, Any]


class Journal:
    """Append-only; records carry a global sequence so calls and events can be ordered."""

    def __init__(self, sink: Path | None = None) -> None:
        self._records: list[Exchange | Event] = []
        self._seq = 0
        self.scenario = ""
        self._sink = JsonLines(sink) if sink is not None else None

    # -- writing ------------------------------------------------------------
    def begin(self, scenario: str) -> None:
        self.scenario = scenario

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest record: a cursor for "what happens from now on"."""
        return self._seq

    def record(self, exchange: Exchange) -> Exchange:
        self._records.append(exchange)
        if self._sink is not None:  # building the dict is most of a record's cost: only when written
            self._sink.write([line_of(exchange)])
        return exchange

    def event(self, name: str, **detail: Any) -> Event:
        ev = Event(self.next_seq(), self.scenario, name, detail)
        self._records.append(ev)
        if self._sink is not None:
            self._sink.write([line_of(ev)])
        return ev

    def load(self, lines: Iterable[dict[str, Any]]) -> None:
        """Append records another journal wrote (`lines()`), keeping their sequence numbers: the controller of
        a parallel run reads every worker's journal as one, and what it records next comes after them."""
        loaded = [record_of(line) for line in lines]
        self._records.extend(loaded)
        self._seq = max([self._seq, *(record.seq for record in loaded)])
        if self._sink is not None and loaded:
            self._sink.write(line_of(record) for record in loaded)

    def clear(self) -> None:
        self._records.clear()

    def close(self) -> None:
        """Close the sink before it is read or moved; a record written after this opens it again."""
        if self._sink is not None:
            self._sink.close()

    # -- reading ------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.exchanges())

    def since(self, seq: int) -> list[Exchange]:
        """Exchanges recorded after `seq`, in any direction: read from the end, so the cost is what is new."""
        fresh = []
        for record in reversed(self._records):
            if record.seq <= seq:
                break
            if isinstance(record, Exchange):
                fresh.append(record)
        return fresh[::-1]

    def exchanges(
        self,
        operation: str | Iterable[str] | None = None,
        *,
        scenario: str | None = None,
        direction: str | None = "inbound",
        ok: bool | None = None,
    ) -> list[Exchange]:
        ops = {operation} if isinstance(operation, str) else (set(operation) if operation else None)
        scen = self.scenario if scenario is None else scenario
        return [
            r
            for r in self._records
            if isinstance(r, Exchange)
            and (scen == "*" or r.scenario == scen)
            and (ops is None or r.operation in ops)
            and (direction is None or r.direction == direction)
            and (ok is None or r.ok == ok)
        ]

    def events(self, name: str | None = None) -> list[Event]:
        return [
            r
            for r in self._records
            if isinstance(r, Event) and r.scenario == self.scenario and (name is None or r.name == name)
        ]

    def last(self, operation: str) -> Exchange | None:
        found = self.exchanges(operation)
        return found[-1] if found else None

    def before(self, event: Event, operation: str | None = None) -> list[Exchange]:
        return [x for x in self.exchanges(operation) if x.seq < event.seq]

    def after(self, event: Event, operation: str | None = None) -> list[Exchange]:
        return [x for x in self.exchanges(operation) if x.seq > event.seq]

    def violations(self, direction: str | None = None) -> list[Violation]:
        return [
            v
            for x in self.exchanges(direction=None)
            for v in x.violations
            if direction is None or v.direction == direction
        ]

    def drift(self) -> list[Exchange]:
        """Exchanges of the whole run whose upstream answer drifted from the platform's schema."""
        return [r for r in self._records if isinstance(r, Exchange) and r.drift]

    def errors(self) -> list[Exchange]:
        """Exchanges where the simulator itself failed (a 500 from an unexpected exception)."""
        return [x for x in self.exchanges(direction=None) if x.error]

    def lines(self) -> list[dict[str, Any]]:
        """Every record of the run as its JSON Lines file holds it: what a worker of a parallel run hands over."""
        return [line_of(record) for record in self._records]


def line_of(record: Exchange | Event) -> dict[str, Any]:
    """A record as one line of the journal file: its fields and its type."""
    if isinstance(record, Exchange):
        return {"type": "exchange", **record.to_dict()}
    return {"type": "event", **asdict(record)}


def record_of(line: dict[str, Any]) -> Exchange | Event:
    """The record one line of a journal file holds (`line_of` read back, after a JSON round trip)."""
    fields = {key: value for key, value in line.items() if key != "type"}
    if line.get("type") == "event":
        return Event(**fields)
    fields["violations"] = [Violation(**v) for v in fields.get("violations", [])]
    return Exchange(**fields)


class JsonLines:
    """An append-only JSON Lines file, opened on the first line and kept open (opening it per line was a tenth
    of a run); each write is flushed at once, so a crash never leaves a torn record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: IO[str] | None = None
        self._lock = threading.Lock()  # the served simulator records from several threads

    def write(self, lines: Iterable[dict[str, Any]]) -> None:
        with self._lock:
            if self._out is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._out = open(self.path, "a", encoding="utf-8")  # noqa: SIM115  # kept open, closed by close()
                weakref.finalize(self, self._out.close)  # dropped without close(): no file left open
            self._out.writelines(json.dumps(line, default=str) + "\n" for line in lines)
            self._out.flush()

    def close(self) -> None:
        """Closed before the file is read or moved; a later write opens it again."""
        with self._lock:
            if self._out is not None:
                self._out.close()
                self._out = None
