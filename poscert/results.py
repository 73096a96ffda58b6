"""Scenario outcomes → one result per requirement, the certification verdict, and the table; and the
results folder, where nothing outlives its run and nothing is read half-written."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from poscert.base.catalog import Requirement

PASS, FAIL, WARNING, NOT_APPLICABLE, NOT_RUN = "pass", "fail", "warning", "not_applicable", "not_run"
NA_PREFIX = "not applicable"  # skip reasons that mean the requirement does not apply

# How the run ended. Only a completed run can be certified; the others say why in `reason`.
COMPLETED, INTERRUPTED, BROKEN = "completed", "interrupted", "broken"
ENDED = {INTERRUPTED: "was interrupted", BROKEN: "broke"}
# The CI gate, for `poscert certify` and plain pytest alike: certified, not certified (a MUST failed or
# did not run), no verdict (the run was interrupted or broke: the harness, its set-up or the driver's
# loading failed before the integration could be judged; `certification.json` says why).
CERTIFIED, NOT_CERTIFIED, NO_VERDICT = 0, 1, 2

CERTIFICATION, JUNIT, JOURNAL, ALLURE_RESULTS = "certification.json", "junit.xml", "journal.jsonl", "allure-results"
# The reviewer's certification log, in three formats from one model, and the run's evidence bundle.
LOG_MARKDOWN, LOG_HTML, LOG_JSON = "certification-log.md", "certification-log.html", "certification-log.json"
BUNDLE = "certification-bundle.zip"
# Where a re-run (--rerun-failed) keeps the earlier attempts' results: attempts/<n>/.
ATTEMPTS = "attempts"
# What the plugin writes in --poscert-out (with plain pytest too); `certify` adds the Allure results.
PLUGIN_RESULTS = frozenset({CERTIFICATION, JOURNAL, JUNIT, LOG_MARKDOWN, LOG_HTML, LOG_JSON, BUNDLE, ATTEMPTS})
# Everything poscert writes in a results folder, and the Allure report the README builds from it: removed
# before each run. Results are written under STAGING_PREFIX and renamed into place once complete.
RESULT_NAMES = PLUGIN_RESULTS | {ALLURE_RESULTS, "allure-report"}
STAGING_PREFIX = ".poscert-"


@dataclass
class ScenarioOutcome:
    nodeid: str
    name: str
    requirements: tuple[str, ...]
    outcome: str  # passed, failed, skipped
    reason: str = ""  # skip reason or the failure's message, in full
    # Decided by the plugin from the integration's kind and capabilities, never read from a skip text:
    # an integration that skips a scenario itself has not run it.
    not_applicable: bool = False
    title: str = ""  # the scenario's title, as the feature file words it
    exchanges: tuple[int, ...] = ()  # sequence numbers of the exchanges made during the scenario
    steps: tuple[dict[str, str], ...] = ()  # type, keyword and text of each step (poscert.scenario_steps)
    duration: float = 0.0  # seconds the phase that decided the outcome took
    attempt: int = 1  # the attempt that decided it: above 1 for a scenario a re-run (--rerun-failed) ran again


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
    applicable = [o for o in mine if not o.not_applicable]
    failed = [o for o in applicable if o.outcome == "failed"]
    skipped = [o for o in applicable if o.outcome == "skipped"]  # by the integration or a -k/skip, not by us
    if failed:
        result, reason = (FAIL if requirement.level == "MUST" else WARNING), failed[0].reason
    elif skipped:
        result, reason = NOT_RUN, f"{skipped[0].title or skipped[0].name} did not run: {skipped[0].reason}"
    elif applicable:
        result, reason = PASS, ""
    elif mine:
        result, reason = NOT_APPLICABLE, mine[0].reason
    else:
        result, reason = NOT_RUN, "no scenario"
    scenarios = [
        {
            "nodeid": o.nodeid,
            "name": o.name,
            "title": o.title,
            "outcome": "not_applicable" if o.not_applicable else o.outcome,
            "reason": o.reason,
            "exchanges": list(o.exchanges),
            "steps": [dict(step) for step in o.steps],
            "duration": round(o.duration, 3),
            # Only on a re-run's scenarios: a first run's document stays as it always was.
            **({"attempt": o.attempt} if o.attempt > 1 else {}),
        }
        for o in mine
    ]
    return RequirementResult(requirement.id, requirement.level, requirement.title, result, reason, scenarios)


def certify(requirements: list[Requirement], outcomes: list[ScenarioOutcome]) -> list[RequirementResult]:
    return [judge(r, outcomes) for r in requirements]


def blocking(results: list[RequirementResult]) -> list[RequirementResult]:
    """MUST requirements that fail or have no scenario that ran: these make the exit code non-zero."""
    return [r for r in results if r.level == "MUST" and r.result in (FAIL, NOT_RUN)]


def exit_code(outcome: str, results: list[RequirementResult]) -> int:
    """The gate: a run that did not complete has no verdict, whatever its requirements say."""
    if outcome != COMPLETED:
        return NO_VERDICT
    return NOT_CERTIFIED if blocking(results) else CERTIFIED


def write_certification(
    path: Path, results: list[RequirementResult], meta: dict, outcome: str = COMPLETED, reason: str = ""
) -> dict:
    """The verdict file, returned as written: the document every other result is made from. A run that
    did not complete is never certified, whatever its requirements say."""
    doc = {
        **meta,
        "certified": outcome == COMPLETED and not blocking(results),
        "outcome": outcome,
        "reason": reason,
        "requirements": [asdict(r) for r in results],
    }
    write_atomic(path, json.dumps(doc, indent=2) + "\n")
    return doc


def staged(path: Path) -> Path:
    """Where a result is written until it is complete, in the same folder (so renaming it is atomic)."""
    return path.with_name(STAGING_PREFIX + path.name)


def write_atomic(path: Path, text: str) -> None:
    """Write to a staging file, then rename it over `path`: a reader sees the old file or the new one,
    never half of one, even when the run is killed while writing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = staged(path)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def publish(path: Path) -> None:
    """Rename a staged result (file or folder) into place, once complete; nothing when none was written."""
    if staged(path).exists():
        os.replace(staged(path), path)


