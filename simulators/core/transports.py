"""Three ways to reach one simulator, all sharing its state: an httpx transport, respx on the real
hostnames, and an ASGI app for a localhost server. Each only converts messages and calls `handle`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
import httpx
import respx

from poscert.simulators.core.access import Access
from poscert.simulators.core.admin import ADMIN_PREFIX, AdminApi, Streamed
from poscert.simulators.core.faults import LatencyPlan, SimDropped
from poscert.simulators.core.messages import SimRequest, SimResponse, SimTimeout
from poscert.simulators.core.pages import ApiPages
from poscert.simulators.core.routing import NoRoute
from poscert.simulators.core.simulator import MAX_BODY_BYTES, Simulator

__all__ = ["ADMIN_PREFIX", "AsgiApp", "dropped_connection", "httpx_handler", "mock_transport", "respx_router"]


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


async def answer_lifespan(receive: Callable, send: Callable) -> None:
    """Nothing to start or stop: acknowledge uvicorn's lifespan messages until it shuts down."""
    while (await receive())["type"] != "lifespan.shutdown":
        await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.shutdown.complete"})


class AsgiApp:
    """Serve a simulator over HTTP (uvicorn): the platform's paths exactly, its OpenAPI document and docs
    page (`/openapi.json`, `/docs`, `/`) where no platform route takes those paths, and the admin API
    under /_poscert.

    `AsgiApp(sim)` alone checks no Host and leaves the admin API open, as the in-process tests use it;
    `poscert serve` builds it with `admin_token` and `allowed_hosts` (see `server.py`). A body is read
    up to `max_body_bytes` and refused with the platform's 413 as soon as it passes that, never buffered
    whole. An injected time-out holds the request `timeout_seconds` before its gateway's 504.
    """

    def __init__(
        self,
        sim: Simulator,
        *,
        admin_token: str | None = None,
        allowed_hosts: frozenset[str] | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        timeout_seconds: float = 0.0,
    ) -> None:
        self.sim = sim
        self.access = Access(admin_token, allowed_hosts)
        self.max_body_bytes = max_body_bytes
        self.timeout_seconds = timeout_seconds
        self.latency = LatencyPlan()
        self.admin_api = AdminApi(sim, self.latency)
        self.pages = ApiPages(sim)

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await answer_lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets: uvicorn refuses the handshake
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if refused := self.access.host_refused(host):
            await _send(send, SimResponse(403, {"message": f"poscert: {refused}"}))
            return
        body = await _read_body(receive, headers, self.max_body_bytes)
        if body is None:
            await _send(send, self.sim.error_too_large().response)
            return
        request = SimRequest(
            scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"), headers, body, host
        )
        if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
            await self._admin(request, send, receive)
            return
        if (page := self.pages.answer(request)) is not None:
            await _send(send, page)
            return
        try:
            if delay := self._latency(request):
                await anyio.sleep(delay)
            response = await anyio.to_thread.run_sync(self.sim.handle, request)
        except SimTimeout:
            await anyio.sleep(self.timeout_seconds)
            response = self.sim.fault_response(504)
        except SimDropped as dropped:
            # Start the answer, then fail: a server closes the connection mid-answer (uvicorn does), and
            # httpx's in-process ASGITransport re-raises the error, so both clients see a network error.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1")]})
            url = f"http://{request.host}{request.path}"
            raise dropped_connection(dropped, httpx.Request(request.method, url)) from None
        await _send(send, response)

    def _latency(self, request: SimRequest) -> float:
        if not self.latency.pending():
            return 0.0
        try:
            route, _ = self.sim.router.match(request.method, request.path)
        except NoRoute:
            return 0.0
        return self.latency.take(route.operation)

    async def _admin(self, request: SimRequest, send: Callable, receive: Callable) -> None:
        """Admin calls: from the served address, with the token, and no state change from another origin.
        No CORS header is ever sent, so a browser lets no other page read an answer either."""
        refused = self.access.origin_refused(request.method, request.headers.get("origin"))
        if refused is None and request.path.rstrip("/") != ADMIN_PREFIX + "/health":
            refused = self.access.token_refused(request.headers.get("authorization"))
            if refused:
                await _send(send, SimResponse(401, {"message": refused}, {"www-authenticate": "Bearer"}))
                return
        if refused:
            await _send(send, SimResponse(403, {"message": refused}))
            return
        answer = await anyio.to_thread.run_sync(self.admin_api.handle, request)
        if isinstance(answer, Streamed):
            await _stream(send, receive, answer)
        else:
            await _send(send, answer)

    def admin(self, request: SimRequest) -> SimResponse:
        """One admin call in-process, without the served app's checks (kept for callers of the old API)."""
        answer = self.admin_api.handle(request)
        if isinstance(answer, Streamed):
            return SimResponse(400, {"message": "a stream is only served over HTTP"})
        return answer


async def _read_body(receive: Callable, headers: dict[str, str], limit: int) -> bytes | None:
    """The request body, or None once it passes `limit`: refused from its Content-Length, or as soon as
    the bytes received pass the limit, without reading (or holding) the rest."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(send: Callable, response: SimResponse) -> None:
    body = response.content()
    headers = {"content-length": str(len(body)), **response.all_headers()}  # not chunked: one length, one write
    raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": response.status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def _stream(send: Callable, receive: Callable, answer: Streamed) -> None:
    """Send chunks as they come, until the producer ends or the client goes away."""
    headers = [(b"content-type", answer.content_type.encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    async with anyio.create_task_group() as group:

        async def watch_disconnect() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            group.cancel_scope.cancel()

        group.start_soon(watch_disconnect)
        async for chunk in answer.chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        group.cancel_scope.cancel()
