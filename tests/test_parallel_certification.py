"""A certification spread over pytest-xdist workers (`poscert certify ... -- -n 2`) gives the verdict of a
serial run (poscert.parallel): the same results per requirement, whole-run rules judged on every worker's
exchanges, one journal holding each exchange once, and outputs that validate as a serial run's do.

A parallel certification starts two worker processes: one here, compared with the serial run of the same
integration that the shared `certifications` fixture holds (the verdict matrix certifies it anyway)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from poscert.base.validation import SCHEMAS_DIR
from poscert.cli import main
from poscert.parallel import merge_journals
from poscert.results import NO_VERDICT
from tests.certification import certify, results

pytest.importorskip("xdist")


def journal(run: dict) -> list[dict]:
    return [json.loads(line) for line in (Path(run["out"]) / "journal.jsonl").read_text().splitlines()]


def scenarios(run: dict) -> dict[str, tuple]:
    """Per scenario: its requirement, outcome, reason and how many exchanges it made."""
    return {
        (r["id"], s["nodeid"]): (s["outcome"], s["reason"], len(s["exchanges"]))
        for r in run["requirements"]
        for s in r["scenarios"]
    }


def validate(name: str, document: dict) -> None:
    schema = json.loads((SCHEMAS_DIR / "reports" / name).read_text(encoding="utf-8"))
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(document)


def junit_cases(run: dict) -> list[tuple]:
    suite = ET.parse(Path(run["out"]) / "junit.xml").getroot()
    return sorted(
        (case.get("classname"), case.get("name"), tuple(child.tag for child in case if child.tag != "properties"))
        for case in suite.iter("testcase")
    )


def test_a_parallel_run_gives_the_serial_verdict_one_journal_and_the_same_outputs(certifications, tmp_path):
    # The integration sends a field the schema does not have only when buying a reward: scenarios the workers
    # share out; only the whole-run rule, run by the controller over the merged journal, sees every one of them.
    serial = certifications["pongo"]["RedeemWithExtraField"]
    args = ["--driver", "poscert.drivers.pongo.broken:RedeemWithExtraField", "--", "-n", "2"]  # with Allure
    run = certify("pongo", tmp_path / "parallel", args)
    assert results(run) == results(serial)
    assert results(run)["ALL-SCHEMA-01"] == "fail" and run["exit"] == 1 and not run["certified"]
    assert scenarios(run) == scenarios(serial)
    [failed] = [s for r in run["requirements"] for s in r["scenarios"] if s["outcome"] == "failed"]
    assert "whole certification" in failed["title"]
    culprits = {line.split(" #")[0].strip() for line in failed["reason"].splitlines()[1:] if " #" in line}
    assert len(culprits) >= 2, failed["reason"]  # several scenarios, run on the workers, all judged
    # One journal: numbered 1..N, every record once, in the serial run's order of scenarios and calls.
    records, expected = journal(run), journal(serial)
    assert [r["seq"] for r in records] == list(range(1, len(records) + 1))
    shape = ("seq", "type", "scenario", "operation", "method", "path", "status", "name")
    assert [[r.get(k) for k in shape] for r in records] == [[r.get(k) for k in shape] for r in expected]
    # Each outcome names its own exchanges, and every exchange belongs to exactly one outcome.
    exchanges = {r["seq"]: r for r in records if r["type"] == "exchange"}
    named = [(seq, s["nodeid"]) for r in run["requirements"] for s in r["scenarios"] for seq in s["exchanges"]]
    assert all(exchanges[seq]["scenario"] == nodeid for seq, nodeid in named)
    assert {seq for seq, _ in set(named)} == set(exchanges)
    # The outputs validate as a serial run's; JUnit has the same cases.
    validate("certification.json", run)
    validate("certification-log.json", json.loads((Path(run["out"]) / "certification-log.json").read_text()))
    assert junit_cases(run) == junit_cases(serial)
    # Allure: each worker's results and the whole-run phase's, in one folder, one per scenario, as judged.
    allure = [json.loads(p.read_text()) for p in (Path(run["out"]) / "allure-results").glob("*-result.json")]
    judged = [s for r in run["requirements"] for s in r["scenarios"]]
    assert len(allure) == len({s["nodeid"] for s in judged})
    assert sum(case["status"] == "failed" for case in allure) == 1


def test_worker_journals_merge_in_collection_order_with_outcomes_renumbered():
    first = [{"seq": 1, "scenario": "b"}, {"seq": 2, "scenario": "b"}, {"seq": 3, "scenario": "d"}]
    second = [{"seq": 1, "scenario": "a"}, {"seq": 2, "scenario": "c"}]
    merged, renumbered = merge_journals([first, second], ["a", "b", "c", "d"])
    assert [(r["seq"], r["scenario"]) for r in merged] == [(1, "a"), (2, "b"), (3, "b"), (4, "c"), (5, "d")]
    assert renumbered == {(1, 1): 1, (0, 1): 2, (0, 2): 3, (1, 2): 4, (0, 3): 5}


def test_a_parallel_run_without_pytest_xdist_is_a_usage_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("poscert.cli.importlib.util.find_spec", lambda name: None)
    code = main(["certify", "--platform", "pongo", "--out", str(tmp_path), "--", "-n", "2"])
    assert code == NO_VERDICT
    assert "needs pytest-xdist" in capsys.readouterr().err
    assert not (tmp_path / "certification.json").exists()


def test_an_integration_driven_over_http_is_refused_a_parallel_run(tmp_path):
    run = certify("pongo", tmp_path, ["--driver", "http://127.0.0.1:9", "--no-allure", "--", "-n", "2"])
    assert run["exit"] == NO_VERDICT and run["outcome"] == "broken"
    assert "runs serially: remove -n" in run["stdout"]
