"""How much evidence a certification writes: Allure files and bytes per run, against its scenarios and exchanges.

Each exchange is attached once, to the scenario it happened in; before that fix a kiosk run wrote
12,377 Allure files (52 MB). Each run is a fresh `poscert certify` subprocess from the repository root.

    .venv/bin/python bench/evidence.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("kiosk", "pos")


@dataclass
class Evidence:
    kind: str
    exit_code: int
    seconds: float
    scenarios: int  # every scenario of the run, not-applicable ones included (each has an Allure result)
    ran: int
    exchanges: int
    steps: int  # Gherkin steps of the scenarios that ran, as Allure reports them
    files: Counter[str]  # Allure files by kind: result, JSON attachment, text attachment, other
    size: int  # bytes in the files
    on_disk: int  # bytes of the blocks they take

    @property
    def bound(self) -> int:
        """What tests/test_trust.py allows: per scenario its result and one file per step, one per exchange, 3 more."""
        return self.scenarios + self.steps + self.exchanges + 3


def certify(kind: str, out: Path) -> Evidence:
    started = time.perf_counter()
    command = [sys.executable, "-m", "poscert.cli", "certify", "--platform", "pongo", "--kind", kind, "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    doc = json.loads((out / "certification.json").read_text(encoding="utf-8"))
    scenarios = [s for r in doc["requirements"] for s in r["scenarios"]]
    journal = (out / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    allure = [p for p in (out / "allure-results").iterdir() if p.is_file()]
    results = [json.loads(p.read_text(encoding="utf-8")) for p in allure if p.name.endswith("-result.json")]
    return Evidence(
        kind=kind,
        exit_code=done.returncode,
        seconds=seconds,
        scenarios=len(scenarios),
        ran=sum(1 for s in scenarios if s["outcome"] != "not_applicable"),
        exchanges=sum(1 for line in journal if json.loads(line)["type"] == "exchange"),
        steps=sum(len(r.get("steps", [])) for r in results),
        files=Counter(_kind_of(p.name) for p in allure),
        size=sum(p.stat().st_size for p in allure),
        on_disk=sum(p.stat().st_blocks * 512 for p in allure),
    )


def _kind_of(name: str) -> str:
    for suffix, kind in (("-result.json", "result"), ("-attachment.json", "json"), ("-attachment.txt", "text")):
        if name.endswith(suffix):
            return kind
    return "other"


def main() -> int:
    print(f"python {sys.version.split()[0]}; one `poscert certify` subprocess per kind\n")
    header = (
        f"{'kind':<6} {'exit':>4} {'time':>6} {'scen.':>5} {'ran':>4} {'steps':>5} {'exch.':>5} "
        f"{'files':>6} {'result':>6} {'json':>5} {'text':>5} {'other':>5} {'bytes':>10} {'on disk':>10} {'bound':>6}"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for kind in KINDS:
        with tempfile.TemporaryDirectory(prefix="poscert-evidence-") as tmp:
            e = certify(kind, Path(tmp) / "out")
        total = sum(e.files.values())
        failed |= e.exit_code != 0 or total > e.bound
        print(
            f"{e.kind:<6} {e.exit_code:>4} {e.seconds:>5.1f}s {e.scenarios:>5} {e.ran:>4} {e.steps:>5} {e.exchanges:>5} "
            f"{total:>6} {e.files['result']:>6} {e.files['json']:>5} {e.files['text']:>5} {e.files['other']:>5} "
            f"{e.size:>10,} {e.on_disk:>10,} {e.bound:>6}"
        )
    print("\nresult: one per scenario; json: one per exchange; text: schema violations of an exchange;")
    print("other: environment.properties. bound: scenarios + steps + exchanges + 3 (tests/test_trust.py).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
