"""Injected faults: the platform errors, 5xx and time-outs that ALL-ERR-01 makes an integration survive."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    operation: str
    status: int | None = 503  # None with timeout=True: no answer at all
    timeout: bool = False
    after_processing: bool = False  # the platform did the work, the answer was lost
    times: int = 1

    def describe(self) -> str:
        what = "time-out" if self.timeout else f"status {self.status}"
        return f"{what}{' after processing' if self.after_processing else ''}"


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
