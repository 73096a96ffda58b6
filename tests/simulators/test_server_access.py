"""A served simulator is not open to any web page (token, Host, Origin) and stays bounded (body size,
journal in memory)."""

from __future__ import annotations

import asyncio
import json

import pytest

from poscert.simulators.core.access import served_hosts
from poscert.simulators.core.bounded_journal import BoundedJournal
from poscert.simulators.core.simulator import MAX_BODY_BYTES
from poscert.simulators.core.transports import AsgiApp
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from tests.simulators.server_support import ADMIN, admin, call, served_app


@pytest.fixture
def app():
    return served_app(PongoSimulator(seed=7))


def test_the_admin_api_needs_the_token(app):
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic dGVzdA=="}):
        refused = call(app, "GET", "/_poscert/journal", headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert call(app, "POST", "/_poscert/reset", headers=headers).status_code == 401
    assert call(app, "GET", "/_poscert/journal", headers=ADMIN).status_code == 200


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LOCALHOST:8080"])
def test_the_served_addresses_are_answered(app, host):
    assert call(app, "GET", "/v1/stores", headers={"host": host}).status_code == 401  # Pongo's own answer


@pytest.mark.parametrize("host", ["evil.example:8080", "127.0.0.1:9999", "localhost", "127.0.0.1.nip.io:8080", ""])
def test_any_other_host_is_refused_on_every_path(app, host):
    for path in ("/v1/stores", "/_poscert/health", "/docs"):
        refused = call(app, "GET", path, headers={"host": host, **ADMIN})
        assert refused.status_code == 403 and "Host" in refused.json()["message"]
    assert app.sim.journal.exchanges() == []


def test_cross_origin_calls_change_nothing_and_get_no_cors(app):
    for origin in ("http://evil.example", "https://127.0.0.1:8080", "null", "http://127.0.0.1:9999"):
        refused = admin(
            app, "POST", "/faults", json={"operation": "list_stores", "status": 503}, headers={"origin": origin}
        )
        assert refused.status_code == 403 and "cross-origin" in refused.json()["message"]
        assert admin(app, "POST", "/reset", headers={"origin": origin}).status_code == 403
    assert app.sim.faults.pending() == []
    same = admin(app, "POST", "/clock", json={"advance_seconds": 1}, headers={"origin": "http://localhost:8080"})
    assert same.status_code == 200
    preflight = call(app, "OPTIONS", "/_poscert/reset", headers={"origin": "http://evil.example", **ADMIN})
    assert preflight.status_code == 405
    answers = [preflight, same, call(app, "GET", "/_poscert/health", headers={"origin": "http://evil.example"})]
    assert not [name for a in answers for name in a.headers if name.startswith("access-control-")]


def test_the_library_default_still_serves_plain_requests_on_any_loopback_port():
    sim = PongoSimulator(seed=7)
    plain = AsgiApp(sim)
    assert call(plain, "GET", "/v1/stores", base="http://127.0.0.1:54321").status_code == 401
    assert call(plain, "GET", "/_poscert/health", base="http://127.0.0.1:54321").status_code == 200


def test_served_hosts_name_the_bound_address_and_the_loopback_names():
    assert served_hosts("127.0.0.1", 80) == {"127.0.0.1:80", "localhost:80", "[::1]:80"}
    assert "[::1]:80" in served_hosts("::1", 80) and "box.lan:80" in served_hosts("0.0.0.0", 80, ("box.lan",))
    assert "0.0.0.0:80" not in served_hosts("0.0.0.0", 80)


# -- bounded ------------------------------------------------------------------------------------
def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(app):
    answer = call(app, "POST", "/v1/customers", headers={"content-length": str(MAX_BODY_BYTES + 1)}, content=b"{}")
    assert (answer.status_code, answer.json()) == (413, app.sim.error_too_large().response.body)


def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit():
    """No Content-Length (chunked): the app stops reading at the limit, whatever the client would still send."""
    sim = SpoonitySimulator(seed=7)
    app = served_app(sim, max_body_bytes=100_000)
    chunk = b"x" * 10_000
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}  # an endless upload

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/order",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8080"), (b"transfer-encoding", b"chunked")],
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413 and read == 11  # 110,000 bytes: the first chunk past the limit
    assert json.loads(sent[1]["body"]) == sim.error_too_large().response.body


def test_the_journal_keeps_a_bounded_number_of_exchanges_and_spills_the_rest(tmp_path):
    spill = tmp_path / "pongo-journal.jsonl"
    sim = PongoSimulator(BoundedJournal(3, spill), seed=7)
    app = served_app(sim)
    for _ in range(5):
        call(app, "GET", "/v1/stores")
    kept = admin(app, "GET", "/journal").json()
    assert [x["seq"] for x in kept] == [3, 4, 5] and sim.journal.spilled == 2
    sim.journal.close()
    spilled = [json.loads(line) for line in spill.read_text().splitlines()]
    assert [(x["type"], x["seq"]) for x in spilled] == [("exchange", 1), ("exchange", 2)]
    assert [x["seq"] for x in admin(app, "GET", "/journal?since=4").json()] == [5]
    with pytest.raises(ValueError):
        BoundedJournal(0)


def test_a_large_body_is_journaled_as_its_first_16_kb():
    app = served_app(PongoSimulator(BoundedJournal(10), seed=7))  # as `serve` builds it
    big = {"order_id": "x", "lines": [{"name": "y" * 200}] * 400}  # about 90 KB, under the size limit
    assert call(app, "POST", "/v1/orders", json=big).status_code == 401
    [recorded] = admin(app, "GET", "/journal").json()
    assert isinstance(recorded["request_body"], str) and len(recorded["request_body"]) < 17_000
    assert recorded["request_body"].endswith(" bytes)")
