"""The three ways into a simulator (httpx MockTransport, respx on its hostnames, the ASGI app) share one state."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import AsgiApp, mock_transport, respx_router
from tests.core.conftest import ALPHA_KEY
from tests.core.toy import TOY

KEY = {"x-toy-key": ALPHA_KEY}


def _over_asgi(sim, *calls: tuple[str, str, dict | None]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=AsgiApp(sim))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", headers=KEY) as local:
            return [await local.request(method, path, json=body) for method, path, body in calls]

    return asyncio.run(run())


def test_three_transports_share_one_state(sim):
    with httpx.Client(transport=mock_transport(sim), base_url="https://api.toy.test", headers=KEY) as http:
        lamp = http.post("/v1/things", json={"name": "lamp"}).json()
    with respx_router(sim), httpx.Client(headers=KEY) as real:
        seen = real.get(f"https://api.toy.test/v1/things/{lamp['id']}")
    desk, again = _over_asgi(sim, ("POST", "/v1/things", {"name": "desk"}), ("GET", f"/v1/things/{lamp['id']}", None))
    assert seen.json() == lamp and again.json() == lamp
    assert [t["name"] for t in sim.backends["alpha"].things.values()] == ["lamp", "desk"]
    assert desk.json()["id"] in sim.backends["alpha"].things
    hosts = [x.request_headers["host"] for x in sim.journal.exchanges()]
    assert hosts == ["api.toy.test", "api.toy.test", "127.0.0.1:8000", "127.0.0.1:8000"]


def test_each_transport_turns_a_time_out_into_its_own_failure(sim):
    sim.faults.arm(Fault("ping", None, timeout=True, times=3))
    with httpx.Client(transport=mock_transport(sim)) as http, pytest.raises(httpx.ReadTimeout):
        http.get("https://api.toy.test/v1/ping")
    with respx_router(sim), httpx.Client() as real, pytest.raises(httpx.ReadTimeout):
        real.get("https://api.toy.test/v1/ping")
    [served] = _over_asgi(sim, ("GET", "/v1/ping", None))  # a server cannot hang up: its gateway answers 504
    assert (served.status_code, served.json()) == (504, TOY.fault_body(504))
    assert [x.fault for x in sim.journal.exchanges("ping")] == ["time-out"] * 3


def test_the_served_app_has_the_admin_api(sim):
    _over_asgi(sim, ("POST", "/v1/things", {"name": "lamp"}))
    health, journal, reset = _over_asgi(
        sim, ("GET", "/_poscert/health", None), ("GET", "/_poscert/journal", None), ("POST", "/_poscert/reset", None)
    )
    assert health.json() == {"platform": "toy", "seed": 5, "dataset": "default"}
    assert [x["operation"] for x in journal.json()] == ["create_thing"]
    assert reset.status_code == 204 and list(sim.backends) == [] and len(sim.journal) == 0
