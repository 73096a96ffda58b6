"""Allure evidence: requirement labels and links, each step's request/response pairs, violations,
and the seed and versions in the report's environment. Same facts as certification.json."""

from __future__ import annotations

import json
from pathlib import Path

import allure
import pytest

from poscert.catalog import CATALOG_FILE
from poscert.journal import Exchange, Journal
from poscert.plugin import requirements_of, run_of, versions

CURSOR = pytest.StashKey[int]()


def _journal(request: pytest.FixtureRequest) -> Journal | None:
    return request.getfixturevalue("journal") if "journal" in request.fixturenames else None


def _attach_new_exchanges(request: pytest.FixtureRequest) -> None:
    journal = _journal(request)
    if journal is None:
        return
    cursor = request.node.stash.get(CURSOR, 0)
    fresh = [x for x in journal.exchanges(direction=None) if x.seq > cursor]
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


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request, feature, scenario) -> None:
    run = run_of(request.config)
    for req_id in requirements_of(request.node):
        requirement = run.catalog[req_id]
        allure.dynamic.label("requirement", req_id)
        allure.dynamic.tag(req_id)
        allure.dynamic.link(f"{request.config.getoption('--requirements-url')}#{req_id}", link_type="requirement",
                            name=f"{req_id} ({requirement.level}): {requirement.title}")
        allure.dynamic.severity({"MUST": "critical", "SHOULD": "normal", "MAY": "minor"}[requirement.level])
    allure.dynamic.label("epic", ", ".join(run.platforms) or "poscert")
    allure.dynamic.parameter("seed", run.seed)
    allure.dynamic.parameter("driver", run.driver_spec)


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
