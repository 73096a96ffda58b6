"""Which integration a run certifies: `package.module:Class`, or the bundled reference of a platform and kind."""

from __future__ import annotations

import importlib

REFERENCES = {
    ("pongo", "kiosk"): "drivers.pongo.reference:PongoKiosk",
    ("pongo", "pos"): "drivers.pongo.reference:PongoPOS",
}


def load_driver(spec: str) -> type:
    module_name, sep, attr = spec.partition(":")
    if not sep or not attr:
        raise ValueError(f"driver spec {spec!r} must look like package.module:Class")
    target = importlib.import_module(module_name)
    for part in attr.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise ValueError(f"driver spec {spec!r} does not name a class")
    return target


def reference_spec(platform: str, kind: str) -> str:
    try:
        return REFERENCES[(platform, kind)]
    except KeyError:
        raise ValueError(f"no reference integration for platform {platform!r} and kind {kind!r}") from None
