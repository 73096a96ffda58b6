"""Allure evidence: requirement labels and links, each step's request/response pairs, violations,
and the seed and versions in the report's environment. Same facts as certification.json."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import allure
import pytest
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import Label, Link, Status, StatusDetails, TestResult
from allure_commons.utils import md5, now
from pytest_bdd.scenario import scenario_wrapper_template_registry

from poscert.catalog import CATALOG_FILE, Requirement
from poscert.journal import Exchange, Journal
from poscert.plugin import CertificationRun, requirements_of, run_of, versions
from poscert.redaction import scrub_text
from poscert.results import NA_PREFIX

SEVERITY = {"MUST": "critical", "SHOULD": "normal", "MAY": "minor"}

CURSOR = pytest.StashKey[int]()


def _journal(request: pytest.FixtureRequest) -> Journal | None:
    return request.getfixturevalue("journal") if "journal" in request.fixturenames else None


def _attach_new_exchanges(request: pytest.FixtureRequest) -> None:
    journal = _journal(request)
    if journal is None:
        return
    fresh = journal.since(request.node.stash.get(CURSOR, 0))
    for exchange in fresh:
        allure.attach(json.dumps(_evidence(exchange), indent=2, default=str), name=exchange.title(),
                      attachment_type=allure.attachment_type.JSON)
        if exchange.violations:
            allure.attach("\n".join(str(v) for v in exchange.violations), name=f"schema violations #{exchange.seq}",
                          attachment_type=allure.attachment_type.TEXT)
    if fresh:
        request.node.stash[CURSOR] = fresh[-1].seq


def _evidence(exchange: Exchange) -> dict:
    return {
        "request": {"method": exchange.method, "path": exchange.path, "query": exchange.query,
                    "headers": exchange.request_headers, "body": exchange.request_body},
        "response": {"status": exchange.status, "headers": exchange.response_headers, "body": exchange.response_body},
        "operation": exchange.operation, "merchant": exchange.merchant, "duration_ms": exchange.duration_ms,
        "violations": [str(v) for v in exchange.violations], "fault": exchange.fault,
        "misplaced_secrets": exchange.misplaced_secrets,
    }


def _requirement_link(config: pytest.Config, requirement: Requirement) -> tuple[str, str]:
    return (f"{config.getoption('--requirements-url')}#{requirement.id}",
            f"{requirement.id} ({requirement.level}): {requirement.title}")


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request, feature, scenario) -> None:
    run = run_of(request.config)
    for req_id in requirements_of(request.node):
        requirement = run.catalog[req_id]
        url, name = _requirement_link(request.config, requirement)
        allure.dynamic.label("requirement", req_id)
        allure.dynamic.tag(req_id)
        allure.dynamic.link(url, link_type="requirement", name=name)
        allure.dynamic.severity(SEVERITY[requirement.level])
    allure.dynamic.label("epic", ", ".join(run.platforms) or "poscert")
    allure.dynamic.parameter("seed", run.seed)
    allure.dynamic.parameter("driver", run.driver_spec)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A scenario that does not apply never starts, so allure-pytest-bdd never reports it; reviewers
    still need to see it, marked skipped with the reason ("not applicable (declared): no vouchers")."""
    yield
    alluredir = item.config.getoption("allure_report_dir", None)
    if call.when != "setup" or not alluredir or not requirements_of(item):
        return
    skip = item.get_closest_marker("skip")
    reason = skip.kwargs.get("reason", "") if skip else ""
    if reason.startswith(NA_PREFIX):
        _report_not_applicable(item, run_of(item.config), reason, Path(alluredir))


def _report_not_applicable(item: pytest.Item, run: CertificationRun, reason: str, alluredir: Path) -> None:
    scenario = scenario_wrapper_template_registry.get(getattr(item, "obj", None))
    if scenario is None:
        return
    name, feature = scenario.name, scenario.feature
    full_name = f"{feature.rel_filename}:{name}"
    title_path = [*Path(feature.filename).relative_to(item.config.rootpath).parts[:-1], feature.name]
    requirements = [run.catalog[r] for r in requirements_of(item)]
    labels = [Label("requirement", r.id) for r in requirements] + [Label("tag", r.id) for r in requirements]
    labels += [Label("severity", SEVERITY[requirements[0].level]), Label("epic", ", ".join(run.platforms)),
               Label("framework", "pytest-bdd")]
    links = [Link("requirement", *_requirement_link(item.config, r)) for r in requirements]
    stamp = now()
    AllureFileLogger(str(alluredir)).report_result(TestResult(
        uuid=str(uuid.uuid4()), name=name, fullName=full_name, testCaseId=md5(full_name),
        historyId=md5(item.nodeid), status=Status.SKIPPED, statusDetails=StatusDetails(message=reason),
        labels=labels, links=links, titlePath=title_path, start=stamp, stop=stamp))


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args) -> None:
    _attach_new_exchanges(request)


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    _attach_new_exchanges(request)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("poscert").addoption(
        "--requirements-url", default=CATALOG_FILE.as_uri(),
        help="where reviewers read the requirement catalog (Allure links append #<ID>)")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    alluredir = session.config.getoption("allure_report_dir", None)
    run = run_of(session.config)
    if not alluredir or not run.outcomes:
        return
    props = {"seed": run.seed, "driver": run.driver_spec, "kind": run.kind, "platforms": ",".join(run.platforms),
             "capabilities": ",".join(sorted(getattr(run.driver_class, "capabilities", ()))),
             "catalog_version": run.catalog.version, **versions()}
    path = Path(alluredir) / "environment.properties"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in props.items()), encoding="utf-8")
    _scrub(Path(alluredir), run.secrets())


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
