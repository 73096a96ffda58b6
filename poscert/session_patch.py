"""A function of pytest or pytest-bdd replaced only while a certification session runs.

The project's own test suite runs certifications inside its pytest process, so a replacement
must neither leak into the outer session nor outlive the run that asked for it: it goes in when
the first session enables it and the original comes back when the last of them ends.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

import pytest

S = TypeVar("S")


class SessionPatch(Generic[S]):
    """`module.name` replaced while at least one session has enabled it; each session keeps its own state."""

    def __init__(self, module: ModuleType, name: str, replacement: Callable[..., Any]) -> None:
        self.module, self.name, self.replacement = module, name, replacement
        self.original: Callable[..., Any] | None = None  # set while the replacement is in
        self.sessions: WeakKeyDictionary[pytest.Config, S] = WeakKeyDictionary()

    def unpatched(self) -> Any:
        """What the module holds without the replacement; None when it has no such attribute."""
        found = getattr(self.module, self.name, None)
        return self.original if found is self.replacement else found

    def enable(self, config: pytest.Config, state: S) -> None:
        """Put the replacement in until this session ends (its config's cleanup)."""
        if config in self.sessions:
            return
        if self.original is None:
            self.original = getattr(self.module, self.name)
            setattr(self.module, self.name, self.replacement)
        self.sessions[config] = state
        config.add_cleanup(lambda: self.disable(config))

    def disable(self, config: pytest.Config) -> None:
        """Drop this session's state; the original comes back when no session needs the replacement."""
        self.sessions.pop(config, None)
        if not self.sessions and self.original is not None:
            setattr(self.module, self.name, self.original)
            self.original = None
