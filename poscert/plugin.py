"""The pytest plugin behind every certification run.

It checks scenario tags against the catalog at collection, decides which
scenarios apply to the integration under test (its kind and declared
capabilities), collects outcomes per requirement, and writes the verdict:
certification.json, the terminal table, Allure labels and evidence. The CLI and
plain `pytest` runs go through the same hooks, so they can never disagree.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from poscert import DEFAULT_SEED
from poscert.base.catalog import load_catalog
from poscert.base.journal import Journal
from poscert.base.redaction import scrub_text
from poscert.base.resources import package_dir
from poscert.guard import DriverFault, TimeLimits, seconds
from poscert.parallel import Controller, WorkerSide, controls_workers, refuse_unsupported, worker_id
from poscert.platforms import platforms
from poscert.provenance import STARTED, certification_meta, now
from poscert.reports import write_reports
from poscert.rerun import OPTION as RERUN_OPTION
from poscert.rerun import prepare as prepare_rerun
from poscert.results import (
    ATTEMPTS,
    BROKEN,
    CERTIFICATION,
    COMPLETED,
    JOURNAL,
    NO_VERDICT,
    PLUGIN_RESULTS,
    ScenarioOutcome,
    certify,
    clear_results,
    exit_code,
    publish,
    table,
    verdict,
    write_certification,
)
from poscert.run import KIND_TAGS, RUN_KEY, CertificationRun, certifying_options, run_of
from poscert.sandbox import (
    NEEDS_STATE,
    SIMULATOR,
    SIMULATOR_ONLY_TAG,
    TARGETS,
    described,
    drift_of,
    masked_upstream,
)
from poscert.scenario_steps import scenario_steps
from poscert.scenarios import (
    NEEDS_TAG,
    REQ_TAG,
    RUNS_LAST_TAG,
    WITHOUT_TAG,
    failure_reason,
    integration_frames,
    not_applicable_reason,
    requirements_of,
    scenario_title,
)
from poscert.source_trees import enable as keep_source_trees
from poscert.step_cache import enable as cache_step_lookup


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("poscert", "loyalty integration certification")
    group.addoption(
        "--poscert-platform",
        default=None,
        choices=sorted(platforms()),
        metavar="NAME",
        help=f"the platform certified; every MUST requirement of it needs a scenario ({', '.join(platforms())})",
    )
    group.addoption(
        "--poscert-driver",
        default=None,
        metavar="SPEC",
        help="integration under test: package.module:Class, or http://host:port for one driven over HTTP "
        "(poscert-driver/1, docs/http-driver.md); default: the platform's bundled reference",
    )
    group.addoption("--poscert-kind", default=None, choices=KIND_TAGS, help="kiosk or pos (default: the driver's own)")
    group.addoption("--poscert-seed", type=int, default=DEFAULT_SEED, help="seed of the simulator datasets (Faker)")
    group.addoption("--poscert-out", default=None, metavar="DIR", help="write DIR/certification.json")
    group.addoption(
        "--poscert-call-timeout",
        type=seconds,
        default=30.0,
        metavar="SECONDS",
        help="a driver call that takes longer fails its scenario (default 30; 0: no limit)",
    )
    group.addoption(
        "--poscert-run-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="the run stops, interrupted, when it takes longer (default: no limit)",
    )
    group.addoption(
        "--poscert-target",
        default=SIMULATOR,
        choices=TARGETS,
        help="what the integration is certified against: the embedded simulator (default), or a live sandbox "
        "behind a recording proxy (with --poscert-upstream; docs/sandbox-mode.md)",
    )
    group.addoption(
        "--poscert-upstream",
        default=None,
        metavar="URL",
        help="the sandbox's base URL, with --poscert-target sandbox (no credentials in it)",
    )
    group.addoption(
        "--poscert-sandbox-config",
        default=None,
        metavar="FILE",
        help="the sandbox's credentials, TOML or JSON (or POSCERT_<PLATFORM>_... variables); never on the command line",
    )
    group.addoption(
        "--poscert-sandbox-fixtures",
        default=None,
        metavar="FILE",
        help="what the sandbox holds that scenarios read instead of the simulator's state, TOML or JSON",
    )
    group.addoption(
        RERUN_OPTION,
        action="store_true",
        default=None,  # None, not False: an option not given is not listed in certification.json's options
        help="run again only the scenarios that failed or did not run in the --poscert-out folder's last run, "
        "keep that attempt in attempts/<n>/, and write the combined result",
    )
    group.addoption(
        "--poscert-requirements-url",
        default=None,
        metavar="URL",
        help="where reviewers read the requirement catalog (Allure links append #<ID>)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for tag in (*platforms(), *KIND_TAGS):
        config.addinivalue_line("markers", f"{tag}: scenario of that platform or kind")
    config.addinivalue_line("markers", "requirement(id): the catalog requirement a scenario certifies")
    config.addinivalue_line("markers", "needs(capability): applies only when the integration declares it")
    config.addinivalue_line("markers", "without(capability): applies only when the integration lacks it")
    config.addinivalue_line("markers", "runs_last: runs after every other scenario of the session")
    config.addinivalue_line("markers", "simulator_only: needs the simulator's state; skipped against a sandbox")
    upstream = config.getoption("--poscert-upstream")
    if upstream:  # refused at collection when it carries credentials; never kept with them (options are evidence)
        config.option.poscert_upstream = masked_upstream(upstream)
    worker = worker_id(config)
    out = None if worker else config.getoption("--poscert-out")  # a parallel run's results: its controller's
    run = CertificationRun(
        load_catalog(),
        config,
        config.getoption("--poscert-platform"),
        config.getoption("--poscert-seed"),
        Path(out) if out else None,
        limits=TimeLimits(config.getoption("--poscert-call-timeout"), config.getoption("--poscert-run-timeout")),
    )
    config.stash[RUN_KEY] = run
    _interrupt_on_sigterm(config)
    config.pluginmanager.register(run, "poscert-run")
    if config.getoption(RERUN_OPTION) and not config.getoption("collectonly"):
        if worker or controls_workers(config):
            raise pytest.UsageError(f"{RERUN_OPTION} runs serially: remove -n (pytest-xdist)")
        run.rerun = prepare_rerun(run, config.getoption("allure_report_dir", None))  # refused before any change
        config.pluginmanager.register(run.rerun, "poscert-rerun")
        clear_results(run.out, PLUGIN_RESULTS - {ATTEMPTS}, force=True)  # the earlier attempts are evidence
    elif run.out is not None and not config.getoption("collectonly"):
        clear_results(run.out, PLUGIN_RESULTS, force=True)  # no verdict outlives its run
    if worker:  # each worker writes its own Allure files in the folder the controller cleaned
        config.option.clean_alluredir = False
        config.pluginmanager.register(WorkerSide(run), "poscert-worker")
    elif controls_workers(config):
        refuse_unsupported(config)
        config.pluginmanager.register(Controller(run), "poscert-controller")
    if config.getoption("allure_report_dir", None):  # the Allure sub-plugin only when Allure results are asked for
        from poscert.evidence import AllureEvidence

        config.pluginmanager.register(AllureEvidence(run), "poscert-evidence")


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config: pytest.Config) -> Iterator[int | pytest.ExitCode]:
    """A certification run pytest refuses (a usage error: a driver that cannot be used, a MUST without a
    scenario) has no verdict: exit 2, as `poscert certify` says, rather than pytest's 4."""
    try:
        return (yield)
    except pytest.UsageError as refused:
        if not certifying_options(config):
            raise
        sys.stderr.write("".join(f"ERROR: {line}\n\n" for line in refused.args))  # as pytest prints it
        return NO_VERDICT


