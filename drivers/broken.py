"""Broken integrations, on any platform: each is a reference with one realistic mistake, registered
under the requirement it breaks. The project's tests certify each and expect a failure on that
requirement only, which proves the harness catches what it should.
"""

from __future__ import annotations

from collections.abc import Callable


class BrokenRegistry:
    """A platform's broken integrations, in the order they are declared."""

    def __init__(self) -> None:
        self.classes: list[type] = []

    def __iter__(self):
        return iter(self.classes)

    def __len__(self) -> int:
        return len(self.classes)

    def breaks(self, requirement: str) -> Callable[[type], type]:
        """Register a broken integration under the requirement it violates."""

        def register(cls: type) -> type:
            cls.breaks = requirement
            self.classes.append(cls)
            return cls

        return register

    def by_requirement(self) -> dict[str, list[type]]:
        found: dict[str, list[type]] = {}
        for cls in self.classes:
            found.setdefault(cls.breaks, []).append(cls)
        return found
