"""Serve any contract class over poscert-driver/1: the integration's side of the HTTP driver protocol.

A partner whose integration is not Python implements this side in its own language
(docs/http-driver.md); this host shows what it does, and lets poscert's tests certify a Python
integration over HTTP exactly as a foreign one would be:

    python -m poscert.drivers.host --driver package.module:Class --platform NAME --port 7070
    poscert certify --platform NAME --driver http://127.0.0.1:7070

One thread per request, and no lock per instance: the platform may deliver a webhook
(`handle_webhook`) while one of the instance's own calls is waiting on the platform, as it does
in-process. Request bodies hold the connection's secrets: nothing here logs them.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import re
import sys
import threading
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from poscert.driver_check import contract_methods
from poscert.platforms import load_object, platform
from poscert.remote import PROTOCOL, ROOT, ShapeError, decode, encode, message_problem

INSTANCE_PATH = re.compile(rf"^{ROOT}/instances/([A-Za-z0-9_.-]+)(/call)?$")


class DriverHost:
    """The instances of one integration class, and the protocol's four requests on them (no HTTP here)."""

    def __init__(
        self, cls: type, contract: type, platform_name: str, *, name: str | None = None, version: str | None = None
    ) -> None:
        self.cls = cls
        self.contract = contract
        self.platform = platform_name
        self.name = name or cls.__name__
        self.version = version
        self.methods = contract_methods(contract)
        self.hints = {method: typing.get_type_hints(getattr(contract, method)) for method in self.methods}
        self.connection_type = typing.get_type_hints(contract.__init__).get("connection", Any)
        self.instances: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()  # guards the instance table only, never a call

    def describe(self) -> tuple[int, dict]:
        described = {
            "protocol": PROTOCOL,
            "platform": self.platform,
            "kind": self.cls.kind,
            "capabilities": sorted(self.cls.capabilities),
            "name": self.name,
        }
        return HTTPStatus.OK, described | ({"version": self.version} if self.version else {})

    def create(self, message: Any) -> tuple[int, dict]:
        if problem := message_problem("new_instance", message):
            return HTTPStatus.BAD_REQUEST, _error("ValueError", problem)
        try:
            connection = decode(message["connection"], self.connection_type, "connection")
            integration = self.cls(connection)
        except Exception as exc:  # the constructor's own failure: the harness stops the run and shows it
            return HTTPStatus.INTERNAL_SERVER_ERROR, _error(type(exc).__name__, str(exc))
        with self._lock:
            instance = str(next(self._ids))
            self.instances[instance] = integration
        return HTTPStatus.CREATED, {"instance": instance}

    def call(self, instance: str, message: Any) -> tuple[int, dict]:
        integration = self.instances.get(instance)
        if integration is None:
            return HTTPStatus.NOT_FOUND, _error("LookupError", f"no instance {instance}")
        if problem := message_problem("call", message):
            return HTTPStatus.BAD_REQUEST, _error("ValueError", problem)
        name = message["method"]
        method = getattr(integration, name, None) if name in self.methods else None
        if not callable(method):
            return HTTPStatus.OK, _error("NotImplementedError", f"{name} is not a method of {self.contract.__name__}")
        try:
            args, kwargs = self._arguments(name, message["args"], message["kwargs"])
        except (TypeError, ShapeError) as exc:
            return HTTPStatus.OK, _error(type(exc).__name__, f"{name}: {exc}")
        try:
            return HTTPStatus.OK, {"result": encode(method(*args, **kwargs))}
        except Exception as exc:  # the integration's refusal or failure, as the harness shows it
            return HTTPStatus.OK, _error(type(exc).__name__, str(exc))

    def delete(self, instance: str) -> tuple[int, dict | None]:
        with self._lock:
            integration = self.instances.pop(instance, None)
        if integration is None:
            return HTTPStatus.NOT_FOUND, _error("LookupError", f"no instance {instance}")
        try:
            integration.close()
        except Exception as exc:  # the scenario's teardown fails with it
            return HTTPStatus.INTERNAL_SERVER_ERROR, _error(type(exc).__name__, str(exc))
        return HTTPStatus.NO_CONTENT, None

    def _arguments(self, name: str, args: list, kwargs: dict) -> tuple[list, dict]:
        """The call's JSON arguments as the contract's parameter types (a tuple, an enum, bytes...)."""
        bound = self.methods[name].bind(None, *args, **kwargs)  # `self` first; TypeError when they do not fit
        hints = self.hints[name]
        for param, value in list(bound.arguments.items())[1:]:
            kind = self.methods[name].parameters[param].kind
            if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue
            bound.arguments[param] = decode(value, hints.get(param, Any), param)
        return list(bound.args[1:]), dict(bound.kwargs)


def _error(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}


def handler_for(host: DriverHost) -> type[BaseHTTPRequestHandler]:
    """The HTTP side: paths and JSON to `host`'s requests and back."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the harness reuses one connection
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for the first's ACK

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.rstrip("/") == ROOT:
                self._answer(*host.describe())
            else:
                self._answer(HTTPStatus.NOT_FOUND, _error("LookupError", f"no such path {self.path}"))

        def do_POST(self) -> None:  # noqa: N802
            try:
                message = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"null")
            except ValueError:
                self._answer(HTTPStatus.BAD_REQUEST, _error("ValueError", "the body is not JSON"))
                return
            found = INSTANCE_PATH.match(self.path)
            if self.path == f"{ROOT}/instances":
                self._answer(*host.create(message))
            elif found and found.group(2):
                self._answer(*host.call(found.group(1), message))
            else:
                self._answer(HTTPStatus.NOT_FOUND, _error("LookupError", f"no such path {self.path}"))

        def do_DELETE(self) -> None:  # noqa: N802
            found = INSTANCE_PATH.match(self.path)
            if found and not found.group(2):
                self._answer(*host.delete(found.group(1)))
            else:
                self._answer(HTTPStatus.NOT_FOUND, _error("LookupError", f"no such path {self.path}"))

        def _answer(self, status: int, body: dict | None) -> None:
            content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            if body is not None:
                self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: a request line is harmless, but an integration's host should log nothing it is sent."""

    return Handler


@contextmanager
def hosting(host: DriverHost, port: int = 0, address: str = "127.0.0.1") -> Iterator[str]:
    """`host` served in a background thread (port 0: a free one); yields the driver URL, stops on exit."""
    server = ThreadingHTTPServer((address, port), handler_for(host))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def host_for(spec: str, platform_name: str | None = None, **describe: Any) -> DriverHost:
    """The host of the class `spec` names, for its platform's contract (default: the class's `platform`)."""
    cls = load_object(spec)
    name = platform_name or cls.platform
    return DriverHost(cls, load_object(platform(name).contract), name, **describe)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m poscert.drivers.host", description=__doc__.splitlines()[0])
    parser.add_argument("--driver", required=True, metavar="SPEC", help="package.module:Class of the integration")
    parser.add_argument("--platform", default=None, help="its platform (default: the class's `platform`)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7070)
    parser.add_argument("--name", default=None, help="the integration's name in the evidence (default: the class's)")
    parser.add_argument("--version", default=None, help="its version in the evidence")
    ns = parser.parse_args(argv)
    host = host_for(ns.driver, ns.platform, name=ns.name, version=ns.version)
    server = ThreadingHTTPServer((ns.host, ns.port), handler_for(host))
    server.daemon_threads = True
    print(f"poscert-driver/1: {ns.driver} on http://{ns.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
