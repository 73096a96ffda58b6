"""The state of one certification run: its catalog, platform, driver, journal, outcomes and secrets.

The plugin's hooks, the Allure sub-plugin and the steps' fixtures all read the run from here, so
what decides the verdict lives in one object per pytest session.
"""

from __future__ import annotations

import platform as pyplatform
import sysconfig
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from poscert.base.catalog import Catalog
from poscert.base.journal import Journal
from poscert.base.redaction import scrub_text
from poscert.driver_check import problems
from poscert.drivers.contract import CAPABILITIES
from poscert.guard import GuardedDriver, TimeLimits, build
from poscert.platforms import load_object, platform
from poscert.remote import RemoteError, RemoteIntegration, driver_host, is_remote, remote_driver
from poscert.results import (
    BROKEN,
    INTERRUPTED,
    JOURNAL,
    RequirementResult,
    ScenarioOutcome,
    staged,
)
from poscert.sandbox import SANDBOX, SIMULATOR, Sandbox, SandboxError, command_line_of, drift_of
from poscert.sandbox import load as load_sandbox

if TYPE_CHECKING:  # the re-run reads the run; the run only holds it
    from poscert.rerun import Rerun

KIND_TAGS = ("kiosk", "pos")
SANDBOX_OPTIONS = ("--poscert-upstream", "--poscert-sandbox-config", "--poscert-sandbox-fixtures")
RUN_KEY = pytest.StashKey["CertificationRun"]()


def certifying_options(config: pytest.Config) -> bool:
    """Whether pytest was given what makes a certification run."""
    options = ("--poscert-out", "--poscert-platform", "--poscert-driver")
    return any(config.getoption(name) is not None for name in options)


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
    stopped: tuple[str, str] | None = None  # (outcome, reason) of a run that did not complete
    # Where the simulator is served on localhost for a remote integration (set by the `platform_sim` fixture).
    served_url: str | None = None
    rerun: Rerun | None = None  # a --poscert-rerun-failed run: what it builds on (poscert.rerun)
    _driver: tuple[str, type, str] | None = None
    _journal: Journal | None = None
    _sandbox: Sandbox | None = None
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

    def close_journal(self) -> None:
        """Its file complete on disk, before it is moved and read (a run that never made one makes none now)."""
        if self._journal is not None:
            self._journal.close()

    def use_journal(self, journal: Journal) -> None:
        """Record into a journal made elsewhere: the whole-run phase of a parallel run records after the
        journal its controller merged from the workers', so its rules read every scenario's exchanges."""
        self._journal = journal

    def learn_secrets(self, secrets: set[str]) -> None:
        """Secrets issued in other processes (a parallel run's workers): scrubbed from this run's results too."""
        self._seen_secrets |= secrets

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

    @property
    def remote(self) -> bool:
        """The integration is driven over HTTP (`--driver http://...`): it reaches the simulator over real HTTP."""
        return is_remote(self.config.getoption("--poscert-driver"))

    @property
    def remote_host(self) -> str | None:
        """The host of a remote integration's driver: the harness's own requests to it are never intercepted."""
        return driver_host(self.config.getoption("--poscert-driver")) if self.remote else None

    @property
    def base_url(self) -> str:
        """The base URL the integration is given in its connection: the platform's real one, intercepted
        in-process, or the address the simulator is served on when the integration runs elsewhere."""
        if self.served_url is not None:
            return self.served_url
        return f"https://{platform(self.platform).hosts[0]}"

    @property
    def target(self) -> str:
        """What the integration is certified against: the simulator (default) or a live sandbox."""
        return self.config.getoption("--poscert-target") or SIMULATOR

    @property
    def sandbox(self) -> Sandbox | None:
        """The live sandbox of a `--poscert-target sandbox` run (None against the simulator), loaded once
        the platform is known; any problem with its options is one usage error."""
        if self._sandbox is None and self.target == SANDBOX:
            self._sandbox = self._load_sandbox()
        elif self.target != SANDBOX:
            given = [name for name in SANDBOX_OPTIONS if self.config.getoption(name)]
            if given:
                raise pytest.UsageError(f"{', '.join(given)}: only with --poscert-target sandbox")
        return self._sandbox

    def _load_sandbox(self) -> Sandbox:
        upstream = self.config.getoption("--poscert-upstream")
        if not upstream:
            raise pytest.UsageError("--poscert-target sandbox needs --poscert-upstream URL (the sandbox's base URL)")
        if self.platform is None:
            raise pytest.UsageError("--poscert-target sandbox needs --poscert-platform")
        try:
            return load_sandbox(
                self.platform,
                upstream,
                config=self.config.getoption("--poscert-sandbox-config"),
                fixtures=self.config.getoption("--poscert-sandbox-fixtures"),
                command_line=command_line_of(self.config),
            )
        except SandboxError as refused:
            raise pytest.UsageError(str(refused)) from None

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
        return certifying_options(self.config) or bool(self.outcomes)

    def stop(self, outcome: str, reason: str) -> None:
        """The run ends without a verdict on its requirements; the first cause recorded is the one reported."""
        if self.stopped is None:
            self.stopped = (outcome, scrub_text(reason, self.secrets()))

    # -- how a run ended, from hooks that get no config: the run is registered as a plugin of its session
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            lines = str(report.longrepr).strip().splitlines() or [""]
            why = lines[-1].removeprefix("E").strip()
            self.stop(BROKEN, f"{report.nodeid or 'the suite'} could not be collected: {why}")

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Iterator[None]:
        try:
            return (yield)
        except pytest.UsageError as refused:  # a driver that cannot be used, a MUST without a scenario, ...
            self.stop(BROKEN, str(refused))
            raise

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        cls = self._driver[1] if self._driver else None
        if isinstance(cls, type) and issubclass(cls, RemoteIntegration):
            cls.endpoint.close()  # the run's one HTTP client to a remote driver

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo) -> None:
        stopped = excinfo.value
        reason = getattr(stopped, "msg", None) or str(stopped) or "interrupted (Ctrl-C)"
        self.stop(INTERRUPTED, reason)

    def pytest_internalerror(self, excinfo: pytest.ExceptionInfo) -> None:
        self.stop(BROKEN, f"internal error: {excinfo.typename}: {excinfo.value}")

    def meta(self) -> dict:
        # Never loads the driver: a run whose driver could not be loaded still gets its verdict written.
        spec, cls, kind = self._driver or (
            self.config.getoption("--poscert-driver"),
            None,
            self.config.getoption("--poscert-kind"),
        )
        described = getattr(cls, "described", None) or {}
        integration = {key: described[key] for key in ("name", "version") if key in described}
        # Against a live sandbox: where, and what its answers broke of our schema (platform drift, never
        # the partner's failure). The credentials' values never; where they came from, yes.
        target = {"target": self.target}
        if self._sandbox is not None:
            drifted = self._journal.drift() if self._journal is not None else []
            target |= {
                "upstream": self._sandbox.upstream,
                "credentials_from": list(self._sandbox.sources),
                "drift": drift_of(drifted),
            }
        return {
            "platform": self.platform,
            "kind": kind,
            "driver": spec,
            "capabilities": sorted(getattr(cls, "capabilities", ())),
            "seed": self.seed,
            "catalog_version": self.catalog.version,
            # A remote integration's own name and version, as its describe gave them.
            "versions": versions() | ({"integration": " ".join(integration.values())} if integration else {}),
            **target,
        }


