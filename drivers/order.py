"""The partner's own order: lines, reward lines, vouchers, totals and the receipt.

Nothing here talks to a platform: the order is the partner's, the platform is only told about
it once paid, in its own wire format (see each platform's `wire.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from poscert.drivers.contract import OrderLine, OrderView, Product

VOUCHER_SKU = "VOUCHER"


@dataclass(frozen=True)
class Voucher:
    """A voucher created in our system from a won reward, under the platform's coupon code."""

    code: str
    won_reward_id: str
    title: str
    percent: bool  # value in percent of the subtotal, else in cents
    value: int

    def discount(self, subtotal: int) -> int:
        off = subtotal * self.value // 100 if self.percent else self.value
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
