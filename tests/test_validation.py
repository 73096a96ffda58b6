"""Schema validation names the direction, the operation, the JSON pointer and the rule."""

import json

import pytest

from poscert.base.validation import BASE_URI, SchemaSet


def write(root, name, doc):
    (root / "demo").mkdir(exist_ok=True)
    (root / "demo" / f"{name}.json").write_text(json.dumps({"$id": f"{BASE_URI}/demo/{name}.json", **doc}))


@pytest.fixture
def schemas(tmp_path):
    write(tmp_path, "common", {"$defs": {"cents": {"type": "integer", "minimum": 0}}})
    write(tmp_path, "errors", {"$defs": {"error": {"type": "object", "required": ["message"]}}})
    write(
        tmp_path,
        "pay",
        {
            "$defs": {
                "request": {
                    "type": "object",
                    "required": ["amount"],
                    "additionalProperties": False,
                    "properties": {"amount": {"$ref": "common.json#/$defs/cents"}},
                },
                "response_201": {"type": "object", "required": ["id"]},
            }
        },
    )
    return SchemaSet("demo", root=tmp_path)


def test_a_violation_names_operation_direction_pointer_and_rule(schemas):
    [wrong] = schemas.check("pay", "request", {"amount": -5})
    assert (wrong.operation, wrong.direction, wrong.pointer, wrong.rule) == ("pay", "request", "/amount", "minimum")
    [missing] = schemas.check("pay", "request", {})
    assert (missing.pointer, missing.rule) == ("/amount", "required")
    [extra] = schemas.check("pay", "request", {"amount": 1, "tip": 2})
    assert extra.rule == "additionalProperties"


def test_responses_fall_back_to_the_shared_error_shapes_and_unknown_statuses_are_violations(schemas):
    assert schemas.check("pay", "response", {"id": "x"}, status=201) == []
    assert schemas.check("pay", "response", {"message": "no"}, status=422) == []
    [unknown] = schemas.check("pay", "response", {"id": "x"}, status=200)
    assert unknown.rule == "status"


def test_a_reference_to_a_missing_document_fails_at_load(tmp_path):
    write(tmp_path, "pay", {"$defs": {"request": {"$ref": "nowhere.json#/$defs/x"}}})
    with pytest.raises(ValueError, match="nowhere.json"):
        SchemaSet("demo", root=tmp_path)


def test_a_document_with_the_wrong_id_is_refused(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "pay.json").write_text(json.dumps({"$id": "https://elsewhere/pay.json"}))
    with pytest.raises(ValueError, match=r"\$id"):
        SchemaSet("demo", root=tmp_path)
