"""The harness proves it catches what it should, on Spoonity.

The reference kiosk and POS pass every Spoonity requirement; every broken integration
(drivers/spoonity/broken/) fails on the one requirement it breaks and nowhere else; every
conforming variant (drivers/spoonity/conforming/) is certified with its requirement passed.
Each certification is a real `poscert certify` run, in-process, once per target and worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.drivers.spoonity.broken import BROKEN
from poscert.drivers.spoonity.conforming import CONFORMING
from poscert.simulators.spoonity.declaration import SPOONITY
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
REFERENCES = SPOONITY.references
# The runs whose Allure evidence the tests read; the other cases are judged on the verdict alone.
WITH_EVIDENCE = {"kiosk", "pos", "LogsTheApiKey"}
TARGETS = targets("poscert.drivers.spoonity", BROKEN, CONFORMING, REFERENCES, WITH_EVIDENCE)


@pytest.fixture(scope="session")
def certifications(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs("spoonity", tmp_path_factory.mktemp("certify-spoonity"), TARGETS)


@pytest.mark.parametrize("kind", sorted(REFERENCES))
def test_the_reference_passes_every_requirement_that_applies(certifications, kind):
    assert_reference_passes(certifications[kind], kind)


def test_the_references_together_run_every_spoonity_requirement(certifications):
    ran = {req for kind in REFERENCES for req, result in results(certifications[kind]).items() if result == "pass"}
    assert {r.id for r in load_catalog().for_platform("spoonity")} <= ran


@pytest.mark.parametrize("broken", BROKEN.classes, ids=lambda cls: f"{cls.breaks}:{cls.__name__}")
def test_a_broken_integration_fails_on_its_requirement_and_only_there(certifications, broken):
    assert_fails_only_on_its_requirement(certifications[broken.__name__], broken)


def test_every_spoonity_requirement_has_a_broken_integration():
    spoonity = {r.id for r in load_catalog().for_platform("spoonity")}
    assert spoonity == set(BROKEN.by_requirement())


@pytest.mark.parametrize("case", CONFORMING.cases, ids=lambda case: f"{case.requirement}:{case.name}")
def test_a_conforming_variant_is_certified_with_its_requirement_passed(certifications, case):
    assert_certified_with_its_requirement_passed(certifications[case.name], case)


def test_every_case_names_a_catalog_requirement_and_its_guide_sentence():
    assert_cases_cite_the_guide(BROKEN, CONFORMING)


def test_the_fidelity_page_lists_every_case_tried():
    page = (ROOT / "simulators" / "spoonity" / "FIDELITY.md").read_text(encoding="utf-8")
    ids = [r.id for r in load_catalog().for_platform("spoonity")]
    assert markdown_table(ids, BROKEN, CONFORMING) in page, (
        "simulators/spoonity/FIDELITY.md is behind the cases; regenerate its table with "
        "`python -m poscert.drivers.spoonity.cases_table`"
    )


@pytest.mark.parametrize("target", sorted(WITH_EVIDENCE))
def test_no_api_key_reaches_the_evidence_even_when_the_integration_logs_it(certifications, target):
    from poscert import DEFAULT_SEED
    from poscert.simulators.spoonity.simulator import SpoonitySimulator

    keys = SpoonitySimulator(seed=DEFAULT_SEED).known_secrets()
    files = [p for p in Path(certifications[target]["out"]).rglob("*") if p.is_file()]
    assert any(p.name.endswith("-attachment.json") for p in files), "no Allure evidence was written"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not [key for key in keys if key in text], f"an api key reached {path.name}"
