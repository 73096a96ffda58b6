"""The requirement catalog: one YAML file, loaded once, checked against scenario tags."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOG_FILE = Path(__file__).resolve().parent.parent / "requirements.yaml"
LEVELS = ("MUST", "SHOULD", "MAY")
KINDS = ("kiosk", "pos")


@dataclass(frozen=True)
class Requirement:
    id: str
    platform: str  # a platform name, or "all" for requirements every platform carries
    level: str
    kinds: tuple[str, ...]
    sources: tuple[str, ...]  # seed file names
    title: str
    capability: str | None = None

    def applies_to(self, platform: str, kind: str | None = None) -> bool:
        return self.platform in (platform, "all") and (kind is None or kind in self.kinds)


class Catalog:
    def __init__(self, requirements: list[Requirement], version: int) -> None:
        self.version = version
        self._by_id = {r.id: r for r in requirements}
        if len(self._by_id) != len(requirements):
            raise ValueError("duplicate requirement id in the catalog")

    def __contains__(self, req_id: str) -> bool:
        return req_id in self._by_id

    def __getitem__(self, req_id: str) -> Requirement:
        return self._by_id[req_id]

    def __iter__(self):
        return iter(self._by_id.values())

    def for_platform(self, platform: str) -> list[Requirement]:
        return [r for r in self if r.applies_to(platform)]


def parse_catalog(data: dict) -> Catalog:
    seeds = data["seeds"]
    reqs = []
    for raw in data["requirements"]:
        if raw["level"] not in LEVELS or not set(raw["kinds"]) <= set(KINDS):
            raise ValueError(f"{raw['id']}: bad level or kinds")
        reqs.append(
            Requirement(
                id=raw["id"],
                platform=raw["platform"],
                level=raw["level"],
                kinds=tuple(raw["kinds"]),
                sources=tuple(seeds[s] for s in raw["source"]),
                title=raw["title"],
                capability=raw.get("capability"),
            )
        )
    return Catalog(reqs, data["version"])


@cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    with open(path, encoding="utf-8") as fh:
        return parse_catalog(yaml.safe_load(fh))
