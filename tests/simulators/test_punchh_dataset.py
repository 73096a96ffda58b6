"""Seeded datasets: the same seed gives the same world, reset() really starts it over, the three ways
in share one state, and injected faults answer in Punchh's shape."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from poscert.simulators.core.faults import Fault
from poscert.simulators.core.transports import AsgiApp, mock_transport, respx_router
from poscert.simulators.punchh.simulator import PunchhSimulator
from tests.simulators.conftest import assert_clean_journal
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import BASE, line, order, receipt, regular


def snapshot(sim: PunchhSimulator) -> dict:
    out = {"keys": sorted(sim.state.locations), "clients": sorted(sim.state.clients)}
    for slug in sim.data.businesses:
        b = sim.backend(slug)
        out[slug] = (
            [(loc.id, loc.location_key, loc.short_key, loc.city) for loc in b.locations.values()],
            [(u.id, u.email, u.phone, u.card_number, u.qr_codes, u.user_digest) for u in b.users.values()],
            [r.to_json() for r in b.rewards.values()],
            [r.meta_json() for r in b.redeemables.values()],
            sorted(b.codes),
            sorted(b.scan_codes),
            sorted(b.short_codes),
        )
    return out


def flow(sim: PunchhSimulator) -> tuple:
    """One scenario's worth of traffic; returns everything random it produced."""
    biz = sim.backend(sim.default_business)
    user = regular(biz)
    with httpx.Client(transport=mock_transport(sim), base_url=BASE, headers=sim.pos_headers()) as http:
        flat = biz.rewards_of(user)[0]
        basket = http.post(
            "/api/pos/discounts/select",
            json={
                "user_id": user.id,
                "discount_basket_items_attributes": [{"discount_type": "reward", "discount_id": str(flat.id)}],
            },
        ).json()
        done = http.post("/api/pos/batch_redemptions", json=order(user, [line("Latte", 6)])).json()
        guest = http.request(
            "GET", "/api/pos/users/find", json={"lookup_field": "none", "lookup_value": "anonymous"}
        ).json()
    assert_clean_journal(sim)
    return (
        basket["redemption_ref"],
        basket["discount_basket_items"][0]["discount_basket_item_id"],
        done["success"][0]["redemption_id"],
        guest["user_id"],
    )


def test_default_dataset_shape():
    sim = PunchhSimulator()
    coffee, pizza, bagels = (sim.backend(s) for s in ("central-punchh-coffee", "punchh-pizza-co", "bagel-barn"))
    assert (len(coffee.locations), len(coffee.users), len(coffee.redeemables)) == (3, 20, 4)
    assert (len(pizza.locations), len(pizza.users), len(bagels.users)) == (1, 4, 3)
    assert [loc.redemption_enabled for loc in coffee.locations.values()] == [True, True, False]
    short_keys = [loc.short_key for b in (coffee, pizza, bagels) for loc in b.locations.values()]
    assert len(set(short_keys)) == 5 and all(1 <= k <= 8191 for k in short_keys)
    assert [u.status for u in coffee.users.values()][:4] == ["active", "active", "banned", "active"]
    assert all(len(u.phone) == 10 and len(u.card_number) == 16 for u in coffee.users.values())
    assert all(len(str(r.id)) == 11 for r in coffee.rewards.values())
    assert sim.default_business == "central-punchh-coffee" and sim.other_business == "punchh-pizza-co"


def test_the_default_seed_draws_what_it_always_drew():
    """Pinned keys and ids of the default seed: a change in how generators are seeded would silently
    change every certification's evidence. (Names come from Faker's data and may move with its version.)"""
    sim = PunchhSimulator()
    coffee = sim.backend(sim.default_business)
    first = regular(coffee)
    store = sim.location()
    assert (store.id, store.short_key, store.location_key[:8]) == PINNED["store"]
    assert sim.data.businesses[sim.default_business].business_key == PINNED["business_key"]
    assert (first.id, first.phone, first.card_number) == PINNED["user"]
    assert sim.client().client_id[:10] == PINNED["client"]


def test_same_seed_same_world_and_same_traffic():
    first, second = PunchhSimulator(seed=3), PunchhSimulator(seed=3)
    second.backend("bagel-barn")  # build order must not matter
    assert snapshot(first) == snapshot(second)
    assert flow(first) == flow(second)
    assert snapshot(PunchhSimulator(seed=4)) != snapshot(first)


def test_reset_starts_the_world_over():
    sim = PunchhSimulator(seed=5)
    before = snapshot(sim)
    traffic = flow(sim)
    sim.clock.advance(3600)
    sim.reset()
    assert snapshot(sim) == before and sim.clock.now().hour == 10
    assert flow(sim) == traffic


def test_three_access_paths_share_one_state(psim, biz):
    user = regular(biz)
    body = receipt(email=user.email)
    with respx_router(psim), httpx.Client(headers=psim.pos_headers()) as real:
        assert real.post("https://api.punchh.com/api/pos/checkins", json=body).status_code == 200
        assert real.get("https://isl.punchh.com/ping").text == "OK"

    async def over_asgi() -> httpx.Response:
        transport = httpx.ASGITransport(app=AsgiApp(psim))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as local:
            return await local.get("/api/pos/users/search", params={"email": user.email}, headers=psim.pos_headers())

    answer = asyncio.run(over_asgi())
    assert answer.json()["balance"]["points_balance"] == 510
    hosts = [x.request_headers.get("host") for x in psim.journal.exchanges(["create_checkin", "user_search"])]
    assert hosts == ["api.punchh.com", "127.0.0.1:8000"]


def test_faults_answer_in_punchhs_shape(psim, pos, biz):
    user = regular(biz)
    psim.faults.arm(Fault("create_checkin", 503))
    answer = pos.post("/api/pos/checkins", json=receipt(email=user.email, external_uid="F-1"))
    assert (answer.status_code, answer.json()) == (503, {"error": "Service Unavailable"})
    assert biz.checkins == {}
    psim.faults.arm(Fault("create_checkin", 500, after_processing=True))
    assert pos.post("/api/pos/checkins", json=receipt(email=user.email, external_uid="F-1")).status_code == 500
    assert len(biz.checkins) == 1
    retry = pos.post("/api/pos/checkins", json=receipt(email=user.email, external_uid="F-1"))  # the POS retries
    assert retry.status_code == 200 and len(biz.checkins) == 1 and biz.points(user) == 510
    psim.faults.arm(Fault("batch_redemption", None, timeout=True))
    with pytest.raises(httpx.ReadTimeout):
        pos.post("/api/pos/batch_redemptions", json=order(user))


PINNED = {
    "store": (389251, 5674, "690f129a"),
    "business_key": "3ef73239-8e1c-4ae4-aa9d-f60b6223b051",
    "user": (14654977, "6959857669", "7638672781379236"),
    "client": "dxJjTmKNIW",
}
