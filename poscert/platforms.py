"""Which platforms are installed, and loading what their declarations name.

Platforms register under the `poscert.platforms` entry-point group, so adding one touches no
generic code: its package declares itself (see docs/adding-a-platform.md).
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from poscert.base.platform import Platform

ENTRY_POINT_GROUP = "poscert.platforms"


@cache
def platforms() -> dict[str, Platform]:
    found = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        declaration = entry.load()
        if not isinstance(declaration, Platform) or declaration.name != entry.name:
            raise TypeError(f"entry point {entry.name} = {entry.value} is not the Platform named {entry.name!r}")
        found[entry.name] = declaration
    return dict(sorted(found.items()))


def platform(name: str) -> Platform:
    try:
        return platforms()[name]
    except KeyError:
        known = ", ".join(platforms()) or "none installed"
        raise ValueError(f"unknown platform {name!r}; known: {known}") from None


def load_object(spec: str) -> Any:
    """`package.module:Name` (or `:Outer.Inner`) to the object it names."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"{spec!r} must look like package.module:Name")
    target: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


def simulator_class(name: str) -> type:
    return load_object(platform(name).simulator)
