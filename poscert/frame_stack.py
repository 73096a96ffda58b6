"""A call run with room of its own on CPython's frame stack, whatever the depth of its caller.

CPython (3.11 on) keeps each thread's Python frames in chunks of 16 KiB, maps a new chunk when a
frame does not fit in the current one, and unmaps it as soon as the frame that opened it returns.
Code that calls back and forth across a chunk boundary maps and unmaps a chunk, and faults its
pages in, on each such call. Where the boundaries fall depends only on how deep the caller is: the
project's test suite certifies inside its own pytest process, deep in the stack, where a
certification paid up to 29,000 page faults and 0.2 s of system time (a quarter of its CPU) for
it. A frame too large for any chunk is given one of its own, with the room behind it for a whole
certification; its stack slots are never written, so the untouched pages cost nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
# Stack slots (8 bytes each) reserved in the frame: 256 KiB, so its chunk is 512 KiB and leaves as much
# again behind it, some ten times what a certification uses (pytest, pytest-bdd, the steps, the
# integration, httpx and the simulator). A deeper call only opens further chunks, as without this.
ROOM = 1 << 15


def _call(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    return fn(*args)


if sys.implementation.name == "cpython":  # the value stack size only sizes the frame: nothing reads the slots
    _call.__code__ = _call.__code__.replace(co_stacksize=ROOM)


def with_room(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)`, starting at the beginning of a frame-stack chunk of its own (on CPython)."""
    return _call(fn, args)
