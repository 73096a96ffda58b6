"""How long one in-process certification takes, the way the project's test suite runs them.

`tests/certification.py` certifies in the test worker's own process, many times over, so what counts
there is a run after the first: imports, catalog and schemas are warm. This script runs one
certification to warm up, then times the next ones, all in this process with the arguments the test
suite passes (`--no-allure`, `--capture=sys`, `-p no:unraisableexception`).

    .venv/bin/python bench/inprocess.py [--repeat N] [--driver SPEC] [--profile N]

`--profile N` also prints the N costliest functions (cumulative time) of one more run under cProfile.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRIVER = "poscert.drivers.pongo.broken:SendsUnpaidOrders"


def certify_once(driver: str, out: Path) -> tuple[float, dict]:
    """One `poscert certify` in this process, its output swallowed; its wall time and certification.json."""
    from poscert.cli import main

    argv = ["certify", "--platform", "pongo", "--driver", driver, "--out", str(out), "--no-allure", "--force"]
    argv += ["--", "--capture=sys", "-p", "no:unraisableexception"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        started = time.perf_counter()
        main(argv)
        wall = time.perf_counter() - started
    return wall, json.loads((out / "certification.json").read_text(encoding="utf-8"))


def verdicts(doc: dict) -> str:
    counts: dict[str, int] = {}
    for requirement in doc["requirements"]:
        counts[requirement["result"]] = counts.get(requirement["result"], 0) + 1
    return ", ".join(f"{n} {result}" for result, n in sorted(counts.items()))


def main() -> int:
    ns = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ns.add_argument("--repeat", type=int, default=5, help="timed runs after the warm-up (default 5)")
    ns.add_argument("--driver", default=DEFAULT_DRIVER, help=f"integration certified (default {DEFAULT_DRIVER})")
    ns.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions of a run")
    args = ns.parse_args()
    os.chdir(ROOT)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average before "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, driver {args.driver}\n"
    )
    with tempfile.TemporaryDirectory(prefix="poscert-bench-") as tmp:
        out = Path(tmp)
        warm_up, doc = certify_once(args.driver, out)
        walls = [certify_once(args.driver, out)[0] for _ in range(args.repeat)]
        print(f"warm-up run  {warm_up:6.3f}s  ({verdicts(doc)}; exit of the verdict: certified={doc['certified']})")
        print(
            f"later runs   median {statistics.median(walls):6.3f}s  min {min(walls):6.3f}s  "
            f"max {max(walls):6.3f}s  over {len(walls)} run(s)"
        )
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            certify_once(args.driver, out)
            profile.disable()
            print()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
