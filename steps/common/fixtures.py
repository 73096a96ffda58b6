"""Fixtures every platform's certification shares: its simulator, built once and intercepted on the
platform's real hostnames for the whole session (and served on localhost for an integration driven over
HTTP, or as the recording proxy in front of a live sandbox), and the traces an integration leaves besides
the wire."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from poscert.base.journal import Journal
from poscert.platforms import simulator_class
from poscert.run import CertificationRun
from poscert.sandbox import StateView
from poscert.simulators.core.proxy import Upstream, proxy_simulator
from poscert.simulators.core.server import listening_sockets
from poscert.simulators.core.transports import AsgiApp, httpx_handler, respx_router

SERVED_HOST = "127.0.0.1"
SERVER_START_SECONDS = 10.0


@pytest.fixture(scope="session")
def platform_sim(certification_run: CertificationRun, journal: Journal) -> Iterator[Any]:
    """The platform's simulator (schemas compiled, routes mapped once); reset by each scenario's world.

    An integration driven over HTTP runs elsewhere: the simulator is also served on localhost, and the
    harness's own requests to that address and to the driver pass through the interception.

    Against a live sandbox (`--poscert-target sandbox`) the simulator is the recording proxy in front of it,
    served on localhost and intercepting the platform's hostnames alike; the steps see it as a `StateView`.
    """
    sandbox = certification_run.sandbox
    if sandbox is not None:
        yield from _proxied(certification_run, journal)
        return
    sim = simulator_class(certification_run.platform)(journal, seed=certification_run.seed)
    certification_run.secret_sources.append(sim.known_secrets)
    with contextlib.ExitStack() as stack:
        passthrough: tuple[str, ...] = ()
        if certification_run.remote:
            certification_run.served_url = stack.enter_context(served(sim))
            passthrough = tuple({SERVED_HOST, certification_run.remote_host or SERVED_HOST})
        stack.enter_context(respx_router(sim, passthrough_hosts=passthrough))
        yield sim
        certification_run.served_url = None


def _proxied(run: CertificationRun, journal: Journal) -> Iterator[StateView]:
    """The recording proxy in front of the run's sandbox: every integration request (over HTTP to its served
    address, or in-process to the platform's hostnames) goes through the platform's pipeline, forwarded."""
    sandbox = run.sandbox
    upstream = Upstream(sandbox.upstream, frozenset(sandbox.secrets()))
    proxy = proxy_simulator(simulator_class(run.platform), upstream, journal, seed=run.seed)
    view = StateView(proxy, sandbox)
    run.secret_sources.append(view.known_secrets)
    with contextlib.ExitStack() as stack:
        run.served_url = upstream.public_url = stack.enter_context(served(proxy))
        passthrough = tuple({SERVED_HOST, run.remote_host or SERVED_HOST})
        stack.enter_context(respx_router(proxy, passthrough_hosts=passthrough))
        yield view
        run.served_url = None


@pytest.fixture(scope="session")
def integration_base_url(platform_sim: Any, certification_run: CertificationRun) -> str:
    """The base URL the integration is given in its connection: the platform's real one (intercepted), or the
    simulator's served address when the integration is driven over HTTP."""
    return certification_run.base_url


@pytest.fixture(scope="session")
def actor_transport(platform_sim: Any, certification_run: CertificationRun) -> httpx.BaseTransport:
    """How the harness's own actors (a merchant's browser) reach the simulator: in-process, for the platform's
    hostnames (and its served address, when served) only. Never over a real connection, so the harness's
    requests never show in the logs ALL-SEC-01 reads (httpx logs what comes back over one, an OAuth redirect's
    code among it), and never through the interception the integration's calls take: it is the harness's."""
    handler = httpx_handler(platform_sim)
    hosts = set(platform_sim.hosts)
    if certification_run.served_url is not None:
        hosts.add(httpx.URL(certification_run.served_url).host)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host not in hosts:
            raise httpx.ConnectError(f"poscert: {request.url.host} is not the platform's", request=request)
        return handler(request)

    return httpx.MockTransport(handle)


@contextlib.contextmanager
def served(sim: Any, app: Any = None) -> Iterator[str]:
    """The simulator served with uvicorn on a free localhost port, in a background thread; yields its URL.
    `app` serves another ASGI app in its place (one wrapping `AsgiApp(sim)`, say)."""
    [listener] = listening_sockets(SERVED_HOST, [0])  # a free port, bound before the thread starts
    port = listener.getsockname()[1]
    # No logging configuration of its own (log_config=None): the run's logging, and its capture, stay as they are.
    config = uvicorn.Config(app or AsgiApp(sim), log_config=None, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="poscert-served", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        if not server.started:
            raise RuntimeError(f"the simulator could not be served on {SERVED_HOST}:{port}")
        yield f"http://{SERVED_HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        listener.close()


@dataclass
class Traces:
    """Where an integration leaves text besides the wire: its logs, what it printed, the files it wrote in
    its working directory. ALL-SEC-01 reads them all for credentials."""

    logs: pytest.LogCaptureFixture
    output: pytest.CaptureFixture[str]
    workdir: Path
    printed: str = ""  # everything read from `output` so far: reading it empties the capture

    def texts(self) -> dict[str, str]:
        """Each place, named, with the text it holds now."""
        out, err = self.output.readouterr()
        self.printed += out + err
        files = {
            f"file {path.relative_to(self.workdir)}": path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(self.workdir.rglob("*"))
            if path.is_file()
        }
        return {"logs": "\n".join(r.getMessage() for r in self.logs.records), "stdout and stderr": self.printed} | files


@pytest.fixture(scope="session")
def integration_home() -> Iterator[Path]:
    """The integration's working directory: one folder for the session, emptied after each scenario (cheaper
    than a folder per scenario), so each scenario's files are its own."""
    with tempfile.TemporaryDirectory(prefix="poscert-integration-") as folder:
        yield Path(folder)


@pytest.fixture
def integration_traces(
    integration_logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], integration_home: Path
) -> Iterator[Traces]:
    """The scenario's traces, from its first step: the integration runs in its working directory, and what it
    writes to sys.stdout and sys.stderr is kept (capturing file descriptors, capfd, would cost every scenario
    milliseconds for what only a C extension writes)."""
    with contextlib.chdir(integration_home):
        yield Traces(integration_logs, capsys, integration_home)
    for path in integration_home.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
