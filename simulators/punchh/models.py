"""Punchh's resources as the backend keeps them; `to_json` (or a named `*_json`) is the one wire shape each has.

Amounts are `Decimal`; ids are integers where Punchh's are (users, rewards, redeemables, basket items,
redemptions) and strings where they are codes. Datetimes are written as Punchh writes them,
`2019-07-30T10:36:23Z` [C, every example].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from poscert.simulators.punchh.receipts import Item, amount_json, as_int


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def flag(value: bool) -> str:
    """Location configuration writes its flags as "1" / "0" [C, the example]."""
    return "1" if value else "0"


@dataclass
class Location:
    id: int
    name: str
    location_key: str  # the store's API key: `Authorization: Token token=<location_key>, btoken=...`
    short_key: int  # 1..8191: the 13 bits of the barcode that name the store [C]
    city: str
    redemption_enabled: bool = True
    update_interval: int = 60
    log_level: int = 6
    print_barcodes: bool = True
    send_to_datasink: bool = True
    multiple_redemption: bool = True

    @property
    def slug(self) -> str:
        return f"{self.id}-{self.name.lower().replace(' ', '-')}"


@dataclass
class Redeemable:
    """A reward of the business's catalogue, bought with points (points-unlock programs) [C]."""

    id: int
    name: str
    description: str
    points: int  # points_required_to_redeem
    discount_amount: Decimal
    created_at: datetime
    item_ids: tuple[str, ...] = ()  # menu item ids it discounts; empty: any menu item
    meta_data: str | None = None
    image: str = "https://images.punchh.example/redeemables/default.png"

    def meta_json(self) -> dict[str, Any]:
        return {
            "redeemable_image_url": self.image,
            "redeemable_properties": None,
            "meta_data": self.meta_data,
            "redeemable_id": self.id,
            "name": self.name,
            "description": self.description,
            "points_required_to_redeem": self.points,
        }


@dataclass
class Reward:
    """A reward a user holds (gifted by a campaign, earned at a threshold) [C]."""

    id: int  # 11 digits, so it can also be looked up as `reward_id` [C: 11-20 digits]
    user_id: int
    name: str
    description: str
    discount_amount: Decimal
    created_at: datetime
    campaign_name: str = "Mass Campaign Offer"
    start: datetime | None = None
    end: datetime | None = None
    item_ids: tuple[str, ...] = ()  # menu item ids it discounts; empty: any menu item
    auto_select: bool = False
    status: str = "unredeemed"  # unredeemed | redeemed | expired
    meta_data: str | None = None
    image: str = "https://images.punchh.example/rewards/default.png"
    updated_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.status == "unredeemed" and (self.end is None or now < self.end)

    def to_json(self) -> dict[str, Any]:
        return {
            "created_at": iso(self.created_at),
            "description": self.description,
            "discount_amount": amount_json(self.discount_amount),
            "end_date_tz": iso(self.end),
            "id": self.id,
            "image": self.image,
            "name": self.name,
            "points": 0,
            "redeemable_properties": None,
            "start_date_tz": iso(self.start or self.created_at),
            "status": self.status,
            "updated_at": iso(self.updated_at or self.created_at),
            "type": "reward",
            "meta_data": self.meta_data,
        }


@dataclass
class SingleScanCode:
    """A code the mobile app generates for the Single Scan Flow: identity, payment and selections [C]."""

    code: str
    user_id: int
    expires_at: datetime
    payment_mode: str | None = "CreditCard"
    selected_card_number: str | None = None
    selected_tip_amount: Decimal | None = None
    selected_reward_ids: tuple[int, ...] = ()


@dataclass
class ShortCode:
    """A 4-character drive-thru code, mapped to a user and, when payment is on, to a single scan code [C]."""

    code: str
    user_id: int
    expires_at: datetime
    single_scan_code: str | None = None


