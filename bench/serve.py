"""`poscert serve` under load: create-order over loopback at 64 connections, then RSS after N requests.

It starts the real command (`python -m poscert.cli serve --platform pongo`) in a subprocess, takes the
printed credentials from the admin API, gets a token with the password grant, and sends valid
`POST /v1/orders` bodies (each its own `order_id`, 201) over raw keep-alive sockets, so the client
costs little of the 2 cores. Prints requests/s, p50/p99 latency, statuses, and the server's RSS
before and after (from /proc, Linux). Not a test: it asserts nothing about speed.

    .venv/bin/python bench/serve.py [--requests 20000] [--connections 64] [--journal-limit 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

TOKEN = "bench-admin-token"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start(port: int, journal_limit: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "poscert.cli", "serve", "--platform", "pongo", "--port", str(port)]
    command += ["--admin-token", TOKEN, "--journal-limit", str(journal_limit), "--journal-spill", "none"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return answering(server, f"http://127.0.0.1:{port}/_poscert/health", 30)


def answering(server: subprocess.Popen, url: str, seconds: float) -> subprocess.Popen:
    """The server, once `url` answers (any status); exits the bench if it dies or stays silent."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=1)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the server did not start: {server.args}") from None
            time.sleep(0.1)


def token_and_store(base: str) -> tuple[str, str]:
    creds = httpx.get(f"{base}/_poscert/credentials", headers={"authorization": f"Bearer {TOKEN}"}).json()
    client, merchant = creds["oauth_clients"][0], creds["merchants"][0]
    grant = {
        "grant_type": "password",
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
        "username": merchant["login_email"],
        "password": merchant["login_password"],
        "scope": "order.create,order.read,customer.read",
    }
    token = httpx.post(f"{base}/v1/oauth/token", json=grant).json()["access_token"]
    stores = httpx.get(f"{base}/v1/stores", headers={"authorization": f"Bearer {token}"}).json()["data"]
    return token, stores[0]["slug"]


def requests_bytes(port: int, token: str, store: str, prefix: str, count: int) -> list[bytes]:
    out = []
    for i in range(count):
        body = json.dumps(
            {
                "order_id": f"{prefix}-{i}",
                "channel": "kiosk",
                "delivery_mode": "eat_in",
                "loyalty_store_slug": store,
                "amount": 2450,
                "status": "paid",
                "created_at": "2026-01-15T09:58:00+00:00",
                "delivery_status": "delivered",
                "lines": [{"sku": "PSC-MENU-BURGER", "name": "Menu burger", "quantity": 1, "unit_price": 2450}],
                "payments": [{"method": "card", "amount": 2450}],
            },
            separators=(",", ":"),
        ).encode()
        head = (
            f"POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), 0)
    await reader.readexactly(length)
    return status


async def load(port: int, payloads: list[bytes], connections: int) -> tuple[float, list[float], Counter]:
    queue = list(reversed(payloads))
    latencies: list[float] = []
    statuses: Counter = Counter()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                payload = queue.pop()
                started = time.perf_counter()
                writer.write(payload)
                status = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started, latencies, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    ns = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ns.add_argument("--requests", type=int, default=20_000)
    ns.add_argument("--connections", type=int, default=64)
    ns.add_argument("--journal-limit", type=int, default=10_000)
    ns.add_argument("--warmup", type=int, default=500)
    args = ns.parse_args()
    port = free_port()
    server = start(port, args.journal_limit)
    try:
        base = f"http://127.0.0.1:{port}"
        token, store = token_and_store(base)
        asyncio.run(load(port, requests_bytes(port, token, store, "warm", args.warmup), args.connections))
        before = rss_mb(server.pid)
        payloads = requests_bytes(port, token, store, "run", args.requests)
        seconds, latencies, statuses = asyncio.run(load(port, payloads, args.connections))
        after = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"poscert serve --platform pongo, POST /v1/orders, {args.connections} connections, raw keep-alive sockets")
    print(f"requests   {len(latencies)} in {seconds:.2f} s: {len(latencies) / seconds:,.0f} req/s")
    print(f"latency    p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")
    print(f"statuses   {dict(statuses)}")
    print(f"RSS        {before:.0f} MB after warm-up, {after:.0f} MB after {args.requests} more requests")
    print(f"journal    limit {args.journal_limit}; load average {os.getloadavg()[0]:.2f}; cores {os.cpu_count()}")
    return 0 if set(statuses) == {201} else 1


if __name__ == "__main__":
    sys.exit(main())
