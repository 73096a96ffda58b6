"""Every result a run writes for reviewers and CI beyond certification.json, made from it alone: the
certification log (Markdown, HTML, JSON), poscert's JUnit XML, and the evidence bundle that holds them
with the journal and configuration behind them. Written in that order: the bundle holds the others."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from poscert.base.redaction import scrub_text
from poscert.bundle import bundle_files, write_bundle
from poscert.certification_log import build_log, to_html, to_json, to_markdown
from poscert.junit import junit_xml
from poscert.rerun import attempt_files
from poscert.results import BUNDLE, JOURNAL, JUNIT, LOG_HTML, LOG_JSON, LOG_MARKDOWN, write_atomic


def write_reports(out: Path, doc: dict, secrets: Iterable[str] = ()) -> None:
    """The log, JUnit and bundle of the run `doc` (its certification.json) describes, into `out`, where
    the run's journal already is (or none, when the run never reached a scenario)."""
    log = build_log(doc)
    for name, text in ((LOG_MARKDOWN, to_markdown(log)), (LOG_HTML, to_html(log)), (LOG_JSON, to_json(log))):
        write_atomic(out / name, text)
    write_atomic(out / JUNIT, junit_xml(doc))
    files = bundle_files(out, doc, read_journal(out / JOURNAL), secrets)
    if doc.get("attempt"):  # a re-run: the earlier attempts' verdict and journal are evidence too
        clean = set(secrets)
        files |= {name: scrub_text(text, clean).encode() for name, text in attempt_files(out).items()}
    write_bundle(out / BUNDLE, files)


def read_journal(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
