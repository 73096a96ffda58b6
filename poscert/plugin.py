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
import platform as pyplatform
import sysconfig
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from poscert import DEFAULT_SEED
from poscert.base.catalog import Catalog, load_catalog
from poscert.base.journal import Journal
from poscert.base.redaction import scrub_text
from poscert.base.resources import package_dir
from poscert.driver_check import problems
from poscert.drivers.contract import CAPABILITIES
from poscert.guard import DriverFault, GuardedDriver, TimeLimits, build, seconds
from poscert.platforms import load_object, platform, platforms
from poscert.results import (
    BROKEN,
    CERTIFICATION,
    COMPLETED,
    INTERRUPTED,
    JOURNAL,
    NA_PREFIX,
    RequirementResult,
    ScenarioOutcome,
    blocking,
    certify,
    clear_results,
    publish,
    staged,
    table,
    verdict,
    write_certification,
)

REQ_TAG = "REQ:"
NEEDS_TAG = "needs:"  # the scenario applies only when the integration declares this capability
WITHOUT_TAG = "without:"  # the scenario applies only when the integration does NOT declare it
RUNS_LAST_TAG = "runs-last"  # a scenario that judges what every other scenario sent
KIND_TAGS = ("kiosk", "pos")
RUN_KEY = pytest.StashKey["CertificationRun"]()


@dataclass(eq=False)  # hashed by identity: the run is also a plugin of its session
class CertificationRun:
    catalog: Catalog
    config: pytest.Config
    platform: str | None  # given with --poscert-platform, else inferred from the collected scenarios
    seed: int
    out: Path | None
    outcomes: dict[str, ScenarioOutcome] = field(default_factory=dict)
    results: list[RequirementResult] = field(default_factory=list)  # set once, when the session ends
    # Where the secrets of the run come from (a simulator's issued tokens): scrubbed from captured output.
    secret_sources: list[Callable[[], set[str]]] = field(default_factory=list)
    not_applicable: dict[str, str] = field(default_factory=dict)  # node id -> why, decided at collection
    limits: TimeLimits = field(default_factory=TimeLimits)  # per driver call and per run
    stopped: tuple[str, str, int] | None = None  # (outcome, reason, exit code) of a run that did not complete
    _driver: tuple[str, type, str] | None = None
    _journal: Journal | None = None
    _seen_secrets: set[str] = field(default_factory=set)

    @property
    def journal(self) -> Journal:
        if self._journal is None:  # made on first use: runs without scenarios write no journal file
            sink = None
            if self.out is not None:
                self.out.mkdir(parents=True, exist_ok=True)
                sink = staged(self.out / JOURNAL)  # renamed into place when the session ends
                sink.write_text("", encoding="utf-8")
            self._journal = Journal(sink)
        return self._journal

    def _resolved(self) -> tuple[str, type, str]:
        # Loaded on first use, so runs without scenarios (the project's own tests) never import a driver.
        if self._driver is None:
            self._driver = _resolve_driver(self.config, self.platform)
        return self._driver

    @property
    def platforms(self) -> list[str]:
        return [self.platform] if self.platform else []

    @property
    def driver_spec(self) -> str:
        return self._resolved()[0]

    @property
    def driver_class(self) -> type:
        return self._resolved()[1]

    @property
    def kind(self) -> str:
        return self._resolved()[2]

    def secrets(self) -> set[str]:
        """Every secret issued so far in the run: a simulator forgets its own at each scenario's reset."""
        for source in self.secret_sources:
            self._seen_secrets |= source()
        return set(self._seen_secrets)

    def build_driver(self, *args: Any) -> GuardedDriver:
        """The integration of one scenario, built as its platform builds it (`Cls(connection)`), behind the
        guard: each contract call timed and its answer checked against the contract (poscert.guard)."""
        __tracebackhide__ = True
        return build(self.driver_class, load_object(platform(self.platform).contract), args, self.limits)

    @property
    def certifying(self) -> bool:
        """A certification run (given its options, or running scenarios), not the project's own tests."""
        options = ("--poscert-out", "--poscert-platform", "--poscert-driver")
        return any(self.config.getoption(name) is not None for name in options) or bool(self.outcomes)

    def stop(self, outcome: str, reason: str, exit_code: int) -> None:
        """The run ends without a verdict on its requirements; the first cause recorded is the one reported."""
        if self.stopped is None:
            self.stopped = (outcome, scrub_text(reason, self.secrets()), int(exit_code))

    # -- how a run ended, from hooks that get no config: the run is registered as a plugin of its session
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = str(report.longrepr).strip().splitlines() or [""]
            why = lines[-1].removeprefix("E").strip()
            self.stop(
                BROKEN, f"{report.nodeid or 'the suite'} could not be collected: {why}", pytest.ExitCode.USAGE_ERROR
            )

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Iterator[None]:
        try:
            return (yield)
        except pytest.UsageError as refused:  # a driver that cannot be used, a MUST without a scenario, ...
            self.stop(BROKEN, str(refused), pytest.ExitCode.USAGE_ERROR)
            raise

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        stopped = excinfo.value
        reason = getattr(stopped, "msg", None) or str(stopped) or "interrupted (Ctrl-C)"
        self.stop(INTERRUPTED, reason, getattr(stopped, "returncode", None) or pytest.ExitCode.INTERRUPTED)

    def pytest_internalerror(self, excinfo: pytest.ExceptionInfo) -> None:
        self.stop(BROKEN, f"internal error: {excinfo.typename}: {excinfo.value}", pytest.ExitCode.INTERNAL_ERROR)

    def meta(self) -> dict:
        # Never loads the driver: a run whose driver could not be loaded still gets its verdict written.
        spec, cls, kind = self._driver or (
            self.config.getoption("--poscert-driver"),
            None,
            self.config.getoption("--poscert-kind"),
        )
        return {
            "platform": self.platform,
            "kind": kind,
            "driver": spec,
            "capabilities": sorted(getattr(cls, "capabilities", ())),
            "seed": self.seed,
            "catalog_version": self.catalog.version,
            "versions": versions(),
        }


