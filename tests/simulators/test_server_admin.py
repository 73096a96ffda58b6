"""The served simulators' admin API, docs and credentials, in-process over the ASGI app `serve` builds."""

from __future__ import annotations

import json

import httpx
import pytest

from poscert.simulators.core.admin import ADMIN_PREFIX
from poscert.simulators.core.server import banner, build
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.simulators.punchh.simulator import PunchhSimulator
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from tests.simulators.server_support import TOKEN, admin, call, password_grant_body, served_app

SIMULATORS = (PongoSimulator, PunchhSimulator, SpoonitySimulator)


def password_grant(app, sim: PongoSimulator, scope: str = "customer.read,customer.create") -> httpx.Response:
    """What a partner can do with only the printed credentials: get a token for the first merchant."""
    return call(app, "POST", "/v1/oauth/token", json=password_grant_body(sim.credentials(), scope))


@pytest.fixture
def pongo():
    sim = PongoSimulator(seed=7)
    return sim, served_app(sim)


def bearer_of(answer: httpx.Response) -> dict[str, str]:
    return {"authorization": f"Bearer {answer.json()['access_token']}"}


# -- credentials --------------------------------------------------------------------------
def test_the_printed_credentials_are_the_ones_each_platform_accepts(pongo):
    sim, app = pongo
    assert password_grant(app, sim).status_code == 200
    spoonity = SpoonitySimulator(seed=7)
    [vendor, _] = spoonity.credentials()["vendors"]
    key = vendor["locations"][0]["api_key"]
    assert spoonity.data.api_keys[key] == (vendor["slug"], vendor["locations"][0]["id"])
    punchh = PunchhSimulator(seed=7)
    business = punchh.credentials()["businesses"][0]
    assert business["business_key"] == punchh.data.businesses[business["slug"]].business_key
    assert [loc["location_key"] for loc in business["locations"]] == [
        loc.location_key for loc in punchh.data.businesses[business["slug"]].locations
    ]
    assert business["advanced_auth_client"]["secret"] == punchh.client(business["slug"]).secret


def test_credentials_are_printed_at_start_and_served_behind_the_token(tmp_path):
    served = build(SIMULATORS, host="127.0.0.1", port=9000, seed=7, admin_token=TOKEN, spill_dir=tmp_path)
    assert [(one.sim.platform, one.port) for one in served] == [("pongo", 9000), ("punchh", 9001), ("spoonity", 9002)]
    text = banner(served, "127.0.0.1", TOKEN, tmp_path)
    pongo, punchh, spoonity = (one.sim for one in served)
    for secret in (
        pongo.data.client.client_secret,
        pongo.state.logins[pongo.default_merchant].password,
        punchh.data.businesses[punchh.default_business].locations[0].location_key,
        punchh.client().secret,
        spoonity.api_key(),
        TOKEN,
    ):
        assert secret in text
    assert "http://127.0.0.1:9001/docs" in text and "WARNING" not in text
    assert "WARNING: --host 0.0.0.0" in banner(served, "0.0.0.0", TOKEN, None)
    answer = call(served[2].app, "GET", "/_poscert/credentials", base="http://localhost:9002", headers=_token())
    assert answer.json() == {"platform": "spoonity", **spoonity.credentials()}
    assert call(served[2].app, "GET", "/_poscert/credentials", base="http://localhost:9002").status_code == 401


def _token() -> dict[str, str]:
    return {"authorization": f"Bearer {TOKEN}"}


def test_the_journal_keeps_secrets_masked_though_credentials_are_shown(pongo):
    sim, app = pongo
    password_grant(app, sim)
    [grant] = admin(app, "GET", "/journal").json()
    assert grant["request_body"]["client_secret"] != sim.data.client.client_secret
    assert sim.data.client.client_secret not in json.dumps(grant)


# -- OpenAPI and docs -----------------------------------------------------------------------
@pytest.mark.parametrize("sim_class", SIMULATORS, ids=lambda c: c.declaration.name)
def test_openapi_docs_and_index_are_served_offline(sim_class):
    app = served_app(sim_class(seed=7))
    document = call(app, "GET", "/openapi.json").json()
    assert document["servers"][0]["url"] == "http://127.0.0.1:8080"
    assert document["paths"] and all(route.template in document["paths"] for route in sim_class.routes)
    docs = call(app, "GET", "/docs")
    assert docs.headers["content-type"].startswith("text/html")
    assert not any(tag in docs.text for tag in ("<script", "<link", "src=", "@import"))  # nothing fetched
    for route in sim_class.routes:
        assert f"<code>{route.template}</code>" in docs.text.replace("&#x27;", "'")
    index = call(app, "GET", "/").text
    assert 'href="/docs"' in index and 'href="/openapi.json"' in index


