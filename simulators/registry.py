"""Platform name → simulator class, imported on demand."""

from __future__ import annotations

import importlib

SIMULATORS = {"pongo": "simulators.pongo:PongoSimulator"}


def simulator_class(platform: str) -> type:
    try:
        module, _, name = SIMULATORS[platform].partition(":")
    except KeyError:
        raise ValueError(f"no simulator for {platform!r}; known: {', '.join(sorted(SIMULATORS))}") from None
    return getattr(importlib.import_module(module), name)
