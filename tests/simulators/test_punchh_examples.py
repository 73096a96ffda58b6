"""The platform's own documents: every request example of the endpoints the simulator serves is
accepted (schema-valid, answered without a 5xx, most of them 2xx once their placeholders name real
guests), every answer matches our schemas, and the OpenAPI document we assemble is valid.

The documents live outside the repository (../shared/platform-specs/punchh/); the example tests
skip when that folder is absent.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from poscert.simulators.core.openapi import build_openapi
from poscert.simulators.punchh.simulator import PunchhSimulator
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import key_for, regular

SPECS = Path(__file__).resolve().parents[3] / "shared" / "platform-specs" / "punchh"
DOCUMENTS = (
    "punchh-pos-api-openapi.yml",
    "punchh-pos-redemptions-v2-openapi.yml",
    "punchh-pos-redemptions-legacy-openapi.yml",
)
# The order a POS would call them in, so that each example finds the state it assumes.
ORDER = (
    "create_user",
    "user_balance",
    "find_user",
    "discount_select",
    "discount_active",
    "discount_unselect",
    "discount_lookup",
    "discount_unlock",
    "auto_select",
    "batch_redemption",
    "void_batch_redemption",
    "create_checkin",
    "receipt_details",
    "possible_redemption",
    "create_redemption",
    "void_redemption",
    "void_multiple_redemptions",
    "applicable_offers",
)
# Examples that are refused on purpose, and why (everything else must be 2xx).
REFUSED = {
    ("possible_redemption", "Subscription"): "subscriptions are not emulated (422)",
    ("possible_redemption", "Fuel Reward"): "fuel rewards are not emulated (422)",
    ("create_redemption", "Subscription"): "subscriptions are not emulated (422)",
    ("create_redemption", "Fuel Reward"): "fuel rewards are not emulated (422)",
    ("void_batch_redemption", "Example"): "the basket was committed just before: 410",
    ("void_multiple_redemptions", "Void redemption"): "both were voided one by one just before (422)",
}


@cache
def document(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((SPECS / name).read_text(encoding="utf-8"), Loader=loader)


def load_examples() -> list[tuple[str, str, str, Any]]:
    """(method, path, example name, body) of every request example of the three documents."""
    found = []
    for name in DOCUMENTS:
        spec = document(name)
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                content = (operation.get("requestBody") or {}).get("content", {})
                for media in content.values():
                    for title, example in (media.get("examples") or {}).items():
                        found.append((method.upper(), path, title, _parsed(example.get("value"))))
    return found


def _parsed(value: Any) -> Any:
    """Some examples are JSON written as a string; one (Create Transaction, not served) is broken JSON."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def route_of(method: str, path: str) -> str | None:
    for route in PunchhSimulator.routes:
        if route.method == method and route.pattern.match(path):
            return route.operation
    template = re.sub(r"\{\w+\}", "x", path)
    for route in PunchhSimulator.routes:
        if route.method == method and route.pattern.match(template):
            return route.operation
    return None


needs_specs = pytest.mark.skipif(not SPECS.is_dir(), reason=f"{SPECS} is absent")


