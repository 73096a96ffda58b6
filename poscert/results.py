"""Scenario outcomes → one result per requirement, the certification verdict, and the table."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from poscert.base.catalog import Requirement

PASS, FAIL, WARNING, NOT_APPLICABLE, NOT_RUN = "pass", "fail", "warning", "not_applicable", "not_run"
NA_PREFIX = "not applicable"  # skip reasons that mean the requirement does not apply


@dataclass
class ScenarioOutcome:
    nodeid: str
    name: str
    requirements: tuple[str, ...]
    outcome: str  # passed, failed, skipped
    reason: str = ""  # skip reason or the first line of the failure

    @property
    def not_applicable(self) -> bool:
        return self.outcome == "skipped" and self.reason.startswith(NA_PREFIX)


@dataclass
class RequirementResult:
    id: str
    level: str
    title: str
    result: str
    reason: str = ""
    scenarios: list[dict] = field(default_factory=list)


def judge(requirement: Requirement, outcomes: list[ScenarioOutcome]) -> RequirementResult:
    """A requirement passes when every scenario behind it that applies passed.

    A failed MUST is a fail; a failed SHOULD or MAY is a warning (MAY is
    declared by the partner, so a failure there never blocks certification).
    """
    mine = [o for o in outcomes if requirement.id in o.requirements]
    ran = [o for o in mine if o.outcome in ("passed", "failed")]
    failed = [o for o in ran if o.outcome == "failed"]
    if failed:
        result, reason = (FAIL if requirement.level == "MUST" else WARNING), failed[0].reason
    elif ran:
        result, reason = PASS, ""
    elif mine and all(o.not_applicable for o in mine):
        result, reason = NOT_APPLICABLE, mine[0].reason
    else:
        result, reason = NOT_RUN, "no scenario ran" if mine else "no scenario"
    return RequirementResult(
        requirement.id,
        requirement.level,
        requirement.title,
        result,
        reason,
        [{"nodeid": o.nodeid, "name": o.name, "outcome": o.outcome, "reason": o.reason} for o in mine],
    )


def certify(requirements: list[Requirement], outcomes: list[ScenarioOutcome]) -> list[RequirementResult]:
    return [judge(r, outcomes) for r in requirements]


def blocking(results: list[RequirementResult]) -> list[RequirementResult]:
    """MUST requirements that fail or have no scenario that ran: these make the exit code non-zero."""
    return [r for r in results if r.level == "MUST" and r.result in (FAIL, NOT_RUN)]


def write_certification(path: Path, results: list[RequirementResult], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {**meta, "certified": not blocking(results), "requirements": [asdict(r) for r in results]}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def table(results: list[RequirementResult]) -> str:
    marks = {PASS: "PASS", FAIL: "FAIL", WARNING: "WARN", NOT_APPLICABLE: "N/A", NOT_RUN: "NOT RUN"}
    width = max((len(r.id) for r in results), default=10)
    lines = [f"{'requirement':<{width}}  level   result   scenarios  note"]
    for r in results:
        ran = sum(1 for s in r.scenarios if s["outcome"] != "skipped")
        note = r.reason.splitlines()[0][:90] if r.reason else ""
        lines.append(f"{r.id:<{width}}  {r.level:<6}  {marks[r.result]:<7}  {ran:>3}/{len(r.scenarios):<5}  {note}")
    bad = blocking(results)
    lines.append("CERTIFIED" if not bad else f"NOT CERTIFIED: {', '.join(r.id for r in bad)}")
    return "\n".join(lines)
