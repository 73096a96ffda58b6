"""The harness proves it catches what it should.

The Pongo suite certifies the reference kiosk and POS (every requirement passes or does
not apply), and every broken integration (drivers/pongo/broken.py) fails on the one
requirement it breaks and nowhere else. Each certification is a real `poscert certify`
run, in-process (a subprocess each would cost a second of start-up), once per target and worker.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from poscert.base.catalog import load_catalog
from poscert.drivers.cases import markdown_table
from poscert.drivers.pongo.broken import BROKEN
from poscert.drivers.pongo.conforming import CONFORMING
from poscert.simulators.pongo.declaration import PONGO
from tests.certification import (
    Runs,
    assert_cases_cite_the_guide,
    assert_certified_with_its_requirement_passed,
    assert_fails_only_on_its_requirement,
    assert_reference_passes,
    certify,
    results,
    targets,
)

ROOT = Path(__file__).resolve().parents[1]
# A signed JWT: three base64url segments, the first an encoded '{"' (a random OAuth state may hold "eyJ").
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
REFERENCES = PONGO.references
# The runs whose Allure evidence the tests read; the other cases are judged on the verdict alone.
WITH_EVIDENCE = {"kiosk", "pos", "LogsTheToken", "TokenHeaderWhenRedeeming"}
TARGETS = targets("poscert.drivers.pongo", BROKEN, CONFORMING, REFERENCES, WITH_EVIDENCE)


@pytest.fixture(scope="session")
def certifications(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs("pongo", tmp_path_factory.mktemp("certify"), TARGETS)


@pytest.mark.parametrize("kind", sorted(REFERENCES))
def test_the_reference_passes_every_requirement_that_applies(certifications, kind):
    assert_reference_passes(certifications[kind], kind)


def test_the_references_together_run_every_pongo_requirement(certifications):
    ran = {req for kind in REFERENCES for req, result in results(certifications[kind]).items() if result == "pass"}
    declared_only = {"PONGO-REWARD-04"}  # a MAY: applies only to integrations that declare a missing capability
    assert {r.id for r in load_catalog().for_platform("pongo")} - ran == declared_only


@pytest.mark.parametrize("broken", BROKEN.classes, ids=lambda cls: f"{cls.breaks}:{cls.__name__}")
def test_a_broken_integration_fails_on_its_requirement_and_only_there(certifications, broken):
    assert_fails_only_on_its_requirement(certifications[broken.__name__], broken)


def test_every_pongo_requirement_has_a_broken_integration():
    pongo = {r.id for r in load_catalog().for_platform("pongo")}
    assert pongo == set(BROKEN.by_requirement())


@pytest.mark.parametrize("case", CONFORMING.cases, ids=lambda case: f"{case.requirement}:{case.name}")
def test_a_conforming_variant_is_certified_with_its_requirement_passed(certifications, case):
    assert_certified_with_its_requirement_passed(certifications[case.name], case)


def test_every_case_names_a_catalog_requirement_and_its_guide_sentence():
    assert_cases_cite_the_guide(BROKEN, CONFORMING)


def test_the_fidelity_page_lists_every_case_tried():
    page = (ROOT / "simulators" / "pongo" / "FIDELITY.md").read_text(encoding="utf-8")
    ids = [r.id for r in load_catalog().for_platform("pongo")]
    assert markdown_table(ids, BROKEN, CONFORMING) in page, (
        "simulators/pongo/FIDELITY.md is behind the cases; regenerate its table with "
        "`python -m poscert.drivers.pongo.cases_table`"
    )


@pytest.mark.parametrize("target", sorted(WITH_EVIDENCE))
def test_no_credential_reaches_the_evidence_even_when_the_integration_logs_it(certifications, target):
    from poscert import DEFAULT_SEED
    from poscert.simulators.pongo.simulator import PongoSimulator

    client_secret = PongoSimulator(seed=DEFAULT_SEED).oauth_client.client_secret
    files = [p for p in Path(certifications[target]["out"]).rglob("*") if p.is_file()]
    assert any(p.name.endswith("-attachment.json") for p in files), "no Allure evidence was written"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not JWT.search(text), f"a JWT reached {path.name}"
        assert client_secret not in text, f"the client secret reached {path.name}"


def test_allure_results_carry_steps_requirements_and_evidence(certifications):
    out = Path(certifications["kiosk"]["out"]) / "allure-results"
    cases = [json.loads(p.read_text()) for p in out.glob("*-result.json")]
    scenarios = certifications["kiosk"]["requirements"]
    assert len(cases) == sum(len(r["scenarios"]) for r in scenarios)  # not-applicable ones included
    ran = [c for c in cases if c["status"] == "passed"]
    assert ran and all(c["steps"] for c in ran)
    for case in cases:
        labels = {(label["name"], label["value"]) for label in case["labels"]}
        assert any(name == "requirement" for name, _ in labels), case["name"]
        assert case["links"] and case["links"][0]["type"] == "requirement"
    attached = {a["source"] for c in ran for step in c["steps"] for a in step.get("attachments", [])}
    assert attached and all((out / source).exists() for source in attached)
    environment = (out / "environment.properties").read_text()
    assert "seed=" in environment and "pytest-bdd=" in environment


def test_each_exchange_is_attached_once_to_the_scenario_it_happened_in(certifications):
    out = Path(certifications["kiosk"]["out"])
    records = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    exchanges = {f"#{r['seq']}": r["scenario"] for r in records if r["type"] == "exchange"}
    attached: list[tuple[str, str]] = []  # (exchange, the scenario whose steps hold it)

    def walk(steps: list[dict], case: dict) -> None:
        for step in steps:
            for attachment in step.get("attachments", []):
                if attachment["type"] == "application/json":
                    attached.append((attachment["name"].split()[0], case["fullName"]))
            walk(step.get("steps", []), case)

    for path in (out / "allure-results").glob("*-result.json"):
        case = json.loads(path.read_text())
        walk(case.get("steps", []), case)
    assert sorted(name for name, _ in attached) == sorted(exchanges), "an exchange is missing or attached twice"
    squash = lambda text: re.sub(r"[^a-z0-9]", "", text.lower())  # noqa: E731
    for name, full_name in attached:  # journal scenarios are node ids ending in the scenario's function name
        owner = exchanges[name].rpartition("::")[2].split("[")[0].removeprefix("test_")
        assert squash(owner) in squash(full_name), f"{name} of {exchanges[name]} is attached to {full_name}"


def test_no_output_of_a_run_holds_a_credential_an_integration_put_in_its_failures(tmp_path):
    doc = certify("pongo", tmp_path / "out", ["--driver", "tests.partners:LeakyKiosk", "--", "-k", "phone_number"])
    assert not doc["certified"] and doc["requirements"]
    failures = [s for r in doc["requirements"] for s in r["scenarios"] if s["outcome"] == "failed"]
    assert failures and all("could not identify" in s["reason"] for s in failures)
    texts = {p.name: p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*") if p.is_file()}
    texts["terminal"] = doc["stdout"]
    for name, text in texts.items():
        assert not JWT.search(text), f"an access token reached {name}"
        for marker in ("refresh=", "secret=", "code="):
            found = re.findall(marker + r"(?!\*\*\*redacted)[A-Za-z0-9_\-]{8,}", text)
            assert not found, f"{marker} {found[:1]} reached {name}"


def test_a_failure_shows_the_frames_a_partner_can_act_on_not_pytest_machinery(certifications):
    printed = certifications["SendsUnpaidOrders"]["stdout"]
    failures = printed[printed.index("FAILURES") : printed.index("poscert certification")]
    assert "steps/pongo/order_steps.py" in failures and "sent anyway" in failures
    for machinery in ("_pytest", "pluggy", "pytest_bdd/scenario.py"):
        assert machinery not in failures, f"{machinery} frames in the failure output"