def versions() -> dict[str, str]:
    out = {"python": pyplatform.python_version()}
    for dist in ("poscert", "pytest", "pytest-bdd", "allure-pytest-bdd", "httpx", "respx", "faker", "jsonschema-rs"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


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
        help="integration under test, package.module:Class (default: the platform's bundled reference)",
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
        "--poscert-requirements-url",
        default=None,
        metavar="URL",
        help="where reviewers read the requirement catalog (Allure links append #<ID>)",
    )


def _resolve_driver(config: pytest.Config, platform_name: str | None) -> tuple[str, type, str]:
    spec = config.getoption("--poscert-driver")
    kind = config.getoption("--poscert-kind")
    if spec is None:
        if platform_name is None:
            raise pytest.UsageError("no platform: give --poscert-platform (or --poscert-driver)")
        references = platform(platform_name).references
        spec = references.get(kind or "kiosk") or next(iter(references.values()))
    try:
        cls = load_object(spec)
    except Exception as exc:  # a SyntaxError or anything raised at import: one message, not a crash
        raise pytest.UsageError(f"--poscert-driver {spec} could not be loaded: {_raised(exc)}") from None
    if not isinstance(cls, type):
        raise pytest.UsageError(f"--poscert-driver {spec} does not name a class")
    declared = getattr(cls, "kind", None)
    if kind and declared and kind != declared:
        raise pytest.UsageError(f"--poscert-kind {kind} but {spec} is a {declared} integration")
    found = problems(cls, load_object(platform(platform_name).contract), CAPABILITIES) if platform_name else []
    if found:
        raise pytest.UsageError(
            f"{spec} does not implement the {platform(platform_name).title} contract "
            f"({platform(platform_name).contract}):\n  - " + "\n  - ".join(found)
        )
    return spec, cls, declared or kind or "kiosk"


def _raised(exc: Exception) -> str:
    """The exception in one line, with where the driver's own code raised it (not the import machinery)."""
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc}"  # says the file and line itself
    machinery = (__file__, load_object.__code__.co_filename, sysconfig.get_path("stdlib"))
    theirs = [
        frame for frame in traceback.extract_tb(exc.__traceback__) if not frame.filename.startswith(("<", *machinery))
    ]
    where = f" ({theirs[-1].filename}, line {theirs[-1].lineno})" if theirs else ""
    return f"{type(exc).__name__}: {exc}{where}"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for tag in (*platforms(), *KIND_TAGS):
        config.addinivalue_line("markers", f"{tag}: scenario of that platform or kind")
    config.addinivalue_line("markers", "requirement(id): the catalog requirement a scenario certifies")
    config.addinivalue_line("markers", "needs(capability): applies only when the integration declares it")
    config.addinivalue_line("markers", "without(capability): applies only when the integration lacks it")
    config.addinivalue_line("markers", "runs_last: runs after every other scenario of the session")
    out = config.getoption("--poscert-out")
    run = CertificationRun(
        load_catalog(),
        config,
        config.getoption("--poscert-platform"),
        config.getoption("--poscert-seed"),
        Path(out) if out else None,
        limits=TimeLimits(config.getoption("--poscert-call-timeout"), config.getoption("--poscert-run-timeout")),
    )
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(run, "poscert-run")
    if run.out is not None and not config.getoption("collectonly"):
        clear_results(run.out, frozenset({CERTIFICATION, JOURNAL}), force=True)  # no verdict outlives its run
    if config.getoption("allure_report_dir", None):  # the Allure sub-plugin only when Allure results are asked for
        from poscert.evidence import AllureEvidence

        config.pluginmanager.register(AllureEvidence(run), "poscert-evidence")


