"""The OpenAPI document of a platform that lives outside poscert: its routes, its schemas, its security."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from poscert.simulators.core.openapi import build_openapi
from tests.core.toy import TOY, ToySimulator


@pytest.fixture(scope="module")
def spec() -> dict:
    return build_openapi(ToySimulator)


def test_the_toys_document_is_valid_openapi(spec):
    validate(spec)
    assert spec["info"]["title"] == "Toy (as poscert simulates it)"
    assert spec["servers"] == [{"url": "https://api.toy.test"}]


def test_it_describes_the_toys_routes_from_the_toys_schemas(spec):
    assert {path: set(methods) for path, methods in spec["paths"].items()} == {
        "/v1/ping": {"get"},
        "/v1/things": {"post"},
        "/v1/things/{thing_id}": {"get"},
    }
    assert set(spec["components"]["schemas"]) == {"common", "errors", "ping", "create_thing", "get_thing"}
    create = spec["paths"]["/v1/things"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/create_thing/$defs/request"
    }
    assert set(create["responses"]) == {"201", "default"}
    assert [p["name"] for p in spec["paths"]["/v1/ping"]["get"]["parameters"]] == ["echo"]
    assert [p["name"] for p in spec["paths"]["/v1/things/{thing_id}"]["get"]["parameters"]] == ["thing_id"]


def test_it_uses_the_toys_security_scheme(spec):
    assert spec["components"]["securitySchemes"] == dict(TOY.security_schemes)
    assert spec["paths"]["/v1/things"]["post"]["security"] == [{"toyKey": []}]
    assert spec["paths"]["/v1/ping"]["get"]["security"] == []  # public route
