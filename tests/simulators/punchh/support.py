"""Fixtures and helpers of the Punchh simulator tests (imported by tests/simulators/test_punchh_*.py).

Every test using `psim` ends by checking the journal: no simulator bug (500 from an exception) and
no response that breaks its own schema.
"""

from __future__ import annotations

import base64
import hashlib
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from poscert.simulators.core.transports import mock_transport
from poscert.simulators.punchh.backend import BusinessBackend
from poscert.simulators.punchh.models import User
from poscert.simulators.punchh.platform import digest
from poscert.simulators.punchh.receipts import barcode, check_digit
from poscert.simulators.punchh.simulator import PunchhSimulator
from tests.simulators.conftest import assert_clean_journal

BASE = "https://pos.punchh.com"
WHEN = "2026-01-15T09:30:00-05:00"


@pytest.fixture
def psim():
    simulator = PunchhSimulator(seed=7)
    yield simulator
    assert_clean_journal(simulator)


@pytest.fixture
def pos(psim: PunchhSimulator):
    """A POS of the default business's first store: its key pair and a User-Agent on every call."""
    with httpx.Client(transport=mock_transport(psim), base_url=BASE, headers=psim.pos_headers()) as http:
        yield http


@pytest.fixture
def raw(psim: PunchhSimulator):
    """A client with no headers of its own."""
    with httpx.Client(transport=mock_transport(psim), base_url=BASE) as http:
        yield http


@pytest.fixture
def biz(psim: PunchhSimulator) -> BusinessBackend:
    return psim.backend(psim.default_business)


def regular(backend: BusinessBackend) -> User:
    """The first guest: every kind of identifier, points, three rewards (coffee shop)."""
    return list(backend.users.values())[0]


def guest(backend: BusinessBackend, role: str) -> User:
    index = ("regular", "light", "banned", "newcomer").index(role)
    return list(backend.users.values())[index]


def key_for(n: int) -> str:
    """A well-formed 12-digit Punchh key, different for each n."""
    return f"{374951000000 + n:012d}"


def line(name: str, amount: float | str, item_id: int | str = 3419, kind: str = "M") -> dict[str, Any]:
    """A Redemptions 2.0 line item."""
    return {
        "item_name": name,
        "item_qty": 1,
        "amount": amount,
        "item_type": kind,
        "item_id": item_id,
        "item_family": "10",
        "item_group": "gp",
        "serial_number": 1,
    }


def menu(name: str, amount: float | str, kind: str = "M", item_id: str = "3419", serial: str = "1.0") -> dict[str, Any]:
    """A POS 1.0 menu item."""
    return {
        "item_name": name,
        "item_qty": 1,
        "item_amount": amount,
        "menu_item_type": kind,
        "menu_item_id": item_id,
        "menu_family": "800",
        "menu_major_group": "152",
        "serial_number": serial,
    }


def order(user: User, lines: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A Redemptions 2.0 order body: subtotal is the sum of the M lines."""
    lines = lines if lines is not None else [line("Latte", 6), line("Cookie", 4, 5501)]
    total = sum(Decimal(str(i["amount"])) for i in lines if i["item_type"] == "M")
    return {
        "user_id": user.id,
        "line_items": lines,
        "receipt_datetime": WHEN,
        "subtotal_amount": float(total),
        "receipt_amount": float(total),
        "transaction_no": "5001",
        "punchh_key": key_for(1),
        "external_uid": "TX-5001",
        **extra,
    }


def receipt(
    items: list[dict[str, Any]] | None = None, key: str | None = None, transaction_no: str = "4488", **extra: Any
) -> dict[str, Any]:
    """A balanced check (12.00 of items, 2.00 off, 1.00 tax, 11.00 paid) with the check-level fields."""
    items = (
        items
        if items is not None
        else [
            menu("Latte", 6, serial="1.0"),
            menu("Sandwich", 6, item_id="2210", serial="2.0"),
            menu("Promo", 2, "D", serial="3.0"),
            menu("Tax", 1, "T", item_id="TAX", serial="4.0"),
            menu("Visa", 11, "P", item_id="VISA", serial="5.0"),
        ]
    )
    return {
        "pos_version": "V03",
        "transaction_no": transaction_no,
        "receipt_datetime": WHEN,
        "revenue_code": "Dine In",
        "revenue_id": "1",
        "menu_items": items,
        "receipt_amount": 10,
        "subtotal_amount": 10,
        "payable": 11,
        "punchh_key": key or key_for(2),
        "pos_type": "Proprietary POS",
        "channel": "pos",
        **extra,
    }


def signed(client: httpx.Client, secret: str, path: str, body: dict[str, Any], **headers: str) -> httpx.Response:
    """POST a body signed as Advanced Authentication wants it (x-pch-digest over path + body)."""
    raw = json.dumps(body).encode()
    sent = {
        "content-type": "application/json",
        "user-agent": "PoscertApp/1.0/7 (iOS; iPhone)",
        "x-pch-digest": digest(secret, path, raw),
        **headers,
    }
    return client.post(path, content=raw, headers=sent)


def pkce(verifier: str = "a-verifier-of-at-least-forty-three-characters-long") -> tuple[str, str]:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


__all__ = [
    "BASE",
    "WHEN",
    "barcode",
    "biz",
    "check_digit",
    "guest",
    "key_for",
    "line",
    "menu",
    "order",
    "pkce",
    "pos",
    "psim",
    "raw",
    "receipt",
    "regular",
    "signed",
]
