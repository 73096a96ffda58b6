"""The harness proves it catches what it should, on every platform, both ways.

For each platform: the reference kiosk and POS pass every requirement that applies to them and,
together, run every requirement; every broken integration (drivers/<platform>/broken/) fails on the
one requirement it breaks and nowhere else; every conforming variant (drivers/<platform>/conforming/)
is certified with its requirement passed; every requirement has a broken integration; every case
cites its guide; the platform's fidelity page lists the cases. Each certification is a real
`poscert certify` run, in-process, once per target and worker (tests/certification.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from poscert import DEFAULT_SEED
from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.platforms import simulator_class
from tests.certification import (
    MATRICES,
    assert_cases_cite_the_guide,
    assert_certified_with_its_requirement_passed,
    assert_fails_only_on_its_requirement,
    assert_reference_passes,
    results,
)

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = sorted(MATRICES)
REFERENCES = [(p, kind) for p in PLATFORMS for kind in sorted(MATRICES[p].references)]
BROKEN = [(p, case.cls) for p in PLATFORMS for case in MATRICES[p].broken]
CONFORMING = [(p, case) for p in PLATFORMS for case in MATRICES[p].conforming]
EVIDENCE = [(p, target) for p in PLATFORMS for target in sorted(MATRICES[p].with_evidence)]


def requirements(platform: str) -> list[str]:
    return [r.id for r in load_catalog().for_platform(platform)]


@pytest.mark.parametrize(("platform", "kind"), REFERENCES, ids=[f"{p}:{k}" for p, k in REFERENCES])
def test_the_reference_passes_every_requirement_that_applies(certifications, platform, kind):
    assert_reference_passes(certifications[platform][kind], kind)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_references_together_run_every_requirement(certifications, platform):
    matrix = MATRICES[platform]
    ran = {
        req
        for kind in matrix.references
        for req, result in results(certifications[platform][kind]).items()
        if result == "pass"
    }
    assert set(requirements(platform)) - ran == matrix.declared_only


@pytest.mark.parametrize(("platform", "broken"), BROKEN, ids=[f"{p}:{c.breaks}:{c.__name__}" for p, c in BROKEN])
def test_a_broken_integration_fails_on_its_requirement_and_only_there(certifications, platform, broken):
    assert_fails_only_on_its_requirement(certifications[platform][broken.__name__], broken)


@pytest.mark.parametrize(("platform", "case"), CONFORMING, ids=[f"{p}:{c.requirement}:{c.name}" for p, c in CONFORMING])
def test_a_conforming_variant_is_certified_with_its_requirement_passed(certifications, platform, case):
    assert_certified_with_its_requirement_passed(certifications[platform][case.name], case)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_requirement_has_a_broken_integration(platform):
    assert set(requirements(platform)) == set(MATRICES[platform].broken.by_requirement())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_case_names_a_catalog_requirement_and_its_guide_sentence(platform):
    assert_cases_cite_the_guide(MATRICES[platform].broken, MATRICES[platform].conforming)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_fidelity_page_lists_every_case_tried(platform):
    matrix = MATRICES[platform]
    page = (ROOT / "simulators" / platform / "FIDELITY.md").read_text(encoding="utf-8")
    assert markdown_table(requirements(platform), matrix.broken, matrix.conforming) in page, (
        f"simulators/{platform}/FIDELITY.md is behind the cases; regenerate its table with "
        f"`python -m poscert.drivers.{platform}.cases_table`"
    )


@pytest.mark.parametrize(("platform", "target"), EVIDENCE, ids=[f"{p}:{t}" for p, t in EVIDENCE])
def test_no_credential_reaches_the_evidence_even_when_the_integration_logs_it(certifications, platform, target):
    secrets = {s for s in simulator_class(platform)(seed=DEFAULT_SEED).known_secrets() if len(s) >= 8}
    assert secrets, "the simulator names no credential to look for"
    files = [p for p in Path(certifications[platform][target]["out"]).rglob("*") if p.is_file()]
    assert any(p.name.endswith("-attachment.json") for p in files), "no Allure evidence was written"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [s for s in secrets if s in text], f"a credential reached {path.name}"