FOLDER_NOTES = frozenset({"README.md", "README", ".gitignore", ".gitkeep"})


class ForeignFiles(Exception):
    """The results folder holds files poscert did not write."""


def clear_results(
    out: Path, names: frozenset[str] = RESULT_NAMES, *, force: bool = False, keep: frozenset[str] = frozenset()
) -> None:
    """Remove what an earlier run left in `out` (only `names`, staged or not), so nothing there can be
    taken for this run's results. A folder holding anything else is refused unless `force`: its
    `junit.xml` may not be poscert's, and it is likely not meant as a results folder. `keep`: results of
    ours left in place, for a re-run that builds on them (they are still not foreign files)."""
    if out.exists() and not out.is_dir():
        raise ForeignFiles(f"{out} is a file, not a results folder")
    entries = list(out.iterdir()) if out.exists() else []
    ours = [p for p in entries if p.name in names or p.name.removeprefix(STAGING_PREFIX) in names]
    # A results folder kept in a repository carries its README and git's placeholders: not results.
    foreign = sorted(p.name for p in entries if p not in ours and p.name not in FOLDER_NOTES)
    if foreign and not force:
        raise ForeignFiles(
            f"{out} holds files poscert did not write ({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}); "
            f"each run first removes the results of the last one there ({', '.join(sorted(RESULT_NAMES))}): "
            "give an empty or new folder, or --force to remove only those and leave the rest"
        )
    for path in ours:
        if path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def table(results: list[RequirementResult], outcome: str = COMPLETED, reason: str = "") -> str:
    """One line per requirement (scenarios passed out of those that apply), what failed, then the verdict."""
    width = max((len(r.id) for r in results), default=10)
    lines = [f"{'requirement':<{width}}  level   result   passed  note"]
    for r in results:
        applicable = [s for s in r.scenarios if s["outcome"] != "not_applicable"]
        passed = sum(1 for s in applicable if s["outcome"] == "passed")
        note = r.reason.splitlines()[0][:90] if r.reason else ""
        lines.append(f"{r.id:<{width}}  {r.level:<6}  {MARKS[r.result]:<7}  {passed:>2}/{len(applicable):<3}  {note}")
    lines += [failure_details(r) for r in results if r.result in (FAIL, WARNING) or r.scenarios and r.result == NOT_RUN]
    unscenarioed = [r.id for r in results if r.result == NOT_RUN and not r.scenarios]
    if unscenarioed:
        lines += ["", f"Not run (deselected, or no scenario): {', '.join(unscenarioed)}"]
    return "\n".join([*lines, "", verdict(results, outcome, reason)])


def verdict(results: list[RequirementResult], outcome: str = COMPLETED, reason: str = "") -> str:
    """The last line of a run: why it is not certified, or CERTIFIED."""
    if outcome != COMPLETED:
        return f"NOT CERTIFIED: the run {ENDED[outcome]}: {reason}"
    bad = blocking(results)
    return "CERTIFIED" if not bad else f"NOT CERTIFIED: {', '.join(r.id for r in bad)}"


def verdict_of(doc: dict) -> str:
    """The verdict line of a certification.json document, as the run printed it."""
    results = [RequirementResult(**r) for r in doc.get("requirements", [])]
    return verdict(results, doc.get("outcome", COMPLETED), doc.get("reason", ""))


MARKS = {PASS: "PASS", FAIL: "FAIL", WARNING: "WARN", NOT_APPLICABLE: "N/A", NOT_RUN: "NOT RUN"}


def failure_details(result: RequirementResult) -> str:
    """What a partner needs to act on a requirement that did not pass: the requirement's sentence, each
    scenario that failed or did not run by its title, the message in full, the exchanges to look at."""
    lines = ["", f"{result.id} ({result.level}) {MARKS[result.result]}: {result.title}"]
    shown = [s for s in result.scenarios if s["outcome"] in ("failed", "skipped")]
    for scenario in shown:
        seen = f"  [exchanges {seq_ranges(scenario['exchanges'])}]" if scenario["exchanges"] else ""
        lines.append(f"  - {scenario['title'] or scenario['name']} ({scenario['outcome']}){seen}")
        lines += [f"      {line}" for line in (scenario["reason"] or "").splitlines()]
    if not shown:
        lines.append(f"  - {result.reason}")
    return "\n".join(lines)


def seq_ranges(seqs: list[int]) -> str:
    """#3-#7, #12: the journal's sequence numbers, compactly."""
    runs: list[list[int]] = []
    for seq in sorted(seqs):
        if runs and seq == runs[-1][-1] + 1:
            runs[-1].append(seq)
        else:
            runs.append([seq])
    return ", ".join(f"#{r[0]}" if len(r) == 1 else f"#{r[0]}-#{r[-1]}" for r in runs)
