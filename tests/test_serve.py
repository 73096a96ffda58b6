"""`poscert serve` over real sockets: one smoke test of the three platforms on consecutive ports, with
credentials printed, the Host check, the admin token, and a webhook delivered over HTTP, signed."""

from __future__ import annotations

import hashlib
import hmac
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx

from tests.simulators.server_support import password_grant_body

TOKEN = "smoke-admin-token"


def consecutive_free_ports(count: int) -> int:
    """The first of `count` consecutive ports free on loopback now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            held = []
            for port in range(first, first + count):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError("no free consecutive ports")


@contextmanager
def serving_all(out: Path) -> Iterator[int]:
    port = consecutive_free_ports(3)
    with out.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "poscert.cli", "serve", "--platform", "all", "--port", str(port)]
            + ["--admin-token", TOKEN, "--journal-spill", "none"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port + 2}/_poscert/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, out.read_text()
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A webhook receiver on loopback answering 200, keeping what it got."""
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  # the http.server naming
            got.append(
                ({k.lower(): v for k, v in self.headers.items()}, self.rfile.read(int(self.headers["content-length"])))
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks", got
    finally:
        server.shutdown()
        server.server_close()


def test_serve_all_over_real_sockets(tmp_path):
    admin = {"authorization": f"Bearer {TOKEN}"}
    with serving_all(tmp_path / "out.txt") as port, receiver() as (hook_url, got):
        pongo, punchh, spoonity = (f"http://127.0.0.1:{port + n}" for n in range(3))
        assert [httpx.get(f"{b}/_poscert/health").json()["platform"] for b in (pongo, punchh, spoonity)] == [
            "pongo",
            "punchh",
            "spoonity",
        ]
        printed = (tmp_path / "out.txt").read_text()
        creds = httpx.get(f"{pongo}/_poscert/credentials", headers=admin).json()
        client, merchant = creds["oauth_clients"][0], creds["merchants"][0]
        assert client["client_secret"] in printed and merchant["login_password"] in printed and TOKEN in printed
        assert httpx.get(f"{pongo}/_poscert/credentials").status_code == 401
        rebound = httpx.get(f"{pongo}/v1/stores", headers={"host": f"attacker.example:{port}"})
        assert rebound.status_code == 403
        assert "/api/pos/checkins" in httpx.get(f"{punchh}/openapi.json").json()["paths"]

        grant = password_grant_body(creds, "customer.create,customer.read")
        auth = {"authorization": f"Bearer {httpx.post(f'{pongo}/v1/oauth/token', json=grant).json()['access_token']}"}
        hook = httpx.post(f"{pongo}/v1/webhooks", json={"event": "customer.created", "url": hook_url}, headers=auth)
        secret = hook.json()["data"]["secret"]
        store = httpx.get(f"{pongo}/v1/stores", headers=auth).json()["data"][0]["slug"]
        body = {"international_phone_number": "32470555111", "reference_store_slug": store}
        assert httpx.post(f"{pongo}/v1/customers", json=body, headers=auth).status_code == 201

        [(headers, payload)] = got
        stamp, signature = (part.split("=", 1)[1] for part in headers["pongo-signature"].split(","))
        expected = hmac.new(secret.encode(), payload + stamp.encode(), hashlib.sha256).hexdigest()
        assert signature == expected
        [delivery] = httpx.get(f"{pongo}/_poscert/webhooks", headers=admin).json()
        assert (delivery["status"], delivery["path"]) == (200, hook_url)
        assert secret not in str(delivery) and signature not in str(delivery)
