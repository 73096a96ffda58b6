"""What every integration under test does and shows, whatever the platform.

The harness drives an integration only through these methods and reads only what
they return (what the integration *shows*) plus the traffic journal (what it *sent*).
Platform contracts extend this base; nothing here knows a platform's wire format.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

# Capabilities an integration may declare: only what the guides let a partner switch off ("Let us
# know if your system do not support voucher code or product catalog") or make conditional (payment
# handed to an external system). A requirement that needs an undeclared capability is reported
# "not_applicable (declared)", never a pass; every other requirement applies to every integration.
VOUCHERS = "vouchers"
PRODUCT_CATALOG = "product_catalog"
EXTERNAL_PAYMENT = "external_payment"
CAPABILITIES = frozenset({VOUCHERS, PRODUCT_CATALOG, EXTERNAL_PAYMENT})


# Notices: what the integration tells the customer, as codes, so the harness
# never matches free text (partners write their messages in any language).
LOYALTY_UNAVAILABLE = "loyalty_unavailable"  # the platform failed or timed out
CUSTOMER_NOT_FOUND = "customer_not_found"
NOT_ENOUGH_POINTS = "not_enough_points"
REWARD_NOT_USABLE = "reward_not_usable"  # no product of ours in the reward, or type unsupported
REWARD_REMOVED_UNLESS_PAID_HERE = "reward_removed_unless_paid_here"  # external payment cannot take it
ORDER_PENDING_SYNC = "order_pending_sync"  # paid, loyalty will be credited later


@dataclass(frozen=True)
class Connection:
    """What the partner received from the platform when its partner account was created."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)  # never printed: reports show reprs of step arguments
    redirect_uri: str = ""
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """A product option (extra cheese): its own SKU and price in cents."""

    sku: str
    name: str
    price: int


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: int  # cents
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class OptIn:
    """The customer's answers; None means the customer was not asked or did not answer."""

    email: bool | None = None
    sms: bool | None = None


@dataclass(frozen=True)
class ShownReward:
    """A reward as the integration displays it."""

    id: str  # the platform's id of the reward (or of the won reward, for purchased ones)
    title: str
    cost: int | None = None  # points
    type: str = ""
    redeemable: bool = True  # offered for redemption on this integration
    coupon_code: str | None = None


@dataclass
class LoyaltyScreen:
    """The loyalty view an identified customer (or the staff member) sees."""

    customer_id: str | None = None
    name: str | None = None
    balance: int | None = None
    rewards: list[ShownReward] = field(default_factory=list)  # the merchant's rewards
    purchased: list[ShownReward] = field(default_factory=list)  # already bought, shown apart
    messages: list[str] = field(default_factory=list)  # what the customer is told, as written
    notices: set[str] = field(default_factory=set)  # the same, as notice codes


class PaymentOutcome(enum.Enum):
    APPROVED = "approved"
    DECLINED = "declined"
    ABANDONED = "abandoned"
    EXTERNAL = "external"  # handed to an external system (a POS) that will close the order


@dataclass(frozen=True)
class OrderLine:
    sku: str
    name: str
    quantity: int
    unit_price: int  # cents, what the customer pays for one (0 for a free reward product)
    options: tuple[Option, ...] = ()  # chosen options, at the price charged
    reward_id: str | None = None
    voucher_code: str | None = None


@dataclass
class OrderView:
    """The order as the integration shows it: lines, total to pay, messages."""

    order_id: str
    location: str
    lines: list[OrderLine] = field(default_factory=list)
    total: int = 0  # cents to pay
    discount: int = 0  # cents taken off by vouchers
    status: str = "open"  # open, paid, declined, abandoned, cancelled, external_pending
    messages: list[str] = field(default_factory=list)
    notices: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class RewardOffer:
    """What adding a purchased reward to the order offers: products to choose from, or a voucher."""

    reward_id: str
    products: tuple[Product, ...] = ()  # free_product: the partner's own products the reward covers
    voucher_code: str | None = None  # voucher_*: the code created in the partner's system
    applied: bool = False
    message: str | None = None
    notice: str | None = None


@runtime_checkable
class Integration(Protocol):
    """Common to every platform."""

    kind: ClassVar[str]  # "kiosk" or "pos"
    platform: ClassVar[str]
    capabilities: ClassVar[frozenset[str]]

    def catalog(self) -> list[Product]:
        """The products the software sells, with their SKUs and paid options (the same at every location)."""
        ...

    def locations(self) -> list[str]:
        """The partner's own locations (kiosks, tills) that a merchant maps to the platform's stores."""
        ...

    def loyalty_screen(self) -> LoyaltyScreen:
        """What the customer (or staff member) sees of loyalty now, as last shown."""
        ...

    def order_view(self) -> OrderView:
        """The current order as shown: lines, total to pay, status, messages and notice codes."""
        ...

    def receipt(self) -> str:
        """The printed receipt of the last order, as text."""
        ...

    def handle_webhook(self, url: str, headers: Mapping[str, str], body: bytes) -> int:
        """An event the platform delivered to the integration; returns the HTTP status it answers."""
        ...

    def close(self) -> None:
        """The scenario is over: release what the integration holds (its HTTP client, files, threads)."""
        ...
