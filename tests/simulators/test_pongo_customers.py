"""Stores and customers: create, read by id / phone / HEAD, update, list."""

from __future__ import annotations

import pytest


def new_customer(shop, **fields):
    return {"international_phone_number": "32470000001", "reference_store_slug": shop.stores[0].slug, **fields}


def test_stores_list_the_merchants_stores(api, shop):
    data = api.get("/v1/stores").json()["data"]
    assert [s["slug"] for s in data] == [s.slug for s in shop.stores] and len(data) == 3


def test_create_customer(api, shop):
    answer = api.post(
        "/v1/customers",
        json=new_customer(
            shop,
            first_name="Léa",
            sms_optin=True,
            email_optin=False,
            email="lea@example.be",
            birthday="1990-02-03",
            tags=["vip"],
            points=10,
            pin="1234",
        ),
    )
    assert answer.status_code == 201
    data = answer.json()["data"]
    assert data["public_id"].startswith("cust_") and data["points"] == 10 and data["has_optin"] is None
    assert data["sms_optin"] is True and data["email_optin"] is False and data["birthday"] == "1990-02-03"
    assert data["created_at"] == "2026-01-15T10:00:00+00:00" and "pin" not in data
    stored = shop.customer_by_phone("32470000001")
    assert stored.public_id == data["public_id"] and stored.pin == "1234"


def test_create_by_reference_store_public_id(api, shop):
    body = {"international_phone_number": "32470000002", "reference_store_public_id": shop.stores[1].public_id}
    answer = api.post("/v1/customers", json=body)
    assert answer.status_code == 201 and answer.json()["data"]["reference_store_slug"] == shop.stores[1].slug


@pytest.mark.parametrize(
    "fields, key, text",
    [
        ({"international_phone_number": None}, "international_phone_number", None),
        ({"reference_store_slug": "nowhere"}, "reference_store_slug", "The selected reference store slug is invalid."),
        (
            {"international_phone_number": "+32470000001"},
            "international_phone_number",
            "The international phone number field format is invalid.",
        ),
        ({"birthday": "2030-01-01"}, "birthday", "The birthday field must be a date before today."),
        ({"gender": "male"}, "gender", "The selected gender is invalid."),
        ({"pin": "12345"}, "pin", "The pin field format is invalid."),
        ({"has_optin": "yes"}, "has_optin", "The has optin field must be true or false."),
        ({"payment_method_hash": "unknown"}, "payment_method_hash", "The selected payment method hash is invalid."),
    ],
)
def test_create_customer_refusals(api, shop, fields, key, text):
    body = {k: v for k, v in new_customer(shop, **fields).items() if v is not None}
    answer = api.post("/v1/customers", json=body)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert key in errors and (text is None or errors[key] == [text])


def test_reference_store_required_without_public_id(api):
    answer = api.post("/v1/customers", json={"international_phone_number": "32470000003"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"reference_store_slug": ["The reference store slug field is required."]}


def test_phone_already_taken(api, shop):
    taken = next(iter(shop.customers.values())).international_phone_number
    answer = api.post("/v1/customers", json=new_customer(shop, international_phone_number=taken))
    assert answer.status_code == 422
    assert answer.json() == {
        "message": "The international phone number has already been taken.",
        "errors": {"international_phone_number": ["The international phone number has already been taken."]},
    }


def test_unknown_fields_are_ignored_but_journaled(api, shop, sim):
    answer = api.post("/v1/customers", json=new_customer(shop, nickname="Lulu"))
    assert answer.status_code == 201
    violations = sim.journal.last("create_customer").request_violations()
    assert [(v.rule, v.pointer) for v in violations] == [("additionalProperties", "")]


def test_get_by_id_phone_and_head(api, shop):
    customer = next(iter(shop.customers.values()))
    assert api.get(f"/v1/customers/{customer.public_id}").json()["data"]["points"] == customer.points
    by_phone = api.get(f"/v1/customers/phone/{customer.international_phone_number}")
    assert by_phone.json()["data"]["public_id"] == customer.public_id
    head = api.head(f"/v1/customers/phone/{customer.international_phone_number}")
    assert head.status_code == 200 and head.content == b""
    missing = api.head("/v1/customers/phone/32400000000")
    assert missing.status_code == 404 and missing.content == b""
    assert api.get("/v1/customers/phone/32400000000").status_code == 404
    assert api.get("/v1/customers/cust_doesnotexist").json() == {
        "message": "No query results for model [App\\Models\\Customer]."
    }


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_customer(api, shop, sim, method):
    customer = next(iter(shop.customers.values()))
    before = customer.points
    sim.clock.advance(60)
    answer = api.request(
        method, f"/v1/customers/{customer.public_id}", json={"first_name": "Nouveau", "email_optin": True, "points": 5}
    )
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert data["first_name"] == "Nouveau" and data["email_optin"] is True and data["points"] == before + 5
    assert data["updated_at"] == "2026-01-15T10:01:00+00:00" and data["last_name"] == customer.last_name


def test_update_to_a_taken_phone_is_refused(api, shop):
    first, second = list(shop.customers.values())[:2]
    answer = api.patch(
        f"/v1/customers/{first.public_id}", json={"international_phone_number": second.international_phone_number}
    )
    assert answer.status_code == 422
    same = api.patch(
        f"/v1/customers/{first.public_id}", json={"international_phone_number": first.international_phone_number}
    )
    assert same.status_code == 200


def test_list_paginates_and_filters(api, shop):
    page = api.get("/v1/customers", params={"per_page": "6", "page": "2"}).json()
    assert page["meta"] == {"current_page": 2, "per_page": 6, "total": 20, "last_page": 4}
    assert page["links"]["next"].endswith("page=3") and page["links"]["prev"].endswith("page=1")
    assert len(page["data"]) == 6
    last = api.get("/v1/customers", params={"per_page": "6", "page": "4"}).json()
    assert len(last["data"]) == 2 and last["links"]["next"] is None
    phone = next(iter(shop.customers.values())).international_phone_number
    found = api.get("/v1/customers", params={"phone": phone}).json()
    assert [c["international_phone_number"] for c in found["data"]] == [phone]
    assert api.get("/v1/customers", params={"page": "abc"}).status_code == 422


def test_update_reference_store_by_public_id(api, shop):
    customer = next(iter(shop.customers.values()))
    answer = api.patch(
        f"/v1/customers/{customer.public_id}", json={"reference_store_public_id": shop.stores[2].public_id}
    )
    assert answer.json()["data"]["reference_store_slug"] == shop.stores[2].slug
    wrong = api.patch(f"/v1/customers/{customer.public_id}", json={"reference_store_public_id": "store_nope"})
    assert wrong.json()["errors"] == {
        "reference_store_public_id": ["The selected reference store public id is invalid."]
    }
