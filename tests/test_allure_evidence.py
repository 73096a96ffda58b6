"""The Allure results a reviewer reads: examples titled with their parameters, not-applicable results that keep
theirs and are never merged, no machine paths or noise labels, categories, environment, executor and the
verdict; and `poscert report`, which builds the Allure 3 report where Allure is at hand."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from poscert.allure_results import HARNESS, NODE_LABEL, NOISE_LABELS, finish_result
from poscert.cli import main
from poscert.results import NO_VERDICT

BROKEN = "SendsUnpaidOrders"  # breaks PONGO-ORDER-02, a MUST


def allure_dir(doc: dict) -> Path:
    return Path(doc["out"]) / "allure-results"


def results(doc: dict) -> list[dict]:
    return [json.loads(p.read_text()) for p in allure_dir(doc).glob("*-result.json")]


def scenarios(doc: dict) -> list[dict]:
    return results(doc)


def globals_of(doc: dict) -> list[dict]:
    return [json.loads(p.read_text()) for p in allure_dir(doc).glob("*-globals.json")]


def properties(doc: dict) -> dict[str, str]:
    text = (allure_dir(doc) / "environment.properties").read_text()
    return dict(line.split("=", 1) for line in text.splitlines())


def test_each_example_is_titled_with_its_parameters_and_keyed_apart(certifications):
    found = scenarios(certifications["pongo"][BROKEN])
    names = Counter(r["name"] for r in found)
    assert not [n for n, count in names.items() if count > 1], "results share a title"
    for key in ("historyId", "testCaseId"):
        assert len({r[key] for r in found}) == len(found), f"results share a {key}: Allure merges them as retries"
    optin = [r for r in found if r["name"].startswith("The opt-in answers are sent as given [")]
    assert len(optin) > 1
    for r in optin:
        shown = {p["name"]: p["value"] for p in r["parameters"]}
        assert f"email: {shown['email']}" in r["name"] and f"sms: {shown['sms']}" in r["name"]


def test_not_applicable_results_keep_their_parameters_and_reason(certifications):
    skipped = [r for r in scenarios(certifications["pongo"][BROKEN]) if r["status"] == "skipped"]
    assert skipped and all(r["statusDetails"]["message"].startswith("not applicable") for r in skipped)
    outlines = [r for r in skipped if r["name"].endswith("]")]
    assert outlines, "no not-applicable outline example"
    for r in outlines:
        names = {p["name"] for p in r["parameters"]} - {"seed", "driver"}
        assert names and all(f"{name}: " in r["name"] for name in names)
    assert all(r["labels"] and r["links"] for r in skipped)


def test_no_machine_path_no_noise_label_and_links_that_travel(certifications):
    for target in ("kiosk", BROKEN):
        folder = allure_dir(certifications["pongo"][target])
        for path in folder.iterdir():
            if path.suffix in (".json", ".properties"):
                assert "file://" not in path.read_text(), path.name
        for r in scenarios(certifications["pongo"][target]):
            names = {label["name"] for label in r["labels"]}
            assert not names & (NOISE_LABELS | {NODE_LABEL}), names
            assert "requirement" in names
            assert not r["fullName"].startswith("/") and "/work/" not in r["fullName"]
            for link in r["links"]:
                assert link["url"].startswith("../allure-results/requirements.html#"), link
                anchor = link["url"].partition("#")[2]
                assert f'id="{anchor}"' in (folder / "requirements.html").read_text()


def test_failures_are_classified_and_categories_match_them(certifications):
    doc = certifications["pongo"][BROKEN]
    categories = json.loads((allure_dir(doc) / "categories.json").read_text())
    names = " ".join(c["name"] for c in categories)
    for kind in ("Rule violation", "Schema violation", "Platform drift", "Harness error", "Warning"):
        assert kind in names
    failed = [r for r in scenarios(doc) if r["status"] in ("failed", "broken")]
    assert failed
    for r in failed:
        label = {lb["name"]: lb["value"] for lb in r["labels"]}
        assert label["requirement"] == "PONGO-ORDER-02" and label["failure"] == "Rule violation"
        matching = [
            c["name"]
            for c in categories
            if r["status"] in c["matchedStatuses"] and re.search(c["messageRegex"], r["statusDetails"]["message"])
        ]
        assert matching and matching[0].startswith("Rule violations"), matching


def test_environment_executor_and_verdict(certifications):
    broken, kiosk = certifications["pongo"][BROKEN], certifications["pongo"]["kiosk"]
    env = properties(broken)
    assert env["verdict"] == "NOT CERTIFIED: PONGO-ORDER-02" and env["failing_musts"] == "PONGO-ORDER-02"
    assert env["seed"] == str(broken["seed"]) and env["catalog_version"] == str(broken["catalog_version"])
    assert env["platform"] == "pongo" and env["target"] == "simulator" and env["integration"] and env["poscert"]
    assert properties(kiosk)["verdict"] == "CERTIFIED"
    executor = json.loads((allure_dir(broken) / "executor.json").read_text())
    assert executor["reportName"] == "NOT CERTIFIED: PONGO-ORDER-02" and str(broken["seed"]) in executor["buildName"]
    config = json.loads((allure_dir(broken) / "allurerc.json").read_text())
    assert "NOT CERTIFIED" in config["name"] and config["plugins"]["awesome"]["options"]["groupBy"] == ["requirement"]
    [broken_globals], [kiosk_globals] = globals_of(broken), globals_of(kiosk)
    [error] = broken_globals["errors"]
    assert error["message"] == "NOT CERTIFIED: PONGO-ORDER-02" and "PONGO-ORDER-02 (MUST)" in error["trace"]
    assert kiosk_globals["errors"] == []
    assert "CERTIFIED" in json.loads((allure_dir(kiosk) / "allurerc.json").read_text())["name"]


def failed_result(status: str = "failed", trace: str = "") -> dict:
    return {
        "name": "A step fails",
        "fullName": "pongo/x.feature:A step fails",
        "status": status,
        "statusDetails": {"message": "AssertionError: nope", "trace": trace},
        "labels": [{"name": "host", "value": "vm"}, {"name": NODE_LABEL, "value": "x"}],
        "parameters": [],
        "titlePath": ["features", "pongo", "X"],
    }


def finish(result: dict, level: str, drifted: bool = False, harness: bool = False) -> dict:
    return finish_result(
        result,
        platform="pongo",
        title=None,
        example=None,
        level=level,
        drifted=drifted,
        harness=lambda trace: harness,
        links=[],
    )


def test_a_failed_should_is_a_warning_not_a_failure():
    done = finish(failed_result(), "SHOULD")
    assert done["status"] == "broken" and done["statusDetails"]["message"].startswith("Warning (SHOULD")
    assert {"name": "failure", "value": "warning"} in done["labels"]
    assert finish(failed_result(), "MUST")["status"] == "failed"


def test_drift_and_harness_errors_are_told_apart():
    assert finish(failed_result(), "MUST", drifted=True)["statusDetails"]["message"].startswith("Platform drift:")
    broke = finish(failed_result("broken"), "MUST", harness=True)
    assert broke["status"] == "broken" and broke["statusDetails"]["message"].startswith(f"{HARNESS}:")
    assert [lb["name"] for lb in broke["labels"]] == ["failure"]


def test_report_without_node_says_how(certifications, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    shutil.copytree(certifications["pongo"][BROKEN]["out"], out)
    monkeypatch.delenv("POSCERT_ALLURE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert main(["report", "--out", str(out)]) == NO_VERDICT
    assert "npx --yes allure@3 generate allure-results" in capsys.readouterr().err


def installed_allure() -> str | None:
    """Allure 3 that runs without downloading: $POSCERT_ALLURE or `allure` on PATH (a download is not a test)."""
    return os.environ.get("POSCERT_ALLURE") or shutil.which("allure")


NO_ALLURE = "Allure 3 is not installed (set POSCERT_ALLURE or put allure on PATH)"


def built_report(doc: dict) -> Path:
    """A copy of the run's results folder in which `poscert report` built the Allure 3 report: built once per
    test run, by the first worker that needs it (this test and the reviewer's view read it; none changes it)."""
    root = Path(doc["out"]).with_name(Path(doc["out"]).name + ".report")
    with open(f"{root}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not root.exists():
            building = root.with_name(root.name + ".tmp")
            shutil.rmtree(building, ignore_errors=True)
            shutil.copytree(doc["out"], building / "reports")
            assert main(["report", "--out", str(building / "reports")]) == 0
            building.rename(root)
    return root / "reports"


@pytest.mark.skipif(not installed_allure(), reason=NO_ALLURE)
def test_poscert_report_builds_the_allure_3_report_with_history(certifications):
    out = built_report(certifications["pongo"][BROKEN])
    summary = json.loads((out / "allure-report" / "summary.json").read_text())
    assert summary["status"] == "failed" and "NOT CERTIFIED" in summary.get("name", "NOT CERTIFIED")
    assert summary["stats"]["total"] == len(results(certifications["pongo"][BROKEN]))  # nothing merged as retries
    assert (out.parent / "allure-history.jsonl").is_file()
