"""Fixtures and helpers of the Spoonity simulator tests (imported by tests/simulators/test_spoonity_*.py).

Every test using `ssim` ends by checking the journal: no simulator bug (500 from an exception) and
no response that breaks its own schema.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from poscert.simulators.core.transports import mock_transport
from poscert.simulators.spoonity.backend import VendorBackend
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from tests.simulators.conftest import assert_clean_journal

BASE = "https://api.spoonity.com"

# The seed's (004) example bodies, byte for byte as the guide writes them.
SEED_GIFT_CARD = b"""{
"card_number": "john.smith@example.com",
"till": 1,
"amount": -10.00,
"date": 1416240444
}"""
SEED_LOYALTY_PAY = b"""{
"card_number": "brandin@spoonity.com",
"amount": 10.00
}"""
SEED_ORDER = b"""{
"card_number": "john.smith@example.com",
"till": 1,
"receipt_number": "BC-PROMO-005",
"subtotal": 10,
"taxes": [],
"total": 10,
"payment_method": "CASH",
"date": "1422901482",
"cashier": {
"id": "_tony_",
"name": "Tony"
},
"line_items": [{
"id": "__unknown_id",
"name": "Unknown product",
"categories": [],
"discounts": [],
"price": 10,
"quantity": 1,
"modifiers": []
}],
"discounts": []
}"""
SEED_CHECKIN = b"""{
"card_number": "john.smith@example.com"
}"""


@pytest.fixture
def ssim():
    simulator = SpoonitySimulator(seed=7)
    yield simulator
    assert_clean_journal(simulator)


@pytest.fixture
def pos(ssim: SpoonitySimulator):
    """A POS of the default vendor's first location: its api_key on every call."""
    with httpx.Client(transport=mock_transport(ssim), base_url=BASE, params={"api_key": ssim.api_key()}) as http:
        yield http


@pytest.fixture
def raw(ssim: SpoonitySimulator):
    """A client with no api_key."""
    with httpx.Client(transport=mock_transport(ssim), base_url=BASE) as http:
        yield http


@pytest.fixture
def vendor(ssim: SpoonitySimulator) -> VendorBackend:
    return ssim.backend(ssim.default_vendor)


def client_for(ssim: SpoonitySimulator, vendor: str | None = None, index: int = 0) -> httpx.Client:
    return httpx.Client(transport=mock_transport(ssim), base_url=BASE, params={"api_key": ssim.api_key(vendor, index)})


def order(receipt: str, subtotal: float = 10, card: str = "john.smith@example.com", **extra: Any) -> dict[str, Any]:
    """A complete order in the seed's shape."""
    return {
        "card_number": card,
        "till": 1,
        "receipt_number": receipt,
        "subtotal": subtotal,
        "taxes": [{"name": "VAT", "amount": 1.3}],
        "total": subtotal,
        "payment_method": "CASH",
        "date": 1768471200,
        "cashier": {"id": "_tony_", "name": "Tony"},
        "line_items": [
            {
                "id": "latte",
                "name": "Latte",
                "categories": [],
                "discounts": [],
                "price": subtotal,
                "quantity": 1,
                "modifiers": [],
            }
        ],
        "discounts": [],
        **extra,
    }


def post_json(client: httpx.Client, path: str, body: Any, method: str = "POST") -> httpx.Response:
    """Send any JSON (odd values included): httpx cannot send a lone surrogate, JSON's escape can."""
    return client.request(method, path, content=json.dumps(body).encode(), headers={"content-type": "application/json"})


def checkin(client: httpx.Client, card: str = "john.smith@example.com") -> str:
    answer = client.post("/onscreen", json={"card_number": card})
    assert answer.status_code == 201, answer.text
    return answer.json()["pos_session"]["hash"]


def message(answer: httpx.Response) -> str:
    return answer.json()["error"]["errors"][0]["message"]


def points(client: httpx.Client, card: str = "john.smith@example.com") -> int:
    details = client.get("/onscreen", params={"pos_session_hash": checkin(client, card)}).json()
    return details["loyalty_balance"]["data"][0]["amount"]


__all__ = [
    "BASE",
    "SEED_CHECKIN",
    "SEED_GIFT_CARD",
    "SEED_LOYALTY_PAY",
    "SEED_ORDER",
    "checkin",
    "client_for",
    "message",
    "order",
    "points",
    "pos",
    "post_json",
    "raw",
    "ssim",
    "vendor",
]