def versions() -> dict[str, str]:
    out = {"python": pyplatform.python_version()}
    for dist in ("poscert", "pytest", "pytest-bdd", "allure-pytest-bdd", "httpx", "respx", "faker", "jsonschema-rs"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out


def _resolve_driver(config: pytest.Config, platform_name: str | None) -> tuple[str, type, str]:
    spec = config.getoption("--poscert-driver")
    kind = config.getoption("--poscert-kind")
    if spec is None:
        if platform_name is None:
            raise pytest.UsageError("no platform: give --poscert-platform (or --poscert-driver)")
        references = platform(platform_name).references
        spec = references.get(kind or "kiosk") or next(iter(references.values()))
    if is_remote(spec):
        cls = _remote_class(config, spec, platform_name)
    else:
        try:
            cls = load_object(spec)
        except Exception as exc:  # a SyntaxError or anything raised at import: one message, not a crash
            raise pytest.UsageError(f"--poscert-driver {spec} could not be loaded: {_raised(exc)}") from None
    if not isinstance(cls, type):
        raise pytest.UsageError(f"--poscert-driver {spec} does not name a class")
    declared = getattr(cls, "kind", None)
    if kind and declared and kind != declared:
        raise pytest.UsageError(f"--poscert-kind {kind} but {spec} is a {declared} integration")
    if platform_name:
        declared_by = platform(platform_name)
        found = problems(cls, load_object(declared_by.contract), CAPABILITIES | declared_by.capabilities)
    else:
        found = []
    if found:
        raise pytest.UsageError(
            f"{spec} does not implement the {platform(platform_name).title} contract "
            f"({platform(platform_name).contract}):\n  - " + "\n  - ".join(found)
        )
    return spec, cls, declared or kind or "kiosk"


def _remote_class(config: pytest.Config, spec: str, platform_name: str | None) -> type:
    """The class of an integration driven over HTTP, from its describe; any problem is one usage error."""
    if platform_name is None:
        raise pytest.UsageError(
            f"--poscert-driver {spec}: give --poscert-platform with an integration driven over HTTP"
        )
    try:
        return remote_driver(
            spec,
            platform_name,
            load_object(platform(platform_name).contract),
            call_timeout=config.getoption("--poscert-call-timeout"),
        )
    except RemoteError as exc:
        raise pytest.UsageError(f"--poscert-driver {spec} cannot be used: {exc}") from None


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


def run_of(config: pytest.Config) -> CertificationRun:
    return config.stash[RUN_KEY]