@dataclass
class RedemptionCode:
    """A 7-digit code a user generated in the app for one of their rewards, or a business coupon [C]."""

    code: str
    discount_amount: Decimal
    name: str
    expires_at: datetime | None
    user_id: int | None = None  # None: a promo/coupon code anyone may use once
    reward_id: int | None = None
    used_by: set[int] = field(default_factory=set)
    kind: str = "RewardRedemption"  # type_of_redemption on active_redemptions [C examples]


@dataclass
class User:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str  # 10 digits
    created_at: datetime
    card_number: str | None = None  # 16 digits [C]
    qr_codes: tuple[str, ...] = ()  # user_as_qrcode in its three forms [C]
    apple_nfc_data: str | None = None
    nfc_token: str | None = None
    birthday: str | None = None
    gender: str = ""
    city: str = ""
    zip_code: str | None = None
    user_digest: str = ""
    status: str = "active"  # active | banned | deactivated
    signup_channel: str = "MobileEmail"
    created_via: str = "dataset"  # dataset | pos_create_user | advanced_auth | guest: the harness's to judge
    terms_and_conditions: bool | None = None
    privacy_policy: bool = False
    marketing_email_subscription: bool | None = None
    updated_at: datetime | None = None
    # The ledger every balance field is derived from (see `BusinessBackend.balance`).
    point_credits: int = 0  # points earned, less reversals
    point_debits: int = 0  # points spent on redeemables
    banked_debits: Decimal = Decimal(0)  # banked currency spent (points-to-currency programs)
    visits: int = 0  # counted visits, less reversals (visit programs)
    cards_redeemed: int = 0

    @property
    def active(self) -> bool:
        return self.status == "active"

    def profile_json(self) -> dict[str, Any]:
        return {
            "address_line1": "",
            "age_verified": False,
            "anniversary": None,
            "avatar_remote_url": None,
            "birthday": self.birthday,
            "city": self.city,
            "created_at": iso(self.created_at),
            "discount_type": None,
            "email": self.email,
            "email_verified": self.created_via == "advanced_auth" and "@" in self.email,
            "fb_uid": None,
            "first_name": self.first_name,
            "gender": self.gender,
            "id": self.id,
            "last_name": self.last_name,
            "phone": self.phone,
            "privacy_policy": self.privacy_policy,
            "state": "",
            "updated_at": iso(self.updated_at or self.created_at),
            "user_digest": self.user_digest,
            "zip_code": self.zip_code,
            "age_verified_status": False,
        }


@dataclass
class Discount:
    """A discount as Redemptions 2.0 (a basket item) and 1.0 (a discount_type + id) name it, resolved."""

    kind: str  # reward | redeemable | discount_amount | card_completion | redemption_code
    discount_id: str
    name: str
    amount: Decimal  # the most it takes off
    points: int = 0  # what it costs in points (redeemables)
    item_ids: tuple[str, ...] = ()
    campaign_name: str | None = None
    description: str = ""
    created_at: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    auto_select: bool = False
    meta: str | None = None
    item_id: int | None = None  # the reward / redeemable id in discount_details

    def details_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id if self.item_id is not None else 0,
            "name": self.name,
            "campaign_name": self.campaign_name,
            "image": "https://images.punchh.example/discounts/default.png",
            "points": self.points or None,
            "base_amount": amount_json(self.amount),
            "description": self.description,
            "item_properties": None,
            "meta_detail": self.meta,
            "start_date_tz": iso(self.start),
            "end_date_tz": iso(self.end),
            "created_at": iso(self.created_at),
            "auto_select": self.auto_select,
        }


