"""Injected faults: the platform errors, 5xx, time-outs and dropped connections that ALL-ERR-01 makes an
integration survive, and what reaches the client instead of an answer."""

from __future__ import annotations

from dataclasses import dataclass

from poscert.simulators.core.messages import SimTimeout

AFTER_PROCESSING = " after processing"  # how the journal's description of a fault ends when the work was done


class SimDropped(Exception):
    """An injected dropped connection: adapters close it without an answer (the client sees a network error)."""

    def __init__(self, operation: str, after_processing: bool) -> None:
        super().__init__(operation)
        self.after_processing = after_processing  # the request reached the platform, which did the work


@dataclass
class Fault:
    operation: str
    status: int | None = 503  # None with timeout or dropped: no answer at all
    timeout: bool = False
    dropped: bool = False  # the connection closes before any answer
    after_processing: bool = False  # the platform did the work, the answer was lost
    times: int = 1

    def describe(self) -> str:
        what = "time-out" if self.timeout else "dropped connection" if self.dropped else f"status {self.status}"
        return what + (AFTER_PROCESSING if self.after_processing else "")

    @property
    def recorded_status(self) -> int:
        """The status the journal records: the platform's, or a gateway's when no answer reached the client."""
        if self.timeout:
            return 504
        return 502 if self.dropped else self.status or 503

    def interruption(self, operation: str) -> Exception | None:
        """What the client gets instead of the answer, raised once the exchange is journaled; None: the answer."""
        if self.timeout:
            return SimTimeout(operation)
        return SimDropped(operation, self.after_processing) if self.dropped else None


class FaultPlan:
    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def arm(self, fault: Fault) -> None:
        self._faults.append(fault)

    def take(self, operation: str) -> Fault | None:
        for fault in self._faults:
            if fault.operation == operation and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def clear(self) -> None:
        self._faults.clear()

    def pending(self) -> list[Fault]:
        """The faults still armed (some calls left), in the order they were armed."""
        return [fault for fault in self._faults if fault.times > 0]


@dataclass
class Latency:
    """Added latency before an operation is answered, for a number of calls: a slow network or platform.
    Applied by the served app (it sleeps without blocking other requests), never by the pipeline."""

    operation: str
    milliseconds: float
    times: int = 1


class LatencyPlan:
    def __init__(self) -> None:
        self._delays: list[Latency] = []

    def arm(self, latency: Latency) -> None:
        self._delays.append(latency)

    def take(self, operation: str) -> float:
        """The seconds to wait before this call (0: none), spending one of the armed calls."""
        for latency in self._delays:
            if latency.operation == operation and latency.times > 0:
                latency.times -= 1
                return latency.milliseconds / 1000
        return 0.0

    def pending(self) -> list[Latency]:
        return [latency for latency in self._delays if latency.times > 0]

    def clear(self) -> None:
        self._delays.clear()
