"""Receipt arithmetic and the Punchh key: what a check says about itself, checked without any state.

Amounts arrive as JSON numbers or numeric strings (the docs' examples send both); they are read as
`Decimal` cents so that 0.1 + 0.2 balances. Menu item types [C]: M menu item (may be negative, a
negative M counts as a discount), D discount (always subtracted, whatever its sign), S service item
(service charge, tip, gift-card sale), T tax, P payment. Balancing rules [C, API notes §3.2]:

    subtotal_amount == receipt_amount (== amount on receipt details)
    subtotal = ΣM − ΣD
    subtotal + ΣS + ΣT = ΣP            (checked when the receipt lists its payments)

The Punchh key [C]: 12 digits (11 and 20 accepted) that the POS generates per check; the printed
barcode is EAN-13, the key plus the standard mod-10 check digit. The key's internal bit layout
(random bits, location short key, checksum) is not public, so it is not checked [NF].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
KEY_LENGTHS = (11, 12, 20)
ITEM_TYPES = ("M", "D", "S", "T", "P")


def money(value: Any) -> Decimal:
    """A JSON number or numeric string as an amount in cents; anything else is 0 (schemas refuse it first)."""
    if isinstance(value, bool) or value is None:
        return Decimal(0)
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return Decimal(0)


def amount_json(value: Decimal) -> float | int:
    """An amount as Punchh writes it: a JSON number, whole amounts without decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


def quantity(value: Any) -> int:
    number = money(value)
    return int(number) if abs(number) < 10**9 else 0