@needs_specs
def test_every_route_but_ours_is_a_documented_operation():
    documented = {(m, p) for m, p, _, _ in load_examples()}
    for name in DOCUMENTS:
        spec = document(name)
        documented |= {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    ours = {(r.method, r.template) for r in PunchhSimulator.routes}
    undocumented = {(m, p) for m, p in ours if (m, p) not in documented}
    assert undocumented == {
        ("GET", "/ping"),  # the firewall article's health page
        ("POST", "/api2/password_less/token"),  # Advanced Authentication: the mobile surface, not these documents
        ("POST", "/api2/password_less/verify"),
    }


class Filler:
    """Replaces the docs' placeholders with the dataset's guest, rewards and keys, example by example."""

    def __init__(self, psim: PunchhSimulator) -> None:
        self.psim = psim
        self.biz = psim.backend(psim.default_business)
        self.user = regular(self.biz)
        self.count = 0

    def basket(self):
        ref = self.biz.active_baskets.get(self.user.id)
        return self.biz.baskets[ref] if ref else None

    def fill(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        self.count += 1
        biz, user, out = self.biz, self.user, dict(body)
        rewards = biz.rewards_of(user)
        own_code = next((c.code for c in biz.codes.values() if c.user_id == user.id), None)
        values = {
            "user_id": user.id,
            "email": user.email,
            "phone": user.phone,
            "card_number": user.card_number,
            "user_as_qrcode": user.qr_codes[0],
            "single_scan_code": next(c.code for c in biz.scan_codes.values() if c.expires_at > biz.now()),
            "redemption_code": own_code,
            "reward_id": rewards[-1].id if rewards else 1,  # the first is the one the guest's code redeems
            "redeemable_id": next(iter(biz.redeemables)),
            "redeemed_points": "1",
            "punchh_key": key_for(100 + self.count),
            "transaction_no": str(9000 + self.count),
            "external_uid": f"EX-{self.count}",
        }
        if operation in ("create_user",):
            return out  # the example as written: its phone and email are new to the dataset
        for key, value in values.items():
            if key in out:
                out[key] = value
        if operation in (
            "discount_lookup",
            "auto_select",
            "batch_redemption",
            "discount_select",
            "discount_unlock",
            "discount_unselect",
            "discount_active",
        ):
            out["external_uid"] = "EX-R2"  # one transaction holds the basket lock throughout
        if operation == "find_user":
            out.update(lookup_field="phone", lookup_value=user.phone)
        if operation == "discount_select":
            out["discount_basket_items_attributes"] = [
                {"discount_type": "reward", "discount_id": str(r.id)}
                for r in rewards[: len(body["discount_basket_items_attributes"])]
            ]
        if operation == "discount_unselect":
            out["discount_basket_item_ids"] = [i.id for i in self.basket().items]
        if operation in ("void_redemption", "void_multiple_redemptions"):
            made = [r for r in biz.redemptions.values() if r.api == "r1"]
            if "redemption_id" in body:
                ids = [r.id for r in made if r.code is None]
                out["redemption_id"] = ids if isinstance(body["redemption_id"], list) else ids[0]
            else:
                coupon = next(r for r in made if r.code is not None)
                out.update(redemption_code=coupon.code, transaction_no=coupon.transaction_no)
        return out

    def path(self, path: str) -> str:
        if "{redemption_ref}" in path:
            committed = next(
                b for b in self.biz.baskets.values() if b.user_id == self.user.id and b.status == "committed"
            )
            return path.replace("{redemption_ref}", committed.redemption_ref)
        return path


@needs_specs
def test_the_documents_request_examples_are_accepted(psim, pos):
    examples = [(m, p, t, b, route_of(m, p)) for m, p, t, b in load_examples()]
    served = sorted((e for e in examples if e[4]), key=lambda e: ORDER.index(e[4]))
    assert {e[4] for e in served} == set(ORDER)  # every operation that has examples is exercised
    filler = Filler(psim)
    outcomes = {}
    for method, path, title, body, operation in served:
        assert isinstance(body, dict), (operation, title)
        sent = filler.fill(operation, body)
        answer = pos.request(method, filler.path(path), json=sent)
        exchange = psim.journal.exchanges()[-1]
        assert exchange.operation == operation
        assert exchange.request_violations() == [], (operation, title, [str(v) for v in exchange.request_violations()])
        assert answer.status_code < 500, (operation, title, answer.text)
        outcomes[(operation, title)] = answer.status_code
        if (operation, title) not in REFUSED:
            assert 200 <= answer.status_code < 300, (operation, title, answer.text)
        else:
            assert 400 <= answer.status_code < 500, (operation, title, answer.text)
    assert len(outcomes) >= 35


@needs_specs
def test_the_examples_are_schema_valid_as_written(psim):
    """Before any placeholder is replaced: our request schemas accept the docs' bodies, placeholders and
    all, except the values our schemas type more tightly than the prose (named here)."""
    tighter = {("find_user", "lookup_field")}  # "phone/otp/none/": three alternatives in one example
    for method, path, title, body in load_examples():
        operation = route_of(method, path)
        if operation is None:
            continue
        assert isinstance(body, dict), (operation, title)
        fields = {v.pointer.strip("/").split("/")[0] for v in psim.schemas.check(operation, "request", body)}
        assert {(operation, f) for f in fields} <= tighter, (operation, title, fields)


@needs_specs
def test_user_search_by_each_documented_query_parameter(psim, pos, biz):
    spec = document(DOCUMENTS[0])
    params = [p["name"] for p in spec["paths"]["/api/pos/users/search"]["get"]["parameters"] if p["in"] == "query"]
    user = regular(biz)
    values = {
        "email": user.email,
        "phone": user.phone,
        "card_number": user.card_number,
        "user_as_qrcode": user.qr_codes[2],
        "single_scan_code": next(c.code for c in biz.scan_codes.values() if c.expires_at > biz.now()),
        "redemption_code": next(c.code for c in biz.codes.values() if c.user_id == user.id),
        "reward_id": str(biz.rewards_of(user)[0].id),
        "apple_nfc_data": user.apple_nfc_data,
        "nfc_token": user.nfc_token,
        "drive_thru_code": next(c.code for c in biz.short_codes.values() if c.single_scan_code),
    }
    assert sorted(params) == sorted(values)
    for name in params:
        answer = pos.get("/api/pos/users/search", params={name: values[name]})
        assert answer.status_code == 200 and answer.json()["id"] == user.id, name


def test_the_assembled_openapi_document_is_valid():
    from openapi_spec_validator import validate

    spec = build_openapi(PunchhSimulator)
    validate(spec)
    paths = spec["paths"]
    assert len([m for p in paths.values() for m in p]) == len(PunchhSimulator.routes)
    assert paths["/api/pos/checkins"]["post"]["security"] == [{"posToken": []}]
    assert paths["/ping"]["get"]["security"] == []
    # Advanced Authentication is signed, not keyed: the document says so per route.
    assert paths["/api2/password_less/token"]["post"]["security"] == [{"pchDigest": []}]
    assert paths["/api2/password_less/verify"]["post"]["security"] == [{"pchDigest": []}]
    assert set(paths["/api/pos/batch_redemptions/{redemption_ref}"]["delete"]["responses"]) >= {"202", "410", "422"}
    assert "content" not in paths["/api/pos/batch_redemptions/{redemption_ref}"]["delete"]["responses"]["202"]
    assert [s["url"] for s in spec["servers"]] == [
        "https://pos.punchh.com",
        "https://api.punchh.com",
        "https://isl.punchh.com",
    ]
