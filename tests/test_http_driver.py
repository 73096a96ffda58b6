"""The HTTP driver (poscert-driver/1): the harness certifies an integration it reaches only over HTTP.

The Python host of the protocol (poscert.drivers.host) serves the reference integrations in a
background thread, so the certifications below cross every boundary a foreign integration crosses:
describe, one remote instance per scenario, each contract call encoded and decoded, the integration
calling the simulator served on localhost, webhooks delivered back through the driver.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import httpx
import pytest

from poscert.drivers.contract import (
    Connection,
    LoyaltyScreen,
    OptIn,
    Option,
    OrderLine,
    OrderView,
    PaymentOutcome,
    Product,
    RewardOffer,
    ShownReward,
)
from poscert.drivers.host import DriverHost, host_for, hosting
from poscert.drivers.pongo.contract import PongoIntegration
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.guard import Worker, WrongReturn
from poscert.remote import (
    Endpoint,
    IntegrationError,
    ProtocolBroken,
    RemoteError,
    ShapeError,
    decode,
    encode,
    remote_driver,
)
from poscert.results import NO_VERDICT
from tests.certification import assert_reference_passes, certify, results
from tests.servers import free_port


@contextmanager
def driver_at(spec_or_host: str | DriverHost, platform: str | None = None) -> Iterator[str]:
    """A class served over poscert-driver/1 in a background thread; yields its driver URL."""
    host = host_for(spec_or_host, platform, version="1.0") if isinstance(spec_or_host, str) else spec_or_host
    with hosting(host) as url:
        yield url


def remote_certify(tmp_path: Path, platform: str, spec: str, *extra: str) -> dict:
    with driver_at(spec, platform) as url:
        return certify(platform, tmp_path / "out", ["--driver", url, "--no-allure", *extra])


# -- certified over HTTP, with the verdicts of the in-process run ------------------------------------------------
def test_the_reference_kiosk_over_http_is_certified_with_the_in_process_verdicts(tmp_path, certifications):
    doc = remote_certify(tmp_path, "pongo", "poscert.drivers.pongo.reference:PongoKiosk")
    assert_reference_passes(doc, "kiosk")
    assert results(doc) == results(certifications["pongo"]["kiosk"])  # the matrix's in-process run
    assert doc["driver"].startswith("http://127.0.0.1:")
    assert doc["versions"]["integration"] == "PongoKiosk 1.0"  # describe's name and version, in the evidence
    journal = [json.loads(line) for line in Path(doc["out"], "journal.jsonl").read_text().splitlines()]
    served = [x for x in journal if x.get("request_headers", {}).get("host", "").startswith("127.0.0.1:")]
    assert served, "the integration did not reach the simulator over HTTP"


def test_webhooks_reach_the_integration_through_the_driver(tmp_path):
    """The POS keeps its customers in sync with customer.created: the simulator delivers it through
    `handle_webhook` over HTTP, while the integration's own request that fired it is still waiting."""
    doc = remote_certify(tmp_path, "pongo", "poscert.drivers.pongo.reference:PongoPOS", "--", "-k", "PONGO-ID-03")
    assert results(doc)["PONGO-ID-03"] == "pass", doc["stdout"][-3000:]
    journal = [json.loads(line) for line in Path(doc["out"], "journal.jsonl").read_text().splitlines()]
    delivered = [x for x in journal if x.get("operation", "").startswith("webhook:")]
    assert delivered and all(200 <= x["status"] < 300 for x in delivered)


def test_another_platforms_reference_over_http_is_certified(tmp_path):
    doc = remote_certify(tmp_path, "spoonity", "poscert.drivers.spoonity.reference:SpoonityKiosk")
    assert_reference_passes(doc, "kiosk")


# -- a driver that cannot be used: no verdict, exit 2 ------------------------------------------------------------
def refused(tmp_path: Path, platform: str, url: str) -> dict:
    doc = certify(platform, tmp_path / "out", ["--driver", url, "--no-allure"])
    assert doc["exit"] == NO_VERDICT and doc["outcome"] == "broken", doc["stdout"][-2000:]
    return doc


def test_a_dead_driver_is_one_usage_error(tmp_path):
    doc = refused(tmp_path, "pongo", f"http://127.0.0.1:{free_port()}")
    assert "cannot be reached" in doc["reason"] and "describe" in doc["reason"]