@dataclass
class Applied:
    """What a discount takes off a receipt, and from which lines (R lines in the responses) [C]."""

    amount: Decimal
    lines: list[tuple[Item, Decimal]]

    def r2_items(self) -> list[dict[str, Any]]:
        return [
            {
                "item_name": f"{item.name} DISCOUNT",
                "item_qty": item.qty,
                "amount": amount_json(part),
                "item_type": "R",
                "item_id": as_int(item.item_id) or 0,
                "item_family": item.family,
                "item_group": item.group,
                "serial_number": item.serial or "1.0",
            }
            for item, part in self.lines
        ]

    def r1_items(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(qualified_menu_items, discount_distribution_items) of Redemptions 1.0."""
        qualified = [
            {
                "item_name": item.name,
                "item_qty": item.qty,
                "item_amount": amount_json(item.amount),
                "menu_item_type": item.type,
                "menu_item_id": item.item_id,
                "menu_family": item.family,
                "menu_major_group": item.group,
                "serial_number": item.serial,
            }
            for item, _ in self.lines
        ]
        distribution = [
            {
                "item_name": f"{item.name} DISCOUNT",
                "item_qty": item.qty,
                "item_amount": amount_json(-part),
                "menu_item_type": "R",
                "menu_item_id": item.item_id,
                "menu_family": item.family,
                "menu_major_group": item.group,
                "serial_number": _number(item.serial),
            }
            for item, part in self.lines
        ]
        return qualified, distribution


def _number(serial: str) -> float | int:
    try:
        value = float(serial)
    except ValueError:
        return 1
    return int(value) if value.is_integer() else value


@dataclass
class BasketItem:
    id: int  # discount_basket_item_id
    discount_type: str
    discount_id: str
    discount_value: Decimal | None
    created_at: datetime
    redemption_id: int | None = None  # allotted by the first query, kept by the commit


@dataclass
class Basket:
    """A user's discount basket (Redemptions 2.0): one active at a time per user [C]."""

    redemption_ref: str
    user_id: int
    location_id: int
    created_at: datetime
    items: list[BasketItem] = field(default_factory=list)
    external_uid: str | None = None  # the lock's owner, when locked
    locked_at: datetime | None = None
    status: str = "active"  # active | committed | voided
    fingerprint: str | None = None  # the receipt of the last `query: true` call
    commit_uid: str | None = None
    transaction_no: str | None = None
    punchh_key: str | None = None
    committed: list[Redemption] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return self.external_uid is not None


@dataclass
class Redemption:
    """A committed redemption: what it took from the user, so a void can give it back."""

    id: int
    user_id: int
    location_id: int
    discount_type: str
    discount_id: str
    amount: Decimal
    created_at: datetime
    points: int = 0
    banked: Decimal = Decimal(0)
    cards: int = 0
    reward_id: int | None = None
    code: str | None = None
    transaction_no: str | None = None
    punchh_key: str | None = None
    external_uid: str | None = None
    api: str = "r2"  # r2 | r1
    status: str = "processed"  # processed | voided
    body: dict[str, Any] | None = None  # the R1.0 answer, replayed for the same external_uid


@dataclass
class Checkin:
    id: int
    user_id: int
    location_id: int
    transaction_no: str
    punchh_key: str
    receipt_amount: Decimal
    points: int  # points (or visits) it earned
    created_at: datetime
    external_uid: str | None = None
    items: list[Item] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)  # the request, for the harness
    response: dict[str, Any] = field(default_factory=dict)  # replayed for the same external_uid
    reversed: bool = False


@dataclass
class ReceiptVersion:
    received_at: datetime
    body: dict[str, Any]
    status: str  # "" (valid) | "void"


@dataclass
class Receipt:
    """Everything a location sent for one check (one punchh_key): every version, as Punchh keeps them [C]."""

    location_id: int
    punchh_key: str
    transaction_no: str
    versions: list[ReceiptVersion] = field(default_factory=list)
    claimed_by: int | None = None  # the user who scanned its barcode later

    @property
    def latest(self) -> ReceiptVersion:
        return self.versions[-1]

    @property
    def voided(self) -> bool:
        return bool(self.versions) and self.latest.status == "void"


@dataclass
class SentOtp:
    """A one-time password the simulator "sent": what the guest would read in the email or SMS."""

    business: str
    client_id: str
    channel: str  # email | sms
    destination: str  # the email address, or the phone number with its extension
    otp: str
    code_challenge: str
    code_challenge_method: str
    sent_at: datetime
    expires_at: datetime
    used: bool = False
    attempts: int = 0


@dataclass
class AccessToken:
    token: str
    refresh_token: str
    user_id: int
    business: str
    issued_at: datetime
    expires_in: int
