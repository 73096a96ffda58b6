"""Generic code names no platform: platforms plug in through their declaration, never by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_NAMES = re.compile(r"pongo|punchh|spoonity", re.I)
GENERIC = [
    *(ROOT / "poscert").glob("*.py"),
    *(ROOT / "poscert" / "base").glob("*.py"),
    *(ROOT / "poscert" / "templates").glob("*"),
    *(ROOT / "simulators" / "core").glob("*.py"),
    *(ROOT / "steps" / "common").glob("*.py"),
    *(ROOT / "drivers").glob("*.py"),
]


@pytest.mark.parametrize("path", GENERIC, ids=lambda path: str(path.relative_to(ROOT)))
def test_generic_code_names_no_platform(path: Path):
    found = [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if PLATFORM_NAMES.search(line)
    ]
    assert not found, "\n".join(found)
