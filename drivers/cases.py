"""The integrations that prove the harness's verdicts, on any platform.

A *broken* integration is a reference with one realistic mistake: it must fail on the requirement
it breaks and nowhere else. A *conforming variant* satisfies a requirement in another way the guide
allows (another documented endpoint, the opt-in on the order): it must be certified. Each case
names the guide sentence it comes from, so the two lists read as the method: for every
requirement, the ways to violate it and the ways to satisfy it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

BROKEN, CONFORMING = "broken", "conforming"


@dataclass(frozen=True)
class Case:
    cls: type
    requirement: str
    guide: str  # the guide's sentence (or the catalog's) that the case reads
    expectation: str  # BROKEN: fails on `requirement` only; CONFORMING: certified, `requirement` passed

    @property
    def name(self) -> str:
        return self.cls.__name__

    @property
    def summary(self) -> str:
        return (self.cls.__doc__ or "").strip().splitlines()[0] if self.cls.__doc__ else self.name


class Cases:
    """A platform's cases of one expectation, in the order they are declared."""

    def __init__(self, expectation: str, guide: Mapping[str, str]) -> None:
        self.expectation = expectation
        self.guide = guide  # requirement -> the guide's sentence, cited when a case names no other
        self.cases: list[Case] = []

    def __call__(self, requirement: str, guide: str | None = None) -> Callable[[type], type]:
        """Register the decorated integration under the requirement it breaks (or satisfies)."""

        def register(cls: type) -> type:
            setattr(cls, "breaks" if self.expectation == BROKEN else "conforms", requirement)
            self.cases.append(Case(cls, requirement, guide or self.guide.get(requirement, ""), self.expectation))
            return cls

        return register

    def __iter__(self) -> Iterator[Case]:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)

    @property
    def classes(self) -> list[type]:
        return [case.cls for case in self.cases]

    def by_requirement(self) -> dict[str, list[type]]:
        found: dict[str, list[type]] = {}
        for case in self.cases:
            found.setdefault(case.requirement, []).append(case.cls)
        return found


def markdown_table(requirements: list[str], broken: Cases, conforming: Cases) -> str:
    """Per requirement, the violations and the conforming variants the project's tests certify."""
    rows = ["| requirement | violations tried (must fail) | conforming variants (must be certified) |", "|---|---|---|"]
    for requirement in requirements:
        cells = [
            "<br>".join(f"`{c.name}`: {c.summary}" for c in cases if c.requirement == requirement) or "—"
            for cases in (broken, conforming)
        ]
        rows.append(f"| {requirement} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)
