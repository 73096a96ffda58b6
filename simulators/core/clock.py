"""Simulated time: scenarios move it on purpose; the wall clock never decides what a step checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(2026, 1, 15, 10, 0, 0, tzinfo=UTC)


class SimClock:
    def __init__(self, start: datetime = EPOCH) -> None:
        self._start = start
        self._now = start

    def now(self) -> datetime:
        return self._now

    def timestamp(self) -> int:
        return int(self._now.timestamp())

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, now: datetime) -> None:
        """Jump to a given instant (the served admin API's `{"now": ...}`); a naive time is read as UTC."""
        self._now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def reset(self) -> None:
        self._now = self._start
