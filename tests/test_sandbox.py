"""Live sandbox mode: the recording proxy in front of an upstream, here a second Pongo simulator served on
localhost as a partner's sandbox would be (seeded alike, its credentials handed over as a platform hands
them: in a config file and the environment).

What is proved: the same scenarios run through the platform's pipeline, journaled and validated as in
simulator mode; what needs the simulator's state is skipped with its reason and never counted a pass;
credentials never reach the evidence; an upstream answering outside our schema is platform drift, not the
partner's failure; an upstream that is down, silent or answers garbage gives the platform's 502/504.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from poscert.base.journal import Exchange, Journal, Violation
from poscert.results import NO_VERDICT
from poscert.sandbox import NEEDS_STATE, SandboxError, StateView, load
from poscert.simulators.core.messages import SimRequest
from poscert.simulators.core.proxy import Upstream, proxy_simulator
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.steps.common.fixtures import served
from poscert.steps.common.rules import assert_schema_kept
from tests.certification import certify

PASSING = "never_issued"  # a Pongo scenario the sandbox can run to its end: it needs credentials only
# The others that need only credentials: a used state presented again is refused, whatever the platform holds.
ALSO_PASSING = ("finished_connection",)


def sandbox_files(upstream: PongoSimulator, folder: Path) -> tuple[Path, Path, dict[str, str]]:
    """What a partner copies from the platform's portal: non-secret fixtures, a config file with the OAuth
    client's secret, and the merchants' passwords as environment variables."""
    given = upstream.credentials()
    client, merchants = given["oauth_clients"][0], given["merchants"]
    fixtures = folder / "fixtures.toml"
    fixtures.write_text(
        f'default_merchant = "{upstream.default_merchant}"\nother_merchant = "{upstream.other_merchant}"\n'
        f'[oauth_client]\nclient_id = "{client["client_id"]}"\nredirect_uris = {json.dumps(client["redirect_uris"])}\n'
        + "".join(f'[backend.{m["slug"]}]\nlogin_email = "{m["login_email"]}"\n' for m in merchants)
    )
    config = folder / "sandbox.json"
    config.write_text(json.dumps({"oauth_client": {"client_secret": client["client_secret"]}}))
    environ = {
        "POSCERT_PONGO_CREDENTIALS": json.dumps(
            {"backend": {m["slug"]: {"login_password": m["login_password"]} for m in merchants}}
        )
    }
    return config, fixtures, environ


def sandbox_run(tmp: Path, upstream: PongoSimulator, app: Any = None, extra: list[str] = ()) -> dict:
    config, fixtures, environ = sandbox_files(upstream, tmp)
    with served(upstream, app) as url, pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        options = ["--target", "sandbox", "--upstream", url, "--sandbox-config", str(config)]
        run = certify("pongo", tmp / "out", [*options, "--sandbox-fixtures", str(fixtures), "--no-allure", *extra])
    return run | {"upstream_url": url}


def exchanges(run: dict) -> list[dict]:
    lines = Path(run["out"], "journal.jsonl").read_text().splitlines()
    return [record for record in map(json.loads, lines) if record["type"] == "exchange"]


def as_exchange(record: dict) -> Exchange:
    fields = {k: v for k, v in record.items() if k != "type"}
    return Exchange(**fields | {"violations": [Violation(**v) for v in record["violations"]]})


def test_a_sandbox_run_of_the_reference_kiosk(tmp_path: Path):
    """One run against the upstream, through the proxy (the whole Pongo suite), judged three ways: one test, so
    that the test workers do not each pay for the run."""
    upstream = PongoSimulator()
    (tmp_path / "sandbox").mkdir()
    sandboxed = sandbox_run(tmp_path / "sandbox", upstream)
    runs_what_it_can_and_is_never_certified_by_skipping(sandboxed)
    every_exchange_went_upstream_and_is_journaled_as_in_simulator_mode(sandboxed, upstream, tmp_path)
    credentials_of_the_sandbox_never_reach_the_evidence(sandboxed, upstream)


def runs_what_it_can_and_is_never_certified_by_skipping(sandboxed: dict) -> None:
    assert sandboxed["outcome"] == "completed" and sandboxed["exit"] == 1 and not sandboxed["certified"]
    assert sandboxed["target"] == "sandbox" and sandboxed["upstream"] == sandboxed["upstream_url"]
    assert sandboxed["drift"] == []
    scenarios = [s for r in sandboxed["requirements"] for s in r["scenarios"]]
    passed = [s for s in scenarios if s["outcome"] == "passed"]
    assert passed and all(any(name in s["name"] for name in (PASSING, *ALSO_PASSING)) for s in passed)
    skipped = [s for s in scenarios if s["outcome"] == "skipped"]
    assert skipped and all(s["reason"].startswith(NEEDS_STATE) for s in skipped), skipped[:3]
    # Why, each: what the steps would have read or written in the simulator, or the scenario's tag.
    assert any("sim.backend(" in s["reason"] for s in skipped)
    assert any("tagged @simulator-only" in s["reason"] for s in skipped)
    for requirement in sandboxed["requirements"]:  # skipped is not run, never a pass
        ran = [s for s in requirement["scenarios"] if s["outcome"] not in ("skipped", "not_applicable")]
        if any(s["outcome"] == "skipped" for s in requirement["scenarios"]) or not ran:
            assert requirement["result"] in ("not_run", "not_applicable"), requirement["id"]
    assert "target sandbox" in sandboxed["stdout"] and "need the simulator's state" in sandboxed["stdout"]


def every_exchange_went_upstream_and_is_journaled_as_in_simulator_mode(
    sandboxed: dict, upstream: PongoSimulator, tmp_path: Path
) -> None:
    journaled = exchanges(sandboxed)
    # Each forwarded, in order, and answered as the upstream answered (its own journal says so).
    seen = [(x.method, x.status) for x in upstream.journal.exchanges(scenario="*")]
    assert [(x["method"], x["status"]) for x in journaled] == seen
    assert {x["operation"] for x in journaled} >= {"oauth_form", "oauth_authorize", "oauth_token", "list_stores"}
    assert all(not x["violations"] and not x["error"] for x in journaled)
    # The scenario that runs to its end makes the same calls, judged the same, as against the simulator.
    simulated = certify("pongo", tmp_path / "sim", ["--no-allure", "--", "-k", PASSING])
    shape = [(x["operation"], x["method"], x["status"], sorted(x["request_headers"])) for x in exchanges(simulated)]
    mine = [x for x in journaled if PASSING in x["scenario"]]
    assert [(x["operation"], x["method"], x["status"], sorted(x["request_headers"])) for x in mine] == shape


def credentials_of_the_sandbox_never_reach_the_evidence(sandboxed: dict, upstream: PongoSimulator) -> None:
    given = upstream.credentials()
    secrets = {given["oauth_clients"][0]["client_secret"]} | {m["login_password"] for m in given["merchants"]}
    secrets |= {s for s in upstream.known_secrets() if len(s) >= 8}  # every token the sandbox issued
    files = [p for p in Path(sandboxed["out"]).rglob("*") if p.is_file() and p.suffix != ".zip"]
    texts = {p.name: p.read_text(errors="replace") for p in files} | {"output": sandboxed["stdout"]}
    leaked = sorted(where for where, text in texts.items() if any(secret in text for secret in secrets))
    assert not leaked and len(secrets) > 4


class Drifting:
    """The upstream as a platform that changed: each store's `zip_code` is now `postcode`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        start: dict = {}

        async def rewrite(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body = message.get("body", b"")
            if scope["path"] == "/v1/stores" and start["status"] == 200:
                data = json.loads(body)
                data["data"] = [{("postcode" if k == "zip_code" else k): v for k, v in s.items()} for s in data["data"]]
                body = json.dumps(data).encode()
            headers = [(k, str(len(body)).encode() if k == b"content-length" else v) for k, v in start["headers"]]
            await send({**start, "headers": headers})
            await send({**message, "body": body})

        await self.app(scope, receive, rewrite)


def test_a_drifting_upstream_is_platform_drift_not_the_partners_failure(tmp_path: Path):
    from poscert.simulators.core.transports import AsgiApp

    upstream = PongoSimulator()
    run = sandbox_run(tmp_path, upstream, Drifting(AsgiApp(upstream)), ["--", "-k", "enlist or ALL-SCHEMA-01"])
    assert run["outcome"] == "completed"
    drift = run["drift"]
    assert drift and {d["operation"] for d in drift} == {"list_stores"}
    assert {d["rule"] for d in drift} == {"required", "additionalProperties"}, drift[:2]
    assert all(d["pointer"].startswith("/data/") for d in drift)
    assert any("zip_code" in d["message"] for d in drift) and any("postcode" in d["message"] for d in drift)
    assert "platform drift" in run["stdout"]
    schema = next(r for r in run["requirements"] if r["id"] == "ALL-SCHEMA-01")
    assert schema["result"] != "fail"
    # ALL-SCHEMA-01's own check, on every exchange of the run: the drifted answers do not count against it.
    drifted = [as_exchange(x) for x in exchanges(run)]
    assert any(x.drift for x in drifted) and all(v.drift for x in drifted for v in x.response_violations())
    assert_schema_kept([x for x in drifted if "x-poscert-actor" not in x.request_headers])


# -- the proxy on its own: no request ever crashes it -------------------------------------------------
@contextmanager
def raw_upstream(answer: bytes | None) -> Iterator[str]:
    """A TCP server that answers every connection with `answer` as is, or never answers (None)."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                if answer is not None:
                    conn.sendall(answer)
                else:
                    stop.wait(2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


@pytest.mark.parametrize(
    ("answer", "status", "why"),
    [
        ("down", 502, "could not be reached"),
        (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\n\r\nnot json", 502, "not JSON"),
        (b"hello, not HTTP\r\n\r\n", 502, "could not be reached"),
        (None, 504, "did not answer"),
    ],
    ids=["down", "garbage-json", "not-http", "silent"],
)
def test_an_upstream_without_a_usable_answer_gives_the_platforms_gateway_error(answer: Any, status: int, why: str):
    with raw_upstream(answer if answer != "down" else b"") as url:
        target = closed_port() if answer == "down" else url
        journal = Journal()
        proxy = proxy_simulator(PongoSimulator, Upstream(target, timeout=0.3), journal, seed=1)
        response = proxy.handle(SimRequest("GET", "/v1/stores", headers={"authorization": "Bearer abcdefgh1234"}))
    assert response.status == status and response.body == PongoSimulator.declaration.fault_body(status)
    [recorded] = journal.exchanges(scenario="*")
    assert recorded.operation == "list_stores" and recorded.status == status and not recorded.error
    assert [v.rule for v in recorded.drift] == ["upstream"] and why in recorded.drift[0].message
    assert "abcdefgh1234" not in json.dumps(recorded.to_dict())  # learned on the way: masked by value too


# -- credentials: from the environment or a config file, never the command line ------------------------
def test_credentials_come_from_the_environment_and_the_config_file(tmp_path: Path):
    config = tmp_path / "sandbox.toml"
    config.write_text('[oauth_client]\nclient_secret = "from-the-file-secret"\nclient_id = "file-id"\n')
    environ = {
        "POSCERT_PONGO_OAUTH_CLIENT__CLIENT_ID": "from-the-environment",
        "POSCERT_PONGO_CREDENTIALS": json.dumps({"backend": {"acme": {"login_password": "p4ssw0rd-env"}}}),
        "POSCERT_OTHER_SECRET": "not-this-platform",
    }
    sandbox = load("pongo", "https://sandbox.example/api/", config=str(config), environ=environ)
    assert sandbox.upstream == "https://sandbox.example/api"
    assert sandbox.credentials == {
        "oauth_client": {"client_secret": "from-the-file-secret", "client_id": "from-the-environment"},
        "backend": {"acme": {"login_password": "p4ssw0rd-env"}},
    }
    assert sandbox.secrets() == {"from-the-file-secret", "from-the-environment", "p4ssw0rd-env"}
    view = StateView(proxy_simulator(PongoSimulator, Upstream(sandbox.upstream), seed=1), sandbox)
    assert view.oauth_client.client_secret == "from-the-file-secret"
    assert view.backend("acme").login_password == "p4ssw0rd-env"
    with pytest.raises(pytest.skip.Exception, match=r"needs simulator state: sim.backend\('acme'\).customers"):
        _ = view.backend("acme").customers
    with pytest.raises(pytest.skip.Exception, match="needs simulator state: sim.clock"):
        _ = view.clock
    assert "from-the-file-secret" not in repr(view.oauth_client)


@pytest.mark.parametrize(
    "refused",
    [
        {"upstream": "https://user:pass@sandbox.example"},
        {"upstream": "https://sandbox.example/?api_key=abc"},
        {"command_line": ["poscert", "certify", "-k", "p4ssw0rd-env"]},
    ],
    ids=["userinfo", "query", "argument"],
)
def test_credentials_on_the_command_line_are_refused(refused: dict):
    environ = {"POSCERT_PONGO_LOGIN_PASSWORD": "p4ssw0rd-env"}
    with pytest.raises(SandboxError, match="command line"):
        load(
            "pongo",
            refused.get("upstream", "https://sandbox.example"),
            environ=environ,
            command_line=refused.get("command_line", ()),
        )


def test_sandbox_options_are_refused_before_any_scenario(tmp_path: Path):
    run = certify("pongo", tmp_path / "a", ["--target", "sandbox", "--upstream", "https://u:p@sandbox.example"])
    assert run["exit"] == NO_VERDICT and run["outcome"] == "broken" and "command line" in run["reason"]
    assert "u:p@" not in json.dumps(run)
