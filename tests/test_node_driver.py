"""The Node.js reference kiosk (examples/node-pongo-kiosk/) certified over poscert-driver/1.

Proof that an integration in another language is certified like a Python one (issue 11, item 3): the
kiosk runs as its own `node` process, the harness drives it over HTTP and serves it the Pongo simulator
on localhost. It must be CERTIFIED with every requirement that applies to a kiosk passing, and its
broken copy (`--broken sends-unpaid-orders`, the Node twin of `SendsUnpaidOrders`) must fail on
PONGO-ORDER-02 and nowhere else. The protocol-level tests need no simulator and run wherever `node` does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema
import pytest

from poscert.base.catalog import load_catalog
from poscert.drivers.catalogs import KIOSK_CATALOG, KIOSK_LOCATIONS
from poscert.drivers.contract import Connection
from poscert.drivers.pongo.broken.orders import SendsUnpaidOrders
from poscert.drivers.pongo.reference import PongoKiosk
from tests.certification import (
    MATRICES,
    OK,
    assert_fails_only_on_its_requirement,
    assert_reference_passes,
    certify,
    results,
)

ROOT = Path(__file__).resolve().parents[1]
KIOSK = ROOT / "examples" / "node-pongo-kiosk" / "kiosk.js"
PROTOCOL = json.loads((ROOT / "schemas" / "driver" / "protocol.json").read_text(encoding="utf-8"))
NODE = shutil.which("node")
REDIRECT_URI = "https://partner.example/pongo/callback"
SECRET = "s3cret-of-the-run"
START_SECONDS = 10.0  # node starts in a tenth of that; a loaded CI machine may take longer

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH: the Node.js reference kiosk cannot run")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_kiosk(*flags: str) -> Iterator[str]:
    """`node kiosk.js --port <free port> [flags]`, answering describe; killed (and reaped) on exit."""
    port = free_port()
    process = subprocess.Popen(
        [NODE, str(KIOSK), "--port", str(port), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # quiet unless --verbose: only the start-up line is written
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/poscert-driver", timeout=1.0).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                out, err = process.communicate()
                pytest.fail(f"the Node kiosk did not answer describe (exit {process.returncode}):\n{out}\n{err}")
            time.sleep(0.02)
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stdout.close()
        process.stderr.close()


def valid(name: str, message: object) -> bool:
    """Whether `message` is a valid `$defs/<name>` of schemas/driver/protocol.json."""
    try:
        jsonschema.validate(message, {**PROTOCOL, "$ref": f"#/$defs/{name}"})
    except jsonschema.ValidationError:
        return False
    return True


def expected_json(value: object) -> object:
    """A Python reference value as the protocol carries it (dataclasses by field, tuples as arrays)."""
    if dataclasses.is_dataclass(value):
        return {f.name: expected_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [expected_json(item) for item in value]
    return value


# -- the protocol, without a simulator ------------------------------------------------------------------
@pytest.fixture(scope="module")
def kiosk_url() -> Iterator[str]:
    with running_kiosk() as url:
        yield url


@pytest.fixture
def driver(kiosk_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{kiosk_url}/poscert-driver", timeout=10.0) as client:
        yield client


@pytest.fixture
def instance(driver: httpx.Client) -> Iterator[Callable[..., dict]]:
    """A fresh integration whose Pongo is unreachable (a closed port); `call(method, *args, **kwargs)`."""
    connection = {
        "base_url": f"http://127.0.0.1:{free_port()}",
        "client_id": "id",
        "client_secret": SECRET,
        "redirect_uri": REDIRECT_URI,
        "scopes": [],
    }
    created = driver.post("/instances", json={"connection": connection})
    assert created.status_code == 201 and valid("instance", created.json()), created.text
    path = f"/instances/{created.json()['instance']}"

    def call(method: str, *args: object, **kwargs: object) -> dict:
        answer = driver.post(f"{path}/call", json={"method": method, "args": list(args), "kwargs": kwargs})
        assert answer.status_code == 200 and valid("answer", answer.json()), answer.text
        return answer.json()

    yield call
    assert driver.delete(path).status_code == 204


def test_describe_declares_what_the_python_reference_kiosk_declares(driver):
    described = driver.get("").json()
    assert valid("describe", described), described
    assert described["protocol"] == "poscert-driver/1"
    assert (described["platform"], described["kind"]) == ("pongo", "kiosk")
    assert set(described["capabilities"]) == PongoKiosk.capabilities
    assert described["name"] and described["version"]


def test_the_kiosk_sells_and_guides_what_the_python_reference_does(instance):
    reference = PongoKiosk(Connection("https://sandbox-api.heypongo.com", "id", "secret"))
    try:
        assert instance("catalog") == {"result": expected_json(list(KIOSK_CATALOG))}
        assert instance("locations") == {"result": list(KIOSK_LOCATIONS)}
        assert instance("sku_guide") == {"result": expected_json(reference.sku_guide())}
    finally:
        reference.close()


def test_an_order_is_priced_and_shown_as_the_contract_says(instance):
    assert instance("start_session", "kiosk-1") == {"result": None}
    view = instance("add_product", "PSC-BURGER", options=["PSC-OPT-CHEESE"])["result"]
    assert view["total"] == 950 + 80 and view["status"] == "open" and view["order_id"].startswith("kiosk-1-")
    assert view["lines"] == [
        {
            "sku": "PSC-BURGER",
            "name": "Classic burger",
            "quantity": 1,
            "unit_price": 950,
            "options": [{"sku": "PSC-OPT-CHEESE", "name": "Extra cheese", "price": 80}],
            "reward_id": None,
            "voucher_code": None,
        }
    ]
    assert instance("add_product", "PSC-BURGER", ["PSC-OPT-NONE"])["error"]["type"] == "ValueError"


def test_loyalty_not_set_up_is_told_to_the_customer_never_raised(instance):
    instance("start_session", "kiosk-1")
    screen = instance("identify_by_phone", "+32 470 12 34 56")["result"]
    assert screen["customer_id"] is None and screen["notices"] == ["loyalty_unavailable"] and screen["messages"]
    typo = instance("identify_by_phone", "12")["result"]
    assert typo["notices"] == ["customer_not_found"]


def test_a_callback_is_checked_before_pongo_is_asked_and_an_unreachable_pongo_is_an_error(instance):
    authorize = urlsplit(instance("start_connect")["result"])
    query = dict(parse_qsl(authorize.query))
    assert authorize.path == "/v1/oauth/form" and len(query["state"]) >= 16 and query["response_type"] == "code"
    forged = instance("finish_connect", f"{REDIRECT_URI}?code=abc&state=forged")["error"]
    assert forged["type"] == "ConnectRefused"
    unreachable = instance("finish_connect", f"{REDIRECT_URI}?code=abc&state={query['state']}")["error"]
    assert unreachable["type"] == "PongoUnavailable" and SECRET not in unreachable["message"]


def test_only_contract_methods_with_their_own_arguments_can_be_called(instance):
    for name in ("constructor", "settle", "pongo", "__proto__", "no_such_method"):
        assert instance(name)["error"]["type"] == "NotImplementedError", name
    assert instance("start_session")["error"]["type"] == "TypeError"
    assert instance("start_session", "kiosk-1", "extra")["error"]["type"] == "TypeError"
    assert instance("enlist", "32478112233", {"email": True}, nickname="x")["error"]["type"] == "TypeError"
    assert instance("start_session", "nowhere")["error"] == {
        "type": "ValueError",
        "message": 'unknown location "nowhere"',
    }
    assert instance("order_view")["error"]["type"] == "RuntimeError"  # no session yet


def test_malformed_requests_are_refused_with_a_4xx(driver):
    assert driver.post("/instances", json={"connection": {}}).status_code == 400
    assert (
        driver.post("/instances", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    )
    assert driver.post("/instances/404/call", json={"method": "catalog", "args": [], "kwargs": {}}).status_code == 404
    assert driver.get("/elsewhere").status_code == 404
    assert driver.delete("/instances/never-made").status_code == 204  # closing is idempotent


# -- certification over HTTP ---------------------------------------------------------------------------------
# The Node targets: the kiosk, and its broken copy with the flag that selects it.
TARGETS = {"kiosk": (), "sends-unpaid-orders": ("--broken", "sends-unpaid-orders")}


@pytest.fixture(scope="module")
def node_certification(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict]:
    """`node_certification(target)`: the target certified in-process against its own kiosk process, on first
    use; each target runs once per module (and once per xdist worker whose tests need it, never both for one)."""
    out = tmp_path_factory.mktemp("node-certify")
    done: dict[str, dict] = {}

    def run(target: str) -> dict:
        if target not in done:
            with running_kiosk(*TARGETS[target]) as url:
                done[target] = certify("pongo", out / target, ["--driver", url, "--no-allure"])
        return done[target]

    return run


def test_the_node_kiosk_is_certified_with_every_requirement_that_applies_passed(node_certification):
    doc = node_certification("kiosk")
    assert_reference_passes(doc, "kiosk")
    # Not applicable: what no kiosk is asked (PONGO-ID-03, POS only) and what only an integration that
    # lacks a capability is asked (PONGO-REWARD-04, as for the Python reference); everything else passes.
    catalog = load_catalog()
    exempt = {r.id for r in catalog.for_platform("pongo") if "kiosk" not in r.kinds} | MATRICES["pongo"].declared_only
    found = results(doc)
    assert {k for k, v in found.items() if v != "pass"} == exempt, found
    assert all(found[k] in OK for k in exempt)


def test_the_broken_node_kiosk_fails_on_pongo_order_02_only(node_certification):
    doc = node_certification("sends-unpaid-orders")
    assert SendsUnpaidOrders.breaks == "PONGO-ORDER-02"  # the Python case the Node copy mirrors
    assert_fails_only_on_its_requirement(doc, SendsUnpaidOrders)
    assert not doc["certified"]