PREVIOUS_SIGTERM = pytest.StashKey[Any]()


def _interrupt_on_sigterm(config: pytest.Config) -> None:
    """A CI job cancelled (SIGTERM) stops the run like Ctrl-C does, so it still writes an "interrupted"
    verdict instead of leaving no certification.json at all."""
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers belong to the main thread; an embedding caller keeps its own

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    config.stash[PREVIOUS_SIGTERM] = signal.signal(signal.SIGTERM, interrupt)


def pytest_unconfigure(config: pytest.Config) -> None:
    previous = config.stash.get(PREVIOUS_SIGTERM, None)
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """A packaged scenario module is imported by its installed name (`poscert.steps.<platform>...`).

    pytest would name it after the folders above it (`steps.<platform>...` in a checkout), importing the
    steps a second time under another name; one name keeps one set of step definitions.
    """
    steps_dir = package_dir("steps")
    if not module_path.resolve().is_relative_to(steps_dir):
        return None
    relative = module_path.resolve().relative_to(steps_dir).with_suffix("")
    module = pytest.Module.from_parent(parent, path=module_path)
    module.obj = importlib.import_module(".".join(("poscert.steps", *relative.parts)))
    return module


# -- tags -------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function) -> bool | None:
    """`@REQ:<ID>` and capability tags become markers; an unknown ID stops collection."""
    if tag.startswith(REQ_TAG):
        req_id = tag[len(REQ_TAG) :]
        if req_id not in load_catalog():
            raise pytest.UsageError(f"scenario tag @{tag} names no requirement of the catalog")
        pytest.mark.requirement(req_id)(function)
        return True
    if tag == RUNS_LAST_TAG:
        pytest.mark.runs_last(function)
        return True
    if tag == SIMULATOR_ONLY_TAG:
        pytest.mark.simulator_only(function)
        return True
    for prefix, mark in ((NEEDS_TAG, pytest.mark.needs), (WITHOUT_TAG, pytest.mark.without)):
        if tag.startswith(prefix):
            mark(tag[len(prefix) :])(function)
            return True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    run = run_of(config)
    scenarios = [i for i in items if requirements_of(i)]
    covered = {r for i in scenarios for r in requirements_of(i)}
    found = sorted({run.catalog[r].platform for r in covered} - {"all"})
    given = [run.platform] if run.platform else []
    if len(set(found) | set(given)) > 1:  # one integration, one platform: a driver serves one contract
        raise pytest.UsageError(
            f"this run collects scenarios of {' and '.join(sorted(set(found) | set(given)))}; "
            "certify one platform per run (select it with --poscert-platform)"
        )
    if run.platform is None and found:
        run.platform = found[0]
    if scenarios and run.platform is None:
        raise pytest.UsageError("the collected scenarios name no platform: give --poscert-platform")
    # A MUST without a scenario is "not_run" in the verdict; with --poscert-platform it stops collection now.
    if config.getoption("--poscert-platform"):
        missing = [r.id for r in run.catalog.for_platform(run.platform) if r.level == "MUST" and r.id not in covered]
        if missing:
            raise pytest.UsageError(f"MUST requirements of {run.platform} with no scenario: {', '.join(missing)}")
    sandbox = run.sandbox if scenarios else None  # its options checked before any scenario runs
    for item in scenarios:
        item.extra_keyword_matches.update(requirements_of(item))  # `-k <REQUIREMENT-ID>` selects a requirement
        reason = not_applicable_reason(item, run)
        if reason:
            run.not_applicable[item.nodeid] = reason
            item.add_marker(pytest.mark.skip(reason=reason))
        elif sandbox is not None and item.get_closest_marker("simulator_only"):
            # Not run, never "not applicable": the requirement applies, the sandbox cannot show it.
            item.add_marker(pytest.mark.skip(reason=f"{NEEDS_STATE}: the scenario is tagged @{SIMULATOR_ONLY_TAG}"))
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)  # stable: order kept otherwise
    if scenarios:  # pytest-bdd's lookups and pytest's source parses, once each per certification, not per use
        cache_step_lookup(config)
        keep_source_trees(config)


