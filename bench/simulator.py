"""Requests per second of the Pongo simulator for POST /v1/orders, along each way a request can come in.

Every path runs the same pipeline (`Simulator.handle`); the figures show what each
transport adds on top. Each request creates a new order (unique `order_id`, 201),
with a real bearer token from the OAuth code flow. Statuses other than the expected
one, simulator errors and schema violations in the journal are counted and printed:
a figure measured on failing requests is not a figure.

    .venv/bin/python bench/simulator.py [--requests N] [--loopback-requests N] [--max-seconds S]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from urllib.parse import urlencode

import httpx
import uvicorn

from poscert.simulators.core.messages import SimRequest
from poscert.simulators.core.transports import AsgiApp, mock_transport, respx_router
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.steps.pongo import actors

HOST = "sandbox-api.heypongo.com"
BASE = f"https://{HOST}"
PATH = "/v1/orders"
JSON = "application/json"
WARMUP = 20  # untimed requests per path: first-call costs (schema compilation, imports) are not throughput
PACKAGES = ("poscert", "httpx", "respx", "uvicorn", "h11", "anyio", "starlette", "jsonschema-rs", "pyjwt")

Send = Callable[[bytes], tuple[int, str]]  # one order body -> (status, response text)
AsyncSend = Callable[[bytes], Awaitable[tuple[int, str]]]


@dataclass
class Result:
    path: str
    expected: int
    sent: int = 0
    seconds: float = 0.0
    unexpected: Counter[int] = field(default_factory=Counter)
    examples: dict[int, str] = field(default_factory=dict)  # first response text per unexpected status
    handle_us: float = 0.0  # mean time inside Simulator.handle, from the journal
    journal_issues: list[str] = field(default_factory=list)

    def note(self, status: int, text: str) -> None:
        if status != self.expected:
            self.unexpected[status] += 1
            self.examples.setdefault(status, text[:300])


# -- a connected integration and its orders ----------------------------------------------
def connect(sim: PongoSimulator) -> str:
    """An access token by the OAuth code flow, as a partner gets one: the merchant consents, then the exchange."""
    shop = sim.backend(sim.default_merchant)
    client = sim.oauth_client
    redirect = client.redirect_uris[0]
    query = {"client_id": client.client_id, "redirect_uri": redirect, "scope": "order.create", "state": "bench"}
    with httpx.Client(transport=mock_transport(sim), base_url=BASE) as http:
        back = actors.consent(http, f"{BASE}/v1/oauth/form?{urlencode(query)}", shop.login_email, shop.login_password)
        exchange = {
            "grant_type": "authorization_code",
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "code": actors.code_from(back),
            "redirect_uri": redirect,
        }
        token = http.post("/v1/oauth/token", json=exchange)
    assert token.status_code == 200, token.text
    return str(token.json()["access_token"])


def order_bodies(sim: PongoSimulator, prefix: str, count: int) -> list[bytes]:
    """Valid create-order bodies (schemas/pongo/create_order.json) with unique order_ids, encoded
    before timing so every path pays the same client-side cost: none."""
    shop = sim.backend(sim.default_merchant)
    customer = next(iter(shop.customers.values())).public_id
    template = {
        "channel": "kiosk",
        "delivery_mode": "eat_in",
        "loyalty_store_slug": shop.stores[0].slug,
        "amount": 2450,
        "status": "paid",
        "created_at": "2026-01-15T09:58:00+00:00",
        "delivery_status": "delivered",
        "customer": {"public_id": customer},
        "lines": [
            {
                "sku": "PSC-MENU-BURGER",
                "name": "Menu burger",
                "quantity": 1,
                "unit_price": 2450,
                "options": [{"sku": "PSC-CHEESE", "name": "Cheddar", "unit_price": 0}],
            }
        ],
        "payments": [{"method": "card", "amount": 2450}],
    }
    return [json.dumps({"order_id": f"{prefix}-{i}", **template}).encode() for i in range(count)]


# -- the timing loops ----------------------------------------------------------------------
def measure(
    result: Result, sim: PongoSimulator, send: Send, bodies: list[bytes], warmup: list[bytes], max_seconds: float
) -> Result:
    for body in warmup:
        result.note(*send(body))
    sim.journal.clear()
    started = time.perf_counter()
    deadline = started + max_seconds
    for body in bodies:
        result.note(*send(body))
        result.sent += 1
        if time.perf_counter() > deadline:
            break
    result.seconds = time.perf_counter() - started
    return read_journal(result, sim)


async def measure_async(
    result: Result, sim: PongoSimulator, send: AsyncSend, bodies: list[bytes], warmup: list[bytes], max_seconds: float
) -> Result:
    """`measure` for an async client: the loop itself must await."""
    for body in warmup:
        result.note(*await send(body))
    sim.journal.clear()
    started = time.perf_counter()
    deadline = started + max_seconds
    for body in bodies:
        result.note(*await send(body))
        result.sent += 1
        if time.perf_counter() > deadline:
            break
    result.seconds = time.perf_counter() - started
    return read_journal(result, sim)


def read_journal(result: Result, sim: PongoSimulator) -> Result:
    """Time spent inside the pipeline, and anything the simulator itself found wrong."""
    exchanges = sim.journal.exchanges("create_order", scenario="*")
    if exchanges:
        result.handle_us = sum(x.duration_ms for x in exchanges) / len(exchanges) * 1000
    result.journal_issues = [
        f"{x.title()}: {x.error or ''}{'; '.join(map(str, x.violations))}"
        for x in sim.journal.exchanges(direction=None, scenario="*")
        if x.error or x.violations
    ]
    sim.journal.clear()
    return result


# -- the paths -----------------------------------------------------------------------------
def direct(sim: PongoSimulator, token: str) -> Send:
    headers = {"content-type": JSON, "authorization": f"Bearer {token}"}

    def send(body: bytes) -> tuple[int, str]:
        answer = sim.handle(SimRequest("POST", PATH, headers=headers, body=body, host=HOST))
        return answer.status, answer.content().decode()

    return send


def through(client: httpx.Client) -> Send:
    def send(body: bytes) -> tuple[int, str]:
        answer = client.post(PATH, content=body, headers={"content-type": JSON})
        return answer.status_code, answer.text

    return send


def through_async(client: httpx.AsyncClient) -> AsyncSend:
    async def send(body: bytes) -> tuple[int, str]:
        answer = await client.post(PATH, content=body, headers={"content-type": JSON})
        return answer.status_code, answer.text

    return send


class LoopbackServer:
    """uvicorn on 127.0.0.1 in a background thread, on a socket bound here so the port is ours."""

    def __init__(self, sim: PongoSimulator) -> None:
        # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on such sockets, and without it
        # Nagle plus delayed ACKs add ~40 ms to every response (`uvicorn.run(host, port)` gets it right).
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(AsgiApp(sim), log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
        if self.thread.is_alive():
            raise RuntimeError("uvicorn did not stop")


def run_all(requests: int, loopback_requests: int, max_seconds: float) -> list[Result]:
    """One simulator for every path: the state (orders, journal) is what an embedded suite shares too."""
    sim = PongoSimulator()
    token = connect(sim)
    auth = {"authorization": f"Bearer {token}"}

    def bodies(key: str, count: int) -> tuple[list[bytes], list[bytes]]:
        return order_bodies(sim, key, count), order_bodies(sim, f"{key}-warmup", WARMUP)

    results = [
        measure(
            Result("(a) sim.handle(SimRequest)", 201), sim, direct(sim, token), *bodies("direct", requests), max_seconds
        )
    ]
    once = order_bodies(sim, "direct", 1)  # created above: every resend is the duplicate path
    results.append(
        measure(Result("(a') sim.handle, duplicate", 202), sim, direct(sim, token), once * requests, once, max_seconds)
    )
    with httpx.Client(transport=mock_transport(sim), base_url=BASE, headers=auth) as client:
        results.append(
            measure(
                Result("(b) httpx MockTransport", 201), sim, through(client), *bodies("mock", requests), max_seconds
            )
        )
    with respx_router(sim), httpx.Client(base_url=BASE, headers=auth, trust_env=False) as client:
        results.append(
            measure(
                Result("(c) respx, real hostname", 201), sim, through(client), *bodies("respx", requests), max_seconds
            )
        )

    async def over_asgi() -> Result:
        transport = httpx.ASGITransport(app=AsgiApp(sim))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", headers=auth) as client:
            return await measure_async(
                Result("(d) httpx ASGITransport", 201),
                sim,
                through_async(client),
                *bodies("asgi", requests),
                max_seconds,
            )

    results.append(asyncio.run(over_asgi()))
    with (
        LoopbackServer(sim) as server,
        httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers=auth, trust_env=False) as client,
    ):
        results.append(
            measure(
                Result("(e) uvicorn on 127.0.0.1", 201),
                sim,
                through(client),
                *bodies("loopback", loopback_requests),
                max_seconds,
            )
        )
    return results


def validation_us(sim: PongoSimulator, token: str, count: int) -> tuple[float, float]:
    """Mean µs of the request and the response schema check, the part of `in handle` a faster
    validator could win back."""
    status, text = direct(sim, token)(order_bodies(sim, "validation", 1)[0])
    assert status == 201, text
    response = json.loads(text)
    requests = [json.loads(b) for b in order_bodies(sim, "validation", count)]
    started = time.perf_counter()
    for body in requests:
        sim.schemas.check("create_order", "request", body)
    request_us = (time.perf_counter() - started) / count * 1e6
    started = time.perf_counter()
    for _ in range(count):
        sim.schemas.check("create_order", "response", response, 201)
    return request_us, (time.perf_counter() - started) / count * 1e6


def report(results: list[Result]) -> bool:
    """Print the table; False when any path saw an unexpected status or a journal issue."""
    header = (
        f"{'path':<30} {'status':>6} {'requests':>8} {'req/s':>8} {'µs/req':>8} {'in handle':>9} "
        f"{'outside':>9} {'bad':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        per_request = r.seconds / r.sent * 1e6
        bad = sum(r.unexpected.values()) + len(r.journal_issues)
        print(
            f"{r.path:<30} {r.expected:>6} {r.sent:>8} {r.sent / r.seconds:>8.0f} {per_request:>8.0f} "
            f"{r.handle_us:>9.0f} {per_request - r.handle_us:>9.0f} {bad:>5}"
        )
    print(
        "\nµs/req: wall per request, client included. in handle: mean duration the journal records for "
        "Simulator.handle\n(routing, auth, both schema checks, handler, redaction). outside: the rest - the "
        "secret scan and journal\nappend, response encoding, and the transport. bad: responses with another "
        "status, plus simulator\nerrors and schema violations in the journal."
    )
    clean = True
    for r in results:
        for status, count in r.unexpected.items():
            clean = False
            print(f"!! {r.path}: {count} x {status} (expected {r.expected}): {r.examples[status]}")
        for issue in r.journal_issues[:5]:
            clean = False
            print(f"!! {r.path}: {issue}")
    return clean


def versions() -> str:
    found = [f"python {platform.python_version()} ({platform.python_implementation()})"]
    found += [f"{name} {version(name)}" for name in PACKAGES]
    return ", ".join(found)


def main() -> int:
    ns = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ns.add_argument("--requests", type=int, default=2000, help="timed requests per in-process path (default 2000)")
    ns.add_argument("--loopback-requests", type=int, default=500, help="timed requests over loopback (default 500)")
    ns.add_argument("--max-seconds", type=float, default=15.0, help="time cap per path (default 15)")
    args = ns.parse_args()
    print(versions())
    print(
        f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"{WARMUP} untimed warm-up requests per path\n"
    )
    results = run_all(args.requests, args.loopback_requests, args.max_seconds)
    clean = report(results)
    sim = PongoSimulator()
    request_us, response_us = validation_us(sim, connect(sim), args.requests)
    print(
        f"\nschema checks alone, create_order: request {request_us:.0f} µs, response {response_us:.0f} µs "
        f"(of the {results[0].handle_us:.0f} µs in handle on path a)"
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
