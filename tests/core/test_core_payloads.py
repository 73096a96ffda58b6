"""What JSON allows and no platform keeps is refused as unreadable, without recursion or a crash."""

from __future__ import annotations

import pytest

from poscert.simulators.core.payloads import MAX_DEPTH, Unreadable, read_json


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
        b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's own recursion limit
        b'{"a": "\\ud800"}',
        b'{"\\udfff": 1}',
        b'{"n": 123456789012345678901234567890}',
        b'{"n": 1e999}',
        b'{"n": NaN}',
        b'{"n": -Infinity}',
    ],
)
def test_unreadable_input_is_refused_as_such(raw):
    with pytest.raises(Unreadable):
        read_json(raw)


def test_readable_input_keeps_its_values_with_integral_floats_as_integers():
    assert read_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None
    assert read_json(b'{"points": 5.0, "ratio": 0.5, "big": 9007199254740993, "text": "\\u00e9\\ud83d\\ude00"}') == {
        "points": 5,
        "ratio": 0.5,
        "big": 9007199254740993,
        "text": "é😀",
    }
    assert isinstance(read_json(b"5.0"), int)