# -- outcomes -----------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Innermost wrapper: trim and scrub the failure, scrub captured output, record the scenario's outcome.

    Runs before Allure, JUnit and the terminal read the report, so none of them sees a secret.
    """
    outcome = yield
    report = outcome.get_result()
    run = run_of(item.config)
    fault = call.excinfo.value if call.excinfo is not None else None
    if isinstance(fault, DriverFault) and fault.stops is not None:  # a hung run, an integration that cannot be built
        run.stop(fault.stops, str(fault))
        item.session.shouldstop = run.stopped[1]
    secrets = run.secrets()
    if report.failed and call.excinfo is not None and not item.config.getoption("fulltrace"):
        report.longrepr = call.excinfo.getrepr(style="short", tbfilter=integration_frames)
    if report.failed and report.longrepr is not None:
        report.longrepr = scrub_text(str(report.longrepr), secrets)
    report.sections = [(title, scrub_text(text, secrets)) for title, text in report.sections]
    reqs = requirements_of(item)
    if not reqs:
        return
    previous = run.outcomes.get(item.nodeid)
    decisive = (
        report.when == "call"
        or (report.when == "setup" and report.outcome != "passed")
        or (report.when == "teardown" and report.failed)
    )
    if decisive and (previous is None or previous.outcome != "failed"):
        run.outcomes[item.nodeid] = ScenarioOutcome(
            item.nodeid,
            item.name,
            reqs,
            report.outcome,
            scrub_text(failure_reason(report, call), secrets),
            not_applicable=item.nodeid in run.not_applicable,
            title=scenario_title(item),
            exchanges=tuple(x.seq for x in run.journal.exchanges(scenario=item.nodeid, direction=None)),
            steps=scenario_steps(item),
            duration=report.duration,
        )


def results_of(run: CertificationRun):
    requirements = [r for r in run.catalog if run.platform and r.applies_to(run.platform)]
    return certify(requirements, list(run.outcomes.values()))


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[STARTED] = now()  # certification.json's start time


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the verdict of every certification run, however it ended; a run that did not complete is never
    certified and exits 2 or more."""
    run = run_of(session.config)
    if session.config.getoption("collectonly") or not run.certifying or worker_id(session.config):
        return  # a worker hands its outcomes to the controller (poscert.parallel), which writes the verdict
    if run.rerun is not None and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and run.rerun.nothing_selected:
        exitstatus = pytest.ExitCode.OK  # nothing failed or went unrun: the earlier outcomes are judged again
    if run.rerun is not None:
        run.outcomes = run.rerun.combined(run.outcomes)
    if run.stopped is None and exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        nothing = exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        run.stop(BROKEN, "no scenario was collected" if nothing else f"pytest ended with exit {int(exitstatus)}")
    results = run.results = results_of(run)  # final now; the terminal summary prints these
    outcome, reason = run.stopped or (COMPLETED, "")
    if run.out is not None:
        run.close_journal()
        publish(run.out / JOURNAL)
        meta = certification_meta(run, session) | (run.rerun.meta() if run.rerun is not None else {})
        doc = write_certification(run.out / CERTIFICATION, results, meta, outcome, reason)
        write_reports(run.out, doc, run.secrets())  # the log, JUnit and bundle: all from certification.json
    # The verdict is the exit code: a failed SHOULD is a warning, a failed or unrun MUST blocks.
    session.exitstatus = exit_code(outcome, results)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    run = run_of(config)
    if run.outcomes and not worker_id(config):  # a run that never started says why in pytest's own error
        outcome, reason = run.stopped or (COMPLETED, "")
        terminalreporter.section("poscert certification")
        terminalreporter.write_line(f"driver {run.driver_spec} ({run.kind}), seed {run.seed}")
        if run.sandbox is not None:
            _sandbox_summary(terminalreporter, run)
        # A broken run's requirements say nothing of the integration: only why it broke.
        terminalreporter.write_line(
            verdict([], outcome, reason) if outcome == BROKEN else table(run.results, outcome, reason)
        )


