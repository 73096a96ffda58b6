"""The partner's own order: lines, reward lines, vouchers, totals, and the POST /v1/orders body.

Nothing here talks to Pongo; the order is the partner's, Pongo is only told about it once paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from poscert.drivers.contract import OptIn, OrderLine, OrderView, Product

VOUCHER_SKU = "VOUCHER"


def own_products(external_id: str | None, catalog: list[Product]) -> list[Product]:
    """The products of our catalog a free_product reward names.

    `external_id` lists SKUs of every partner the merchant uses ("KSK-BURGER, ZLT-42"); the
    other partners' SKUs are not ours to interpret, so they are dropped, not reported.
    """
    by_sku = {product.sku: product for product in catalog}
    skus = [sku.strip() for sku in (external_id or "").split(",")]
    return [by_sku[sku] for sku in dict.fromkeys(skus) if sku in by_sku]


def optin_fields(optin: OptIn) -> dict[str, bool]:
    """The opt-in fields to send: only questions answered, so no answer is never sent as consent."""
    fields = {
        name: answer for name, answer in (("email_optin", optin.email), ("sms_optin", optin.sms)) if answer is not None
    }
    if fields:
        fields["has_optin"] = any(fields.values())
    return fields


@dataclass(frozen=True)
class Voucher:
    """A voucher created in our system from a won voucher_* reward, under the reward's coupon code."""

    code: str
    won_reward_id: str
    title: str
    type: str  # voucher_amount (value in cents) or voucher_percentage (value in percent)
    value: int

    def discount(self, subtotal: int) -> int:
        off = self.value if self.type == "voucher_amount" else subtotal * self.value // 100
        return min(off, subtotal)

    def line(self) -> OrderLine:
        # Shown and sent as a zero-price line: the money is in the discount, the line confirms the reward.
        return OrderLine(VOUCHER_SKU, self.title, 1, 0, reward_id=self.won_reward_id, voucher_code=self.code)


@dataclass
class Order:
    order_id: str
    location: str
    lines: list[OrderLine] = field(default_factory=list)
    vouchers: list[Voucher] = field(default_factory=list)
    status: str = "open"
    payment_method: str = "card"
    messages: list[str] = field(default_factory=list)
    notices: set[str] = field(default_factory=set)

    @property
    def is_open(self) -> bool:
        """A declined card leaves the order open: the customer may pay again, change it, or cancel it."""
        return self.status in ("open", "declined")

    @property
    def subtotal(self) -> int:
        return sum((line.unit_price + sum(o.price for o in line.options)) * line.quantity for line in self.lines)

    @property
    def discount(self) -> int:
        subtotal = self.subtotal
        return min(sum(voucher.discount(subtotal) for voucher in self.vouchers), subtotal)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount

    def remove_reward(self, won_reward_id: str) -> None:
        self.lines = [line for line in self.lines if line.reward_id != won_reward_id]
        self.vouchers = [v for v in self.vouchers if v.won_reward_id != won_reward_id]

    def remove_rewards(self) -> bool:
        """Drop every reward line and voucher; True if there was one."""
        had = any(line.reward_id for line in self.all_lines())
        self.lines = [line for line in self.lines if not line.reward_id]
        self.vouchers = []
        return had

    def all_lines(self) -> list[OrderLine]:
        return self.lines + [voucher.line() for voucher in self.vouchers]

    def tell(self, message: str, notice: str | None = None) -> None:
        self.messages.append(message)
        if notice:
            self.notices.add(notice)

    def view(self) -> OrderView:
        return OrderView(
            self.order_id,
            self.location,
            self.all_lines(),
            self.total,
            self.discount,
            self.status,
            list(self.messages),
            set(self.notices),
        )

    def payload(
        self,
        *,
        store_slug: str,
        channel: str,
        delivery_mode: str,
        delivery_status: str,
        customer: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The POST /v1/orders body of this paid order; built once, so a resend is byte-identical."""
        body: dict[str, Any] = {
            "order_id": self.order_id,
            "channel": channel,
            "delivery_mode": delivery_mode,
            "loyalty_store_slug": store_slug,
            "amount": self.total,
            "status": "paid",
            "delivery_status": delivery_status,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "lines": [_line_payload(line) for line in self.all_lines()],
            "payments": [{"method": self.payment_method, "amount": self.total}] if self.total else [],
        }
        if customer:
            body["customer"] = customer
        return body


def _line_payload(line: OrderLine) -> dict[str, Any]:
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


def free_line(product: Product, won_reward_id: str, options: tuple[str, ...]) -> OrderLine:
    """The reward's product at price 0; the options chosen stay at their price (they are not the reward)."""
    return replace(paid_line(product, options), unit_price=0, reward_id=won_reward_id)


def paid_line(product: Product, options: tuple[str, ...]) -> OrderLine:
    offered = {option.sku: option for option in product.options}
    unknown = [sku for sku in options if sku not in offered]
    if unknown:
        raise ValueError(f"{product.sku} has no option {', '.join(unknown)}")
    return OrderLine(product.sku, product.name, 1, product.price, tuple(offered[sku] for sku in options))


def receipt_text(order: Order, loyalty: str) -> str:
    """The printed receipt: lines, discount, total and what happened to the loyalty points."""
    rows = [f"Order {order.order_id} ({order.location})"]
    for line in order.lines:
        label = f"{line.name} (reward)" if line.reward_id else line.name
        rows.append(f"{line.quantity} x {label:<28}{_money(line.unit_price * line.quantity):>9}")
        rows += [f"    + {option.name:<28}{_money(option.price * line.quantity):>9}" for option in line.options]
    for voucher in order.vouchers:
        rows.append(f"Voucher {voucher.code:<24}{'-' + _money(voucher.discount(order.subtotal)):>9}")
    rows += [f"{'Total':<32}{_money(order.total):>9}", loyalty]
    return "\n".join(rows)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
