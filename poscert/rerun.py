"""`--rerun-failed`: run again only what failed or did not run, and judge the combination.

A certification of forty scenarios that failed on one flaky exchange should not cost forty scenarios to
confirm; but a reviewer must still see that the pass came on a second attempt. So a re-run:

- reads the previous run's certification.json in the results folder, and refuses (a usage error) when there
  is none, when that run broke, or when it certified something else: another platform, driver, kind, seed,
  target, catalog version or driver code (the earlier passes would say nothing of this integration);
- keeps that attempt as evidence: its certification.json and journal.jsonl move to `attempts/<n>/`, its
  Allure results too, and once this run's Allure results are written, the earlier per-scenario results
  are copied back beside them: Allure keys both attempts of a scenario on one history id, so a scenario
  run again shows as a retry of the same test (its first failure one click away), and the scenarios not
  run again still appear, as they passed;
- selects by node id, never by `-k` text: every scenario whose last outcome is neither passed nor
  not-applicable (failed, skipped by the integration, deselected, never reached), plus the whole-run
  rules (`@runs-last`) whenever anything else runs again, since they judge every exchange of the run;
- records after the kept scenarios' journal records (their sequence numbers unchanged, so the outcomes
  that point at them stay true), so the whole-run rules read the combined run as a full run would;
- and writes a combined result: the kept outcomes as they were, the re-run scenarios' new outcomes (with
  `attempt`), every requirement judged again, and `attempt`, `rerun_of` and `rerun` in certification.json.

A re-run is serial: pytest-xdist workers each keep a journal of their own, which the kept records would
have to be merged into; a re-run is small.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from poscert.provenance import integration_identity, sha256_hex
from poscert.results import ALLURE_RESULTS, ATTEMPTS, BROKEN, CERTIFICATION, JOURNAL, ScenarioOutcome
from poscert.scenarios import requirements_of

if TYPE_CHECKING:  # the run imports this module's world; this module only reads the run
    from poscert.run import CertificationRun

OPTION = "--poscert-rerun-failed"
KEPT = frozenset({"passed", "not_applicable"})  # a scenario's last outcome that a re-run keeps
# An Allure result folder's files that describe one scenario (the rest describe the run: its verdict,
# environment, executor, categories, configuration, catalog page, all written again for the combination).
ALLURE_SCENARIO_FILES = ("*-result.json", "*-container.json", "*-attachment*")
COMPARED = ("platform", "driver", "kind", "seed", "target", "catalog_version")


class Rerun:
    """A plugin of a re-run's session: which scenarios run again, the kept journal, the combined outcomes."""

    def __init__(self, run: CertificationRun, previous: dict[str, Any], journal: list[dict], attempt: int) -> None:
        self.run = run
        self.previous = previous
        self.previous_journal = journal
        self.attempt = attempt  # this run's attempt number
        self.kept = previous_outcomes(previous)
        self.order: list[str] = []  # every collected scenario, in collection order
        self.selected: list[str] = []  # the scenarios this attempt runs again
        self.loaded: set[str] = set()  # the scenarios whose earlier journal records this run's journal holds

    @property
    def folder(self) -> Path:
        """Where the previous attempt's results are kept."""
        return self.run.out / ATTEMPTS / str(self.attempt - 1)

    @pytest.hookimpl(trylast=True)  # after -k and -m: a selection given to the re-run narrows it further
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        scenarios = [item for item in items if requirements_of(item)]
        self.order = [item.nodeid for item in scenarios]
        done = {nodeid for nodeid, outcome in self.kept.items() if _kept(outcome)}
        again = [item for item in scenarios if item.nodeid not in done]
        if any(item.get_closest_marker("runs_last") is None for item in again):
            # The whole-run rules judged the first attempt's exchanges: with new ones, they judge again.
            again = [item for item in scenarios if item.nodeid not in done or item.get_closest_marker("runs_last")]
        chosen = {item.nodeid for item in again}
        deselected = [item for item in items if item.nodeid not in chosen]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item.nodeid in chosen]
        self.selected = [item.nodeid for item in items]
        # The kept scenarios' records, under their own numbers: what this run records comes after them.
        self.loaded = {line.get("scenario") for line in self.previous_journal} - chosen
        self.run.journal.load(line for line in self.previous_journal if line.get("scenario") in self.loaded)

    def combined(self, fresh: dict[str, ScenarioOutcome]) -> dict[str, ScenarioOutcome]:
        """Every scenario's last outcome, in collection order: this attempt's where it ran, else the kept one
        (a scenario selected but never reached, by an interruption or `-x`, keeps its earlier outcome, and
        its earlier journal records join the journal so the outcome's exchanges still point at something)."""
        latest = {nodeid: outcome for nodeid, outcome in self.kept.items() if nodeid not in fresh}
        unreached = set(latest) - self.loaded
        if unreached:
            self.run.journal.load(line for line in self.previous_journal if line.get("scenario") in unreached)
        for nodeid, outcome in fresh.items():
            latest[nodeid] = ScenarioOutcome(**{**vars(outcome), "attempt": self.attempt})
        position = {nodeid: index for index, nodeid in enumerate(self.order)}
        ordered = sorted(latest, key=lambda nodeid: position.get(nodeid, len(position)))
        return {nodeid: latest[nodeid] for nodeid in ordered}

    @property
    def nothing_selected(self) -> bool:
        """Every scenario passed or did not apply: the re-run judges the earlier outcomes again, runs nothing."""
        return not self.selected

    def meta(self) -> dict[str, Any]:
        """What certification.json says of the re-run: its attempt, the run it builds on, what ran again."""
        earlier = self.folder / CERTIFICATION
        return {
            "attempt": self.attempt,
            "rerun_of": {
                "attempt": self.attempt - 1,
                "started": self.previous.get("started"),
                "certification_sha256": sha256_hex(earlier.read_bytes()) if earlier.exists() else None,
            },
            "rerun": list(self.selected),
        }

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Once the re-run's Allure results are finished, the earlier attempt's per-scenario results join them
        (already finished and scrubbed by their own run): the kept scenarios appear, and a re-run scenario
        shows its earlier attempt as a retry."""
        alluredir = config.getoption("allure_report_dir", None)
        earlier = self.folder / ALLURE_RESULTS
        if not alluredir or not earlier.is_dir() or not Path(alluredir).is_dir():
            return
        for pattern in ALLURE_SCENARIO_FILES:
            for path in earlier.glob(pattern):
                if not (Path(alluredir) / path.name).exists():
                    shutil.copy2(path, Path(alluredir) / path.name)


def _kept(outcome: ScenarioOutcome) -> bool:
    return outcome.not_applicable or outcome.outcome in KEPT


def previous_outcomes(doc: dict[str, Any]) -> dict[str, ScenarioOutcome]:
    """Each scenario of a certification.json as the outcome it was judged from (a scenario behind two
    requirements is listed under each: one outcome, both requirements)."""
    found: dict[str, ScenarioOutcome] = {}
    for requirement in doc.get("requirements", []):
        for s in requirement.get("scenarios", []):
            if s["nodeid"] in found:
                outcome = found[s["nodeid"]]
                outcome.requirements = (*outcome.requirements, requirement["id"])
                continue
            not_applicable = s["outcome"] == "not_applicable"
            found[s["nodeid"]] = ScenarioOutcome(
                s["nodeid"],
                s["name"],
                (requirement["id"],),
                "skipped" if not_applicable else s["outcome"],
                s.get("reason", ""),
                not_applicable=not_applicable,
                title=s.get("title", ""),
                exchanges=tuple(s.get("exchanges", [])),
                steps=tuple(dict(step) for step in s.get("steps", [])),
                duration=s.get("duration", 0.0),
                attempt=s.get("attempt", 1),
            )
    return found


def refusal(previous: dict[str, Any] | None, current: dict[str, Any]) -> str | None:
    """Why the earlier results cannot be combined with this run's (None when they can): the combination
    certifies one integration, so everything that changes a verdict must be the same."""
    if previous is None:
        return f"there is no {CERTIFICATION} of an earlier run to re-run"
    if previous.get("outcome") == BROKEN:
        return f"the earlier run broke ({previous.get('reason', '')}): its results say nothing of the integration"
    for key in COMPARED:
        if previous.get(key) != current.get(key):
            return (
                f"the earlier run's {key} was {previous.get(key)!r}, this run's is {current.get(key)!r}: "
                "its results cannot be combined with this run's"
            )
    before = ((previous.get("integration") or {}).get("digest") or {}).get("value")
    now = ((current.get("integration") or {}).get("digest") or {}).get("value")
    if before != now:
        return "the integration's code changed since the earlier run (its digest differs): certify it in full"
    return None


def prepare(run: CertificationRun, alluredir: str | None) -> Rerun:
    """Before anything is cleared: read the earlier run, refuse one that cannot be combined, then keep it
    in attempts/<n>/ (certification.json, journal.jsonl, Allure results) for the re-run to build on."""
    out = run.out
    if out is None:
        raise pytest.UsageError(f"{OPTION} needs --poscert-out: the folder holding the run to re-run")
    if not run.config.getoption("--poscert-platform"):
        raise pytest.UsageError(f"{OPTION} needs --poscert-platform")
    report = out / CERTIFICATION
    try:
        previous = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    except ValueError as unreadable:
        raise pytest.UsageError(f"{OPTION}: {report} cannot be read ({unreadable})") from None
    current = {key: value for key, value in run.meta().items() if key in COMPARED}
    if previous is not None and previous.get("outcome") != BROKEN:  # loads the driver: only when it matters
        current = {
            **run.meta(),
            "driver": run.driver_spec,
            "kind": run.kind,
            "integration": integration_identity(run.driver_class, run.driver_spec),
        }
    refused = refusal(previous, current)
    if refused:
        raise pytest.UsageError(f"{OPTION}: {refused} (in {out})")
    attempt = int(previous.get("attempt", 1))
    folder = out / ATTEMPTS / str(attempt)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    journal = out / JOURNAL
    lines = []
    if journal.exists():
        with journal.open(encoding="utf-8") as fh:
            lines = [json.loads(line) for line in fh if line.strip()]
        os.replace(journal, folder / JOURNAL)
    os.replace(report, folder / CERTIFICATION)
    for source in (out / ALLURE_RESULTS, Path(alluredir) if alluredir else None):
        if source is not None and source.is_dir() and any(source.glob("*-result.json")):
            os.replace(source, folder / ALLURE_RESULTS)
            break
    return Rerun(run, previous, lines, attempt + 1)


def attempt_files(out: Path) -> dict[str, str]:
    """The earlier attempts' certification.json and journal.jsonl, by their path in the evidence bundle."""
    found = {}
    for folder in sorted((out / ATTEMPTS).glob("*"), key=lambda p: (len(p.name), p.name)):
        for name in (CERTIFICATION, JOURNAL):
            if (folder / name).is_file():
                found[f"{ATTEMPTS}/{folder.name}/{name}"] = (folder / name).read_text(encoding="utf-8")
    return found
