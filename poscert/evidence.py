"""Allure evidence: requirement labels and links, each step's request/response pairs, violations,
and the seed and versions in the report's environment. Same facts as certification.json.

A sub-plugin: the main plugin registers it only when `--alluredir` is given.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import allure
import pytest
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Link, Status, StatusDetails, TestResult
from allure_commons.utils import md5, now

from poscert.base.catalog import CATALOG_FILE, Requirement
from poscert.base.journal import Exchange, Journal
from poscert.base.redaction import scrub_text
from poscert.run import CertificationRun, versions
from poscert.scenarios import requirements_of, scenario_title

SEVERITY = {"MUST": "critical", "SHOULD": "normal", "MAY": "minor"}

CURSOR = pytest.StashKey[int]()


def _attach_new_exchanges(request: pytest.FixtureRequest, journal: Journal) -> None:
    fresh = journal.since(request.node.stash.get(CURSOR, 0))
    for exchange in fresh:
        allure.attach(
            json.dumps(_evidence(exchange), indent=2, default=str),
            name=exchange.title(),
            attachment_type=allure.attachment_type.JSON,
        )
        if exchange.violations:
            allure.attach(
                "\n".join(str(v) for v in exchange.violations),
                name=f"schema violations #{exchange.seq}",
                attachment_type=allure.attachment_type.TEXT,
            )
    if fresh:
        request.node.stash[CURSOR] = fresh[-1].seq


def _evidence(exchange: Exchange) -> dict:
    return {
        "request": {
            "method": exchange.method,
            "path": exchange.path,
            "query": exchange.query,
            "headers": exchange.request_headers,
            "body": exchange.request_body,
        },
        "response": {"status": exchange.status, "headers": exchange.response_headers, "body": exchange.response_body},
        "operation": exchange.operation,
        "merchant": exchange.merchant,
        "duration_ms": exchange.duration_ms,
        "violations": [str(v) for v in exchange.violations],
        "fault": exchange.fault,
        "misplaced_secrets": exchange.misplaced_secrets,
    }


def _requirement_link(config: pytest.Config, requirement: Requirement) -> tuple[str, str]:
    base = config.getoption("--poscert-requirements-url") or CATALOG_FILE.as_uri()
    return f"{base}#{requirement.id}", f"{requirement.id} ({requirement.level}): {requirement.title}"


class AllureEvidence:
    """The hooks that turn a certification run into Allure results."""

    def __init__(self, run: CertificationRun) -> None:
        self.run = run
        self.alluredir = Path(run.config.getoption("allure_report_dir"))

    @pytest.hookimpl(trylast=True)
    def pytest_bdd_before_scenario(self, request: pytest.FixtureRequest, feature, scenario) -> None:
        run = self.run
        request.node.stash[CURSOR] = run.journal.last_seq  # a scenario's evidence starts with its own exchanges
        for label in self._labels(request.node):
            allure.dynamic.label(label.name, label.value)
        for link in self._links(request.node):
            allure.dynamic.link(link.url, link_type=link.type, name=link.name)
        allure.dynamic.parameter("seed", run.seed)
        allure.dynamic.parameter("driver", run.driver_spec)

    def _labels(self, item: pytest.Item) -> list[Label]:
        """The labels of a scenario, whether it ran or does not apply: built here only."""
        requirements = [self.run.catalog[r] for r in requirements_of(item)]
        labels = [Label("requirement", r.id) for r in requirements] + [Label("tag", r.id) for r in requirements]
        if requirements:
            labels.append(Label("severity", SEVERITY[requirements[0].level]))
        return [*labels, Label("epic", self.run.platform or "poscert")]

    def _links(self, item: pytest.Item) -> list[Link]:
        return [
            Link("requirement", *_requirement_link(item.config, self.run.catalog[r])) for r in requirements_of(item)
        ]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """A scenario that does not apply never starts, so allure-pytest-bdd never reports it; reviewers
        still need to see it, marked skipped with the reason ("not applicable (declared): no vouchers")."""
        yield
        if call.when != "setup" or not requirements_of(item):
            return
        reason = self.run.not_applicable.get(item.nodeid)
        if reason is not None:
            self._report_not_applicable(item, reason)

    def _report_not_applicable(self, item: pytest.Item, reason: str) -> None:
        name = scenario_title(item)
        feature = (getattr(getattr(item, "obj", None), "__doc__", None) or "").partition(": ")[0]
        full_name = f"{self.run.platform}/{feature}:{name}"
        labels = [*self._labels(item), Label("framework", "pytest-bdd")]
        links = self._links(item)
        stamp = now()
        AllureFileLogger(str(self.alluredir)).report_result(
            TestResult(
                uuid=str(uuid.uuid4()),
                name=name,
                fullName=full_name,
                testCaseId=md5(full_name),
                historyId=md5(item.nodeid),
                status=Status.SKIPPED,
                statusDetails=StatusDetails(message=reason),
                labels=labels,
                links=links,
                titlePath=[self.run.platform or "poscert", feature],
                start=stamp,
                stop=stamp,
            )
        )

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_after_step(self, request, feature, scenario, step, step_func, step_func_args) -> None:
        _attach_new_exchanges(request, self.run.journal)

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_step_error(self, request, feature, scenario, step, step_func, step_func_args, exception) -> None:
        _attach_new_exchanges(request, self.run.journal)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        run = self.run
        if not run.outcomes:
            return
        props = {
            "seed": run.seed,
            "driver": run.driver_spec,
            "kind": run.kind,
            "platform": run.platform,
            "capabilities": ",".join(sorted(getattr(run.driver_class, "capabilities", ()))),
            "catalog_version": run.catalog.version,
            **versions(),
        }
        path = self.alluredir / "environment.properties"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()), encoding="utf-8")
        _scrub(self.alluredir, run.secrets())


def _scrub(folder: Path, secrets: set[str]) -> None:
    """Last guard before the evidence leaves: no value the platform issued as a secret stays in a file."""
    if not secrets:
        return
    for path in folder.iterdir():
        if path.is_file() and path.suffix in (".json", ".txt", ".properties"):
            text = path.read_text(encoding="utf-8", errors="replace")
            clean = scrub_text(text, secrets)
            if clean != text:
                path.write_text(clean, encoding="utf-8")
