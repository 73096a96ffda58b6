"""What a run writes for reviewers and CI beyond the verdict: the certification log in three formats,
poscert's JUnit XML, certification.json's provenance, and the exit codes. Read from two real
certifications shared with the other Pongo tests (the reference kiosk, and SendsUnpaidOrders, which
breaks PONGO-ORDER-02 only), plus two runs that never reach a scenario."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from poscert.base.validation import SCHEMAS_DIR
from poscert.certification_log import build_log, to_html, to_markdown
from poscert.cli import main
from poscert.junit import junit_xml
from poscert.results import NO_VERDICT, RESULT_NAMES
from tests.certification import certify

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
ROOT = Path(__file__).resolve().parents[1]
BROKEN_CASE = "SendsUnpaidOrders"  # breaks PONGO-ORDER-02, a MUST


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / "reports" / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def read(run: dict, name: str) -> str:
    return (Path(run["out"]) / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference(certifications) -> dict:
    return certifications["pongo"]["kiosk"]


@pytest.fixture(scope="module")
def broken(certifications) -> dict:
    return certifications["pongo"][BROKEN_CASE]


# -- certification.json ---------------------------------------------------------------------------
def test_certification_json_has_times_the_integration_and_its_code_digest(reference, broken):
    for run in (reference, broken):
        doc = json.loads(read(run, "certification.json"))
        errors = [e.message for e in validator("certification.json").iter_errors(doc)]
        assert not errors, errors[:3]
        assert doc["started"] <= doc["finished"] and doc["target"] == "simulator"
        assert doc["options"]["--poscert-platform"] == "pongo"
    assert reference["integration"]["name"] == "PongoKiosk" and reference["integration"]["version"]
    digest = broken["integration"]["digest"]
    assert re.fullmatch(r"[0-9a-f]{64}", digest["value"])
    assert "poscert.drivers.pongo.broken/orders.py" in digest["of"]  # the driver's package, helpers included
    assert digest["value"] != reference["integration"]["digest"]["value"]


# -- the certification log --------------------------------------------------------------------------
def test_the_log_json_validates_and_holds_one_row_per_requirement(reference, broken):
    for run in (reference, broken):
        log = json.loads(read(run, "certification-log.json"))
        errors = [e.message for e in validator("certification-log.json").iter_errors(log)]
        assert not errors, errors[:3]
        assert [row["requirement"] for row in log["rows"]] == [r["id"] for r in run["requirements"]]
    header = json.loads(read(broken, "certification-log.json"))["header"]
    assert header["verdict"] == "NOT CERTIFIED: PONGO-ORDER-02" and header["integration"] == BROKEN_CASE
    assert header["platform"] == "pongo" and header["kind"] == "kiosk" and header["target"] == "simulator"
    assert header["harness_version"] and header["date"] and header["code_digest"].startswith("sha256:")
    labels = {row["label"] for row in json.loads(read(reference, "certification-log.json"))["rows"]}
    assert labels == {"Pass", "Not applicable (declared)"}


def test_the_markdown_log_shows_the_header_each_row_and_the_failure(broken):
    text = read(broken, "certification-log.md")
    assert text.startswith(f"# Certification log: {BROKEN_CASE}")
    assert "**NOT CERTIFIED: PONGO-ORDER-02**" in text
    for field in ("Catalog version", "Harness (poscert) version", "Seed", "Target | simulator", "Code digest"):
        assert field in text
    row = next(line for line in text.splitlines() if line.startswith("| PONGO-ORDER-02 (MUST)"))
    assert row.count(" | ") == 6  # seven columns: no message breaks the table
    assert "When the customer orders a product and the payment is declined" in row
    assert "Then no order was sent to Pongo" in row and "sent anyway" in row and "| Fail |" in row
    assert "## Known limitations" in text


class Page(HTMLParser):
    """The page as a browser would see it: its text per table row, and anything that reaches outside."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, str] = {}
        self.row: str | None = None
        self.outside: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("id"):
            self.row = attrs["id"]
            self.rows[self.row] = ""
        self.outside += [v for k, v in attrs.items() if k in ("src", "href") and v]

    def handle_endtag(self, tag):
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.row:
            self.rows[self.row] += data + "\n"


def test_the_html_log_opens_offline_and_shows_a_failed_requirement_with_its_steps_and_message(broken):
    page = Page()
    page.feed(read(broken, "certification-log.html"))
    assert not page.outside and "script" not in page.tags and "link" not in page.tags  # nothing fetched
    assert "style" in page.tags
    failed = page.rows["PONGO-ORDER-02"]
    assert "PONGO-ORDER-02" in failed and "Fail" in failed
    assert "When the customer orders a product and the payment is declined" in failed
    assert "Then no order was sent to Pongo" in failed and "sent anyway: ['cancelled']" in failed
    assert "Pass" in page.rows["PONGO-ORDER-01"]


