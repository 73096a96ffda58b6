"""`poscert report`: build the Allure 3 report from a run's `allure-results/`, when Node.js is there.

Allure 3 is an npm package (`allure`). It is looked for in this order: `$POSCERT_ALLURE` (a command),
an `allure` on PATH, then `npx --yes allure@3` (which downloads it once into npm's cache and never
waits on a prompt: a CI job has no terminal). Without Node.js the command says how to build the report
elsewhere and exits 2, never hanging.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from poscert.allure_config import CONFIG_FILE, REPORT_DIR
from poscert.results import ALLURE_RESULTS, NO_VERDICT

ALLURE_PACKAGE = "allure@3"


def allure_command() -> list[str] | None:
    """How to run Allure 3 here: the first of $POSCERT_ALLURE, `allure` on PATH, `npx --yes allure@3`."""
    configured = os.environ.get("POSCERT_ALLURE")
    if configured:
        return shlex.split(configured)
    found = shutil.which("allure")
    if found:
        return [found]
    npx = shutil.which("npx")
    return [npx, "--yes", ALLURE_PACKAGE] if npx else None


def generate_args(out: Path) -> list[str]:
    """`allure generate`, run from `out`: the config written with the results names the output and history."""
    return ["generate", ALLURE_RESULTS, "--config", f"{ALLURE_RESULTS}/{CONFIG_FILE}", "--output", REPORT_DIR]


def how_to(out: Path) -> str:
    """What to run by hand where Node.js 18+ is installed."""
    return (
        f"cd {shlex.quote(str(out))} && npx --yes {ALLURE_PACKAGE} "
        f"{' '.join(shlex.quote(a) for a in generate_args(out))}"
    )


def report(ns: argparse.Namespace) -> int:
    """Exit 0 with the report's path; 2 when it cannot be built: no results, no way to run Allure, or
    Allure failed (its own exit code is printed)."""
    out = Path(ns.out).resolve()
    if not (out / ALLURE_RESULTS / CONFIG_FILE).is_file():
        print(
            f"poscert report: no Allure results in {out / ALLURE_RESULTS} "
            "(run `poscert certify` first, without --no-allure)",
            file=sys.stderr,
        )
        return NO_VERDICT
    command = allure_command()
    if command is None:
        print(
            "poscert report: Node.js (npx) was not found. Install Node.js 18+ and run:\n  " + how_to(out),
            file=sys.stderr,
        )
        return NO_VERDICT
    try:
        done = subprocess.run(
            [*command, *generate_args(out)], cwd=out, stdin=subprocess.DEVNULL, timeout=ns.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        print(f"poscert report: Allure did not finish within {ns.timeout:g} s; run it by hand:\n  {how_to(out)}")
        return NO_VERDICT
    if done.returncode != 0:
        print(f"poscert report: Allure failed (exit {done.returncode}); by hand:\n  {how_to(out)}", file=sys.stderr)
        return NO_VERDICT
    print(f"report: {out / REPORT_DIR / 'index.html'}")
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    """Register `poscert report`."""
    cmd = sub.add_parser("report", help="build the Allure 3 report from a run's allure-results (needs Node.js)")
    cmd.add_argument("--out", default="reports", help="the results folder of `poscert certify` (default: ./reports)")
    cmd.add_argument(
        "--timeout", type=float, default=300.0, metavar="SECONDS", help="give up on Allure after this long"
    )
    cmd.set_defaults(run=report)
