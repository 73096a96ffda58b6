"""The `poscert` command: serve, openapi, and certify's handling of a bad driver."""

from __future__ import annotations

import json
import sys

import httpx

from poscert.cli import main
from poscert.results import NO_VERDICT
from tests.servers import serving


def test_openapi_prints_the_document_assembled_from_routes_and_schemas(capsys):
    assert main(["openapi", "--platform", "pongo"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["openapi"].startswith("3.1")
    assert "post" in doc["paths"]["/v1/orders"]


def test_serve_answers_on_localhost_with_pongo_errors_and_an_admin_api():
    with serving([sys.executable, "-m", "poscert.cli", "serve", "--platform", "pongo", "--admin-token", "t"]) as base:
        admin = {"authorization": "Bearer t"}
        health = httpx.get(f"{base}/_poscert/health")
        assert health.json()["platform"] == "pongo"
        refused = httpx.post(f"{base}/v1/orders", json={"order_id": "1"})
        assert refused.status_code == 401 and refused.json() == {"message": "Unauthenticated."}
        assert httpx.get(f"{base}/_poscert/journal").status_code == 401  # the admin API wants its token
        journal = httpx.get(f"{base}/_poscert/journal", headers=admin).json()
        assert [x["path"] for x in journal] == ["/v1/orders"]
        assert httpx.post(f"{base}/_poscert/reset", headers=admin).status_code == 204
        assert httpx.get(f"{base}/_poscert/journal", headers=admin).json() == []


def test_certify_refuses_a_driver_it_cannot_load(tmp_path, capsys):
    code = main(["certify", "--platform", "pongo", "--driver", "nowhere:Nothing", "--out", str(tmp_path)])
    assert code == NO_VERDICT
    doc = json.loads((tmp_path / "certification.json").read_text())
    assert doc["certified"] is False and doc["outcome"] == "broken"
    assert "nowhere:Nothing could not be loaded" in capsys.readouterr().err