def test_known_limitations_and_undeclared_capabilities_close_the_log(broken):
    doc = copy.deepcopy(broken)
    doc["known_limitations"] = ["Gift cards are paid at the counter, not at the kiosk <b>"]
    doc["capabilities_not_declared"] = ["vouchers"]
    log = build_log(doc)
    markdown, page = to_markdown(log), to_html(log)
    for text in (markdown, page):
        assert "Gift cards are paid at the counter, not at the kiosk &lt;b&gt;" in text  # a partner's text stays text
        assert "vouchers: not declared" in text


def test_no_secret_reaches_the_log_or_junit(reference, broken):
    for run in (reference, broken):
        for name in ("certification-log.md", "certification-log.html", "certification-log.json", "junit.xml"):
            assert not JWT.search(read(run, name)), f"a JWT reached {name}"


# -- JUnit -----------------------------------------------------------------------------------------
def cases(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall("testsuite/testcase")


def properties(case: ET.Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in case.findall("properties/property")}


def test_junit_has_one_case_per_scenario_named_by_its_title_under_its_requirement(broken):
    root = ET.fromstring(read(broken, "junit.xml"))
    suite = root.find("testsuite")
    found = suite.findall("testcase")
    scenarios = [(r["id"], s) for r in broken["requirements"] for s in r["scenarios"]]
    assert [(c.get("classname"), c.get("name")) for c in found] == [(rid, s["title"]) for rid, s in scenarios]
    assert all(properties(c)["requirement"] == c.get("classname") and properties(c)["level"] for c in found)
    failed = [c for c in found if c.find("failure") is not None]
    assert failed and {c.get("classname") for c in failed} == {"PONGO-ORDER-02"}
    assert "sent anyway" in failed[0].find("failure").get("message")
    skipped = [c for c in found if c.find("skipped") is not None]
    assert skipped and all(c.find("skipped").get("message").startswith("not applicable") for c in skipped)
    assert suite.get("failures") == str(len(failed)) and suite.get("tests") == str(len(found))
    assert {p.get("name"): p.get("value") for p in suite.findall("properties/property")}["verdict"] == (
        "NOT CERTIFIED: PONGO-ORDER-02"
    )


def test_junit_agrees_with_the_exit_code_on_warnings_unrun_musts_and_broken_runs(reference):
    doc = copy.deepcopy(reference)
    by_id = {r["id"]: r for r in doc["requirements"]}
    should = by_id["PONGO-ID-03"]  # a SHOULD that failed: passed, with a note
    should["result"], should["scenarios"][0]["outcome"], should["scenarios"][0]["reason"] = "warning", "failed", "late"
    must = by_id["PONGO-ORDER-01"]  # a MUST that did not run: a failure, not a skip
    must["result"], must["scenarios"] = "not_run", [{**must["scenarios"][0], "outcome": "skipped", "reason": "-k"}]
    uncovered = by_id["PONGO-ORDER-02"]  # a MUST no scenario covers: still a failing case
    uncovered["result"], uncovered["reason"], uncovered["scenarios"] = "not_run", "no scenario", []
    found = {(c.get("classname"), c.get("name")): c for c in cases(junit_xml(doc))}
    warned = found["PONGO-ID-03", should["scenarios"][0]["title"]]
    assert warned.find("failure") is None and warned.find("skipped") is None
    assert warned.find("system-out").text.startswith("WARNING: PONGO-ID-03 is a SHOULD requirement")
    assert found["PONGO-ORDER-01", must["scenarios"][0]["title"]].find("failure").get("type") == "not_run"
    assert found["PONGO-ORDER-02", "PONGO-ORDER-02: no scenario"].find("failure") is not None
    doc["outcome"], doc["reason"] = "interrupted", "stopped by signal 15"
    assert cases(junit_xml(doc))[-1].find("error").text == "stopped by signal 15"


# -- exit codes ------------------------------------------------------------------------------------
def test_exit_codes_say_certified_not_certified_or_no_verdict(reference, broken, tmp_path):
    assert reference["exit"] == 0 and broken["exit"] == 1
    unloadable = certify("pongo", tmp_path / "unloadable", ["--driver", "nowhere:Nothing", "--no-allure"])
    assert unloadable["exit"] == NO_VERDICT and unloadable["outcome"] == "broken"  # the run could not start: no verdict
    header = json.loads((tmp_path / "unloadable" / "certification-log.json").read_text())["header"]
    assert header["verdict"].startswith("NOT CERTIFIED: the run broke: --poscert-driver nowhere:Nothing")
    refused = tmp_path / "refused"
    assert (
        main(["certify", "--platform", "pongo", "--out", str(refused), "--no-allure", "--", "--no-such"]) == NO_VERDICT
    )
    assert main(["verify", str(refused / "certification-bundle.zip")]) == 0  # even a refused run is evidenced


def test_the_example_workflow_certifies_checks_and_publishes_what_poscert_writes():
    workflow = yaml.safe_load((ROOT / "docs" / "ci" / "github-actions.yml").read_text(encoding="utf-8"))
    commands = "\n".join(step.get("run", "") for step in workflow["jobs"]["certify"]["steps"])
    assert "poscert certify" in commands and "poscert verify reports/certification-bundle.zip" in commands
    for name in re.findall(r"reports/([\w.-]+\.\w+)", yaml.safe_dump(workflow)):
        assert name in RESULT_NAMES, name
