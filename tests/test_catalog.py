"""The project's catalog carries every requirement of the shared catalog, with the same level and kinds."""

import re
from pathlib import Path

import pytest

from poscert.base.catalog import load_catalog, parse_catalog

SHARED = Path(__file__).resolve().parents[2] / "shared" / "requirements.md"
ROW = re.compile(r"^\| ((?:PONGO|PUNCHH|SPOON|ALL)-[A-Z]+-\d+) \| (MUST|SHOULD|MAY) \| (all|kiosk|pos) \|", re.M)


def shared_rows() -> list[tuple[str, str, str]]:
    if not SHARED.exists():
        pytest.skip("../shared/requirements.md is not beside this checkout")
    return ROW.findall(SHARED.read_text(encoding="utf-8"))


def test_every_shared_requirement_is_in_the_catalog_with_its_level_and_kinds():
    catalog = load_catalog()
    rows = shared_rows()
    assert len(rows) == 48
    for req_id, level, kinds in rows:
        assert catalog[req_id].level == level, req_id
        assert set(catalog[req_id].kinds) == ({"kiosk", "pos"} if kinds == "all" else {kinds}), req_id
    assert {r.id for r in catalog} == {row[0] for row in rows}


def test_every_requirement_cites_a_seed_that_exists():
    seeds = SHARED.parent / "seeds"
    for requirement in load_catalog():
        assert requirement.sources
        if seeds.exists():
            assert all((seeds / s).exists() for s in requirement.sources), requirement.id


def test_pongo_selection_includes_the_every_platform_requirements():
    ids = {r.id for r in load_catalog().for_platform("pongo")}
    assert {"ALL-SCHEMA-01", "ALL-ERR-01", "ALL-SEC-01", "PONGO-AUTH-01"} <= ids
    assert not any(i.startswith(("PUNCHH", "SPOON")) for i in ids)


def test_a_bad_level_is_refused():
    data = {
        "version": 1,
        "seeds": {"s": "x.txt"},
        "requirements": [
            {"id": "X-1", "platform": "pongo", "level": "OPTIONAL", "kinds": ["pos"], "source": ["s"], "title": "t"}
        ],
    }
    with pytest.raises(ValueError):
        parse_catalog(data)
