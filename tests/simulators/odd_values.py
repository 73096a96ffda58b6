"""Odd values the simulator fuzz tests put in every field of every valid request."""

from __future__ import annotations


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


# Plain oddities, then what JSON allows and no platform keeps (a lone surrogate, numbers beyond 64 bits
# or a double, an integral float, nesting far deeper than any payload), then digits Python's int()
# chokes on (5000 of them, "²", Arabic-Indic digits).
ODD = (
    *(None, "", 0, -1, 10**20, 1.5, True, [], {}, "x" * 300, "2026-13-45", "+32", "😀", ["a"], [{}]),
    *("a\ud800b", 10**400, 5.0, float("inf"), nested(300)),
    *("9" * 5000, "²", "١٢"),
)


def mutations(body):
    """The body with one field (top level, or inside the first list item) made odd, or left out."""
    for key, value in body.items():
        for odd in ODD:
            yield {**body, key: odd}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                for odd in ODD[:14]:
                    yield {**body, key: [{**value[0], inner: odd}, *value[1:]]}
        yield {k: v for k, v in body.items() if k != key}
