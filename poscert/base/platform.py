"""The one declaration a platform makes: every fact generic code needs about it, in one place.

The harness (CLI choices, markers, the default integration), the simulator core (hosts,
where credentials may travel, fault bodies), redaction and the OpenAPI document all read
a platform through this object, so none of them names a platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from poscert.base.redaction import Redactor


@dataclass(frozen=True)
class CredentialPlaces:
    """Where the platform expects credentials. Anywhere else, a credential is misplaced (ALL-SEC-01)."""

    headers: frozenset[str] = frozenset({"authorization"})  # lower-case header names
    query: frozenset[str] = frozenset()  # query parameters that carry a key by design
    body_operations: frozenset[str] = frozenset()  # operations whose body carries a secret by design

    def allows(self, where: str, name: str, operation: str) -> bool:
        if where == "header":
            return name in self.headers
        if where == "query":
            return name in self.query
        return where == "body" and operation in self.body_operations


@dataclass(frozen=True)
class Platform:
    name: str  # the CLI's --platform value, the features/, steps/ and schemas/ folder name
    title: str  # as people write it
    simulator: str  # "module:Class" of its Simulator, imported on demand
    hosts: tuple[str, ...]  # real hostnames the in-process simulator intercepts
    contract: str  # "module:Protocol" every integration of this platform implements
    references: Mapping[str, str]  # kind -> "module:Class" of the bundled reference integration
    fault_body: Callable[[int], Any]  # the platform's error body for an injected or unexpected status
    credentials: CredentialPlaces = field(default_factory=CredentialPlaces)
    secret_headers: frozenset[str] = frozenset()  # platform-specific headers masked in evidence
    secret_fields: frozenset[str] = frozenset()  # platform-specific body/query fields masked in evidence
    # OpenAPI `securitySchemes` of the platform; routes that need credentials require the first one.
    security_schemes: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    # What this platform's integrations may declare besides the shared capabilities (drivers/contract.py),
    # each switching on the catalog requirements that name it.
    capabilities: frozenset[str] = frozenset()

    @property
    def redactor(self) -> Redactor:
        return Redactor(self.secret_headers, self.secret_fields)
