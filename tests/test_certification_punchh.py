"""The harness proves it catches what it should, on PAR Punchh.

The reference POS and kiosk pass every Punchh requirement that applies to them; every broken
integration (drivers/punchh/broken/) fails on the one requirement it breaks and nowhere else; every
conforming variant (drivers/punchh/conforming/) is certified. Each certification is a real
`poscert certify` run, in-process, once per target and worker (tests/certification.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.drivers.punchh.broken import BROKEN
from poscert.drivers.punchh.conforming import CONFORMING
from poscert.simulators.punchh.declaration import PUNCHH
from tests.certification import (
    Runs,
    assert_cases_cite_the_guide,
    assert_certified_with_its_requirement_passed,
    assert_fails_only_on_its_requirement,
    assert_reference_passes,
    results,
    targets,
)

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = PUNCHH.references
WITH_EVIDENCE = {"pos"}  # the run whose Allure evidence a test reads
TARGETS = targets("poscert.drivers.punchh", BROKEN, CONFORMING, REFERENCES, WITH_EVIDENCE)


@pytest.fixture(scope="session")
def certifications(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs("punchh", tmp_path_factory.mktemp("certify"), TARGETS)


@pytest.mark.parametrize("kind", sorted(REFERENCES))
def test_the_reference_passes_every_requirement_that_applies(certifications, kind):
    assert_reference_passes(certifications[kind], kind)


def test_the_references_together_run_every_punchh_requirement(certifications):
    ran = {req for kind in REFERENCES for req, result in results(certifications[kind]).items() if result == "pass"}
    punchh = {r.id for r in load_catalog().for_platform("punchh")}
    assert punchh - ran == set(), f"never run by a reference: {sorted(punchh - ran)}"


@pytest.mark.parametrize("broken", BROKEN.classes, ids=lambda cls: f"{cls.breaks}:{cls.__name__}")
def test_a_broken_integration_fails_on_its_requirement_and_only_there(certifications, broken):
    assert_fails_only_on_its_requirement(certifications[broken.__name__], broken)


def test_every_punchh_requirement_has_a_broken_integration():
    punchh = {r.id for r in load_catalog().for_platform("punchh")}
    assert punchh == set(BROKEN.by_requirement())


@pytest.mark.parametrize("case", CONFORMING.cases, ids=lambda case: f"{case.requirement}:{case.name}")
def test_a_conforming_variant_is_certified_with_its_requirement_passed(certifications, case):
    assert_certified_with_its_requirement_passed(certifications[case.name], case)


def test_every_case_names_a_catalog_requirement_and_its_guide_sentence():
    assert_cases_cite_the_guide(BROKEN, CONFORMING)


def test_the_fidelity_page_lists_every_case_tried():
    page = (ROOT / "simulators" / "punchh" / "FIDELITY.md").read_text(encoding="utf-8")
    ids = [r.id for r in load_catalog().for_platform("punchh")]
    assert markdown_table(ids, BROKEN, CONFORMING) in page, (
        "simulators/punchh/FIDELITY.md is behind the cases; regenerate its table with "
        "`python -m poscert.drivers.punchh.cases_table`"
    )


def test_no_key_or_digest_reaches_the_evidence(certifications):
    from poscert import DEFAULT_SEED
    from poscert.simulators.punchh.simulator import PunchhSimulator

    sim = PunchhSimulator(seed=DEFAULT_SEED)
    business = sim.default_business
    secrets = {sim.location(business).location_key, sim.data.businesses[business].business_key}
    secrets.add(sim.client(business).secret)
    files = [p for p in Path(certifications["pos"]["out"]).rglob("*") if p.is_file()]
    assert any(p.name.endswith("-attachment.json") for p in files), "no Allure evidence was written"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [s for s in secrets if s in text], f"a key or secret reached {path.name}"
