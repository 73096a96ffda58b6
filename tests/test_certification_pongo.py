"""What a Pongo certification writes for reviewers: Allure evidence per scenario, no credential in any output,
failures that show the partner's frames. The verdicts themselves, for every platform, are tests/test_verdicts.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.certification import MATRICES, certify

# A signed JWT: three base64url segments, the first an encoded '{"' (a random OAuth state may hold "eyJ").
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


@pytest.mark.parametrize("target", sorted(MATRICES["pongo"].with_evidence))
def test_no_access_token_reaches_the_evidence_even_when_the_integration_logs_it(certifications, target):
    files = [p for p in Path(certifications["pongo"][target]["out"]).rglob("*") if p.is_file()]
    for path in files:
        assert not JWT.search(path.read_text(encoding="utf-8", errors="replace")), f"a JWT reached {path.name}"


def test_allure_results_carry_steps_requirements_and_evidence(certifications):
    out = Path(certifications["pongo"]["kiosk"]["out"]) / "allure-results"
    cases = [json.loads(p.read_text()) for p in out.glob("*-result.json")]
    scenarios = certifications["pongo"]["kiosk"]["requirements"]
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
    out = Path(certifications["pongo"]["kiosk"]["out"])
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
    printed = certifications["pongo"]["SendsUnpaidOrders"]["stdout"]
    failures = printed[printed.index("FAILURES") : printed.index("poscert certification")]
    assert "steps/pongo/order_steps.py" in failures and "sent anyway" in failures
    for machinery in ("_pytest", "pluggy", "pytest_bdd/scenario.py"):
        assert machinery not in failures, f"{machinery} frames in the failure output"
