"""What the plugin reads off a collected scenario: its requirements, whether it applies, its title,
and the failure a partner can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from poscert.results import (
    NA_PREFIX,
)
from poscert.run import KIND_TAGS, CertificationRun

REQ_TAG = "REQ:"
NEEDS_TAG = "needs:"  # the scenario applies only when the integration declares this capability
WITHOUT_TAG = "without:"  # the scenario applies only when the integration does NOT declare it
RUNS_LAST_TAG = "runs-last"  # a scenario that judges what every other scenario sent


def requirements_of(item: pytest.Item) -> tuple[str, ...]:
    return tuple(m.args[0] for m in item.iter_markers("requirement"))


def not_applicable_reason(item: pytest.Item, run: CertificationRun) -> str | None:
    """Why a scenario does not apply to this integration, or None when it does."""
    catalog = run.catalog
    declared = frozenset(getattr(run.driver_class, "capabilities", ()))
    scenario_kinds = [k for k in KIND_TAGS if item.get_closest_marker(k)]
    reqs = [catalog[r] for r in requirements_of(item)]
    kinds = scenario_kinds or sorted({k for r in reqs for k in r.kinds})
    if kinds and run.kind not in kinds:
        return f"{NA_PREFIX} to a {run.kind} integration"
    needed = {m.args[0] for m in item.iter_markers("needs")} | {r.capability for r in reqs if r.capability}
    missing = sorted(needed - declared)
    if missing:
        return f"{NA_PREFIX} (declared): no {', '.join(missing)}"
    present = sorted({m.args[0] for m in item.iter_markers("without")} & declared)
    if present:
        return f"{NA_PREFIX} (declared): the integration supports {', '.join(present)}"
    return None


HARNESS_FRAMES = ("_pytest", "pluggy", "pytest_bdd", "allure_pytest_bdd", "allure_commons")


def scenario_title(item: pytest.Item) -> str:
    """The scenario's title (pytest-bdd documents a scenario function as "<feature>: <scenario>"),
    with an outline example's parameters, so every example reads apart."""
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    title = doc.partition(": ")[2] or item.name
    callspec = getattr(item, "callspec", None)
    return f"{title} [{callspec.id}]" if callspec is not None else title


def integration_frames(excinfo: pytest.ExceptionInfo) -> Any:
    """The frames a partner can act on: theirs and the step that judged them, not pytest's machinery."""
    kept = [
        entry
        for entry in excinfo.traceback
        if not entry.ishidden(excinfo) and not any(part in HARNESS_FRAMES for part in Path(entry.path).parts)
    ]
    return kept or excinfo.traceback[-1:]


def failure_reason(report: pytest.TestReport, call: pytest.CallInfo) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    if report.failed and call.excinfo is not None:
        return f"{call.excinfo.typename}: {call.excinfo.value}".removeprefix("AssertionError: ")
    if report.failed:
        return str(report.longrepr).strip().splitlines()[-1]
    return ""
