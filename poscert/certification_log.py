"""The certification log a reviewer reads: who was certified against what, one row per requirement
(functionality, the scenario's actions, expected, actual, result, notes), then what the partner declared
it does not do.

One model, built from certification.json alone, rendered three ways: Markdown for a pull request, one
HTML page that opens offline (inline CSS, no script, nothing fetched) for a reviewer's browser, and JSON
(schemas/reports/certification-log.json) for tools. A renderer only lays the model out; what a row says is
decided once, in `build_log`.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, replace

from poscert.results import (
    FAIL,
    NOT_APPLICABLE,
    NOT_RUN,
    PASS,
    WARNING,
    RequirementResult,
    seq_ranges,
    verdict_of,
)

SCHEMA_ID = "https://schemas.poscert.dev/reports/certification-log.json"
RESULT_LABELS = {
    PASS: "Pass",
    FAIL: "Fail",
    WARNING: "Warning",
    NOT_APPLICABLE: "Not applicable (declared)",
    NOT_RUN: "Not run",
}
AS_EXPECTED = "as expected"


@dataclass(frozen=True)
class Header:
    integration: str
    version: str
    kind: str
    platform: str
    catalog_version: str
    harness_version: str
    date: str  # when the run started, UTC
    seed: int
    target: str  # simulator or sandbox
    driver: str
    code_digest: str  # sha256 of the driver's code (or of an HTTP driver's describe)
    verdict: str  # CERTIFIED, or NOT CERTIFIED and why
    certified: bool


@dataclass(frozen=True)
class ScenarioEntry:
    title: str
    outcome: str  # passed, failed, skipped, not_applicable
    actions: list[str]  # the Given and When steps, keyword and text, as the feature words them
    expected: list[str]  # the Then steps
    actual: str  # "as expected", the failure message, or why it did not run
    exchanges: str  # journal sequence numbers, "#3-#7, #12"


@dataclass(frozen=True)
class Row:
    requirement: str
    level: str
    functionality: str  # the requirement's title
    setup: list[str]  # the actions every scenario of the row begins with (a feature's background), once
    result: str  # pass, fail, warning, not_applicable, not_run
    label: str  # Pass, Fail, Warning, Not applicable (declared), Not run
    actual: str
    notes: str
    scenarios: list[ScenarioEntry]


@dataclass(frozen=True)
class CertificationLog:
    header: Header
    rows: list[Row]
    known_limitations: list[str]  # the partner's own sentences
    capabilities_not_declared: list[str]  # what the requirements needing them were judged without


# -- the model ----------------------------------------------------------------------------------------
def build_log(doc: dict) -> CertificationLog:
    """The log of the run certification.json describes; a run that broke has rows that all say Not run."""
    results = [RequirementResult(**r) for r in doc.get("requirements", [])]
    integration = doc.get("integration") or {}
    digest = integration.get("digest") or {}
    versions = doc.get("versions") or {}
    header = Header(
        integration=integration.get("name") or str(doc.get("driver") or ""),
        version=integration.get("version") or "",
        kind=str(doc.get("kind") or ""),
        platform=str(doc.get("platform") or ""),
        catalog_version=str(doc.get("catalog_version") or ""),
        harness_version=versions.get("poscert", ""),
        date=doc.get("started") or "",
        seed=doc.get("seed") or 0,
        target=doc.get("target") or "simulator",
        driver=str(doc.get("driver") or ""),
        code_digest=f"{digest['algorithm']}:{digest['value']}" if digest else "",
        verdict=verdict_of(doc),
        certified=bool(doc.get("certified")),
    )
    return CertificationLog(
        header,
        [_row(result) for result in results],
        list(doc.get("known_limitations") or []),
        list(doc.get("capabilities_not_declared") or []),
    )


def _row(result: RequirementResult) -> Row:
    scenarios = [_scenario(s) for s in result.scenarios]
    setup = _shared_start([s.actions for s in scenarios]) if len(scenarios) > 1 else []
    scenarios = [replace(s, actions=s.actions[len(setup) :]) for s in scenarios]
    failing = [s for s in scenarios if s.outcome in ("failed", "skipped")]
    if result.result == PASS:
        actual = AS_EXPECTED
    elif failing:
        actual = "\n".join(f"{s.title}: {s.actual}" if len(scenarios) > 1 else s.actual for s in failing)
    else:
        actual = result.reason
    return Row(
        result.id,
        result.level,
        result.title,
        setup,
        result.result,
        RESULT_LABELS[result.result],
        actual,
        _notes(result, scenarios),
        scenarios,
    )


def _shared_start(lists: list[list[str]]) -> list[str]:
    shared = []
    for steps in zip(*lists, strict=False):
        if len(set(steps)) > 1:
            break
        shared.append(steps[0])
    return shared


def _scenario(scenario: dict) -> ScenarioEntry:
    steps = scenario.get("steps") or []
    worded = [f"{s['keyword']} {s['text']}" for s in steps]
    outcome = scenario["outcome"]
    return ScenarioEntry(
        scenario.get("title") or scenario["name"],
        outcome,
        [w for w, s in zip(worded, steps, strict=True) if s["type"] != "then"],
        [w for w, s in zip(worded, steps, strict=True) if s["type"] == "then"],
        AS_EXPECTED if outcome == "passed" else (scenario.get("reason") or outcome),
        seq_ranges(scenario.get("exchanges") or []),
    )


def _notes(result: RequirementResult, scenarios: list[ScenarioEntry]) -> str:
    """What a reviewer weighs the result with: whether it blocks, how much ran, where the evidence is."""
    applicable = [s for s in scenarios if s.outcome != NOT_APPLICABLE]
    notes = []
    if result.result in (FAIL, NOT_RUN) and result.level == "MUST":
        notes.append("MUST: blocks certification")
    elif result.result in (WARNING, NOT_RUN):
        notes.append(f"{result.level}: reported, does not block certification")
    if result.result == NOT_APPLICABLE:
        notes.append(result.reason)
    if applicable:
        passed = sum(1 for s in applicable if s.outcome == "passed")
        notes.append(f"{passed} of {len(applicable)} scenarios passed")
    notes += [
        f"{s.get('title') or s['name']}: {_OUTCOME_WORDS.get(s['outcome'], s['outcome'])} on attempt {s['attempt']} "
        "(re-run with --rerun-failed)"
        for s in result.scenarios
        if s.get("attempt")
    ]
    if any(s.exchanges for s in scenarios):
        notes.append(f"evidence: requirements/{result.id}.jsonl in the bundle")
    return "; ".join(notes)


_OUTCOME_WORDS = {"passed": "passed", "failed": "failed again", "skipped": "did not run"}


# -- renderers ----------------------------------------------------------------------------------------
HEADER_FIELDS = (
    ("Integration", "integration"),
    ("Version", "version"),
    ("Kind", "kind"),
    ("Platform", "platform"),
    ("Catalog version", "catalog_version"),
    ("Harness (poscert) version", "harness_version"),
    ("Date", "date"),
    ("Seed", "seed"),
    ("Target", "target"),
    ("Driver", "driver"),
    ("Code digest", "code_digest"),
)
COLUMNS = ("Requirement", "Functionality", "Actions", "Expected", "Actual", "Result", "Notes")


def to_json(log: CertificationLog) -> str:
    return json.dumps({"$schema": SCHEMA_ID, **asdict(log)}, indent=2) + "\n"


def _limitation_lines(log: CertificationLog) -> tuple[list[str], list[str]]:
    declared = log.known_limitations or ["none declared"]
    undeclared = [
        f"{name}: not declared, so the requirements that need it are not applicable"
        for name in log.capabilities_not_declared
    ] or ["every capability the requirements name is declared"]
    return declared, undeclared


def to_markdown(log: CertificationLog) -> str:
    h = log.header

    def cell(text: str) -> str:  # raw HTML is Markdown too: a message's <...> must stay text
        return html.escape(text, quote=False).replace("|", "\\|").replace("\n", "<br>") or " "

    def steps(row: Row, part: str) -> str:
        lines = [f"*Every scenario:* {'; '.join(row.setup)}"] if part == "actions" and row.setup else []
        for s in row.scenarios:
            lines += [f"**{s.title}**", *getattr(s, part)] if len(row.scenarios) > 1 else getattr(s, part)
        return "\n".join(lines)

    lines = [
        f"# Certification log: {h.integration} {h.version}".rstrip(),
        "",
        f"**{h.verdict}**",
        "",
        "| | |",
        "|---|---|",
        *(f"| {label} | {cell(str(getattr(h, name)))} |" for label, name in HEADER_FIELDS),
        "",
        "## Requirements",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in log.rows:
        values = (
            f"{row.requirement} ({row.level})",
            row.functionality,
            steps(row, "actions"),
            steps(row, "expected"),
            row.actual,
            row.label,
            row.notes,
        )
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    declared, undeclared = _limitation_lines(log)
    lines += ["", "## Known limitations", "", "Declared by the partner:", ""]
    lines += [f"- {cell(line)}" for line in declared]
    lines += ["", "Capabilities:", "", *(f"- {cell(line)}" for line in undeclared), ""]
    return "\n".join(lines)


STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
.verdict { font-size: 1.3em; font-weight: 700; padding: .4em .8em; display: inline-block; border-radius: 4px; }
.verdict.ok { background: #d6f5dd; color: #0b5a1e; } .verdict.no { background: #fde0e0; color: #8a1010; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #c8c8cc; padding: .35em .5em; vertical-align: top; text-align: left; }
th { background: #f2f2f4; }
table.header { width: auto; } table.header th { width: 14em; }
td ul { margin: 0; padding-left: 1.1em; } td .scenario { font-weight: 600; margin-top: .3em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: 12px/1.35 ui-monospace, monospace; }
tr.fail td.result { background: #fde0e0; } tr.warning td.result { background: #fff2cc; }
tr.pass td.result { background: #d6f5dd; } tr.not_run td.result { background: #fde0e0; }
tr.not_applicable td.result { background: #ececf0; }
"""


