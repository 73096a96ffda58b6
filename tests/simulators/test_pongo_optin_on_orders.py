"""Opt-in answers carried by an order reach its customer, new or known, wherever the order carries them:
`has_optin` on the order itself (the guides' wording) or in its customer (the API reference's)."""

from __future__ import annotations

import pytest

from tests.simulators.conftest import schema_errors
from tests.simulators.test_pongo_orders import order

NEW = "32470999777"


@pytest.fixture
def known(shop):
    return shop.create_customer("32470999666", shop.stores[0].slug)


@pytest.mark.parametrize("where", ["order", "customer"])
@pytest.mark.parametrize("who", ["new", "known"])
def test_an_orders_opt_in_reaches_its_customer(api, sim, shop, known, where, who):
    customer = {"international_phone_number": NEW} if who == "new" else {"public_id": known.public_id}
    body = order(shop, customer={**customer, "has_optin": True} if where == "customer" else customer)
    if where == "order":
        body["has_optin"] = True
    assert schema_errors(sim, "create_order", "request", body) == []
    answer = api.post("/v1/orders", json=body)
    assert answer.status_code == 201
    assert not [str(v) for v in sim.journal.last("create_order").request_violations()]
    recorded = shop.customer_by_phone(NEW) if who == "new" else known
    assert (recorded.has_optin, recorded.email_optin, recorded.sms_optin) == (True, None, None)
    assert answer.json()["data"]["customer_public_id"] == recorded.public_id


def test_the_customers_answers_win_and_an_unanswered_one_changes_nothing(api, shop, known):
    shop.update_customer(known, {"sms_optin": True})
    customer = {"public_id": known.public_id, "has_optin": False, "email_optin": False, "sms_optin": None}
    api.post("/v1/orders", json={**order(shop, customer=customer), "has_optin": True})
    assert (known.has_optin, known.email_optin, known.sms_optin) == (False, False, True)


def test_an_order_without_answers_leaves_a_known_customers_opt_in(api, shop, known):
    shop.update_customer(known, {"has_optin": True, "email_optin": True})
    before = known.updated_at
    api.post("/v1/orders", json=order(shop, customer={"public_id": known.public_id}))
    assert (known.has_optin, known.email_optin, known.updated_at) == (True, True, before)


def test_a_known_customers_opt_in_on_an_order_is_a_customer_update(api, sim, shop, known):
    delivered = []
    sim.deliver_webhook = lambda url, headers, body: delivered.append(url) or 200
    sim.state.subscribe(shop.slug, "customer.updated", "https://partner.example/hook", None)
    api.post("/v1/orders", json=order(shop, customer={"public_id": known.public_id, "email_optin": True}))
    assert known.email_optin is True and delivered == ["https://partner.example/hook"]


def test_a_refused_order_records_no_opt_in(api, shop, known):
    body = order(shop, customer={"public_id": known.public_id}, has_optin=True, loyalty_store_slug="nowhere")
    assert api.post("/v1/orders", json=body).status_code == 422
    assert known.has_optin is None
