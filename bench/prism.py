"""`poscert serve` side by side with Prism 5 mocking the same create-order operation, validation on.

One run, the same load for each server (`bench/serve.py`'s raw keep-alive sockets, 64 connections,
valid `POST /v1/orders` bodies): poscert's served Pongo simulator, then Prism (`prism mock`, request
validation on; see PRISM_RUNS for its modes) on our whole Pongo OpenAPI document (`poscert openapi
--platform pongo`) and on a document holding create-order alone. Prints requests/s and p50/p99 for each. Needs Prism:
`npm install --prefix /tmp/prism @stoplight/prism-cli@5` (or `--prism PATH`). Not a test.

    .venv/bin/python bench/prism.py [--requests 5000] [--prism /tmp/prism/node_modules/.bin/prism]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import ROOT, answering, free_port, load, percentile, requests_bytes, start, token_and_store  # noqa: E402

CREATE_ORDER = "/v1/orders"
# Our schemas carry no examples: Prism's static answer is generated from them and breaks their own patterns,
# so `--errors` alone turns every answer into a 500. `--dynamic` generates valid answers (json-schema-faker);
# without `--errors`, violations are only logged. Request validation runs in every mode.
PRISM_RUNS = (
    ("Prism --dynamic --errors, whole document", "whole", ("--dynamic", "--errors")),
    ("Prism --dynamic --errors, create-order", "one", ("--dynamic", "--errors")),
    ("Prism static, whole document", "whole", ()),
    ("Prism static, create-order alone", "one", ()),
)


def one_operation(document: dict) -> dict:
    """The same document with only create-order left: Prism's best case."""
    return {**document, "paths": {CREATE_ORDER: {"post": document["paths"][CREATE_ORDER]["post"]}}}


def start_prism(prism: str, spec: Path, port: int, flags: tuple[str, ...]) -> subprocess.Popen:
    command = [prism, "mock", *flags, "-h", "127.0.0.1", "-p", str(port), str(spec)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return answering(server, f"http://127.0.0.1:{port}/v1/stores", 60)


def measure(port: int, token: str, store: str, requests: int, connections: int) -> str:
    asyncio.run(load(port, requests_bytes(port, token, store, "warm", 300), connections))
    seconds, latencies, statuses = asyncio.run(
        load(port, requests_bytes(port, token, store, "run", requests), connections)
    )
    return (
        f"{len(latencies) / seconds:7,.0f} req/s   p50 {percentile(latencies, 0.5) * 1000:6.1f} ms"
        f"   p99 {percentile(latencies, 0.99) * 1000:6.1f} ms   statuses {dict(statuses)}"
    )


def main() -> int:
    ns = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ns.add_argument("--requests", type=int, default=5_000)
    ns.add_argument("--connections", type=int, default=64)
    ns.add_argument("--prism", default="/tmp/prism/node_modules/.bin/prism")
    args = ns.parse_args()
    document = json.loads(
        subprocess.run(
            [sys.executable, "-m", "poscert.cli", "openapi", "--platform", "pongo"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    )
    rows = []
    port = free_port()
    server = start(port, 10_000)
    try:
        token, store = token_and_store(f"http://127.0.0.1:{port}")
        rows.append(
            ("poscert serve (whole Pongo simulator)", measure(port, token, store, args.requests, args.connections))
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    with tempfile.TemporaryDirectory() as folder:
        for title, spec, flags in PRISM_RUNS:
            path = Path(folder) / "spec.json"
            path.write_text(json.dumps(document if spec == "whole" else one_operation(document)))
            port = free_port()
            prism = start_prism(args.prism, path, port, flags)
            try:
                rows.append((title, measure(port, token, store, args.requests, args.connections)))
            finally:
                prism.terminate()
                prism.wait(timeout=10)
    print(f"POST {CREATE_ORDER}, {args.requests} requests, {args.connections} connections, validation on")
    for title, figures in rows:
        print(f"{title:42s} {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
