"""`--rerun-failed`: only what failed or did not run runs again, the first attempt stays in the evidence, and
the combined result is what a full run gives. Each re-run builds on a copy of a shared run's results."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from poscert.bundle import verify
from poscert.cli import main
from poscert.results import NO_VERDICT
from tests.certification import MATRICES, certify
from tests.test_reports import validator

BROKEN = "SendsUnpaidOrders"  # fails PONGO-ORDER-02 only
# The whole-run rules (@runs-last): they judge every exchange of the run, so they run again with anything else.
WHOLE_RUN = {
    "steps/pongo/test_pongo.py::test_no_request_of_the_whole_certification_breaks_the_platforms_schema",
    "steps/pongo/test_pongo.py::test_no_request_of_the_whole_certification_carries_a_credential_where_the_platform_"
    "does_not_expect_it",
}


def scenarios(doc: dict) -> dict[str, str]:
    return {s["nodeid"]: s["outcome"] for r in doc["requirements"] for s in r["scenarios"]}


def judged(doc: dict) -> list:
    """What a verdict is made of, without times, exchange numbers or attempts."""
    return [
        (r["id"], r["result"], r["reason"], [(s["nodeid"], s["outcome"], s["reason"]) for s in r["scenarios"]])
        for r in doc["requirements"]
    ]


def copy_of(doc: dict, tmp_path: Path) -> Path:
    out = tmp_path / "reports"
    shutil.copytree(doc["out"], out)
    return out


def test_a_rerun_runs_only_the_failed_scenarios_and_keeps_the_first_attempt(certifications, tmp_path):
    first = certifications["pongo"][BROKEN]
    out = copy_of(first, tmp_path)
    kept = (out / "certification.json").read_bytes()
    failed = {nodeid for nodeid, outcome in scenarios(first).items() if outcome == "failed"}
    order_02 = next(r for r in first["requirements"] if r["id"] == "PONGO-ORDER-02")
    assert failed and failed <= {s["nodeid"] for s in order_02["scenarios"]}

    again = certify("pongo", out, [*MATRICES["pongo"].arguments[BROKEN], "--rerun-failed"])

    assert again["exit"] == 1 and not again["certified"] and again["attempt"] == 2
    assert {r["id"] for r in again["requirements"] if r["result"] == "fail"} == {"PONGO-ORDER-02"}
    # The failed scenarios, and the whole-run rules (they judge every exchange of the run): nothing else.
    rerun = set(again["rerun"])
    assert failed <= rerun and rerun - failed == WHOLE_RUN, sorted(rerun - failed)
    assert f"{len(scenarios(first)) - len(rerun)} deselected" in again["stdout"]
    assert again["rerun_of"]["started"] == first["started"]
    written = json.loads((out / "certification.json").read_text())
    assert not [e.message for e in validator("certification.json").iter_errors(written)]
    assert (out / "attempts/1/certification.json").read_bytes() == kept
    assert (out / "attempts/1/journal.jsonl").exists()
    # Kept scenarios keep their outcome and their first attempt's exchanges, which the journal still holds.
    seqs = {json.loads(line)["seq"] for line in (out / "journal.jsonl").read_text().splitlines()}
    for r in again["requirements"]:
        for s in r["scenarios"]:
            assert set(s["exchanges"]) <= seqs, s["nodeid"]
            assert ("attempt" in s) == (s["nodeid"] in rerun), s["nodeid"]
    # Reviewers see which scenarios ran again; the bundle holds both attempts and still verifies.
    junit = ET.parse(out / "junit.xml").getroot()
    attempts = [p for p in junit.iter("property") if p.get("name") == "attempt"]
    assert len(attempts) >= len(rerun) and {p.get("value") for p in attempts} == {"2"}
    assert "failed again on attempt 2" in (out / "certification-log.md").read_text()
    assert verify(out / "certification-bundle.zip").files
    names = zipfile.ZipFile(out / "certification-bundle.zip").namelist()
    assert {"attempts/1/journal.jsonl", "attempts/1/certification.json"} <= set(names)
    # Allure: the first attempt's results stay beside the re-run's, so Allure shows the re-run as a retry.
    results = [json.loads(p.read_text()) for p in (out / "allure-results").glob("*-result.json")]
    by_history: dict[str, int] = {}
    for result in results:
        by_history[result["historyId"]] = by_history.get(result["historyId"], 0) + 1
    assert sum(count > 1 for count in by_history.values()) == len(rerun)
    assert len(by_history) == len(list(Path(first["out"], "allure-results").glob("*-result.json")))


def test_a_run_deselected_with_k_then_rerun_equals_a_full_run(certifications, tmp_path):
    out = tmp_path / "reports"
    partial = certify("pongo", out, ["--no-allure", "--", "-k", "PONGO-ORDER-02"])
    assert partial["exit"] == 1  # every other MUST did not run
    ran = set(scenarios(partial))

    combined = certify("pongo", out, ["--no-allure", "--rerun-failed"])

    assert combined["exit"] == 0 and combined["certified"] and combined["attempt"] == 2
    assert not ran & set(combined["rerun"]) or all("runs" in n for n in ran & set(combined["rerun"]))
    assert judged(combined) == judged(certifications["pongo"]["kiosk"])
    assert combined["options"]["--poscert-rerun-failed"] is True


def refused(args: list[str]) -> tuple[int, str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["certify", "--platform", "pongo", *args, "--rerun-failed", "--no-allure"])
    return code, printed.getvalue()


def test_a_rerun_is_refused_without_an_earlier_run_or_with_another_driver_or_seed(certifications, tmp_path):
    code, printed = refused(["--out", str(tmp_path / "empty")])
    assert code == NO_VERDICT and "no certification.json" in printed
    out = copy_of(certifications["pongo"][BROKEN], tmp_path)
    before = sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*"))
    for args, word in (
        (["--kind", "kiosk"], "driver"),  # the reference, not the broken integration
        (["--driver", f"poscert.drivers.pongo.broken:{BROKEN}", "--seed", "7"], "seed"),
    ):
        code, printed = refused(["--out", str(out), *args])
        assert code == NO_VERDICT and f"run's {word} was" in printed, printed[-2000:]
    assert sorted((p.relative_to(out), p.stat().st_mtime_ns) for p in out.rglob("*")) == before
