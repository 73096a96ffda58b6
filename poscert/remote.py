"""An integration in any language, driven over HTTP: the harness's side of poscert-driver/1.

`--driver http://host:port` names a partner's test build that answers the protocol of
docs/http-driver.md. `remote_driver` asks it what it is, then builds a Python class that conforms
to the platform's contract: each contract method becomes one `call` request, its arguments encoded
and its result decoded by the contract's annotations, so the guard, the contract check and every
step treat it exactly as a Python integration. `encode` and `decode` are the protocol's value
mapping, shared with the Python host (poscert.drivers.host).

Request bodies carry the connection's secrets: nothing here logs a body.
"""

from __future__ import annotations

import base64
import binascii
import collections.abc
import dataclasses
import enum
import functools
import inspect
import json
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
import jsonschema_rs

from poscert.base.resources import package_dir
from poscert.driver_check import contract_methods
from poscert.guard import DriverFault, WrongReturn, shown

PROTOCOL = "poscert-driver/1"
ROOT = "/poscert-driver"
CONNECT_SECONDS = 5.0
SNIPPET = 200  # characters of an unexpected answer shown in a message


# -- errors ---------------------------------------------------------------------------------------
class RemoteError(Exception):
    """The driver cannot be used: unreachable, or its answer breaks the protocol. An `Exception`, so a
    constructor that meets it stops the run through the guard (BuildFailed) and describe a usage error."""


class ProtocolBroken(DriverFault):
    """A contract call's answer broke the protocol: the step fails, never taken for the integration's refusal."""


class IntegrationError(Exception):
    """The integration raised an error in a contract call (`{"error": {"type", "message"}}`): as a Python
    integration's exception, a step that expects a refusal catches it."""

    def __init__(self, label: str, kind: str, message: str) -> None:
        super().__init__(f"{label} raised {kind}: {message}")
        self.kind = kind
        self.remote_message = message