# -- reset and seed -----------------------------------------------------------------------
def test_reset_everything_or_one_tenant(pongo):
    sim, app = pongo
    auth = bearer_of(password_grant(app, sim))
    store = sim.backend(sim.default_merchant).stores[0].slug
    body = {"international_phone_number": "32470123999", "reference_store_slug": store}
    assert call(app, "POST", "/v1/customers", json=body, headers=auth).status_code == 201
    assert admin(app, "POST", f"/reset?tenant={sim.other_merchant}").status_code == 204
    assert sim.backend(sim.default_merchant).customer_by_phone("32470123999") is not None
    assert admin(app, "POST", f"/reset?tenant={sim.default_merchant}").status_code == 204
    assert sim.backend(sim.default_merchant).customer_by_phone("32470123999") is None
    assert call(app, "GET", "/v1/stores", headers=auth).status_code == 200  # the tenant's tokens stay
    unknown = admin(app, "POST", "/reset?tenant=nobody")
    assert unknown.status_code == 404 and "nobody" in unknown.json()["message"]
    assert admin(app, "POST", "/reset").status_code == 204
    assert admin(app, "GET", "/journal").json() == []
    assert call(app, "GET", "/v1/stores", headers=auth).status_code == 401  # everything: tokens too


def test_seed_rebuilds_the_world_and_refuses_what_it_cannot_build(pongo):
    sim, app = pongo
    before = sim.credentials()
    answer = admin(app, "POST", "/seed", json={"seed": 8})
    assert answer.json() == {"platform": "pongo", "seed": 8, "dataset": "default"}
    assert sim.credentials() != before and password_grant(app, sim).status_code == 200
    refused = admin(app, "POST", "/seed", json={"seed": 9, "dataset": "nope"})
    assert refused.status_code == 400 and "nope" in refused.json()["message"]
    assert (sim.seed, sim.dataset) == (8, "default")
    for bad in ({"seed": "9"}, {"seed": True}, {"color": 1}, [1]):
        assert admin(app, "POST", "/seed", json=bad).status_code == 400
    assert admin(app, "POST", "/seed", content=b"{nope").status_code == 400


# -- journal --------------------------------------------------------------------------------
def test_the_journal_reads_since_a_sequence_and_streams(pongo):
    sim, app = pongo
    for _ in range(3):
        call(app, "GET", "/v1/stores")
    whole = admin(app, "GET", "/journal")
    assert [x["seq"] for x in whole.json()] == [1, 2, 3] and whole.headers["x-poscert-last-seq"] == "3"
    assert [x["seq"] for x in admin(app, "GET", "/journal?since=2").json()] == [3]
    lines = admin(app, "GET", "/journal/stream?since=1&count=2")
    assert lines.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line)["seq"] for line in lines.text.splitlines()] == [2, 3]
    events = admin(app, "GET", "/journal/stream?since=0&count=1", headers={"accept": "text/event-stream"})
    assert events.text.startswith("id: 1\ndata: {") and events.text.endswith("\n\n")
    quiet = admin(app, "GET", "/journal/stream?timeout=0.05")  # nothing new: ends when the time is up
    assert quiet.status_code == 200 and quiet.text == ""
    for bad in ("since=-1", "since=x", "count=1.5", "timeout=nan", "timeout=-1"):
        assert admin(app, "GET", f"/journal/stream?{bad}").status_code == 400, bad


def test_otps_are_read_where_the_platform_sends_them(pongo):
    _, app = pongo
    assert admin(app, "GET", "/otps").status_code == 404
    punchh = PunchhSimulator(seed=7)
    assert admin(served_app(punchh), "GET", "/otps").json() == []


def test_webhook_deliveries_are_listed(pongo):
    sim, app = pongo
    sim.deliver_webhook = lambda url, headers, body: 202
    auth = bearer_of(password_grant(app, sim))
    hook = {"event": "customer.created", "url": "https://partner.example/hooks"}
    assert call(app, "POST", "/v1/webhooks", json=hook, headers=auth).status_code == 201
    store = sim.backend(sim.default_merchant).stores[0].slug
    body = {"international_phone_number": "32470123998", "reference_store_slug": store}
    call(app, "POST", "/v1/customers", json=body, headers=auth)
    [sent] = admin(app, "GET", "/webhooks").json()
    assert (sent["operation"], sent["status"], sent["path"]) == ("webhook:customer.created", 202, hook["url"])


