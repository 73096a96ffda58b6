"""Pongo's wire format for what the till knows: the order body, the opt-in fields, a reward's SKUs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from poscert.drivers.contract import OptIn, OrderLine, Product
from poscert.drivers.order import Order


def own_products(external_id: str | None, catalog: list[Product]) -> list[Product]:
    """The products of our catalog a free_product reward names.

    `external_id` lists SKUs of every partner the merchant uses ("KSK-BURGER, ZLT-42"); the
    other partners' SKUs are not ours to interpret, so they are dropped, not reported.
    """
    by_sku = {product.sku: product for product in catalog}
    return [by_sku[sku] for sku in dict.fromkeys(skus_of(external_id)) if sku in by_sku]


def skus_of(external_id: str | None) -> list[str]:
    """The SKUs a merchant typed into a reward's external_id, comma-separated, spaces around them dropped."""
    return [sku.strip() for sku in (external_id or "").split(",") if sku.strip()]


def optin_fields(optin: OptIn) -> dict[str, bool]:
    """The opt-in fields to send: only questions answered, so no answer is never sent as consent."""
    fields = {
        name: answer for name, answer in (("email_optin", optin.email), ("sms_optin", optin.sms)) if answer is not None
    }
    if fields:
        fields["has_optin"] = any(fields.values())
    return fields


def order_payload(
    order: Order,
    *,
    store_slug: str,
    channel: str,
    delivery_mode: str,
    delivery_status: str,
    customer: dict[str, Any] | None,
) -> dict[str, Any]:
    """The POST /v1/orders body of a paid order; built once, so a resend is byte-identical."""
    body: dict[str, Any] = {
        "order_id": order.order_id,
        "channel": channel,
        "delivery_mode": delivery_mode,
        "loyalty_store_slug": store_slug,
        "amount": order.total,
        "status": "paid",
        "delivery_status": delivery_status,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "lines": [_line(line) for line in order.all_lines()],
        "payments": [{"method": order.payment_method, "amount": order.total}] if order.total else [],
    }
    if customer:
        body["customer"] = customer
    return body


def _line(line: OrderLine) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "options": [{"sku": o.sku, "name": o.name, "unit_price": o.price} for o in line.options],
    }
    if line.reward_id:
        body["reward_id"] = line.reward_id
    return body