def run_of(config: pytest.Config) -> CertificationRun:
    return config.stash[RUN_KEY]


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
    for prefix, mark in ((NEEDS_TAG, pytest.mark.needs), (WITHOUT_TAG, pytest.mark.without)):
        if tag.startswith(prefix):
            mark(tag[len(prefix) :])(function)
            return True
    return None


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
    for item in scenarios:
        item.extra_keyword_matches.update(requirements_of(item))  # `-k PONGO-OPTIN-01` selects a requirement
        reason = not_applicable_reason(item, run)
        if reason:
            run.not_applicable[item.nodeid] = reason
            item.add_marker(pytest.mark.skip(reason=reason))
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)  # stable: order kept otherwise


# -- outcomes -----------------------------------------------------------------------
HARNESS_FRAMES = ("_pytest", "pluggy", "pytest_bdd", "allure_pytest_bdd", "allure_commons")


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
        run.stop(fault.stops[0], str(fault), fault.stops[1])
        item.session.shouldstop = run.stopped[1]
    secrets = run.secrets()
    if report.failed and call.excinfo is not None and not item.config.getoption("fulltrace"):
        report.longrepr = call.excinfo.getrepr(style="short", tbfilter=_integration_frames)
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
            scrub_text(_reason(report, call), secrets),
            not_applicable=item.nodeid in run.not_applicable,
            title=scenario_title(item),
            exchanges=tuple(x.seq for x in run.journal.exchanges(scenario=item.nodeid, direction=None)),
        )


def scenario_title(item: pytest.Item) -> str:
    """The scenario's title (pytest-bdd documents a scenario function as "<feature>: <scenario>"),
    with an outline example's parameters, so every example reads apart."""
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    title = doc.partition(": ")[2] or item.name
    callspec = getattr(item, "callspec", None)
    return f"{title} [{callspec.id}]" if callspec is not None else title


def _integration_frames(excinfo: pytest.ExceptionInfo) -> Any:
    """The frames a partner can act on: theirs and the step that judged them, not pytest's machinery."""
    kept = [
        entry
        for entry in excinfo.traceback
        if not entry.ishidden(excinfo) and not any(part in HARNESS_FRAMES for part in Path(entry.path).parts)
    ]
    return kept or excinfo.traceback[-1:]


def _reason(report: pytest.TestReport, call: pytest.CallInfo) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    if report.failed and call.excinfo is not None:
        return f"{call.excinfo.typename}: {call.excinfo.value}".removeprefix("AssertionError: ")
    if report.failed:
        return str(report.longrepr).strip().splitlines()[-1]
    return ""


def results_of(run: CertificationRun):
    requirements = [r for r in run.catalog if run.platform and r.applies_to(run.platform)]
    return certify(requirements, list(run.outcomes.values()))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the verdict of every certification run, however it ended; a run that did not complete is never
    certified and exits 2 or more."""
    run = run_of(session.config)
    if session.config.getoption("collectonly") or not run.certifying:
        return
    if run.stopped is None and exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        nothing = exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        run.stop(
            BROKEN, "no scenario was collected" if nothing else f"pytest ended with exit {int(exitstatus)}", exitstatus
        )
    results = run.results = results_of(run)  # final now; the terminal summary prints these
    outcome, reason, code = run.stopped or (COMPLETED, "", None)
    if run.out is not None:
        publish(run.out / JOURNAL)
        write_certification(run.out / CERTIFICATION, results, run.meta(), outcome, reason)
    # The verdict is the exit code: a failed SHOULD is a warning, a failed or unrun MUST blocks.
    if code is not None:
        session.exitstatus = code
    else:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED if blocking(results) else pytest.ExitCode.OK


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    run = run_of(config)
    if run.outcomes:  # a run that never started says why in pytest's own error
        outcome, reason, _ = run.stopped or (COMPLETED, "", None)
        terminalreporter.section("poscert certification")
        terminalreporter.write_line(f"driver {run.driver_spec} ({run.kind}), seed {run.seed}")
        # A broken run's requirements say nothing of the integration: only why it broke.
        terminalreporter.write_line(
            verdict([], outcome, reason) if outcome == BROKEN else table(run.results, outcome, reason)
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