# -- clock ----------------------------------------------------------------------------------
def test_moving_the_clock_expires_tokens(pongo):
    sim, app = pongo
    auth = bearer_of(password_grant(app, sim))
    start = admin(app, "GET", "/clock").json()["now"]
    assert admin(app, "POST", "/clock", json={"advance_seconds": 3599}).status_code == 200
    assert call(app, "GET", "/v1/stores", headers=auth).status_code == 200
    moved = admin(app, "POST", "/clock", json={"advance_seconds": 1}).json()["now"]
    assert moved > start and call(app, "GET", "/v1/stores", headers=auth).status_code == 401
    assert admin(app, "POST", "/clock", json={"now": "2030-01-01T00:00:00Z"}).json()["now"].startswith("2030-01-01")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance_seconds": -1},
        {"advance_seconds": "60"},
        {"advance_seconds": True},
        {"now": "yesterday"},
        {"now": "2020-01-01T00:00:00Z"},  # backwards
        {"advance_seconds": 1, "now": "2030-01-01T00:00:00Z"},
        {"minutes": 1},
    ],
)
def test_bad_clock_moves_are_refused_with_a_message(pongo, body):
    _, app = pongo
    answer = admin(app, "POST", "/clock", json=body)
    assert answer.status_code == 400 and answer.json()["message"]


# -- faults ---------------------------------------------------------------------------------
def test_faults_by_operation_or_route_answer_in_the_platforms_shape(pongo):
    sim, app = pongo
    armed = admin(app, "POST", "/faults", json={"operation": "list_stores", "status": 503, "times": 2})
    assert armed.status_code == 201 and armed.json()["faults"][0]["times"] == 2
    answers = [call(app, "GET", "/v1/stores") for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 401]
    assert answers[0].json() == sim.declaration.fault_body(503)
    admin(app, "POST", "/faults", json={"method": "get", "path": "/v1/customers/abc", "status": 429})
    assert call(app, "GET", "/v1/customers/abc").status_code == 429
    assert admin(app, "GET", "/faults").json() == {"faults": [], "latency": []}


def test_time_outs_drops_and_latency_over_http(pongo):
    sim, app = pongo
    admin(app, "POST", "/faults", json={"operation": "list_stores", "timeout": True})
    assert call(app, "GET", "/v1/stores").status_code == 504
    admin(app, "POST", "/faults", json={"operation": "list_stores", "dropped": True})
    with pytest.raises(httpx.TransportError):
        call(app, "GET", "/v1/stores")
    admin(app, "POST", "/faults", json={"operation": "list_stores", "latency_ms": 150})
    slow = call(app, "GET", "/v1/stores")
    fast = call(app, "GET", "/v1/stores")
    assert slow.elapsed.total_seconds() >= 0.15 > fast.elapsed.total_seconds()
    assert [x.fault for x in sim.journal.exchanges("list_stores")] == ["time-out", "dropped connection", None, None]
    admin(app, "POST", "/faults", json={"operation": "list_stores", "status": 500, "times": 5})
    assert admin(app, "DELETE", "/faults").status_code == 204
    assert call(app, "GET", "/v1/stores").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status": 503},
        {"operation": "nope", "status": 503},
        {"method": "GET", "path": "/nowhere", "status": 503},
        {"operation": "list_stores"},
        {"operation": "list_stores", "status": 200},
        {"operation": "list_stores", "status": "503"},
        {"operation": "list_stores", "status": 503, "timeout": True},
        {"operation": "list_stores", "timeout": "yes"},
        {"operation": "list_stores", "status": 503, "times": 0},
        {"operation": "list_stores", "status": 503, "times": 1.5},
        {"operation": "list_stores", "latency_ms": -5},
        {"operation": "list_stores", "latency_ms": 1e9},
        {"operation": "list_stores", "status": 503, "colour": "red"},
        ["list_stores"],
    ],
)
def test_bad_faults_are_refused_with_a_message(pongo, body):
    _, app = pongo
    answer = admin(app, "POST", "/faults", json=body)
    assert answer.status_code == 400 and answer.json()["message"], answer.text
    assert admin(app, "GET", "/faults").json() == {"faults": [], "latency": []}


def test_unknown_admin_actions_and_methods(pongo):
    _, app = pongo
    assert admin(app, "GET", "/nothing").status_code == 404
    wrong = admin(app, "PUT", "/clock")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, POST"
    assert call(app, "GET", f"{ADMIN_PREFIX}/health").status_code == 200  # open: readiness probes
