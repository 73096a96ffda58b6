"""How long the Pongo certification suite takes, end to end, against the 10 s budget.

Each run is a fresh subprocess from the repository root, as a user or CI would start
it, so the wall time includes interpreter start-up, imports and plugin loading. The
JUnit XML the run writes gives the in-pytest session time and one duration per
scenario; wall minus session is the start-up overhead no scenario can win back.

    .venv/bin/python bench/suite.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 10.0
PYTEST = ["-m", "pytest", "--pyargs", "poscert.steps.pongo", "-q", "-p", "no:cacheprovider", "--poscert-platform=pongo"]


@dataclass(frozen=True)
class Target:
    """One way of running the suite; `argv` gets the output directory, the JUnit file lands in it."""

    label: str
    argv: tuple[str, ...]
    junit_in_out: bool  # certify writes <out>/junit.xml itself; pytest is told where

    def command(self, out: Path) -> list[str]:
        tail = ["--out", str(out)] if self.junit_in_out else ["--junitxml", str(out / "junit.xml")]
        return [sys.executable, *self.argv, *tail]


TARGETS = (
    Target("pytest kiosk", (*PYTEST, "--poscert-kind=kiosk"), junit_in_out=False),
    Target("pytest pos", (*PYTEST, "--poscert-kind=pos"), junit_in_out=False),
    Target(
        "certify kiosk (+allure)",
        ("-m", "poscert.cli", "certify", "--platform", "pongo", "--kind", "kiosk", "--force"),
        junit_in_out=True,
    ),
    Target(
        "certify kiosk --no-allure",
        ("-m", "poscert.cli", "certify", "--platform", "pongo", "--kind", "kiosk", "--force", "--no-allure"),
        junit_in_out=True,
    ),
)


@dataclass
class Run:
    wall: float
    session: float
    cases: list[float]  # seconds per scenario that ran (skipped ones excluded)
    skipped: int
    exit_code: int


@dataclass
class Runs:
    target: Target
    runs: list[Run] = field(default_factory=list)
    by_scenario: dict[str, list[float]] = field(default_factory=dict)  # name -> its times


def run_once(target: Target) -> tuple[Run, dict[str, float], str]:
    """One subprocess run; returns its figures, each scenario's time, and its output for failures."""
    with tempfile.TemporaryDirectory(prefix="poscert-bench-") as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        done = subprocess.run(target.command(out), cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - started
        junit = out / "junit.xml"
        if not junit.exists():
            return Run(wall, float("nan"), [], 0, done.returncode), {}, done.stdout + done.stderr
        session, cases, skipped = read_junit(junit)
    return Run(wall, session, list(cases.values()), skipped, done.returncode), cases, done.stdout + done.stderr


def read_junit(path: Path) -> tuple[float, dict[str, float], int]:
    """Session time (the testsuite `time`), run scenarios' times by name, and the skipped count."""
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None, f"no <testsuite> in {path}"
    cases: dict[str, float] = {}
    skipped = 0
    for case in suite.iter("testcase"):
        if case.find("skipped") is not None:
            skipped += 1
        else:
            cases[case.get("name", "?")] = float(case.get("time", "0"))
    return float(suite.get("time", "nan")), cases, skipped


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def report(results: list[Runs]) -> None:
    header = (
        f"{'target':<24} {'ok':>5} {'wall med':>9} {'wall min':>9} {'session':>8} {'start-up':>9} "
        f"{'scen.':>5} {'skip':>4} {'scen med':>9} {'scen p95':>9}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        runs = result.runs
        ok = sum(r.exit_code == 0 for r in runs)
        cases = [t for r in runs for t in r.cases]
        wall = statistics.median(r.wall for r in runs)
        session = statistics.median(r.session for r in runs)
        print(
            f"{result.target.label:<24} {f'{ok}/{len(runs)}':>5} {wall:>8.2f}s {min(r.wall for r in runs):>8.2f}s "
            f"{session:>7.2f}s {statistics.median(r.wall - r.session for r in runs):>8.2f}s "
            f"{len(runs[-1].cases):>5} {runs[-1].skipped:>4} "
            f"{statistics.median(cases) * 1000:>7.1f}ms {p95(cases) * 1000:>7.1f}ms"
        )
    print("\nwall: subprocess start to exit; session: JUnit testsuite time; start-up: median of (wall - session);")
    print("scen med/p95: per-scenario JUnit time (setup+call+teardown), pooled over all runs, skipped excluded.")
    print("\nslowest scenario per target (median over runs):")
    for result in results:
        if result.by_scenario:
            name, times = max(result.by_scenario.items(), key=lambda item: statistics.median(item[1]))
            print(f"  {result.target.label:<24} {statistics.median(times) * 1000:7.1f}ms  {name}")


def budget(results: list[Runs]) -> None:
    """The budget is for the whole Pongo suite: both reference integrations, run one after the other."""
    by_label = {r.target.label: statistics.median(x.wall for x in r.runs) for r in results}
    both = by_label["pytest kiosk"] + by_label["pytest pos"]
    verdict = "within" if both <= BUDGET_SECONDS else "OVER"
    print(f"\nbudget: pytest kiosk + pos = {both:.2f}s wall (median) — {verdict} the {BUDGET_SECONDS:.0f}s budget")
    for label, wall in by_label.items():
        print(f"  {label:<24} {wall:5.2f}s = {wall / BUDGET_SECONDS:4.0%} of the budget")


def main() -> int:
    ns = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ns.add_argument("--repeat", type=int, default=3, help="runs per target (default 3)")
    args = ns.parse_args()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average before "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, {args.repeat} run(s) per target\n"
    )
    results = [Runs(t) for t in TARGETS]
    failed = False
    for _ in range(args.repeat):  # interleaved, so drift in machine load hits every target alike
        for result in results:
            run, cases, output = run_once(result.target)
            result.runs.append(run)
            for name, seconds in cases.items():
                result.by_scenario.setdefault(name, []).append(seconds)
            if run.exit_code != 0:
                failed = True
                print(f"!! {result.target.label} exited {run.exit_code}; output tail:\n{output[-2000:]}\n")
    report(results)
    budget(results)
    print(f"\nload average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
