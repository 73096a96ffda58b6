"""Reading a request body the way a web framework would, without letting any input crash the pipeline.

What JSON allows but no platform keeps: nesting deeper than any payload needs, lone UTF-16 surrogates
("\\ud800", which no UTF-8 text can hold), numbers beyond 64 bits or not finite. Each is refused as
unreadable input, the way PHP's `json_decode` refuses it (depth, JSON_ERROR_UTF16) or cannot hold it.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64  # platform payloads nest a handful of levels; recursion elsewhere stays far from Python's limit
INT_LIMIT = 2**63  # a signed 64-bit integer, as the platforms' runtimes hold numbers


class Unreadable(ValueError):
    """A body the platform would read as no input."""


def read_json(raw: bytes | str) -> Any:
    """Parse JSON text; integral floats become ints (5.0 is 5), as loosely typed platforms treat them."""
    try:
        value = json.loads(raw, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except RecursionError:
        raise Unreadable("the JSON nests too deep") from None
    check_readable(value)
    return value


def check_readable(value: Any) -> None:
    """Depth and text checks without recursion: a hostile body must not be what exhausts the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Unreadable(f"the JSON nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            for key, item in node.items():
                _text(key)
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _text(node)


def _text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Unreadable("a string holds a lone UTF-16 surrogate") from None


def _integer(digits: str) -> int:
    if len(digits) > 20 or abs(number := int(digits)) >= INT_LIMIT:
        raise Unreadable("an integer beyond 64 bits")
    return number


def _number(text: str) -> int | float:
    number = float(text)
    if not math.isfinite(number):
        raise Unreadable("a number beyond the double range")
    if number.is_integer() and abs(number) < INT_LIMIT:
        return int(number)
    return number


def _constant(name: str) -> None:
    raise Unreadable(f"{name} is not JSON")
