"""A journal for a long-running server: the newest exchanges in memory, the older ones in a JSON Lines file.

A certification run is short and its journal is read whole; a served simulator may take millions of
requests, and holding each exchange (bodies up to 16 KB) would grow the process without end. The
journal's readers (`since`, `exchanges`, the admin API) see what is in memory; what left it is in the
spill file, one record per line, as `journal.jsonl` writes them.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

from poscert.base.journal import Event, Exchange, Journal, JsonLines, line_of
from poscert.simulators.core.simulator import JOURNAL_BODY_BYTES


class BoundedJournal(Journal):
    """Keeps at most `limit` records in memory; each one pushed out is appended to `spill` (if given)."""

    def __init__(self, limit: int, spill: Path | None = None) -> None:
        if limit < 1:
            raise ValueError("a journal keeps at least one record")
        super().__init__()
        self.limit = limit
        self.spilled = 0
        self._records = deque(maxlen=limit)  # type: ignore[assignment]  # Journal only appends, iterates, clears
        self._spill = JsonLines(spill) if spill is not None else None

    def record(self, exchange: Exchange) -> Exchange:
        self._push_out_oldest()
        _cap_request_body(exchange)
        return super().record(exchange)

    def event(self, name: str, **detail: object) -> Event:
        self._push_out_oldest()
        return super().event(name, **detail)

    def _push_out_oldest(self) -> None:
        if len(self._records) < self.limit:
            return
        oldest = self._records[0]  # the deque drops it on the next append
        self.spilled += 1
        if self._spill is not None:
            self._spill.write([line_of(oldest)])

    def close(self) -> None:
        super().close()
        if self._spill is not None:
            self._spill.close()


def _cap_request_body(exchange: Exchange) -> None:
    """A large body that parsed is recorded whole by the pipeline: kept here as its first 16 KB of text,
    so the limit on records is also a limit on memory. Only bodies declared larger are serialised."""
    declared = exchange.request_headers.get("content-length", "")
    if not declared.isdigit() or int(declared) <= JOURNAL_BODY_BYTES or exchange.request_body is None:
        return
    text = json.dumps(exchange.request_body, default=str, ensure_ascii=False)
    if len(text) > JOURNAL_BODY_BYTES:
        exchange.request_body = f"{text[:JOURNAL_BODY_BYTES]}… ({declared} bytes)"
