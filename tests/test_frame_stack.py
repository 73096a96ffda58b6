"""`with_room` is a plain call to its function, whatever room it gives the frames below."""

from __future__ import annotations

import sys

import pytest

from poscert import frame_stack


def test_the_call_returns_what_the_function_returns_and_raises_what_it_raises():
    assert frame_stack.with_room(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(KeyError, match="missing"):
        frame_stack.with_room({}.__getitem__, "missing")


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython's frame stack only")
def test_the_caller_frame_is_too_large_for_a_chunk_of_its_own_size():
    assert frame_stack._call.__code__.co_stacksize == frame_stack.ROOM > 16 * 1024 // 8
