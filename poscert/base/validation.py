"""JSON Schema validation of every exchange: documents loaded once, validators compiled once per part.

jsonschema-rs is on the hot path (sub-microsecond per call on our payloads); the
`jsonschema` package stays the reference that checks our documents against the
2020-12 meta-schema (see tests/test_schemas.py).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jsonschema_rs

from poscert.base.journal import Violation
from poscert.base.resources import package_dir

SCHEMAS_DIR = package_dir("schemas")
BASE_URI = "https://schemas.poscert.dev"


def schema_refs(node: Any) -> list[str]:
    """Every `$ref` in a JSON document, depth first."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in schema_refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in schema_refs(value)]
    return []


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class SchemaSet:
    """The schemas of one platform: `<operation>.json` files whose $defs hold
    `request`, `query` and `response_<status>`, plus shared `common.json` and `errors.json`."""

    def __init__(self, platform: str, root: Path = SCHEMAS_DIR) -> None:
        self.platform = platform
        self.documents: dict[str, dict[str, Any]] = {}
        paths = sorted((root / platform).glob("*.json"))
        if not paths:  # a simulator without schemas would validate nothing and say nothing
            raise ValueError(f"no schema documents for {platform!r} in {root / platform}")
        for path in paths:
            doc = json.loads(path.read_text(encoding="utf-8"))
            expected = f"{BASE_URI}/{platform}/{path.name}"
            if doc.get("$id") != expected:
                raise ValueError(f"{path}: $id must be {expected}")
            self.documents[path.stem] = doc
        known = {d["$id"] for d in self.documents.values()}
        for name, doc in self.documents.items():
            # Fail at load, not on the first request that needs a missing document.
            dangling = {urljoin(doc["$id"], ref).split("#")[0] for ref in schema_refs(doc)} - known
            if dangling:
                raise ValueError(f"{name}.json refers to unknown documents: {sorted(dangling)}")
        self._registry = jsonschema_rs.Registry([(d["$id"], d) for d in self.documents.values()])
        self._validators: dict[str, Any] = {}

    def uri(self, document: str, part: str) -> str:
        return f"{BASE_URI}/{self.platform}/{document}.json#/$defs/{part}"

    def has(self, document: str, part: str) -> bool:
        return part in self.documents.get(document, {}).get("$defs", {})

    def response_part(self, operation: str, status: int) -> tuple[str, str] | None:
        """Which schema describes this status: the operation's own, else the shared error shapes."""
        if self.has(operation, f"response_{status}"):
            return operation, f"response_{status}"
        if status >= 400:
            for part in (f"error_{status}", "error"):
                if self.has("errors", part):
                    return "errors", part
        return None

    def _validator(self, document: str, part: str):
        key = f"{document}#{part}"
        validator = self._validators.get(key)
        if validator is None:
            validator = jsonschema_rs.validator_for(
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": self.uri(document, part)},
                registry=self._registry,
                validate_formats=True,
            )
            self._validators[key] = validator
        return validator

    def check(self, operation: str, direction: str, instance: Any, status: int | None = None) -> list[Violation]:
        """Violations of one direction of one exchange; an undescribed part is itself a violation."""
        if direction == "response":
            found = self.response_part(operation, status or 0)
            if found is None:
                return [Violation(operation, direction, "", "status", f"no schema describes status {status}")]
            document, part = found
        else:
            document, part = operation, direction
            if not self.has(document, part):
                if instance in (None, {}, b""):
                    return []
                return [Violation(operation, direction, "", "schema", f"{operation} takes no {direction}")]
        out = []
        for err in self._validator(document, part).iter_errors(instance):
            rule = str(err.schema_path[-1]) if err.schema_path else "schema"
            path = list(err.instance_path)
            if rule == "required":
                prop = err.kind.as_dict().get("property")
                if isinstance(prop, str):
                    path.append(prop)
            out.append(Violation(operation, direction, _pointer(path), rule, err.message))
        return out

    def unknown_fields_policy(self, operation: str) -> str:
        """`x-unknown-fields` in an operation's document: "reject" (strict API) or "ignore"."""
        return self.documents.get(operation, {}).get("x-unknown-fields", "ignore")


@cache
def schema_set(platform: str) -> SchemaSet:
    return SchemaSet(platform)
