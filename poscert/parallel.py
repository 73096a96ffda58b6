"""A certification run spread over pytest-xdist workers (`-n N`) gives the verdict of a serial run.

Each worker has its own simulator and journal, so no two scenarios share state; what decides the verdict
is gathered by the controller once every worker is done:

- a worker runs every selected scenario but the whole-run rules (`@runs-last`, which judge what every
  other scenario sent), and hands its controller, through xdist's `workeroutput`, its scenarios' outcomes,
  its journal, the secrets its simulator issued and why its run stopped, if it did;
- the controller merges the journals into one, each scenario's records where the scenario stands in the
  collection order (the merged journal reads like a serial run's), numbers them anew and points each
  outcome at its exchanges' new numbers;
- it then runs the whole-run rules itself, in a small in-process pytest session over just those scenarios
  with the merged journal loaded, so a rule broken on any worker fails as it would in a serial run;
- and the plugin writes certification.json, the log, JUnit, the journal and the bundle as for a serial run.

A worker that dies takes its journal with it: the run is then broken, never judged on what is left.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from poscert.base.journal import Journal
from poscert.remote import is_remote
from poscert.results import BROKEN, ScenarioOutcome
from poscert.run import CertificationRun, run_of
from poscert.sandbox import SANDBOX
from poscert.scenarios import requirements_of

PAYLOAD = "poscert"  # poscert's key in xdist's workeroutput
# What the whole-run phase adds to the run's own arguments: no workers of its own, and no results written
# by it (the controller writes them all, its JUnit too); the last value of an option given twice wins.
WHOLE_RUN_ARGS = ("--numprocesses=0", "--dist=no", "--poscert-out=", "--junitxml=")


def worker_id(config: pytest.Config) -> str | None:
    """The xdist worker this process is (`gw0`, ...); None in a serial run and in a parallel run's controller."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else workerinput["workerid"]


def controls_workers(config: pytest.Config) -> bool:
    """Whether this process is the controller of a parallel run: its workers run the scenarios."""
    return (
        worker_id(config) is None
        and config.pluginmanager.hasplugin("xdist")
        and config.getoption("dist", "no") != "no"
        and not config.getoption("collectonly")
    )


def refuse_unsupported(config: pytest.Config) -> None:
    """What a parallel run cannot isolate per worker: a live sandbox (one platform state for all of them) and
    an integration driven over HTTP (one test build, which the harness promises to call one call at a time)."""
    if config.getoption("--poscert-target") == SANDBOX:
        raise pytest.UsageError("--poscert-target sandbox runs serially: remove -n (pytest-xdist)")
    driver = config.getoption("--poscert-driver")
    if is_remote(driver):
        raise pytest.UsageError(f"--poscert-driver {driver} (an integration driven over HTTP) runs serially: remove -n")


def is_whole_run(item: pytest.Item) -> bool:
    """A scenario that judges every other scenario's exchanges: it needs the whole run's journal."""
    return bool(requirements_of(item)) and item.get_closest_marker("runs_last") is not None


class WorkerSide:
    """On a worker: hold the whole-run rules back for the controller, and hand over what decides the verdict."""

    def __init__(self, run: CertificationRun) -> None:
        self.run = run
        self.order: list[str] = []  # the scenarios this worker may run, in collection order
        self.withheld: list[str] = []

    @pytest.hookimpl(trylast=True)  # after -k and -m: what is held back is what was selected
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.withheld = [item.nodeid for item in items if is_whole_run(item)]
        items[:] = [item for item in items if not is_whole_run(item)]
        self.order = [item.nodeid for item in items]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        run = self.run
        if not run.certifying:
            return
        payload = {
            "order": self.order,
            "withheld": self.withheld,
            "outcomes": [vars(outcome) for outcome in run.outcomes.values()],
            "not_applicable": run.not_applicable,
            "journal": run.journal.lines() if run.outcomes else [],
            "secrets": sorted(run.secrets()),
            "stopped": run.stopped,
        }
        # One JSON text, as the journal file would hold it: whatever a body holds, it crosses to the controller.
        session.config.workeroutput[PAYLOAD] = json.dumps(payload, default=str)


def merge_journals(
    journals: list[list[dict[str, Any]]], order: list[str]
) -> tuple[list[dict], dict[tuple[int, int], int]]:
    """One journal from the workers' (each a list of journal lines): each scenario's records in the collection
    order of their scenario, numbered from 1. Returns the lines and (worker index, old seq) -> new seq."""
    position = {nodeid: index for index, nodeid in enumerate(order)}
    tagged = [(worker, line) for worker, lines in enumerate(journals) for line in lines]
    tagged.sort(key=lambda pair: (position.get(pair[1]["scenario"], len(order)), pair[0], pair[1]["seq"]))
    renumbered: dict[tuple[int, int], int] = {}
    merged = []
    for seq, (worker, line) in enumerate(tagged, start=1):
        renumbered[worker, line["seq"]] = seq
        merged.append({**line, "seq": seq})
    return merged, renumbered


def outcome_of(fields: dict[str, Any], exchanges: tuple[int, ...]) -> ScenarioOutcome:
    """A worker's scenario outcome, read back, with its exchanges' numbers in the merged journal."""
    return ScenarioOutcome(
        **{
            **fields,
            "requirements": tuple(fields["requirements"]),
            "exchanges": exchanges,
            "steps": tuple(dict(step) for step in fields["steps"]),
        }
    )


