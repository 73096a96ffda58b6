"""What an Allure report needs beside the results: the verdict, the environment, the executor, the
requirement catalog as a page, and an Allure 3 configuration; all written into `allure-results/`.

Everything lives inside the results folder so it is removed and rewritten with each run (a results folder
holds nothing else poscert does not own), and every link is relative, so the report works on any machine
that has the folder: the report is built into `<out>/allure-report/`, the catalog page stays at
`<out>/allure-results/requirements.html`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from poscert.base.catalog import Requirement

CATALOG_PAGE = "requirements.html"
CONFIG_FILE = "allurerc.json"
REPORT_DIR = "allure-report"
HISTORY_FILE = "allure-history.jsonl"  # beside the results folder: a run's cleaning never removes it
# From the report's index.html (<out>/allure-report/) to the catalog page shipped in the results.
CATALOG_FROM_REPORT = f"../allure-results/{CATALOG_PAGE}"


def requirement_url(base: str | None, requirement_id: str) -> str:
    """The requirement's link: under `--poscert-requirements-url` when given, else the shipped catalog page."""
    return f"{(base or CATALOG_FROM_REPORT).rstrip('#')}#{requirement_id}"


def catalog_page(requirements: list[Requirement], catalog_version: int, platform: str) -> str:
    """The catalog as one self-contained page, an anchor per requirement: what a requirement link opens."""
    rows = "\n".join(
        f'<tr id="{html.escape(r.id)}"><td><a href="#{html.escape(r.id)}">{html.escape(r.id)}</a></td>'
        f"<td>{r.level}</td><td>{html.escape(', '.join(r.kinds))}</td><td>{html.escape(r.title)}</td>"
        f"<td>{html.escape(r.capability or '')}</td><td>{html.escape(', '.join(r.sources))}</td></tr>"
        for r in requirements
    )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{html.escape(platform)} requirements (catalog version {catalog_version})</title>"
        "<style>body{font:14px sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
        "table{border-collapse:collapse}tr:target{background:#fff3b0}</style>"
        f"<h1>{html.escape(platform)} requirements</h1><p>Catalog version {catalog_version}.</p>"
        "<table><tr><th>ID</th><th>level</th><th>kinds</th><th>requirement</th><th>needs</th><th>guide</th></tr>"
        f"\n{rows}\n</table></html>\n"
    )


def verdict_globals(
    verdict: str, certified: bool, failing: list[dict[str, str]], warnings: list[dict[str, str]]
) -> dict[str, Any]:
    """The verdict as Allure 3's global errors (shown on the report's overview, apart from the scenarios,
    so no scenario count changes): NOT CERTIFIED with each failing MUST; nothing when certified. The
    report's name carries the verdict too (see allure_config), whatever the verdict is."""
    lines = [f"- {f['id']} (MUST) {f['result']}: {f['title']}" for f in failing]
    if warnings:
        lines += ["Warnings (do not block):", *(f"- {w['id']} ({w['level']}): {w['title']}" for w in warnings)]
    return {"errors": [] if certified else [{"message": verdict, "trace": "\n".join(lines)}], "attachments": []}


def executor(verdict: str, build_name: str) -> dict[str, Any]:
    """executor.json: who ran it and the verdict as the report's name."""
    return {"name": "poscert", "type": "poscert", "buildName": build_name, "reportName": verdict}


def allure_config(report_name: str, categories: list[dict[str, Any]]) -> dict[str, Any]:
    """An Allure 3 configuration (static JSON: it works with `npx allure`, no local install needed): the
    tree grouped by requirement, the verdict in the report's name, history kept beside the results
    folder, and one self-contained HTML file that opens offline. Paths resolve from the results' parent
    folder, where `poscert report` runs Allure. Allure 3 reads the categories from its configuration only (it
    ignores categories.json, which Allure 2 reads): both are written."""
    return {
        "name": report_name,
        "categories": categories,
        "output": REPORT_DIR,
        "historyPath": f"../{HISTORY_FILE}",
        "plugins": {
            "awesome": {
                "options": {
                    "reportName": report_name,
                    "singleFile": True,
                    "groupBy": ["requirement"],
                    "reportLanguage": "en",
                }
            }
        },
    }


def properties(values: dict[str, Any]) -> str:
    """environment.properties, one `key=value` a line, values on one line each."""
    return "".join(f"{key}={' '.join(str(value).split())}\n" for key, value in values.items())


def write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