class ShapeError(ValueError):
    """A JSON value that does not fit the annotation it is decoded by; says where in the value."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where} {problem}")
        self.where = where
        self.problem = problem


# -- values -------------------------------------------------------------------------------------------
def encode(value: Any) -> Any:
    """A contract value as JSON (docs/http-driver.md, Values): dataclasses by field, enums by value,
    bytes as `{"base64": ...}`, sequences and sets as arrays (sets sorted, so the wire is stable)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, bytes | bytearray):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        items = [encode(item) for item in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    raise TypeError(f"a {type(value).__name__} has no JSON form in {PROTOCOL}")


def decode(value: Any, hint: Any, where: str = "result") -> Any:
    """`value` (parsed JSON) as the Python value `hint` annotates; ShapeError when it does not fit."""
    if hint is Any or hint is object:
        return value
    if hint is None or hint is type(None):
        if value is not None:
            raise ShapeError(where, f"is {_json_type(value)}, expected null")
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for option in (a for a in args if a is not type(None)):
            try:
                return decode(value, option, where)
            except ShapeError:
                continue
        raise ShapeError(where, f"is {_json_type(value)}, expected {shown(hint)}")
    if origin is typing.Literal:
        if value not in args:
            raise ShapeError(where, f"is {json.dumps(value)}, expected one of {', '.join(map(json.dumps, args))}")
        return value
    if origin is None:
        return _decode_plain(value, hint, where)
    return _decode_container(value, hint, origin, args, where)


def _decode_plain(value: Any, hint: Any, where: str) -> Any:
    if not isinstance(hint, type):
        return value  # a TypeVar, a string annotation: nothing to judge against
    if hint is bytes:
        if not (isinstance(value, dict) and set(value) == {"base64"} and isinstance(value["base64"], str)):
            raise ShapeError(where, f'is {_json_type(value)}, expected bytes as {{"base64": "..."}}')
        try:
            return base64.b64decode(value["base64"], validate=True)
        except binascii.Error:
            raise ShapeError(where, "is not valid base64") from None
    if issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            allowed = ", ".join(json.dumps(member.value) for member in hint)
            raise ShapeError(where, f"is {json.dumps(value)}, expected one of {allowed} ({hint.__name__})") from None
    if dataclasses.is_dataclass(hint):
        return _decode_dataclass(value, hint, where)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (list, tuple, set, frozenset) and isinstance(value, list):
        return hint(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ShapeError(where, f"is {_json_type(value)}, expected {shown(hint)}")
    return value


def _decode_container(value: Any, hint: Any, origin: Any, args: tuple, where: str) -> Any:
    if isinstance(origin, type) and issubclass(origin, Mapping):
        if not isinstance(value, dict):
            raise ShapeError(where, f"is {_json_type(value)}, expected an object ({shown(hint)})")
        key_hint, item_hint = args if len(args) == 2 else (Any, Any)
        return {
            decode(key, key_hint, f"{where} key"): decode(item, item_hint, f"{where}[{json.dumps(key)}]")
            for key, item in value.items()
        }
    if isinstance(origin, type) and issubclass(origin, collections.abc.Iterable):
        if not isinstance(value, list):
            raise ShapeError(where, f"is {_json_type(value)}, expected an array ({shown(hint)})")
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(value):
                raise ShapeError(where, f"has {len(value)} items, expected {len(args)} ({shown(hint)})")
            return tuple(decode(item, h, f"{where}[{i}]") for i, (h, item) in enumerate(zip(args, value, strict=True)))
        item_hint = args[0] if args else Any
        items = [decode(item, item_hint, f"{where}[{i}]") for i, item in enumerate(value)]
        built = origin if origin in (list, tuple, set, frozenset) else list
        if origin in (set, frozenset) or origin is collections.abc.Set:
            built = frozenset if origin is frozenset else set
        elif origin is collections.abc.Sequence:
            built = tuple
        try:
            return built(items)
        except TypeError:  # unhashable items for a set
            raise ShapeError(where, f"holds values a {shown(hint)} cannot hold") from None
    return value  # an annotation the contracts do not use: not judged


@functools.cache
def _field_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_dataclass(value: Any, cls: type, where: str) -> Any:
    if not isinstance(value, dict):
        raise ShapeError(where, f"is {_json_type(value)}, expected an object ({cls.__name__})")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    if unknown := sorted(set(value) - set(fields)):
        raise ShapeError(where, f"has fields {cls.__name__} does not have: {', '.join(unknown)}")
    hints = _field_hints(cls)
    given = {}
    for name, f in fields.items():
        if name in value:
            given[name] = decode(value[name], hints[name], f"{where}.{name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ShapeError(where, f"lacks the field {name} ({cls.__name__} has no default for it)")
    return cls(**given)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


# -- messages ---------------------------------------------------------------------------------------------
@functools.cache
def _validators() -> dict[str, Any]:
    document = json.loads((package_dir("schemas") / "driver" / "protocol.json").read_text(encoding="utf-8"))
    return {name: jsonschema_rs.validator_for({**document, "$ref": f"#/$defs/{name}"}) for name in document["$defs"]}


def message_problem(name: str, message: Any) -> str | None:
    """Why `message` is not a valid `$defs/<name>` of schemas/driver/protocol.json, or None when it is."""
    errors = list(_validators()[name].iter_errors(message))
    if not errors:
        return None
    first = errors[0]
    at = "/".join(str(part) for part in first.instance_path) or "the answer"
    return f"{at}: {first.message}"


def is_remote(spec: str | None) -> bool:
    """A driver spec that names an HTTP endpoint rather than `package.module:Class`."""
    return bool(spec) and spec.startswith(("http://", "https://"))


def driver_host(spec: str) -> str:
    """The host the driver listens on: the harness's own traffic to it is never intercepted."""
    return urlsplit(spec).hostname or ""


class Endpoint:
    """One driver URL and the one HTTP client of the run that talks to it."""

    def __init__(self, url: str, call_timeout: float | None = None) -> None:
        self.url = url.rstrip("/")
        read = None if call_timeout is None else call_timeout + CONNECT_SECONDS  # the guard times the call itself
        self.client = httpx.Client(timeout=httpx.Timeout(read, connect=CONNECT_SECONDS), follow_redirects=False)

    def request(self, method: str, path: str, what: str, body: Any = None, *, status: int, schema: str | None) -> Any:
        """The answer's JSON, checked against the protocol's `schema`; RemoteError naming `what` otherwise."""
        __tracebackhide__ = True
        try:
            content = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers = {"content-type": "application/json"} if content is not None else {}
            answer = self.client.request(method, self.url + path, content=content, headers=headers)
        except httpx.TimeoutException:
            raise RemoteError(f"{what}: the driver at {self.url} did not answer in time") from None
        except httpx.TransportError as exc:
            raise RemoteError(
                f"{what}: the driver at {self.url} cannot be reached ({type(exc).__name__}: {exc})"
            ) from None
        shown_path = f"{method} {path}"
        if answer.status_code != status:
            raise RemoteError(
                f"{what}: {shown_path} answered {answer.status_code}, expected {status}{_snippet(answer.text)}"
            )
        if schema is None:
            return None
        try:
            data = answer.json()
        except ValueError:
            raise RemoteError(
                f"{what}: {shown_path} answered something that is not JSON{_snippet(answer.text)}"
            ) from None
        if problem := message_problem(schema, data):
            raise RemoteError(f"{what}: {shown_path} answered a message that breaks {PROTOCOL}: {problem}")
        return data

    def close(self) -> None:
        self.client.close()


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    return f": {text[:SNIPPET]}{'…' if len(text) > SNIPPET else ''}"


# -- the integration, as the harness sees it ------------------------------------------------------------
class RemoteIntegration:
    """Base of the class `remote_driver` builds: one instance per scenario, one remote instance behind it."""

    endpoint: ClassVar[Endpoint]
    contract: ClassVar[type]
    described: ClassVar[dict[str, Any]]

    def __init__(self, connection: Any) -> None:
        __tracebackhide__ = True
        what = f"building the integration ({self.contract.__name__}(connection))"
        created = self.endpoint.request(
            "POST", f"{ROOT}/instances", what, {"connection": encode(connection)}, status=201, schema="instance"
        )
        self._instance: str | None = created["instance"]

    def __repr__(self) -> str:
        return f"<{self.described.get('name') or 'integration'} at {self.endpoint.url}, instance {self._instance}>"

    def _call(self, name: str, hint: Any, args: tuple, kwargs: dict) -> Any:
        __tracebackhide__ = True
        label = f"{self.contract.__name__}.{name}"
        if self._instance is None:
            raise ProtocolBroken(f"{label} was called after close()")
        try:
            message = {"method": name, "args": encode(list(args)), "kwargs": encode(kwargs)}
        except TypeError as exc:
            raise ProtocolBroken(f"{label}: {exc}") from None
        path = f"{ROOT}/instances/{self._instance}/call"
        try:
            answer = self.endpoint.request("POST", path, label, message, status=200, schema="answer")
        except RemoteError as exc:
            raise ProtocolBroken(str(exc)) from None
        if "error" in answer:
            raise IntegrationError(label, answer["error"]["type"], answer["error"]["message"])
        try:
            return decode(answer["result"], hint)
        except ShapeError as wrong:
            raise WrongReturn(f"{label} answered a result that does not fit {shown(hint)}: {wrong}") from None

    def close(self) -> None:
        """The scenario is over: the remote instance is deleted (and closed there)."""
        __tracebackhide__ = True
        if self._instance is None:
            return
        instance, self._instance = self._instance, None
        label = f"{self.contract.__name__}.close"
        try:
            self.endpoint.request("DELETE", f"{ROOT}/instances/{instance}", label, status=204, schema=None)
        except RemoteError as exc:
            raise ProtocolBroken(str(exc)) from None


def _method(name: str, signature: inspect.Signature, hint: Any) -> Callable[..., Any]:
    """A contract method that asks the remote integration; it keeps the contract's signature for the check."""

    def method(self: RemoteIntegration, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return self._call(name, hint, args, kwargs)

    method.__name__ = method.__qualname__ = name
    method.__signature__ = signature  # type: ignore[attr-defined]
    return method


def remote_driver(url: str, platform_name: str, contract: type, *, call_timeout: float | None = None) -> type:
    """The class of the integration at `url`, for the contract of `platform_name`; RemoteError when the
    driver cannot be reached, its describe breaks the protocol, or it is another platform's integration.

    Kind and capabilities come from describe; the caller checks them as a Python driver's are checked.
    """
    endpoint = Endpoint(url, call_timeout)
    try:
        described = endpoint.request("GET", ROOT, "describe", status=200, schema="describe")
    except RemoteError:
        endpoint.close()
        raise
    if described["platform"] != platform_name:
        endpoint.close()
        raise RemoteError(f"the driver at {endpoint.url} is a {described['platform']} integration, not {platform_name}")
    hints = {
        name: typing.get_type_hints(getattr(contract, name)).get("return", Any) for name in contract_methods(contract)
    }
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__doc__": f"The {described.get('name') or 'integration'} at {endpoint.url}, over {PROTOCOL}.",
        "kind": described["kind"],
        "platform": described["platform"],
        "capabilities": frozenset(described["capabilities"]),
        "described": described,
        "endpoint": endpoint,
        "contract": contract,
    }
    for name, signature in contract_methods(contract).items():
        if name != "close":
            namespace[name] = _method(name, signature, hints[name])
    return type("HttpDriver", (RemoteIntegration,), namespace)
