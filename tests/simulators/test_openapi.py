"""The OpenAPI document assembled from routes and schemas is sound: every reference resolves."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from poscert.base.validation import schema_refs
from poscert.simulators.core.openapi import build_openapi
from poscert.simulators.pongo.simulator import PongoSimulator


@pytest.fixture(scope="module")
def spec() -> dict:
    return build_openapi(PongoSimulator)


def _pointer(document: dict, ref: str):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_route_is_described(spec):
    operations = [(path, method) for path, methods in spec["paths"].items() for method in methods]
    assert len(operations) == len(PongoSimulator.routes)
    ids = [op["operationId"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids))
    order = spec["paths"]["/v1/orders"]["post"]
    assert order["security"] == [{"bearer": ["order.create"]}]
    assert set(order["responses"]) >= {"201", "202", "401", "422", "default"}
    assert spec["paths"]["/v1/oauth/token"]["post"]["security"] == []
    assert set(spec["paths"]["/v1/oauth/token"]["post"]["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert "content" not in spec["paths"]["/v1/webhooks/{id}"]["delete"]["responses"]["204"]


def test_path_parameters_match_templates(spec):
    for path, methods in spec["paths"].items():
        for op in methods.values():
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == set(re.findall(r"\{(\w+)\}", path))


def test_every_reference_resolves(spec):
    refs = schema_refs(spec)
    assert refs and all(r.startswith("#/components/") for r in refs)
    for ref in refs:
        _pointer(spec, ref)
    for component in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(component)


def test_embedded_schemas_validate_like_the_originals(spec):
    """The order body through the OpenAPI document's copy: the same verdicts as through the schema files."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:openapi", resource)
    validator = Draft202012Validator(
        {"$ref": "urn:openapi#/components/schemas/create_order/$defs/request"}, registry=registry
    )
    assert not validator.is_valid({"lines": []})
    body = {
        "order_id": "1",
        "channel": "pos",
        "delivery_mode": "eat_in",
        "loyalty_store_slug": "s",
        "amount": 1,
        "status": "paid",
        "created_at": "2026-01-15T10:00:00+00:00",
        "delivery_status": "ready",
        "lines": [{"sku": "a", "name": "a", "quantity": 1, "unit_price": 1}],
        "customer": {"international_phone_number": "32470000000"},
    }
    assert list(validator.iter_errors(body)) == []


def test_validates_with_openapi_spec_validator(spec):
    from openapi_spec_validator import validate

    validate(spec)
