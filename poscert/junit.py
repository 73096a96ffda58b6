"""JUnit XML that says what the certification says, for CI dashboards that read nothing else.

pytest's own report knows test functions; a CI reviewer needs requirements. Here each scenario is a test
case named by its title, its classname the requirement ID (a scenario behind two requirements appears
under each), the requirement and its level as properties. It agrees with the exit code: a MUST that
failed or did not run is a failure, a SHOULD or MAY that failed passes with a note (a warning does not
block), what does not apply is skipped with the reason, and a run that did not complete is an error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from poscert.results import COMPLETED, FAIL, NOT_APPLICABLE, NOT_RUN, WARNING, RequirementResult, verdict_of

SUITE_PROPERTIES = ("platform", "kind", "driver", "seed", "catalog_version", "target", "outcome", "attempt")


def junit_xml(doc: dict) -> str:
    """The JUnit document of the run certification.json describes."""
    results = [RequirementResult(**r) for r in doc.get("requirements", [])]
    outcome = doc.get("outcome", COMPLETED)
    suite = ET.Element(
        "testsuite",
        name=f"poscert {doc.get('platform') or ''} {doc.get('kind') or ''}".strip(),
        timestamp=doc.get("started") or "",
    )
    properties = ET.SubElement(suite, "properties")
    for name in SUITE_PROPERTIES:
        if doc.get(name) is not None:
            ET.SubElement(properties, "property", name=name, value=str(doc[name]))
    integration = doc.get("integration") or {}
    for name in ("name", "version"):
        if integration.get(name):
            ET.SubElement(properties, "property", name=f"integration_{name}", value=integration[name])
    ET.SubElement(properties, "property", name="verdict", value=verdict_of(doc))
    for result in results:
        for scenario in result.scenarios or [None]:
            _case(suite, result, scenario)
    if outcome != COMPLETED:  # the run itself failed: no dashboard may read it as a pass
        case = ET.SubElement(suite, "testcase", name="certification run", classname="poscert", time="0")
        ET.SubElement(case, "error", message=f"the run did not complete ({outcome})").text = doc.get("reason", "")
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for tag, count in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(tag, str(sum(1 for c in cases if c.find(count) is not None)))
    suite.set("time", f"{sum(float(c.get('time', 0)) for c in cases):.3f}")
    root = ET.Element("testsuites", name="poscert certification")
    for attribute in ("tests", "failures", "errors", "skipped", "time"):
        root.set(attribute, suite.get(attribute))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, result: RequirementResult, scenario: dict | None) -> None:
    """One scenario of a requirement; `None` stands for a requirement no scenario covers."""
    name = (scenario.get("title") or scenario["name"]) if scenario else f"{result.id}: no scenario"
    case = ET.SubElement(
        suite, "testcase", name=name, classname=result.id, time=f"{scenario.get('duration', 0) if scenario else 0:.3f}"
    )
    properties = ET.SubElement(case, "properties")
    ET.SubElement(properties, "property", name="requirement", value=result.id)
    ET.SubElement(properties, "property", name="level", value=result.level)
    ET.SubElement(properties, "property", name="result", value=result.result)
    attempt = scenario.get("attempt") if scenario else None
    if attempt:  # run again by --rerun-failed: a pass here came after a failure (or no run) on an earlier attempt
        ET.SubElement(properties, "property", name="attempt", value=str(attempt))
    outcome = scenario["outcome"] if scenario else "skipped"
    message = (scenario.get("reason") if scenario else result.reason) or ""
    if outcome == NOT_APPLICABLE or result.result == NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=message)
    elif outcome == "failed" and result.result == FAIL:
        ET.SubElement(case, "failure", message=_first_line(message), type="requirement").text = message
    elif outcome == "failed" and result.result == WARNING:
        ET.SubElement(case, "system-out").text = (
            f"WARNING: {result.id} is a {result.level} requirement; this scenario failed, which is reported "
            f"and does not block certification.\n{message}"
        )
    elif outcome == "skipped" and result.level == "MUST":  # a MUST that did not run blocks: it is no skip
        text = f"{result.id} is a MUST requirement and did not run: {message}"
        ET.SubElement(case, "failure", message=_first_line(text), type=NOT_RUN).text = text
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=f"did not run: {message}")
    elif outcome == "passed" and attempt:
        ET.SubElement(
            case, "system-out"
        ).text = f"passed on attempt {attempt}: re-run with --rerun-failed after it failed or did not run before"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
