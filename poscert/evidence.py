"""Allure evidence: requirement labels and links, each step's request/response pairs, violations,
and the seed and versions in the report's environment. Same facts as certification.json.

A sub-plugin: the main plugin registers it only when `--alluredir` is given.
"""

from __future__ import annotations

import json
import platform as pyplatform
import uuid
from pathlib import Path

import allure
import pytest
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Link, Parameter, Status, StatusDetails, TestResult
from allure_commons.utils import md5, now
from pytest_bdd.scenario import scenario_wrapper_template_registry

from poscert import allure_config as files
from poscert.allure_results import NODE_LABEL, categories, example_title, finish_result, rewrite_results, under
from poscert.base.catalog import Requirement
from poscert.base.journal import Exchange, Journal
from poscert.base.redaction import scrub_text
from poscert.base.resources import package_dir
from poscert.parallel import worker_id
from poscert.results import COMPLETED, WARNING, blocking, verdict
from poscert.run import CertificationRun
from poscert.scenarios import requirements_of

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
    """A link that works wherever the report is opened: the catalog page shipped in the results (relative to
    the report), or under `--poscert-requirements-url`; never a path of the machine that ran it."""
    url = files.requirement_url(config.getoption("--poscert-requirements-url"), requirement.id)
    return url, f"{requirement.id} ({requirement.level}): {requirement.title}"


def _title(item: pytest.Item) -> str:
    """The scenario's title as the feature words it (pytest-bdd documents it as "<feature>: <scenario>")."""
    doc = getattr(getattr(item, "obj", None), "__doc__", None) or ""
    return doc.partition(": ")[2] or item.name


def _example(item: pytest.Item) -> dict | None:
    """An outline example's parameters, by name; None for a plain scenario."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("_pytest_bdd_example") if callspec is not None else None


class AllureEvidence:
    """The hooks that turn a certification run into Allure results."""

    def __init__(self, run: CertificationRun) -> None:
        self.run = run
        self.alluredir = Path(run.config.getoption("allure_report_dir"))

    @pytest.hookimpl(trylast=True)
    def pytest_bdd_before_scenario(self, request: pytest.FixtureRequest, feature, scenario) -> None:
        run = self.run
        request.node.stash[CURSOR] = run.journal.last_seq  # a scenario's evidence starts with its own exchanges
        allure.dynamic.title(example_title(_title(request.node), _example(request.node)))
        allure.dynamic.label(NODE_LABEL, request.node.nodeid)  # for the final pass; removed there
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
        example = _example(item) or {}
        name = example_title(_title(item), example)
        template = scenario_wrapper_template_registry.get(getattr(item, "obj", None))  # pytest-bdd's scenario
        feature = template.feature.name if template is not None else ""
        feature_file = Path(template.feature.filename).name if template is not None else item.path.name
        full_name = f"{self.run.platform}/{feature_file}:{name}"  # final ids: see allure_results.identity
        labels = [*self._labels(item), Label("feature", feature), Label(NODE_LABEL, item.nodeid)]
        parameters = [Parameter(str(k), str(v)) for k, v in example.items()]
        parameters += [Parameter("seed", str(self.run.seed)), Parameter("driver", self.run.driver_spec)]
        links = self._links(item)
        stamp = now()
        AllureFileLogger(str(self.alluredir)).report_result(
            TestResult(
                uuid=str(uuid.uuid4()),
                name=name,
                fullName=full_name,
                testCaseId=md5(full_name),
                historyId=md5(full_name),
                status=Status.SKIPPED,
                statusDetails=StatusDetails(message=reason),
                labels=labels,
                parameters=parameters,
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
        """Once the run is judged (after the main plugin wrote certification.json): every result rewritten from
        poscert's facts, and the verdict, categories, environment, executor, catalog and Allure 3 config
        beside them. A parallel run's workers only scrub their own files: their controller finishes the rest."""
        run = self.run
        if not run.outcomes:
            return
        if worker_id(session.config) is None and self.alluredir.is_dir():
            finish_folder(run, self.alluredir)
        _scrub(self.alluredir, run.secrets())


def finish_folder(run: CertificationRun, folder: Path) -> None:
    """Everything the Allure report needs beside the scenarios' own results, written into `folder`."""
    outcomes = run.outcomes
    drifted = {exchange.scenario for exchange in run.journal.drift()}
    harness = under([Path(__file__).parent, package_dir("steps"), package_dir("simulators")], [package_dir("drivers")])
    platform = run.platform or "poscert"

    def finish(result: dict) -> dict:
        nodeid = next((lb["value"] for lb in result.get("labels", []) if lb["name"] == NODE_LABEL), None)
        outcome = outcomes.get(nodeid) if nodeid else None
        levels = {run.catalog[r].level for r in outcome.requirements} if outcome else set()
        level = "MUST" if "MUST" in levels else next(iter(sorted(levels)), None)
        links = [
            {"type": "requirement", "url": url, "name": name}
            for url, name in (
                _requirement_link(run.config, run.catalog[r]) for r in (outcome.requirements if outcome else ())
            )
        ]
        return finish_result(
            result,
            platform=platform,
            title=None,  # the title set during the run already carries the example
            example=None,
            level=level,
            drifted=nodeid in drifted,
            harness=harness,
            links=links,
        )

    rewrite_results(folder, finish)
    results = run.results
    outcome, reason = run.stopped or (COMPLETED, "")
    certified = outcome == COMPLETED and not blocking(results)
    line = verdict(results, outcome, reason)
    failing = [{"id": r.id, "title": r.title, "result": r.result.replace("_", " ")} for r in blocking(results)]
    warned = [{"id": r.id, "title": r.title, "level": r.level} for r in results if r.result == WARNING]
    files.write_json(folder / f"{uuid.uuid4()}-globals.json", files.verdict_globals(line, certified, failing, warned))
    files.write_json(folder / "categories.json", categories())
    meta = run.meta()
    integration = meta["versions"].get("integration") or getattr(run.driver_class, "__name__", run.driver_spec)
    name = f"{platform} {meta['kind']} {integration}: {line}"
    files.write_json(folder / "executor.json", files.executor(line, f"{run.driver_spec} (seed {run.seed})"))
    props = {
        "verdict": line,
        "certified": certified,
        "failing_musts": ",".join(f["id"] for f in failing) or "none",
        "platform": run.platform,
        "integration": integration,
        "driver": run.driver_spec,
        "kind": run.kind,
        "capabilities": ",".join(sorted(getattr(run.driver_class, "capabilities", ()))),
        "target": meta.get("target"),
        "seed": run.seed,
        "catalog_version": run.catalog.version,
        "os": pyplatform.platform(terse=True),
        **meta["versions"],
    }
    (folder / "environment.properties").write_text(files.properties(props), encoding="utf-8")
    requirements = [r for r in run.catalog if run.platform and r.applies_to(run.platform)]
    page = files.catalog_page(requirements, run.catalog.version, platform)
    (folder / files.CATALOG_PAGE).write_text(page, encoding="utf-8")
    files.write_json(folder / files.CONFIG_FILE, files.allure_config(name, categories()))


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
