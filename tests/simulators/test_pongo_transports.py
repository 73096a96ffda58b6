"""The three ways in (httpx MockTransport, respx on the real hostname, the ASGI app) share one state;
injected faults answer in Pongo's shape."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import AsgiApp, respx_router
from tests.simulators.conftest import bearer


def test_three_access_paths_share_one_state(api, sim, token, shop):
    created = api.post(
        "/v1/customers", json={"international_phone_number": "32470123123", "reference_store_slug": shop.stores[0].slug}
    ).json()["data"]
    with respx_router(sim), httpx.Client() as real:
        seen = real.get(f"https://api.heypongo.com/v1/customers/{created['public_id']}", headers=bearer(token))
        real.patch(
            f"https://api.heypongo.com/v1/customers/{created['public_id']}",
            headers=bearer(token),
            json={"first_name": "Via respx"},
        )
    assert seen.status_code == 200

    async def over_asgi() -> httpx.Response:
        transport = httpx.ASGITransport(app=AsgiApp(sim))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as local:
            return await local.get("/v1/customers/phone/32470123123", headers=bearer(token))

    answer = asyncio.run(over_asgi())
    assert answer.json()["data"]["first_name"] == "Via respx"
    assert shop.customers[created["public_id"]].first_name == "Via respx"
    hosts = [x.request_headers.get("host") for x in sim.journal.exchanges(["get_customer", "get_customer_by_phone"])]
    assert hosts == ["api.heypongo.com", "127.0.0.1:8000"]


def test_fault_before_processing(api, sim, shop):
    sim.faults.arm(Fault("create_customer", 503))
    body = {"international_phone_number": "32470123124", "reference_store_slug": shop.stores[0].slug}
    answer = api.post("/v1/customers", json=body)
    assert answer.status_code == 503 and answer.json() == {"message": "Service Unavailable"}
    assert shop.customer_by_phone("32470123124") is None
    assert api.post("/v1/customers", json=body).status_code == 201
    assert sim.journal.exchanges("create_customer")[0].fault == "status 503"


def test_fault_after_processing_and_timeout(api, sim, shop):
    sim.faults.arm(Fault("create_customer", 500, after_processing=True))
    body = {"international_phone_number": "32470123125", "reference_store_slug": shop.stores[0].slug}
    assert api.post("/v1/customers", json=body).json() == {"message": "Server Error"}
    assert shop.customer_by_phone("32470123125") is not None
    sim.faults.arm(Fault("list_stores", None, timeout=True))
    with pytest.raises(httpx.ReadTimeout):
        api.get("/v1/stores")
    assert sim.journal.last("list_stores").fault == "time-out"


@pytest.mark.parametrize("status, message", [(429, "Too Many Attempts."), (502, "Bad Gateway"), (599, "Server Error")])
def test_any_injected_status_answers_a_message(api, sim, status, message):
    sim.faults.arm(Fault("list_stores", status))
    answer = api.get("/v1/stores")
    assert answer.status_code == status and answer.json() == {"message": message}
