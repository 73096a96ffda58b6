"""Certifying in-process, once per target and worker: what every platform's certification matrix shares.

Each certification is a real `poscert certify` run in this process (a subprocess each would cost a
second of start-up); the tests of one target read the same run.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Mapping
from pathlib import Path

from poscert.base.catalog import load_catalog
from poscert.cli import main
from poscert.drivers.cases import Cases

OK = {"pass", "not_applicable"}


def certify(platform: str, out: Path, args: list[str]) -> dict:
    """`poscert certify --platform <platform> --out <out> <args>`; its certification.json, exit code and output."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        own = args[: args.index("--")] if "--" in args else args
        extra = args[args.index("--") + 1 :] if "--" in args else []
        # The inner runs skip pytest's unraisable-exception check: its two gc.collect() per run grow with
        # the worker's heap and cost more than a certification's scenarios.
        inner = ["--capture=sys", "-p", "no:unraisableexception", *extra]
        code = main(["certify", "--platform", platform, "--out", str(out), *own, "--", *inner])
    report = out / "certification.json"
    assert report.exists(), f"no certification.json (exit {code}):\n{printed.getvalue()[-3000:]}"
    return {"exit": code, "stdout": printed.getvalue(), "out": str(out), **json.loads(report.read_text())}


def targets(
    package: str, broken: Cases, conforming: Cases, references: Mapping[str, str], with_evidence: set[str]
) -> dict[str, list[str]]:
    """The certify arguments of every target: the references by kind, then each case by class name. Only the
    targets whose Allure evidence a test reads write it; the others run `--no-allure`, as a partner's quick
    loop would (Allure is a third of a run's time)."""
    found = {kind: ["--kind", kind] for kind in references}
    for cases, module in ((broken, "broken"), (conforming, "conforming")):
        found |= {case.name: ["--driver", f"{package}.{module}:{case.name}"] for case in cases}
    return {name: args if name in with_evidence else [*args, "--no-allure"] for name, args in found.items()}


class Runs:
    """A target's certification, run on first use; every later test of this worker reads the same run."""

    def __init__(self, platform: str, root: Path, arguments: Mapping[str, list[str]]) -> None:
        self.platform, self.root, self.arguments = platform, root, arguments
        self.done: dict[str, dict] = {}

    def __getitem__(self, name: str) -> dict:
        if name not in self.done:
            self.done[name] = certify(self.platform, self.root / name, self.arguments[name])
        return self.done[name]


def results(doc: dict) -> dict[str, str]:
    return {r["id"]: r["result"] for r in doc["requirements"]}


# -- the verdicts every platform's matrix asserts ------------------------------------------------
def assert_reference_passes(doc: dict, kind: str) -> None:
    bad = {k: v for k, v in results(doc).items() if v not in OK}
    assert not bad, f"the reference {kind} does not pass: {bad}\n{doc['stdout'][-3000:]}"
    assert doc["certified"] and doc["exit"] == 0 and doc["kind"] == kind


def assert_fails_only_on_its_requirement(doc: dict, broken: type) -> None:
    found = results(doc)
    level = load_catalog()[broken.breaks].level
    assert found[broken.breaks] == ("fail" if level == "MUST" else "warning"), (
        f"{broken.__name__}: {broken.breaks} is {found[broken.breaks]}\n{doc['stdout'][-3000:]}"
    )
    others = {k: v for k, v in found.items() if k != broken.breaks and v not in OK}
    assert not others, f"{broken.__name__} also fails {others}\n{doc['stdout'][-3000:]}"
    assert doc["exit"] == (1 if level == "MUST" else 0), "the exit code does not follow the MUST verdict"


def assert_certified_with_its_requirement_passed(doc: dict, case) -> None:
    found = results(doc)
    assert found[case.requirement] == "pass", f"{case.name}: {case.requirement} is {found[case.requirement]}"
    bad = {k: v for k, v in found.items() if v not in OK}
    assert not bad and doc["certified"] and doc["exit"] == 0, f"{case.name} is refused: {bad}\n{doc['stdout'][-3000:]}"


def assert_cases_cite_the_guide(*case_lists: Cases) -> None:
    catalog = load_catalog()
    for case in (case for cases in case_lists for case in cases):
        assert case.requirement in catalog, case.name
        assert case.guide, f"{case.name} names no guide sentence"
        assert case.cls.__doc__, f"{case.name} does not say what it does"