def test_a_driver_of_another_platform_is_refused(tmp_path):
    with driver_at("poscert.drivers.pongo.reference:PongoKiosk", "pongo") as url:
        doc = refused(tmp_path, "spoonity", url)
    assert "is a pongo integration, not spoonity" in doc["reason"]


class Teleports(PongoKiosk):
    capabilities = frozenset({"teleport"})


def test_an_unknown_capability_is_refused_as_for_a_python_driver(tmp_path):
    with driver_at(DriverHost(Teleports, PongoIntegration, "pongo")) as url:
        doc = refused(tmp_path, "pongo", url)
    assert "unknown capabilities ['teleport']" in doc["reason"]


# -- calls: errors and results of the wrong shape -------------------------------------------------------------------
class Misbehaves(PongoKiosk):
    def locations(self) -> list[str]:
        raise ValueError("no till is configured")

    def catalog(self):
        return "not a list"

    def sku_guide(self):
        return [["A-1", "Latte", "extra"]]

    def receipt(self) -> str:
        return 42


CONNECTION = Connection("http://127.0.0.1:9", "client", "secret-value", "https://partner.example/cb")


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[type]:
    with driver_at(DriverHost(Misbehaves, PongoIntegration, "pongo")) as url:
        cls = remote_driver(url, "pongo", PongoIntegration, call_timeout=5)
        yield cls
        cls.endpoint.close()


def test_an_error_answer_raises_the_integrations_error_naming_the_method(misbehaving):
    integration = misbehaving(CONNECTION)
    with pytest.raises(IntegrationError, match=r"PongoIntegration.locations raised ValueError: no till is configured"):
        integration.locations()
    integration.close()


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("catalog", "result is a string, expected an array"),
        ("sku_guide", "result[0] has 3 items, expected 2"),
        ("receipt", "result is a number, expected str"),
    ],
)
def test_a_result_of_the_wrong_shape_fails_naming_the_method(misbehaving, method, expected):
    integration = misbehaving(CONNECTION)
    with pytest.raises(WrongReturn, match=f"PongoIntegration.{method} answered ") as raised:
        getattr(integration, method)()
    assert expected in str(raised.value)
    integration.close()


def test_a_method_the_host_does_not_know_answers_not_implemented(misbehaving):
    integration = misbehaving(CONNECTION)
    answer = httpx.post(
        f"{integration.endpoint.url}/poscert-driver/instances/{integration._instance}/call",
        json={"method": "teleport", "args": [], "kwargs": {}},
    )
    assert answer.json()["error"]["type"] == "NotImplementedError"
    integration.close()


def answering(status: int, text: str, content_type: str = "application/json") -> Endpoint:
    endpoint = Endpoint("http://driver.test")
    reply = httpx.Response(status, text=text, headers={"content-type": content_type})
    endpoint.client = httpx.Client(transport=httpx.MockTransport(lambda request: reply))
    return endpoint


@pytest.mark.parametrize(
    ("status", "text", "expected"),
    [
        (200, "<html>hello</html>", "not JSON"),
        (500, '{"oops": true}', "answered 500, expected 200"),
        (200, '{"result": 1, "error": {"type": "X", "message": "y"}}', "breaks poscert-driver/1"),
    ],
)
def test_an_answer_that_breaks_the_protocol_fails_the_step(misbehaving, status, text, expected):
    integration = misbehaving(CONNECTION)
    real = misbehaving.endpoint.client
    misbehaving.endpoint.client = answering(status, text).client
    try:
        with pytest.raises(ProtocolBroken, match="PongoIntegration.locations: ") as raised:
            integration.locations()
        assert expected in str(raised.value)
    finally:
        misbehaving.endpoint.client = real
        integration.close()


def test_describe_that_breaks_the_protocol_is_refused():
    endpoint = answering(200, '{"protocol": "poscert-driver/2", "platform": "pongo"}')
    with pytest.raises(RemoteError, match="describe: GET /poscert-driver answered a message that breaks"):
        endpoint.request("GET", "/poscert-driver", "describe", status=200, schema="describe")


