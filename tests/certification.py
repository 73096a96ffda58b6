"""Certifying in-process, once per target and worker: what every platform's certification matrix shares.

Each certification is a real `poscert certify` run in this process (a subprocess each would cost a
second of start-up); the tests of one target read the same run.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from poscert.base.catalog import load_catalog
from poscert.cli import main
from poscert.drivers.cases import Cases
from poscert.platforms import platform

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


@dataclass(frozen=True)
class Matrix:
    """One platform's targets: its references, its broken integrations and conforming variants."""

    platform: str
    with_evidence: frozenset[str]  # the runs whose Allure evidence a test reads
    declared_only: frozenset[str] = frozenset()  # requirements no reference runs: they need a missing capability

    @cached_property
    def broken(self) -> Cases:
        return importlib.import_module(f"poscert.drivers.{self.platform}.broken").BROKEN

    @cached_property
    def conforming(self) -> Cases:
        return importlib.import_module(f"poscert.drivers.{self.platform}.conforming").CONFORMING

    @property
    def references(self) -> Mapping[str, str]:
        return platform(self.platform).references

    @cached_property
    def arguments(self) -> dict[str, list[str]]:
        return targets(
            f"poscert.drivers.{self.platform}", self.broken, self.conforming, self.references, set(self.with_evidence)
        )


MATRICES = {
    matrix.platform: matrix
    for matrix in (
        # Allure doubles a run's time: evidence is written where a test reads it, i.e. a reference, a broken
        # integration's failures, and integrations that put credentials where evidence could pick them up.
        # PONGO-REWARD-04 is a MAY for integrations that lack vouchers or a product catalog: the references have both.
        Matrix(
            "pongo",
            frozenset({"kiosk", "LogsTheToken", "TokenHeaderWhenRedeeming", "SendsUnpaidOrders"}),
            frozenset({"PONGO-REWARD-04"}),
        ),
        Matrix("punchh", frozenset({"LogsTheKeys"})),
        Matrix("spoonity", frozenset({"LogsTheApiKey"})),
    )
}


class Runs:
    """`runs[platform][target]`: a target's certification, run on first use; every later test, on any worker,
    reads the same run (tests that change its files copy them first)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.done: dict[tuple[str, str], dict] = {}

    def __getitem__(self, platform_name: str) -> PlatformRuns:
        return PlatformRuns(self, platform_name)

    def run(self, platform_name: str, target: str) -> dict:
        if (platform_name, target) not in self.done:
            self.done[platform_name, target] = self._shared_run(platform_name, target)
        return self.done[platform_name, target]

    def _shared_run(self, platform_name: str, target: str) -> dict:
        """Certified by the first worker that needs it; a worker that needs it too waits on the lock and reads
        the same run (the references and evidence targets are read by tests on every worker)."""
        out = self.root / platform_name / target
        out.parent.mkdir(parents=True, exist_ok=True)
        kept = out.parent / f"{target}.json"
        with open(out.parent / f"{target}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if kept.exists():
                return json.loads(kept.read_text(encoding="utf-8"))
            doc = certify(platform_name, out, MATRICES[platform_name].arguments[target])
            kept.write_text(json.dumps(doc), encoding="utf-8")
            return doc


@dataclass(frozen=True)
class PlatformRuns:
    runs: Runs
    platform: str

    def __getitem__(self, target: str) -> dict:
        return self.runs.run(self.platform, target)


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
