"""The `poscert` command: serve, openapi, and certify's handling of a bad driver."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import httpx

from poscert.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_openapi_prints_the_document_assembled_from_routes_and_schemas(capsys):
    assert main(["openapi", "--platform", "pongo"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["openapi"].startswith("3.1")
    assert "post" in doc["paths"]["/v1/orders"]


def test_serve_answers_on_localhost_with_pongo_errors_and_an_admin_api():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "poscert.cli", "serve", "--platform", "pongo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{base}/_poscert/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.1)
        assert health.json()["platform"] == "pongo"
        refused = httpx.post(f"{base}/v1/orders", json={"order_id": "1"})
        assert refused.status_code == 401 and refused.json() == {"message": "Unauthenticated."}
        journal = httpx.get(f"{base}/_poscert/journal").json()
        assert [x["path"] for x in journal] == ["/v1/orders"]
        assert httpx.post(f"{base}/_poscert/reset").status_code == 204
        assert httpx.get(f"{base}/_poscert/journal").json() == []
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_certify_refuses_a_driver_it_cannot_load(tmp_path, capsys):
    code = main(["certify", "--platform", "pongo", "--driver", "nowhere:Nothing", "--out", str(tmp_path)])
    assert code != 0
    assert not (tmp_path / "certification.json").exists()