def as_int(value: Any) -> int | None:
    """An id as an integer when it is one (ASCII digits, at most 18 of them), else None."""
    digits = text(value).strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def text(value: Any) -> str:
    """An id the docs send as a number or a string ("3419", 3419, "1.0", 1): as text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Item:
    """One line of a check, whichever API spelled it (POS `menu_items`, R2.0 `line_items`)."""

    name: str
    qty: int
    amount: Decimal  # the line total, as sent
    type: str
    item_id: str
    family: str
    group: str
    serial: str

    @property
    def signed(self) -> Decimal:
        """What the line adds to the subtotal: D always subtracts."""
        return -abs(self.amount) if self.type == "D" else self.amount


def menu_items(raw: list[dict[str, Any]] | None) -> list[Item]:
    """POS 1.0 spelling: item_name, item_qty, item_amount, menu_item_type, menu_item_id, menu_family, ..."""
    return [
        Item(
            text(i.get("item_name")),
            quantity(i.get("item_qty")),
            money(i.get("item_amount")),
            text(i.get("menu_item_type")).upper(),
            text(i.get("menu_item_id")),
            text(i.get("menu_family")),
            text(i.get("menu_major_group")),
            text(i.get("serial_number")),
        )
        for i in raw or []
        if isinstance(i, dict)
    ]


def line_items(raw: list[dict[str, Any]] | None) -> list[Item]:
    """Redemptions 2.0 spelling: item_name, item_qty, amount, item_type, item_id, item_family, item_group."""
    return [
        Item(
            text(i.get("item_name")),
            quantity(i.get("item_qty")),
            money(i.get("amount")),
            text(i.get("item_type")).upper(),
            text(i.get("item_id")),
            text(i.get("item_family")),
            text(i.get("item_group")),
            text(i.get("serial_number")),
        )
        for i in raw or []
        if isinstance(i, dict)
    ]


@dataclass(frozen=True)
class Totals:
    menu: Decimal  # ΣM (negative M lines included)
    discounts: Decimal  # ΣD, as a positive amount
    services: Decimal  # ΣS
    taxes: Decimal  # ΣT
    payments: Decimal  # ΣP
    has_payments: bool

    @property
    def subtotal(self) -> Decimal:
        return self.menu - self.discounts


def totals(items: list[Item]) -> Totals:
    def total(kind: str) -> Decimal:
        return sum((i.amount for i in items if i.type == kind), Decimal(0))

    return Totals(
        total("M"),
        sum((abs(i.amount) for i in items if i.type == "D"), Decimal(0)),
        total("S"),
        total("T"),
        total("P"),
        any(i.type == "P" for i in items),
    )


def balance_problems(items: list[Item], body: dict[str, Any], amount_field: bool = False) -> list[str]:
    """Every balancing rule the receipt breaks, worded with the figures (empty when it balances)."""
    fields = ("subtotal_amount", "receipt_amount", "amount") if amount_field else ("subtotal_amount", "receipt_amount")
    given = {f: money(body[f]) for f in fields if body.get(f) not in (None, "")}
    problems = []
    if not given:
        return problems
    # The docs' priority when only one is sent: subtotal_amount > receipt_amount > amount [C].
    subtotal = next(given[f] for f in fields if f in given)
    for name, value in given.items():
        if value != subtotal:
            first = next(f for f in fields if f in given)
            problems.append(f"{name} ({value}) must equal {first} ({subtotal})")
    sums = totals(items)
    if sums.subtotal != subtotal:
        problems.append(
            f"subtotal_amount ({subtotal}) must equal the menu items minus the discounts "
            f"(ΣM − ΣD = {sums.menu} − {sums.discounts} = {sums.subtotal})"
        )
    if sums.has_payments:  # a receipt without P lines says nothing about how it was paid
        if subtotal + sums.services + sums.taxes != sums.payments:
            problems.append(
                f"subtotal + services + taxes ({subtotal} + {sums.services} + {sums.taxes} = "
                f"{subtotal + sums.services + sums.taxes}) must equal the payments (ΣP = {sums.payments})"
            )
        if body.get("payable") not in (None, "") and money(body["payable"]) != sums.payments:
            problems.append(f"payable ({money(body['payable'])}) must equal the payments (ΣP = {sums.payments})")
    return problems


def only_asks(body: dict[str, Any]) -> bool:
    """Batch Redemption with `query: true` only asks; a missing or false `query` commits [C; `false` is I]."""
    return body.get("query") in (True, "true", "True", 1, "1")


def fingerprint(items: list[Item], body: dict[str, Any]) -> str:
    """What must not change between a `query: true` call and its commit: the lines and the amounts."""
    lines = [(i.name, i.qty, str(i.amount), i.type, i.item_id, i.family, i.group, i.serial) for i in items]
    amounts = [str(money(body.get(f))) for f in ("subtotal_amount", "receipt_amount")]
    return json.dumps([lines, amounts])


# -- the Punchh key and its barcode -------------------------------------------------------------
def key_problem(key: Any) -> str | None:
    """Why a punchh_key is not one (digits only, 11, 12 or 20 of them), or None."""
    value = text(key)
    if not value.isascii() or not value.isdigit():
        return f"punchh_key must be digits only (got {value[:40]!r})"
    if len(value) not in KEY_LENGTHS:
        hint = " (the 13th digit is the barcode's check digit: send the key without it)" if len(value) == 13 else ""
        return f"punchh_key must be 11, 12 or 20 digits (got {len(value)}){hint}"
    return None


def check_digit(digits: str) -> int:
    """The EAN-13 check digit of 12 digits: weights 1, 3, 1, 3, … from the left, mod 10."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return (10 - total % 10) % 10


def barcode(key: str) -> str:
    """The EAN-13 a receipt prints for a 12-digit (or zero-padded 11-digit) key [I for 11 digits]."""
    digits = key.zfill(12)
    if len(digits) != 12 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("an EAN-13 barcode holds a 12-digit key")
    return digits + str(check_digit(digits))


def barcode_problem(printed: Any, key: str | None = None) -> str | None:
    """Why a printed barcode is not the EAN-13 of `key` (or of any key, without one), or None."""
    value = text(printed)
    if not value.isascii() or not value.isdigit() or len(value) != 13:
        return f"an EAN-13 barcode is 13 digits (got {value[:40]!r})"
    if int(value[12]) != check_digit(value[:12]):
        return f"check digit {value[12]} is wrong: {value[:12]} has check digit {check_digit(value[:12])}"
    if key is not None and value[:12] != key.zfill(12):
        return f"the barcode carries key {value[:12]}, not the check's punchh_key {key}"
    return None