class Controller:
    """On the controller: gather every worker's hand-over, merge, then run the whole-run rules."""

    def __init__(self, run: CertificationRun) -> None:
        self.run = run
        self.handed: dict[str, dict[str, Any]] = {}
        self.lost: list[str] = []

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object | None) -> None:
        payload = getattr(node, "workeroutput", {}).get(PAYLOAD)
        if payload is not None:
            self.handed[node.workerinput["workerid"]] = json.loads(payload)
        elif error is not None:
            self.lost.append(f"{node.workerinput['workerid']} crashed ({error})")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Iterator[None]:
        if not session.config.pluginmanager.hasplugin("dsession"):
            return (yield)
        try:
            finished = yield
        finally:  # an interrupted run still reports what its workers finished
            withheld = self.gather()
        if withheld and self.run.stopped is None and not (session.shouldfail or session.shouldstop):
            self.judge_whole_run(session.config, withheld)
        return finished

    def gather(self) -> list[str]:
        """Merge the workers' outcomes, journals and secrets into the run; the whole-run scenarios they held back."""
        run = self.run
        if self.lost:
            run.stop(
                BROKEN,
                f"pytest-xdist worker {', '.join(self.lost)}: the exchanges of its scenarios are lost, "
                "so the whole-run rules cannot be judged",
            )
        handed = [self.handed[worker] for worker in sorted(self.handed, key=lambda w: int(w.lstrip("gw") or 0))]
        if not any(h["outcomes"] or h["withheld"] for h in handed):
            return []
        for h in handed:
            if h["stopped"]:
                run.stop(*h["stopped"])
        order = handed[0]["order"]
        lines, renumbered = merge_journals([h["journal"] for h in handed], order)
        run.journal.load(lines)
        position = {nodeid: index for index, nodeid in enumerate(order)}
        outcomes = []
        for worker, h in enumerate(handed):
            outcomes += [outcome_of(o, tuple(renumbered[worker, seq] for seq in o["exchanges"])) for o in h["outcomes"]]
            run.not_applicable.update(h["not_applicable"])
            run.learn_secrets(set(h["secrets"]))
        outcomes.sort(key=lambda o: position.get(o.nodeid, len(order)))
        run.outcomes.update((o.nodeid, o) for o in outcomes)
        run.driver_class  # noqa: B018 - loaded here as in a serial run, for certification.json's integration
        return handed[0]["withheld"]

    def judge_whole_run(self, config: pytest.Config, withheld: list[str]) -> None:
        """The whole-run rules, once every worker is done: the run's own arguments, run in-process without
        workers over just those scenarios, recording after the merged journal. Their outcomes join the others,
        and their reports reach this session's terminal as any worker's do."""
        phase = WholeRunPhase(config, self.run.journal, withheld)
        printed = io.StringIO()
        with (
            contextlib.chdir(config.invocation_params.dir),
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
            _allure_listeners_set_aside(),
        ):
            code = pytest.main([*config.invocation_params.args, *WHOLE_RUN_ARGS], plugins=[phase])
        inner = phase.run
        if inner is None or not inner.outcomes and inner.stopped is None:
            last = printed.getvalue().strip().splitlines()[-1:] or [""]
            self.run.stop(BROKEN, f"the whole-run scenarios could not run (pytest exit {int(code)}): {last[0]}")
            return
        self.run.learn_secrets(inner.secrets())
        self.run.not_applicable.update(inner.not_applicable)
        self.run.outcomes.update(inner.outcomes)
        if inner.stopped is not None:
            self.run.stop(*inner.stopped)
        elif set(inner.outcomes) != set(withheld):
            missing = sorted(set(withheld) - set(inner.outcomes))
            self.run.stop(BROKEN, f"whole-run scenarios did not run: {', '.join(missing)}")


@contextlib.contextmanager
def _allure_listeners_set_aside() -> Iterator[None]:
    """allure-python keeps its listeners in one registry per process: while the whole-run phase runs, only its
    own session's listen; the controller's, with no scenario of their own running, would fail on its labels."""
    from allure_commons import plugin_manager

    outer = [(plugin_manager.get_name(plugin), plugin) for plugin in plugin_manager.get_plugins()]
    for name, _ in outer:
        plugin_manager.unregister(name=name)
    try:
        yield
    finally:
        for name, plugin in outer:
            plugin_manager.register(plugin, name)


class WholeRunPhase:
    """A plugin of the controller's in-process session over the whole-run scenarios."""

    def __init__(self, outer: pytest.Config, journal: Journal, nodeids: list[str]) -> None:
        self.outer = outer
        self.journal = journal
        self.nodeids = frozenset(nodeids)
        self.run: CertificationRun | None = None

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        config.option.clean_alluredir = False  # the workers' Allure results are in the same folder: kept

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.run = run_of(session.config)
        self.run.use_journal(self.journal)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        items[:] = [item for item in items if item.nodeid in self.nodeids]

    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self.outer.hook.pytest_runtest_logstart(nodeid=nodeid, location=location)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.outer.hook.pytest_runtest_logreport(report=report)

    def pytest_runtest_logfinish(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        self.outer.hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)
