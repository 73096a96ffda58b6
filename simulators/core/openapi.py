"""An OpenAPI 3.1 description of a simulator, assembled from its routes and schema documents.

Nothing here restates a path or a field: paths, methods, scopes and summaries come
from the routes; bodies, queries and responses are `$ref`s into the schema documents,
which are embedded whole under `components/schemas` (OpenAPI 3.1 speaks JSON Schema
2020-12, and each document keeps its `$id`, so its relative `$ref`s still resolve).
"""

from __future__ import annotations

import re
from typing import Any

from poscert.base.validation import SchemaSet
from poscert.simulators.core.simulator import Simulator

DEFAULT_CONTENT_TYPES = ("application/json",)
ERRORS_DOCUMENT = "errors"


def build_openapi(sim_class: type[Simulator]) -> dict[str, Any]:
    platform = sim_class.declaration
    schemas = sim_class.load_schemas()
    scheme = next(iter(platform.security_schemes), None)
    paths: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for route in sim_class.routes:
        counts[route.operation] = counts.get(route.operation, 0) + 1
    for route in sim_class.routes:
        # One operation may serve several methods (PUT and PATCH); operationIds must stay unique.
        op_id = route.operation if counts[route.operation] == 1 else f"{route.operation}_{route.method.lower()}"
        operation: dict[str, Any] = {
            "operationId": op_id,
            "summary": route.summary or route.operation,
            "x-operation": route.operation,
            "parameters": _parameters(schemas, route.operation, route.template),
            "responses": _responses(schemas, route.operation),
        }
        if schemas.has(route.operation, "request"):
            document = schemas.documents[route.operation]
            types = document.get("x-request-content-types", DEFAULT_CONTENT_TYPES)
            operation["requestBody"] = {
                "required": True,
                "content": {t: {"schema": _ref(route.operation, "request")} for t in types},
            }
        if scheme is not None:
            required = route.security or scheme
            operation["security"] = [] if route.public else [{required: [route.scope] if route.scope else []}]
        paths.setdefault(route.template, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{platform.title} (as poscert simulates it)", "version": "1.0"},
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": f"https://{host}"} for host in platform.hosts],
        "paths": paths,
        "components": {
            "schemas": {name: _embedded(name, doc) for name, doc in schemas.documents.items()},
            "securitySchemes": dict(platform.security_schemes),
        },
    }


def _ref(document: str, part: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{document}/$defs/{part}"}


def _parameters(schemas: SchemaSet, operation: str, template: str) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"\{(\w+)\}", template)
    ]
    if schemas.has(operation, "query"):
        query = schemas.documents[operation]["$defs"]["query"]
        required = set(query.get("required", ()))
        params += [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": {"$ref": f"#/components/schemas/{operation}/$defs/query/properties/{name}"},
            }
            for name in query.get("properties", {})
        ]
    return params


def _responses(schemas: SchemaSet, operation: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    parts = [(operation, p) for p in schemas.documents[operation]["$defs"] if p.startswith("response_")]
    parts += [
        (ERRORS_DOCUMENT, p)
        for p in schemas.documents.get(ERRORS_DOCUMENT, {}).get("$defs", {})
        if re.fullmatch(r"error_\d{3}", p)
    ]
    for document, part in parts:
        status = part.rsplit("_", 1)[1]
        if status in out:
            continue  # the operation's own description wins over the shared error shape
        definition = schemas.documents[document]["$defs"][part]
        response: dict[str, Any] = {"description": definition.get("description", f"{status} answer")}
        if not _is_empty(schemas, document, definition):
            response["content"] = {"application/json": {"schema": _ref(document, part)}}
        out[status] = response
    if schemas.has(ERRORS_DOCUMENT, "error"):
        out["default"] = {
            "description": "Any other error",
            "content": {"application/json": {"schema": _ref(ERRORS_DOCUMENT, "error")}},
        }
    return out


def _is_empty(schemas: SchemaSet, document: str, definition: dict[str, Any]) -> bool:
    """A part whose schema is `{"type": "null"}` (directly or by one $ref) has no JSON body."""
    target = definition.get("$ref")
    if target:
        name, _, pointer = target.partition("#/$defs/")
        definition = schemas.documents[name.removesuffix(".json") or document]["$defs"].get(pointer, {})
    return definition.get("type") == "null"


def _embedded(name: str, node: Any) -> Any:
    """A schema document as a component: `common.json#/$defs/x` → `#/components/schemas/common/$defs/x`."""
    if isinstance(node, list):
        return [_embedded(name, item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("$id", "$schema"):
            continue  # a component is not a resource of its own
        if key == "$ref" and isinstance(value, str):
            target, _, pointer = value.partition("#")
            value = f"#/components/schemas/{target.removesuffix('.json') or name}{pointer}"
        out[key] = _embedded(name, value)
    return out