def _sandbox_summary(terminalreporter: Any, run: CertificationRun) -> None:
    """Against a sandbox: where, what did not run for want of the simulator's state, and platform drift."""
    terminalreporter.write_line(described(run.sandbox))
    skipped = [o for o in run.outcomes.values() if o.outcome == "skipped" and o.reason.startswith(NEEDS_STATE)]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} scenario(s) not run: they need the simulator's state (their requirements are NOT RUN, "
            "so a sandbox run is certified only when every scenario ran; see docs/sandbox-mode.md)"
        )
    drift = drift_of(run.journal.drift())
    if drift:
        terminalreporter.write_line(
            f"platform drift: {len(drift)} answer(s) of the sandbox break poscert's schema "
            "(the platform's, not the integration's; in certification.json's drift):"
        )
        for entry in drift[:20]:
            where = entry["pointer"] or "/"
            terminalreporter.write_line(
                f"  #{entry['seq']} {entry['method']} {entry['path']} -> {entry['status']}: "
                f"{entry['operation']} at '{where}' breaks '{entry['rule']}': {entry['message']}"[:240]
            )


# -- fixtures every platform's steps share ----------------------------------------------
@pytest.fixture(scope="session")
def certification_run(pytestconfig: pytest.Config) -> CertificationRun:
    return run_of(pytestconfig)


@pytest.fixture(scope="session")
def journal(certification_run: CertificationRun) -> Journal:
    """One journal for the session; each scenario reads its own records. Written as JSON Lines with --poscert-out."""
    return certification_run.journal


@pytest.fixture
def scenario_journal(journal: Journal, request: pytest.FixtureRequest) -> Iterator[Journal]:
    journal.begin(request.node.nodeid)
    yield journal


@pytest.fixture
def integration_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything the integration logs, at every level: ALL-SEC-01 reads it for leaked credentials."""
    # pytest-bdd's DEBUG lines are fixture machinery, not evidence. Set first: the capture handler
    # keeps the level of the last call, which must be DEBUG.
    caplog.set_level(logging.INFO, logger="pytest_bdd")
    caplog.set_level(logging.DEBUG)
    return caplog


logging.getLogger("poscert").addHandler(logging.NullHandler())
