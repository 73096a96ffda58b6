"""The harness proves it catches what it should.

The Pongo suite certifies the reference kiosk and POS (every requirement passes or does
not apply), and every broken integration (drivers/pongo/broken.py) fails on the one
requirement it breaks and nowhere else. Each certification is a real `poscert certify`
run, in-process (a subprocess each would cost a second of start-up), once per target and worker.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from poscert.base.catalog import load_catalog
from poscert.cli import main
from poscert.drivers.cases import markdown_table
from poscert.drivers.pongo.broken import BROKEN
from poscert.drivers.pongo.conforming import CONFORMING

ROOT = Path(__file__).resolve().parents[1]
OK = {"pass", "not_applicable"}
# A signed JWT: three base64url segments, the first an encoded '{"' (a random OAuth state may hold "eyJ").
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
REFERENCES = {"kiosk": ["--kind", "kiosk"], "pos": ["--kind", "pos"]}
# The runs whose Allure evidence the tests read; the other cases are judged on the verdict alone and skip
# the Allure results (a third of a run's time): `--no-allure`, exactly as a partner's quick loop would.
WITH_EVIDENCE = {"kiosk", "pos", "LogsTheToken", "TokenHeaderWhenRedeeming"}
TARGETS = {
    **REFERENCES,
    **{case.name: ["--driver", f"poscert.drivers.pongo.broken:{case.name}"] for case in BROKEN},
    **{case.name: ["--driver", f"poscert.drivers.pongo.conforming:{case.name}"] for case in CONFORMING},
}
TARGETS = {name: args if name in WITH_EVIDENCE else [*args, "--no-allure"] for name, args in TARGETS.items()}


def certify(out: Path, args: list[str]) -> dict:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        own = args[: args.index("--")] if "--" in args else args
        extra = args[args.index("--") + 1 :] if "--" in args else []
        # The inner runs skip pytest's unraisable-exception check: its two gc.collect() per run grow with
        # the worker's heap and cost more than a certification's scenarios.
        inner = ["--capture=sys", "-p", "no:unraisableexception", *extra]
        code = main(["certify", "--platform", "pongo", "--out", str(out), *own, "--", *inner])
    report = out / "certification.json"
    assert report.exists(), f"no certification.json (exit {code}):\n{printed.getvalue()[-3000:]}"
    return {"exit": code, "stdout": printed.getvalue(), "out": str(out), **json.loads(report.read_text())}


@pytest.fixture(scope="session")
def certifications(tmp_path_factory: pytest.TempPathFactory):
    """Certify a target on first use; every later test of this worker reads the same run."""
    done: dict[str, dict] = {}
    root = tmp_path_factory.mktemp("certify")

    class Runs:
        def __getitem__(self, name: str) -> dict:
            if name not in done:
                done[name] = certify(root / name, TARGETS[name])
            return done[name]

    return Runs()


def results(doc: dict) -> dict[str, str]:
    return {r["id"]: r["result"] for r in doc["requirements"]}


@pytest.mark.parametrize("kind", sorted(REFERENCES))
def test_the_reference_passes_every_requirement_that_applies(certifications, kind):
    doc = certifications[kind]
    bad = {k: v for k, v in results(doc).items() if v not in OK}
    assert not bad, f"the reference {kind} does not pass: {bad}\n{doc['stdout'][-3000:]}"
    assert doc["certified"] and doc["exit"] == 0 and doc["kind"] == kind


def test_the_references_together_run_every_pongo_requirement(certifications):
    ran = {req for kind in REFERENCES for req, result in results(certifications[kind]).items() if result == "pass"}
    declared_only = {"PONGO-REWARD-04"}  # a MAY: applies only to integrations that declare a missing capability
    assert {r.id for r in load_catalog().for_platform("pongo")} - ran == declared_only


@pytest.mark.parametrize("broken", BROKEN.classes, ids=lambda cls: f"{cls.breaks}:{cls.__name__}")
def test_a_broken_integration_fails_on_its_requirement_and_only_there(certifications, broken):
    doc = certifications[broken.__name__]
    found = results(doc)
    level = load_catalog()[broken.breaks].level
    assert found[broken.breaks] == ("fail" if level == "MUST" else "warning"), found[broken.breaks]
    others = {k: v for k, v in found.items() if k != broken.breaks and v not in OK}
    assert not others, f"{broken.__name__} also fails {others}"
    assert doc["exit"] == (1 if level == "MUST" else 0), "the exit code does not follow the MUST verdict"


def test_every_pongo_requirement_has_a_broken_integration():
    pongo = {r.id for r in load_catalog().for_platform("pongo")}
    assert pongo == set(BROKEN.by_requirement())


@pytest.mark.parametrize("case", CONFORMING.cases, ids=lambda case: f"{case.requirement}:{case.name}")
def test_a_conforming_variant_is_certified_with_its_requirement_passed(certifications, case):
    doc = certifications[case.name]
    found = results(doc)
    assert found[case.requirement] == "pass", f"{case.name}: {case.requirement} is {found[case.requirement]}"
    bad = {k: v for k, v in found.items() if v not in OK}
    assert not bad and doc["certified"] and doc["exit"] == 0, f"{case.name} is refused: {bad}"


def test_every_case_names_a_catalog_requirement_and_its_guide_sentence():
    catalog = load_catalog()
    for case in [*BROKEN, *CONFORMING]:
        assert case.requirement in catalog, case.name
        assert case.guide, f"{case.name} names no guide sentence"
        assert case.cls.__doc__, f"{case.name} does not say what it does"


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
    doc = certify(tmp_path / "out", ["--driver", "tests.partners:LeakyKiosk", "--", "-k", "phone_number"])
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
