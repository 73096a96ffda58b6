"""Every schema document of every platform is valid Draft 2020-12 and its $refs resolve."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from poscert.base.validation import BASE_URI, SCHEMAS_DIR, schema_refs
from poscert.platforms import platforms

SHARED = ("common", "errors")
DOCUMENTS = sorted(SCHEMAS_DIR.glob("*/*.json"))


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_schema_document_is_valid(path):
    document = _load(path)
    Draft202012Validator.check_schema(document)
    assert document["$id"] == f"{BASE_URI}/{path.parent.name}/{path.name}"
    assert document.get("x-unknown-fields", "ignore") in ("ignore", "reject")
    registry = Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in map(_load, path.parent.glob("*.json"))
    )
    resolver = registry.resolver(base_uri=document["$id"])
    for ref in schema_refs(document):
        resolver.lookup(ref)
    # A platform's operation document holds only the parts SchemaSet looks up (schemas/driver/ is a protocol's).
    if path.parent.name in platforms() and path.stem not in SHARED:
        for part in document.get("$defs", {}):
            assert re.fullmatch(r"request|query|response_\d{3}", part), f"unexpected part {part}"
