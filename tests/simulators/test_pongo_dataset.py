"""Seeded datasets: the same seed gives the same world, and reset() really starts it over."""

from __future__ import annotations

import httpx
import pytest

from poscert.simulators.core.transports import mock_transport
from poscert.simulators.pongo.simulator import PongoSimulator
from tests.simulators.conftest import BASE, assert_clean_journal, bearer, connect


def snapshot(sim: PongoSimulator) -> dict:
    out = {"client": sim.oauth_client, "jwt": sim.state.jwt_secret}
    for slug in (sim.default_merchant, sim.other_merchant):
        b = sim.backend(slug)
        out[slug] = (
            b.public_id,
            b.login_email,
            b.login_password,
            [s.to_json() for s in b.stores],
            [c.to_json() for c in b.customers.values()],
            [r.to_json() for r in b.rewards.values()],
        )
    return out


def flow(sim: PongoSimulator) -> tuple:
    """One scenario's worth of traffic; returns everything random it produced."""
    with httpx.Client(transport=mock_transport(sim), base_url=BASE) as http:
        token = connect(http, sim)
        shop = sim.backend(sim.default_merchant)
        rich = next(iter(shop.customers.values()))
        voucher = next(r for r in shop.rewards.values() if r.type == "voucher_amount")
        won = http.post(
            f"/v1/rewards/{voucher.public_id}/buy",
            headers=bearer(token),
            json={"customer": rich.public_id, "store_slug": shop.stores[0].slug},
        ).json()["data"]
        hook = http.post(
            "/v1/webhooks",
            headers=bearer(token),
            json={"event": "customer.created", "url": "https://partner.example/h"},
        ).json()["data"]
    assert_clean_journal(sim)
    return token["access_token"], token["refresh_token"], won["public_id"], won["coupon_code"], hook["secret"]


def test_default_dataset_shape():
    sim = PongoSimulator()
    shop, other = sim.backend(sim.default_merchant), sim.backend(sim.other_merchant)
    assert (len(shop.stores), len(shop.rewards), len(shop.customers)) == (3, 8, 20)
    assert (len(other.stores), len(other.rewards), len(other.customers)) == (1, 2, 2)
    types = {r.type for r in shop.rewards.values()}
    assert types == {"free_product", "voucher_amount", "voucher_percentage"}
    assert any("TAB-1042" in (r.external_id or "") and "ZLT-77" in r.external_id for r in shop.rewards.values())
    assert all(r.value for r in shop.rewards.values() if r.type != "free_product")
    assert "https://partner.example/pongo/callback" in sim.oauth_client.redirect_uris
    assert {c.has_optin for c in shop.customers.values()} == {True, False, None}
    assert all(c.public_id.startswith("cust_") and len(c.public_id) == 25 for c in shop.customers.values())


def test_the_default_seed_draws_what_it_always_drew():
    """Pinned ids, secrets and codes of the default seed: a change in how generators are seeded would
    silently change every certification's evidence. (Names and addresses come from Faker's data and may
    move with its version; these come from the seeded generators alone.)"""
    sim = PongoSimulator()
    shop = sim.backend(sim.default_merchant)
    first = next(iter(shop.customers.values()))
    assert sim.oauth_client.client_id == "0931b7a0-6e67-4720-a42f-3b97780a7e95"
    assert sim.oauth_client.client_secret == "JgsXPpI3DdSe2ibeZhEO7ayz6qEQLeqOy3CA6saH"
    assert sim.state.jwt_secret.startswith("02886a32b2e26d5a")
    assert (shop.public_id, shop.login_password) == ("mer_xmzsvGj5NMVvPAFAK1Ws", "ZiSAy6MBummbKUDq")
    assert (first.public_id, first.international_phone_number) == ("cust_06Icg9tPhbjSREZY4Ifw", "32469207287")
    assert next(iter(shop.rewards)) == "rwd_fZHLPtfDCVGsiJZ9dYxq"


def test_same_seed_same_world_and_same_traffic():
    first, second = PongoSimulator(seed=3), PongoSimulator(seed=3)
    second.backend(second.other_merchant)  # build order must not matter
    assert snapshot(first) == snapshot(second)
    assert flow(first) == flow(second)
    assert snapshot(PongoSimulator(seed=4)) != snapshot(first)


def test_reset_really_resets():
    sim = PongoSimulator(seed=3)
    pristine = snapshot(sim)
    produced = flow(sim)
    sim.clock.advance(1000)
    sim.backend(sim.default_merchant).add_reward("Extra", "free_product", 1)
    sim.reset()
    assert sim.clock.now().isoformat() == "2026-01-15T10:00:00+00:00"
    assert snapshot(sim) == pristine
    assert sim.state.webhooks == {} and sim.state.access_tokens == {}
    assert sim.state.verify(produced[0]) is None
    assert flow(sim) == produced  # the generators restart too


def test_unknown_dataset_and_merchant_are_refused():
    with pytest.raises(KeyError):
        PongoSimulator(dataset="nope")
    sim = PongoSimulator()
    with pytest.raises(KeyError):
        sim.backend("no-such-merchant")
    assert list(sim.backends) == []  # merchants are built on first use, and a refused one is not kept
    sim.backend(sim.other_merchant)
    assert list(sim.backends) == [sim.other_merchant]


def test_admin_helpers(sim, shop):
    customer = next(iter(shop.customers.values()))
    shop.set_points(customer.public_id, 7)
    reward = shop.add_reward("Glace", "free_product", 30, external_id="PSC-ICE")
    shop.set_external_id(reward.public_id, "PSC-ICE,TAB-9")
    assert customer.points == 7 and shop.rewards[reward.public_id].external_id == "PSC-ICE,TAB-9"
    store = shop.add_store("Gare du Midi")
    assert store.slug == "maison-dupont-gare-du-midi" and shop.store(store.slug) is store
    assert shop.add_store("Maison Dupont Gare du Midi").slug == "maison-dupont-gare-du-midi-2"
    created = shop.create_customer("32470444555", store.slug, sms_optin=True)
    assert created.reference_store_slug == store.slug and created.sms_optin is True and created.points == 0
    student = list(shop.customers.values())[1]
    assert len(shop.rewards_for(student.public_id, shop.stores[0].slug)) == 9  # 8 + Glace
    assert len(shop.rewards_for(customer.public_id, shop.stores[1].slug)) == 7
    assert shop.orders_list() == [] and sim.subscriptions(shop.slug) == []
    assert sim.access_token_ttl == 3600
