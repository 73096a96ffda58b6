"""How long one in-process certification takes, the way the project's test suite runs them.

`tests/certification.py` certifies in the test worker's own process, many times over, so what counts
there is a run after the first: imports, catalog and schemas are warm. This script runs one
certification to warm up, then times the next ones, all in this process with the arguments the test
suite passes (`--no-allure`, `--capture=sys`, `-p no:unraisableexception`).

    .venv/bin/python bench/inprocess.py [--repeat N] [--driver SPEC] [--depth N] [--profile N]

It times each run twice over, in turn: as poscert runs it, and without what makes a run cheaper in
the test suite (the caches the plugin puts into pytest-bdd and pytest, `poscert.step_cache` and
`poscert.source_trees`, and the frame-stack room of `poscert.frame_stack`), so a change in machine
load hits both alike and the verdicts can be compared. Each run starts `--depth` Python frames deep
(default 40, about where a test of the suite calls it under xdist): where CPython's frame-stack
chunks begin and end depends on it. `--profile N` also prints the N costliest functions (cumulative
time) of one more run, as poscert runs it, under cProfile.
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRIVER = "poscert.drivers.pongo.broken:SendsUnpaidOrders"
MODES = ("as it is", "without")
T = TypeVar("T")


def at_depth(depth: int, fn: Callable[[], T]) -> T:
    """`fn()`, called `depth` frames deeper than here."""
    return fn() if depth <= 0 else at_depth(depth - 1, fn)


def certify_once(driver: str, out: Path) -> tuple[float, float, dict]:
    """One `poscert certify` in this process, its output swallowed: its wall and CPU time, its certification.json.

    The CPU time is the steadier figure on a shared machine: other processes lengthen the wall time."""
    from poscert.cli import main

    argv = ["certify", "--platform", "pongo", "--driver", driver, "--out", str(out), "--no-allure", "--force"]
    argv += ["--", "--capture=sys", "-p", "no:unraisableexception"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        started, cpu = time.perf_counter(), time.process_time()
        main(argv)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return wall, cpu, json.loads((out / "certification.json").read_text(encoding="utf-8"))


@contextlib.contextmanager
def savings(on: bool) -> Iterator[None]:
    """poscert as it is, or without its caches (pytest-bdd and pytest as they come) and frame-stack room."""
    from poscert import cli, plugin

    kept = plugin.cache_step_lookup, plugin.keep_source_trees, cli.with_room
    if not on:
        plugin.cache_step_lookup = plugin.keep_source_trees = lambda config: False
        cli.with_room = lambda fn, *args: fn(*args)
    try:
        yield
    finally:
        plugin.cache_step_lookup, plugin.keep_source_trees, cli.with_room = kept


def verdicts(doc: dict) -> dict[str, str]:
    return {requirement["id"]: requirement["result"] for requirement in doc["requirements"]}


def summary(doc: dict) -> str:
    counts: dict[str, int] = {}
    for result in verdicts(doc).values():
        counts[result] = counts.get(result, 0) + 1
    return ", ".join(f"{n} {result}" for result, n in sorted(counts.items()))


def main() -> int:
    ns = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ns.add_argument("--repeat", type=int, default=5, help="timed runs of each mode after the warm-up (default 5)")
    ns.add_argument("--driver", default=DEFAULT_DRIVER, help=f"integration certified (default {DEFAULT_DRIVER})")
    ns.add_argument("--depth", type=int, default=40, help="frames deep each run starts (default 40)")
    ns.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions of a run")
    args = ns.parse_args()
    os.chdir(ROOT)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average before "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, driver {args.driver}, depth {args.depth}\n"
    )
    times: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
    docs: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="poscert-bench-") as tmp:
        out = Path(tmp)
        warm_up, _, _ = at_depth(args.depth, lambda: certify_once(args.driver, out))
        for _ in range(args.repeat):  # interleaved, so drift in machine load hits both modes alike
            for mode in MODES:
                with savings(mode == MODES[0]):
                    wall, cpu, docs[mode] = at_depth(args.depth, lambda: certify_once(args.driver, out))
                times[mode].append((wall, cpu))
        print(f"warm-up run: {warm_up:.3f}s wall; verdict: {summary(docs[MODES[0]])}")
        print(f"{'later runs':<16} {'wall med':>9} {'wall min':>9} {'CPU med':>9} {'CPU min':>9}")
        for mode, runs in times.items():
            walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
            print(
                f"{mode:<16} {statistics.median(walls):>8.3f}s {min(walls):>8.3f}s "
                f"{statistics.median(cpus):>8.3f}s {min(cpus):>8.3f}s"
            )
        same = verdicts(docs[MODES[0]]) == verdicts(docs[MODES[1]])
        print(f"over {args.repeat} run(s) each; the same verdict in both modes: {'yes' if same else 'NO'}")
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            certify_once(args.driver, out)
            profile.disable()
            print()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
