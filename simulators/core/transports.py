"""Three ways to reach one simulator, all sharing its state: an httpx transport, respx on the real
hostnames, and an ASGI app for a localhost server. Each only converts messages and calls `handle`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
import respx

from poscert.simulators.core.faults import SimDropped
from poscert.simulators.core.messages import SimRequest, SimResponse, SimTimeout
from poscert.simulators.core.simulator import Simulator

ADMIN_PREFIX = "/_poscert"


def to_sim_request(request: httpx.Request) -> SimRequest:
    return SimRequest(
        method=request.method,
        path=request.url.path,
        query_string=request.url.query.decode("ascii", "replace"),
        headers=dict(request.headers),
        body=request.read(),
        host=request.url.host,
    )


def to_httpx_response(response: SimResponse, request: httpx.Request) -> httpx.Response:
    return httpx.Response(response.status, headers=response.all_headers(), content=response.content(), request=request)


def httpx_handler(sim: Simulator) -> Callable[[httpx.Request], httpx.Response]:
    """A plain function httpx.MockTransport and respx side effects can both call."""

    def handle(request: httpx.Request) -> httpx.Response:
        try:
            return to_httpx_response(sim.handle(to_sim_request(request)), request)
        except SimTimeout:
            raise httpx.ReadTimeout("poscert: injected time-out", request=request) from None
        except SimDropped as dropped:
            raise dropped_connection(dropped, request) from None

    return handle


def dropped_connection(dropped: SimDropped, request: httpx.Request) -> httpx.TransportError:
    """What httpx raises when the connection drops: before the request got through, or before the answer came."""
    if dropped.after_processing:
        return httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    return httpx.ConnectError("poscert: injected dropped connection", request=request)


def mock_transport(sim: Simulator) -> httpx.MockTransport:
    return httpx.MockTransport(httpx_handler(sim))


def respx_router(sim: Simulator, *, passthrough_hosts: tuple[str, ...] = ()) -> respx.MockRouter:
    """Intercept the platform's real hostnames, so an httpx integration needs no configuration change."""
    router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
    handler = httpx_handler(sim)
    for host in sim.hosts:
        router.route(host=host).mock(side_effect=handler)
    for host in passthrough_hosts:
        router.route(host=host).pass_through()
    return router


class AsgiApp:
    """Serve a simulator over HTTP (uvicorn) with a small admin API under /_poscert."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        request = SimRequest(
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
            headers,
            body,
            headers.get("host", ""),
        )
        if request.path.startswith(ADMIN_PREFIX):
            response = self.admin(request)
        else:
            try:
                response = await anyio.to_thread.run_sync(self.sim.handle, request)
            except SimTimeout:
                response = self.sim.fault_response(504)
            except SimDropped as dropped:
                # Start the answer, then fail: a server closes the connection mid-answer (uvicorn does), and
                # httpx's in-process ASGITransport re-raises the error, so both clients see a network error.
                await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})
                url = f"http://{request.host}{request.path}"
                raise dropped_connection(dropped, httpx.Request(request.method, url)) from None
        raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.all_headers().items()]
        await send({"type": "http.response.start", "status": response.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": response.content()})

    def admin(self, request: SimRequest) -> SimResponse:
        action = request.path[len(ADMIN_PREFIX) :]
        if action == "/reset" and request.method == "POST":
            self.sim.reset()
            self.sim.journal.clear()
            return SimResponse(204)
        if action == "/journal" and request.method == "GET":
            return SimResponse(200, json.loads(json.dumps(self.sim.journal.dump(), default=str)))
        if action == "/health":
            return SimResponse(200, {"platform": self.sim.platform, "seed": self.sim.seed, "dataset": self.sim.dataset})
        return SimResponse(404, {"message": "Unknown admin action."})
