"""Webhook subscriptions and signed deliveries of customer events."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from tests.simulators.conftest import bearer, connect, schema_errors

HOOK = "https://partner.example/pongo/hook"


@pytest.fixture
def deliveries(sim):
    received: list[tuple[str, dict[str, str], bytes]] = []
    sim.deliver_webhook = lambda url, headers, body: received.append((url, headers, body)) or 200
    return received


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers["pongo-signature"].split(","))
    expected = hmac.new(secret.encode(), body + parts["t"].encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_subscribe_list_delete(api):
    created = api.post("/v1/webhooks", json={"event": "customer.created", "url": HOOK})
    assert created.status_code == 201
    hook = created.json()["data"]
    assert hook["id"].startswith("whk_") and len(hook["secret"]) >= 32
    mine = api.post("/v1/webhooks", json={"event": "customer.updated", "url": HOOK, "secret": "s3cr3t-value"})
    assert mine.json()["data"]["secret"] == "s3cr3t-value"
    assert len(api.get("/v1/webhooks").json()["data"]) == 2
    assert api.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
    assert api.delete(f"/v1/webhooks/{hook['id']}").json() == {
        "message": "No query results for model [App\\Models\\Webhook]."
    }


@pytest.mark.parametrize(
    "body, key",
    [
        ({"url": "http://partner.example/hook"}, "url"),
        ({"url": "ftp://partner.example/hook"}, "url"),
        ({"event": "order.created"}, "event"),
        ({"extra": 1}, "extra"),  # strict endpoint: "The extra field is prohibited."
    ],
)
def test_subscription_refusals(api, body, key):
    answer = api.post("/v1/webhooks", json={"event": "customer.created", "url": HOOK, **body})
    assert answer.status_code == 422 and key in answer.json()["errors"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hook", "http://localhost/hook"])
def test_loopback_http_is_allowed_for_tests(api, url):
    assert api.post("/v1/webhooks", json={"event": "customer.created", "url": url}).status_code == 201


def test_customer_events_are_signed_and_journaled(api, sim, shop, deliveries):
    secret = api.post("/v1/webhooks", json={"event": "customer.created", "url": HOOK}).json()["data"]["secret"]
    api.post("/v1/webhooks", json={"event": "customer.updated", "url": HOOK + "/u", "secret": "updated-secret"})
    sim.clock.advance(30)
    created = api.post(
        "/v1/customers", json={"international_phone_number": "32470111222", "reference_store_slug": shop.stores[0].slug}
    ).json()["data"]
    api.patch(f"/v1/customers/{created['public_id']}", json={"first_name": "Ana"})
    (url, headers, body), (url2, headers2, body2) = deliveries
    assert url == HOOK and verify(secret, headers, body)
    # Signed at the real time of delivery: the receiver judges a signature's age against its own clock.
    signed_at = int(headers["pongo-signature"].split(",")[0].removeprefix("t="))
    assert abs(signed_at - time.time()) < 60
    payload = json.loads(body)
    assert payload["event"] == "customer.created" and payload["data"] == created
    assert schema_errors(sim, "common", "webhook_delivery", payload) == []
    assert url2 == HOOK + "/u" and verify("updated-secret", headers2, body2)
    assert json.loads(body2)["data"]["first_name"] == "Ana"
    sent = sim.journal.exchanges(direction="webhook")
    assert [x.operation for x in sent] == ["webhook:customer.created", "webhook:customer.updated"]
    assert sent[0].request_headers["pongo-signature"] != headers["pongo-signature"]  # redacted


def test_enlist_elsewhere_fires_customer_created(api, shop, deliveries):
    api.post("/v1/webhooks", json={"event": "customer.created", "url": HOOK})
    customer = shop.enlist_elsewhere("32470333444", first_name="Marc", sms_optin=True)
    assert shop.customer_by_phone("32470333444") is customer and customer.sms_optin is True
    assert json.loads(deliveries[0][2])["data"]["public_id"] == customer.public_id


def test_other_merchants_events_do_not_reach_a_subscriber(api, client, sim, deliveries):
    api.post("/v1/webhooks", json={"event": "customer.created", "url": HOOK})
    sim.backend(sim.other_merchant).enlist_elsewhere("32470333444")
    assert deliveries == []
    other = connect(client, sim, merchant=sim.other_merchant)
    assert client.get("/v1/webhooks", headers=bearer(other)).json() == {"data": []}


def test_a_failing_receiver_is_recorded_not_raised(api, shop, sim):
    def boom(url, headers, body):
        raise ConnectionError("down")

    sim.deliver_webhook = boom
    api.post("/v1/webhooks", json={"event": "customer.created", "url": HOOK})
    shop.enlist_elsewhere("32470333445")
    assert sim.journal.exchanges(direction="webhook")[0].status == 0