def to_html(log: CertificationLog) -> str:
    h = log.header
    e = html.escape

    def steps(row: Row, part: str) -> str:
        blocks = []
        if part == "actions" and row.setup:
            setup = "".join(f"<li>{e(line)}</li>" for line in row.setup)
            blocks.append(f'<div class="scenario">Every scenario</div><ul>{setup}</ul>')
        for s in row.scenarios:
            title = f'<div class="scenario">{e(s.title)}</div>' if len(row.scenarios) > 1 else ""
            items = "".join(f"<li>{e(line)}</li>" for line in getattr(s, part))
            blocks.append(f"{title}<ul>{items}</ul>" if items else title)
        return "".join(blocks)

    header_rows = "".join(
        f"<tr><th>{e(label)}</th><td>{e(str(getattr(h, name)))}</td></tr>" for label, name in HEADER_FIELDS
    )
    rows = "".join(
        f'<tr class="{row.result}" id="{e(row.requirement)}">'
        f"<td><strong>{e(row.requirement)}</strong><br>{e(row.level)}</td>"
        f"<td>{e(row.functionality)}</td>"
        f"<td>{steps(row, 'actions')}</td>"
        f"<td>{steps(row, 'expected')}</td>"
        f"<td><pre>{e(row.actual)}</pre></td>"
        f'<td class="result">{e(row.label)}</td>'
        f"<td>{e(row.notes)}</td></tr>"
        for row in log.rows
    )
    declared, undeclared = _limitation_lines(log)
    title = e(f"Certification log: {h.integration} {h.version}".rstrip())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>\n"
        f"<h1>{title}</h1>\n"
        f'<p class="verdict {"ok" if h.certified else "no"}">{e(h.verdict)}</p>\n'
        f'<table class="header">{header_rows}</table>\n'
        "<h2>Requirements</h2>\n"
        f"<table><thead><tr>{''.join(f'<th>{c}</th>' for c in COLUMNS)}</tr></thead><tbody>{rows}</tbody></table>\n"
        "<h2>Known limitations</h2>\n<p>Declared by the partner:</p>\n"
        f"<ul>{''.join(f'<li>{e(line)}</li>' for line in declared)}</ul>\n<p>Capabilities:</p>\n"
        f"<ul>{''.join(f'<li>{e(line)}</li>' for line in undeclared)}</ul>\n"
        "</body></html>\n"
    )