# -- the values of the protocol ----------------------------------------------------------------------------------------
SAMPLES = [
    Connection("http://127.0.0.1:1", "cid", "csecret", "https://p.example/cb", ("read", "write")),
    Option("X-1", "Extra shot", 50),
    Product("A-1", "Latte", 350, (Option("X-1", "Extra shot", 50),)),
    OptIn(email=True, sms=None),
    ShownReward("rew_1", "Free coffee", 100, "free_product", True, None),
    LoyaltyScreen(
        "cust_1",
        "Léa",
        500,
        [ShownReward("rew_1", "Free coffee", 100)],
        [ShownReward("won_1", "Free tea", None, "", False, "CODE-1")],
        ["Bienvenue"],
        {"customer_not_found", "loyalty_unavailable"},
    ),
    OrderLine("A-1", "Latte", 2, 350, (Option("X-1", "Extra shot", 50),), "rew_1", "V-1"),
    OrderView("o-1", "kiosk-1", [OrderLine("A-1", "Latte", 1, 350)], 350, 0, "paid", ["Merci"], {"order_pending_sync"}),
    RewardOffer("won_1", (Product("A-1", "Latte", 350),), None, True, "Pick one", "reward_not_usable"),
    PaymentOutcome.EXTERNAL,
]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda value: type(value).__name__)
def test_every_contract_value_round_trips_through_json(value):
    assert decode(json.loads(json.dumps(encode(value))), type(value)) == value


def test_bytes_optional_and_containers_round_trip():
    body = b"\x00\xff{}"
    assert encode(body) == {"base64": "AP97fQ=="}
    assert decode(json.loads(json.dumps(encode(body))), bytes) == body
    assert decode(None, Optional[LoyaltyScreen]) is None  # noqa: UP045 (the spelling some contracts use)
    assert decode({"customer_id": "c"}, LoyaltyScreen | None) == LoyaltyScreen("c")  # left out: its default
    assert decode([["a", "b"]], list[tuple[str, str]]) == [("a", "b")]
    assert decode({"k": "v"}, dict[str, str]) == {"k": "v"}
    assert encode({"b", "a"}) == ["a", "b"]
    assert decode("approved", PaymentOutcome) is PaymentOutcome.APPROVED


@pytest.mark.parametrize(
    ("value", "hint", "problem"),
    [
        ({"customerId": "c"}, LoyaltyScreen, "result has fields LoyaltyScreen does not have: customerId"),
        ({"rewards": [{"id": "r"}]}, LoyaltyScreen, "result.rewards[0] lacks the field title"),
        ({"balance": "100"}, LoyaltyScreen, "result.balance is a string, expected int | None"),
        ("approvedd", PaymentOutcome, 'result is "approvedd", expected one of "approved"'),
        ({"base64": "***"}, bytes, "result is not valid base64"),
        (True, int, "result is a boolean, expected int"),
    ],
)
def test_a_value_that_does_not_fit_says_where(value, hint, problem):
    with pytest.raises(ShapeError) as raised:
        decode(value, hint)
    assert str(raised.value).startswith(problem)


def test_the_host_decodes_arguments_by_the_contracts_annotations():
    seen = {}

    class Records(PongoKiosk):
        def pay(self, outcome):
            seen["pay"] = outcome
            return OrderView("o", "l")

        def handle_webhook(self, url, headers, body):
            seen["webhook"] = (url, dict(headers), body)
            return 204

    host = DriverHost(Records, PongoIntegration, "pongo")
    _, created = host.create({"connection": encode(dataclasses.replace(CONNECTION, scopes=("a",)))})
    instance = created["instance"]
    assert host.call(instance, {"method": "pay", "args": ["declined"], "kwargs": {}})[1]["result"]["order_id"] == "o"
    assert seen["pay"] is PaymentOutcome.DECLINED
    webhook = {"method": "handle_webhook", "args": ["https://x/hook", {"a": "b"}, encode(b"{}")], "kwargs": {}}
    assert host.call(instance, webhook)[1] == {"result": 204}
    assert seen["webhook"] == ("https://x/hook", {"a": "b"}, b"{}")
    assert host.call(instance, {"method": "pay", "args": [], "kwargs": {}})[1]["error"]["type"] == "TypeError"
    assert host.delete(instance)[0] == 204


def test_a_webhook_delivered_from_another_thread_during_a_call_is_not_queued_behind_it():
    """Off the main thread the guard times calls on a worker: the served simulator's webhook, delivered from its
    own thread while the call that fired it is on the worker, runs at once instead of waiting for that call."""
    worker = Worker("test")

    def outer() -> str:
        box = []
        thread = threading.Thread(target=lambda: box.append(worker.run(lambda: "webhook", (), {}, 1)))
        thread.start()
        thread.join(2)
        return f"call, then {box[0]}"

    try:
        assert worker.run(outer, (), {}, 5) == "call, then webhook"
    finally:
        worker.close()
