"""Live sandbox mode: what a run against a platform's sandbox is given, and what its steps may read.

`--target sandbox --upstream URL` puts the platform's simulator in proxy mode in front of the sandbox
(`poscert.simulators.core.proxy`). This module holds the rest:

- **credentials** of the sandbox, from the environment (`POSCERT_<PLATFORM>_...`) or a config file
  (`--sandbox-config`, TOML or JSON), never from the command line: a command line shows in process
  lists, CI logs and shell history. Every value is a secret of the run, masked wherever it travels.
- **fixtures**: what the sandbox holds that the steps would otherwise set up or read in the simulator
  (`--sandbox-fixtures`, TOML or JSON), such as the merchant a scenario works with.
- **the state view**: in sandbox mode the steps' `world.sim` is a `StateView`. What a step reads from
  the simulator is answered from the fixtures and credentials (by the same names as the simulator's
  attributes); anything else would be the simulator's state, not the sandbox's, so the scenario is
  skipped then and there, with "needs simulator state: <what>" as its reason (a requirement whose
  scenario did not run is `not_run`, never a pass).
"""

from __future__ import annotations

import json
import os
import shlex
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from poscert.base.redaction import MASK

SIMULATOR, SANDBOX = "simulator", "sandbox"
TARGETS = (SIMULATOR, SANDBOX)
SIMULATOR_ONLY_TAG = "simulator-only"  # a scenario whose checks only the simulator can answer
NEEDS_STATE = "needs simulator state"  # how every sandbox skip reason starts
ENV_PREFIX = "POSCERT_{platform}_"
ENV_DOCUMENT = "CREDENTIALS"  # POSCERT_<PLATFORM>_CREDENTIALS: the whole config document, as JSON
MIN_SECRET_LENGTH = 8

# What a step may use of the simulator in sandbox mode: the pipeline's generic parts, which the proxy
# really runs (its journal, its faults injected before or after forwarding, its schemas and routes).
PIPELINE = frozenset(
    {
        "platform",
        "hosts",
        "declaration",
        "redactor",
        "journal",
        "schemas",
        "router",
        "routes",
        "faults",
        "handle",
        "seed",
        "dataset",
        "upstream",
        "deliver_webhook",
    }
)


class SandboxError(Exception):
    """The sandbox options cannot be used: one message, the run stops before any scenario (no verdict, exit 2)."""


@dataclass(frozen=True)
class Sandbox:
    """A run's live sandbox: where it is, its credentials (secrets) and the fixtures its steps read."""

    upstream: str
    credentials: Mapping[str, Any] = field(default_factory=dict)
    fixtures: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()  # where the credentials came from, for the evidence (never the values)

    def secrets(self) -> set[str]:
        """Every credential value, masked wherever it appears."""
        return {v for v in leaves(self.credentials) if isinstance(v, str) and len(v) >= MIN_SECRET_LENGTH}

    def state(self) -> dict[str, Any]:
        """Fixtures and credentials in one mapping, by the names of the simulator's attributes."""
        return merged(self.fixtures, self.credentials)


def check_upstream(url: str) -> str:
    """An http(s) URL with no credentials in it (user:password@, a query): those belong in the config."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SandboxError(f"--upstream must be an http:// or https:// URL, not {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise SandboxError(
            "--upstream carries credentials or parameters: give only scheme, host, port and path; credentials "
            "go in the environment or --sandbox-config, never on the command line"
        )
    return url.rstrip("/")


def masked_upstream(url: str) -> str:
    """The upstream URL with whatever credentials it carries masked: what the run keeps of a refused one
    (its options are evidence), so the refusal is reported without repeating the secret."""
    parts = urlsplit(url)
    if not (parts.username or parts.password or parts.query or parts.fragment):
        return url
    netloc = f"{MASK}@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    if not (parts.username or parts.password):
        netloc = parts.netloc
    return urlunsplit((parts.scheme, netloc, parts.path, MASK if parts.query else "", MASK if parts.fragment else ""))


def load(
    platform: str,
    upstream: str,
    *,
    config: str | None = None,
    fixtures: str | None = None,
    environ: Mapping[str, str] | None = None,
    command_line: Iterable[str] = (),
) -> Sandbox:
    """The sandbox of a run: its credentials from the config file, overridden by the environment; refused
    when any credential also appears on the command line."""
    environ = os.environ if environ is None else environ
    credentials: dict[str, Any] = {}
    sources = []
    if config:
        credentials = merged(credentials, read_document(config, "--sandbox-config"))
        sources.append(f"--sandbox-config {config}")
    from_env = environment_credentials(platform, environ)
    if from_env:
        credentials = merged(credentials, from_env)
        sources.append(f"environment ({ENV_PREFIX.format(platform=platform.upper())}*)")
    sandbox = Sandbox(
        check_upstream(upstream),
        MappingProxyType(credentials),
        MappingProxyType(read_document(fixtures, "--sandbox-fixtures") if fixtures else {}),
        tuple(sources),
    )
    given = " ".join(command_line)
    if any(secret in given for secret in sandbox.secrets()):
        raise SandboxError(
            "a sandbox credential was given on the command line; it would show in process lists, CI logs and "
            "shell history: set it in the environment or in --sandbox-config instead"
        )
    return sandbox


def environment_credentials(platform: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """`POSCERT_<PLATFORM>_CREDENTIALS` (a JSON document, as the config file holds), then one variable per
    value: `POSCERT_<PLATFORM>_<NAME>`, `<NAME>` lower-cased, `__` between nested names
    (`POSCERT_<PLATFORM>_OAUTH_CLIENT__CLIENT_SECRET` is `oauth_client.client_secret`)."""
    prefix = ENV_PREFIX.format(platform=platform.upper())
    found: dict[str, Any] = {}
    document = environ.get(prefix + ENV_DOCUMENT)
    if document:
        try:
            parsed = json.loads(document)
        except ValueError as bad:
            raise SandboxError(f"{prefix}{ENV_DOCUMENT} is not JSON: {bad.msg} (line {bad.lineno})") from None
        if not isinstance(parsed, dict):
            raise SandboxError(f"{prefix}{ENV_DOCUMENT} must be a JSON object")
        found = merged(found, parsed)
    for name, value in sorted(environ.items()):
        if not name.startswith(prefix) or name == prefix + ENV_DOCUMENT:
            continue
        path = [part for part in name[len(prefix) :].lower().split("__") if part]
        if path:
            nested: dict[str, Any] = {path[-1]: value}
            for part in reversed(path[:-1]):
                nested = {part: nested}
            found = merged(found, nested)
    return found


def read_document(path: str, option: str) -> dict[str, Any]:
    """A TOML (`.toml`) or JSON file holding one object."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SandboxError(f"{option} {path} cannot be read: {exc.strerror or exc}") from None
    try:
        document = tomllib.loads(text) if file.suffix.lower() == ".toml" else json.loads(text)
    except tomllib.TOMLDecodeError as bad:
        raise SandboxError(f"{option} {path} is not valid TOML: {bad}") from None
    except ValueError as bad:
        raise SandboxError(f"{option} {path} is not valid JSON (or name it .toml): {bad}") from None
    if not isinstance(document, dict):
        raise SandboxError(f"{option} {path} must hold an object")
    return document


def merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`, nested mappings merged rather than replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def leaves(value: Any) -> Iterable[Any]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        else:
            yield node


def needs_state(what: str) -> None:
    """Skip the scenario: it needs something of the simulator the sandbox cannot give."""
    __tracebackhide__ = True
    pytest.skip(f"{NEEDS_STATE}: {what}")


def command_line_of(config: pytest.Config) -> list[str]:
    """What the run was started with, as a process list would show it."""
    import sys

    return [*sys.argv, *map(str, config.invocation_params.args)]


class Values:
    """Fixture values under a name, read as attributes (`client.client_id`), looked up as a function
    (`backend("merchant-slug")`) or indexed; a name the fixtures do not give skips the scenario."""

    def __init__(self, values: Mapping[str, Any], where: str) -> None:
        self._values = values
        self._where = where

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # introspection (hasattr of a private name) is not a step reading state
            raise AttributeError(name)
        if name in self._values:
            return wrap(self._values[name], f"{self._where}.{name}")
        needs_state(f"{self._where}.{name}")

    def __call__(self, key: Any = None, *more: Any, **named: Any) -> Any:
        if more or named or str(key) not in self._values:
            needs_state(f"{self._where}({', '.join(map(repr, (key, *more)))})")
        return wrap(self._values[str(key)], f"{self._where}({key!r})")

    def __getitem__(self, key: Any) -> Any:
        if str(key) not in self._values:
            needs_state(f"{self._where}[{key!r}]")
        return wrap(self._values[str(key)], f"{self._where}[{key!r}]")

    def __repr__(self) -> str:
        return f"<sandbox fixtures {self._where}>"  # never the values: some are credentials


def wrap(value: Any, where: str) -> Any:
    if isinstance(value, Mapping):
        return Values(value, where)
    if isinstance(value, list):
        return tuple(value)  # read-only, as the simulator's own tuples
    return value


class StateView:
    """The simulator as the steps see it in sandbox mode: the proxy's pipeline (journal, faults, schemas),
    the sandbox's fixtures and credentials by the simulator's own attribute names, and a skip for the rest.

    `reset()` forgets the proxy's armed faults only: a sandbox cannot be reset, which is why a scenario
    that needs a known state reads it from the fixtures or does not run.
    """

    def __init__(self, proxy: Any, sandbox: Sandbox) -> None:
        object.__setattr__(self, "proxy", proxy)
        object.__setattr__(self, "sandbox", sandbox)
        object.__setattr__(self, "_state", Values(sandbox.state(), "sim"))

    def __getattr__(self, name: str) -> Any:
        if name in PIPELINE:
            return getattr(self.proxy, name)
        return getattr(self._state, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in PIPELINE:
            needs_state(f"setting sim.{name}")
        setattr(self.proxy, name, value)

    def reset(self) -> None:
        self.proxy.faults.clear()

    def known_secrets(self) -> set[str]:
        return self.proxy.known_secrets() | self.sandbox.secrets()

    def __repr__(self) -> str:
        return f"<{self.proxy.platform} sandbox at {self.sandbox.upstream}>"


def drift_of(records: Iterable[Any]) -> list[dict[str, Any]]:
    """The drift of a journal's exchanges, one entry per violation: where the platform's answers left our schema."""
    out = []
    for exchange in records:
        for v in getattr(exchange, "drift", ()):
            out.append(
                {
                    "seq": exchange.seq,
                    "scenario": exchange.scenario,
                    "operation": v.operation,
                    "method": exchange.method,
                    "path": exchange.path,
                    "status": exchange.status,
                    "pointer": v.pointer,
                    "rule": v.rule,
                    "message": v.message,
                }
            )
    return out


def described(sandbox: Sandbox) -> str:
    """One line for the output: where the run went, and where its credentials came from."""
    came = ", ".join(sandbox.sources) or "no credentials given"
    return f"target sandbox {shlex.quote(sandbox.upstream)} (credentials from {came})"
