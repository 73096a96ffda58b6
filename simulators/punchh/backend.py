"""One Punchh business's state and rules: stores, guests, balances, rewards, discount baskets,
redemptions, check-ins, receipts, one-time passwords.

Backends raise `Refusal`s (status and text) so one rule answers in the shape of whichever endpoint
enforced it; the harness reads and seeds state through the same objects the wire changes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from poscert.simulators.core.clock import SimClock
from poscert.simulators.core.seeding import ALNUM, HEX, random_string, seeded_rng
from poscert.simulators.punchh import errors
from poscert.simulators.punchh.dataset import SEED_NAMESPACE, BusinessProfile, Client
from poscert.simulators.punchh.errors import Refusal
from poscert.simulators.punchh.models import (
    AccessToken,
    Applied,
    Basket,
    BasketItem,
    Checkin,
    Discount,
    Location,
    Receipt,
    ReceiptVersion,
    Redeemable,
    Redemption,
    RedemptionCode,
    Reward,
    SentOtp,
    ShortCode,
    SingleScanCode,
    User,
    flag,
    iso,
)
from poscert.simulators.punchh.receipts import (
    Item,
    amount_json,
    as_int,
    balance_problems,
    barcode_problem,
    fingerprint,
    key_problem,
    money,
    only_asks,
    text,
)

# User look-up identifiers of `users/search`, in the order one is chosen when several are sent [C list; I order].
SEARCH_FIELDS = (
    "single_scan_code",
    "email",
    "phone",
    "card_number",
    "user_as_qrcode",
    "redemption_code",
    "reward_id",
    "apple_nfc_data",
    "nfc_token",
    "drive_thru_code",
)
# What POS 1.0 check-ins and Redemptions 1.0 accept to name the guest [C].
RECEIPT_IDENTIFIERS = ("single_scan_code", "email", "phone", "card_number", "user_as_qrcode", "redemption_code")
# Find User (Redemptions 2.0): `otp` is the single scan code, `none` + `anonymous` makes a guest [C].
LOOKUP_FIELDS = (
    "phone",
    "email",
    "otp",
    "none",
    "reward_id",
    "redemption_code",
    "user_as_qrcode",
    "user_token",
    "apple_nfc_data",
    "nfc_token",
)
OTP_TTL = 600  # seconds [I]
OTP_ATTEMPTS = 5  # [I]
TOKEN_TTL = 7200  # seconds [I]
RECEIPT_OVERWRITE = timedelta(seconds=1)  # versions less than 1 s apart overwrite each other [C]
ZERO = Decimal(0)


class BusinessBackend:
    def __init__(self, profile: BusinessProfile, clock: SimClock, seed: int) -> None:
        self.profile = profile
        self.slug = profile.slug
        self.name = profile.name
        self.business_id = profile.business_id
        self.clock = clock
        self.rng = seeded_rng(SEED_NAMESPACE, seed, profile.slug)
        self.locations: dict[int, Location] = {}
        self.users: dict[int, User] = {}
        self.redeemables: dict[int, Redeemable] = {}
        self.rewards: dict[int, Reward] = {}
        self.codes: dict[str, RedemptionCode] = {}  # user redemption codes and business coupons
        self.scan_codes: dict[str, SingleScanCode] = {}
        self.short_codes: dict[str, ShortCode] = {}
        self.baskets: dict[str, Basket] = {}  # every basket, by redemption_ref
        self.active_baskets: dict[int, str] = {}  # user id → the ref of their one active basket
        self.redemptions: dict[int, Redemption] = {}
        self.checkins: dict[int, Checkin] = {}
        self.receipts: dict[tuple[int, str], Receipt] = {}  # (location id, punchh_key)
        self.sent_otps: list[SentOtp] = []
        self.tokens: dict[str, AccessToken] = {}
        self._checkin_uids: dict[str, Checkin] = {}
        self._r1_uids: dict[str, Redemption] = {}
        self._keys: dict[tuple[int, str], str] = {}  # (location, punchh_key) → transaction_no
        self._transactions: dict[tuple[int, str], str] = {}  # (location, transaction_no) → punchh_key
        self._ids: set[int] = set()

    # -- identity and ids -------------------------------------------------------------
    @property
    def program(self) -> str:
        return self.profile.program_type

    @property
    def client(self) -> Client:
        return self.profile.client

    def now(self) -> datetime:
        return self.clock.now()

    def new_id(self, digits: int) -> int:
        while True:
            value = self.rng.randint(10 ** (digits - 1), 10**digits - 1)
            if value not in self._ids:
                self._ids.add(value)
                return value

    def new_code(self, length: int, alphabet: str = ALNUM) -> str:
        return random_string(self.rng, length, alphabet)

    # -- configuration ------------------------------------------------------------------
    def location(self, location_id: int) -> Location:
        return self.locations[location_id]

    def configuration_json(self, location: Location) -> dict[str, Any]:
        program = self.program
        return {
            "banked_rewards_mode": flag(program == "points" and self.profile.points_conversion_type == "currency"),
            "business_name": f"{self.business_id}-{self.name}",
            "header": f"Welcome to {self.name}",
            "location_id": location.id,
            "location_name": location.slug,
            "log_level": location.log_level,
            "points_unlock_mode": flag(program == "points_unlock_redeemables"),
            "print_barcodes": flag(location.print_barcodes),
            "send_to_datasink": flag(location.send_to_datasink),
            "short_key": str(location.short_key),
            "trailer_1": "Scan this barcode in our app",
            "trailer_2": "to earn points for this visit.",
            "trailer_3": "",
            "trailer_4": "",
            "trailer_5": f"THANKS {self.name}",
            "update_interval": str(location.update_interval),
            "visits_mode": flag(program == "visits"),
            "multiple_redemption_on_location": location.multiple_redemption,
        }

    def meta_json(self) -> dict[str, Any]:
        p = self.profile
        return {
            "minimum_payable_price": None,
            "maximum_discountable_quantity": None,
            "program_type": p.program_type,
            "points_conversion_type": p.points_conversion_type,
            "visits_per_card": p.visits_per_card,
            "card_redemption_value": amount_json(p.card_redemption_value),
            "minimum_visit_amount": amount_json(p.minimum_visit_amount),
            "minimum_visit_hours": 0,
            "minimum_age_to_signup": 0,
            "earning_unit": "visit" if p.program_type == "visits" else "point",
            "currency_earned": p.points_per_dollar if p.program_type != "visits" else 1,
            "points_conversion_threshold": p.points_conversion_threshold,
            "redemption_expiry_minutes": 1440,
            "pending_points": True,
            "pending_points_duration": 15,
            "configurable_default_time_eod": "23:59:59",
            "autocreate_user_phone": False,
            "coupon_prefix": p.coupon_prefix,
            "redeemables": [r.meta_json() for r in self.redeemables.values()],
            "multiple_redemptions_enabled": True,
            "multiple_redemptions": {
                "exclude_interoperability_strategy_between": [],
                "auto_unlock_duration": p.auto_unlock_minutes,
                "discount_processing_strategy": "date_of_expiry",
                "processing_priority_by_discount_type": ["reward"],
                "allow_multiple_redemption_on_item": True,
                "allow_qualifying_items_reused": True,
                "auto_redemption": p.auto_redemption,
                "auto_redemption_discounts": ["offer"] if p.auto_redemption else [],
                "enable_auto_unlock": True,
                "enable_discount_locking": p.reward_locking,
                "max_redemptions_in_transaction": p.max_redemptions,
                "processing_priority_by_acquisition_type": [
                    {"code": "offer", "priority": 1, "multiplication_factor": 20},
                    {"code": "loyalty", "priority": 2, "multiplication_factor": 10},
                ],
            },
        }

    # -- guests: look-up ----------------------------------------------------------------
    def user(self, user_id: Any) -> User:
        """The guest a `user_id` names, or 404 User not found."""
        found = self.users.get(as_int(user_id))  # type: ignore[arg-type]
        if found is None:
            raise errors.user_not_found()
        return found

    def active_user(self, user_id: Any, banned_text: str = errors.BANNED) -> User:
        found = self.user(user_id)
        if not found.active:
            raise Refusal(422, banned_text)
        return found

    def user_by(self, field: str, value: Any) -> User | None:
        """The guest an identifier names (or None); codes that expired name nobody."""
        wanted = text(value).strip()
        if not wanted:
            return None
        now = self.now()
        if field == "email":
            return next((u for u in self.users.values() if u.email.casefold() == wanted.casefold()), None)
        if field == "phone":
            # The 10 digits [C]; separators are tolerated, a country code is not [I]: "+1 555…" names nobody.
            digits = re.sub(r"[\s().-]", "", wanted)
            return next((u for u in self.users.values() if u.phone == digits), None) if len(digits) == 10 else None
        if field == "card_number":
            return next((u for u in self.users.values() if u.card_number == wanted), None)
        if field == "user_as_qrcode":
            return next((u for u in self.users.values() if wanted in u.qr_codes), None)
        if field in ("apple_nfc_data", "nfc_token"):
            return next((u for u in self.users.values() if (getattr(u, field) or "").lower() == wanted.lower()), None)
        if field == "single_scan_code":
            scan = self.scan_code(wanted)
            return self.users.get(scan.user_id) if scan else None
        if field == "redemption_code":
            code = self.codes.get(wanted)
            usable = (
                code is not None and code.user_id is not None and (code.expires_at is None or now < code.expires_at)
            )
            return self.users.get(code.user_id) if usable else None
        if field == "reward_id":
            reward = self.rewards.get(as_int(wanted))  # type: ignore[arg-type]
            return self.users.get(reward.user_id) if reward else None
        if field == "user_token":
            token = self.tokens.get(wanted)
            alive = token is not None and now < token.issued_at + timedelta(seconds=token.expires_in)
            return self.users.get(token.user_id) if alive else None
        return None

    def scan_code(self, code: str) -> SingleScanCode | None:
        found = self.scan_codes.get(code.lower())
        return found if found is not None and self.now() < found.expires_at else None

    def identify(self, params: dict[str, Any]) -> tuple[User, str]:
        """The guest of a check-in or a Redemptions 1.0 call, and the identifier that named them."""
        field = next((f for f in RECEIPT_IDENTIFIERS if params.get(f) not in (None, "")), None)
        if field is None:
            raise errors.missing("email")  # the docs mark email required, other identifiers optional [C]
        found = self.user_by(field, params[field])
        if found is None:
            raise Refusal(404, errors.SSF_INVALID if field == "single_scan_code" else errors.USER_NOT_FOUND)
        return found, field

    def search(self, query: dict[str, str]) -> dict[str, Any]:
        """User Look-up and Fetch Balance: one identifier → the guest, balance, rewards (and SSF selections)."""
        field = next((f for f in SEARCH_FIELDS if query.get(f)), None)
        if field is None:
            raise errors.missing(" or ".join(SEARCH_FIELDS))
        scan: SingleScanCode | None = None
        if field == "drive_thru_code":
            code = query[field].strip()
            if len(code) != 4:
                raise Refusal(400, errors.DRIVE_THRU_LENGTH)
            if not code.isalnum():
                raise Refusal(400, errors.DRIVE_THRU_INVALID)
            short = self.short_codes.get(code.upper())
            if short is None:
                raise Refusal(404, errors.CODE_NOT_FOUND)
            if self.now() >= short.expires_at:
                raise Refusal(404, errors.CODE_EXPIRED)
            user = self.users[short.user_id]
            scan = self.scan_code(short.single_scan_code) if short.single_scan_code else None
        else:
            user = self.user_by(field, query[field])
            if user is None:
                raise errors.user_not_found()
            if field == "single_scan_code":
                scan = self.scan_code(query[field])
        return self.user_json(user, scan)

    def find(self, field: str, value: Any) -> User:
        """Find User (Redemptions 2.0): look-up by lookup_field / lookup_value [C]."""
        if field == "none":
            if text(value).strip().lower() != "anonymous":
                raise errors.user_not_found()
            return self.add_guest()
        lookup = {"otp": "single_scan_code"}.get(field, field)
        found = self.user_by(lookup, value)
        if found is None:
            raise Refusal(404, errors.SSF_INVALID if field == "otp" else errors.USER_NOT_FOUND)
        if not found.active:
            raise Refusal(422, errors.BANNED)
        return found

    def find_json(self, user: User, scan: SingleScanCode | None = None) -> dict[str, Any]:
        basket = self.basket_of(user)
        return {
            "user_id": user.id,
            "business_id": self.business_id,
            "phone": user.phone,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "payment_mode": scan.payment_mode if scan else None,
            "selected_card_number": scan.selected_card_number if scan else None,
            "loyalty_cards": [],
            "selected_tip_amount": int(scan.selected_tip_amount) if scan and scan.selected_tip_amount else None,
            "external_uid": basket.external_uid if basket else None,
            "locked": bool(basket and basket.locked),
        }

    # -- guests: balance and the user object -------------------------------------------------
    def banked(self, user: User) -> Decimal:
        """Banked currency (points-to-currency programs): every full threshold of points is worth its value."""
        p = self.profile
        if self.program != "points" or not p.points_conversion_threshold:
            return ZERO
        units = max(user.point_credits, 0) // p.points_conversion_threshold
        return max(units * p.conversion_value - user.banked_debits, ZERO)

    def points(self, user: User) -> int:
        """Spendable points (points-unlock programs), or the points not yet converted (currency programs)."""
        if self.program == "points_unlock_redeemables":
            return max(user.point_credits - user.point_debits, 0)
        if self.program == "points" and self.profile.points_conversion_threshold:
            return max(user.point_credits, 0) % self.profile.points_conversion_threshold
        return 0

    def cards(self, user: User) -> int:
        """Unredeemed punch cards (visit programs)."""
        per_card = self.profile.visits_per_card
        return max(user.visits // per_card - user.cards_redeemed, 0) if per_card else 0

    def balance(self, user: User) -> dict[str, Any]:
        """The `balance` object of look-up, sign-up and check-in, derived from the guest's ledger [C fields]."""
        program, banked = self.program, self.banked(user)
        if program == "visits":
            debits = user.cards_redeemed * self.profile.visits_per_card
            net, credits = Decimal(user.visits - debits), Decimal(user.visits)
        elif program == "points":
            debits = user.banked_debits
            net, credits = banked, Decimal(max(user.point_credits, 0))
        else:
            debits = Decimal(user.point_debits)
            net, credits = Decimal(self.points(user)), Decimal(max(user.point_credits, 0))
        return {
            "banked_rewards": f"{banked:.2f}",
            "expired_membership_level": None,
            "initial_visits": 0,
            "membership_level": None,
            "membership_level_id": None,
            "net_balance": amount_json(net),
            "net_debits": amount_json(Decimal(debits)),
            "pending_points": 0,
            "points_balance": self.points(user),
            "signup_anniversary_day": user.created_at.strftime("%m/%d"),
            "total_credits": amount_json(credits),
            "total_debits": str(float(debits)),  # as Ruby writes a float: "0.0", "425.31" [C examples]
            "total_point_credits": max(user.point_credits, 0) if program != "visits" else 0,
            "total_redeemable_visits": user.visits,
            "total_visits": user.visits,
            "unredeemed_cards": self.cards(user),
        }

    def account_balance_json(self, user: User) -> dict[str, Any]:
        """Fetch Account Balance: the fields of the business's program only [C, the four examples]."""
        if self.program == "visits":
            b = self.balance(user)
            return {k: b[k] for k in ("total_redeemable_visits", "total_visits", "unredeemed_cards")}
        if self.program == "points":
            return {"banked_rewards": f"{self.banked(user):.2f}"}
        b = self.balance(user)
        keys = ("net_balance", "points_balance", "net_debits", "pending_points", "total_credits", "total_debits")
        return {**{k: b[k] for k in keys}, "total_point_credits": b["total_point_credits"]}

    def rewards_of(self, user: User) -> list[Reward]:
        now = self.now()
        return [r for r in self.rewards.values() if r.user_id == user.id and r.usable(now)]

    def offers_json(self, user: User) -> list[dict[str, Any]]:
        """`rewards[]` of the user object: the guest's rewards, then the redeemables their points unlock [C]."""
        offers = [r.to_json() for r in self.rewards_of(user)]
        if self.program == "points_unlock_redeemables":
            points = self.points(user)
            offers += [
                {
                    "created_at": iso(r.created_at),
                    "description": r.description,
                    "discount_amount": amount_json(r.discount_amount),
                    "end_date_tz": None,
                    "id": r.id,
                    "image": r.image,
                    "name": r.name,
                    "points": r.points,
                    "redeemable_properties": None,
                    "start_date_tz": iso(r.created_at),
                    "status": "unredeemed",
                    "updated_at": iso(r.created_at),
                    "type": "redeemable",
                    "meta_data": r.meta_data,
                }
                for r in self.redeemables.values()
                if r.points <= points
            ]
        return offers

    def user_json(self, user: User, scan: SingleScanCode | None = None) -> dict[str, Any]:
        body = user.profile_json()
        body.update(
            balance=self.balance(user),
            rewards=self.offers_json(user),
            selected_card_number=None,
            selected_discount_amount=None,
            selected_reward_id=None,
            selected_redeemable_id=None,
            selected_subscriptions=[],
            subscriptions=[],
        )
        if scan is not None:  # Single Scan Flow: what the guest chose in the app [C]
            chosen = [self.rewards[i] for i in scan.selected_reward_ids if i in self.rewards]
            body.update(
                single_scan_code=scan.code,
                payment_mode=scan.payment_mode,
                selected_card_number=scan.selected_card_number,
                selected_tip_amount=f"{scan.selected_tip_amount:.2f}" if scan.selected_tip_amount else None,
                selected_rewards=[{**r.to_json(), "discount_type": "reward"} for r in chosen],
            )
        return body

    # -- guests: sign-up ------------------------------------------------------------------
    def create_user(self, body: dict[str, Any]) -> User:
        """Create New User (legacy POS sign-up) [C]: phone, email or card number; each unique."""
        phone = re.sub(r"\D", "", text(body.get("phone")))
        email = text(body.get("email")).strip()
        card = text(body.get("card_number")).strip()
        if not (phone or email or card):
            raise errors.missing("phone")
        if phone and len(phone) != 10:
            raise Refusal(422, "Phone is invalid")  # [I] wording
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise Refusal(422, "Email is invalid")
        if card and not (card.isdigit() and len(card) == 16):
            raise Refusal(422, "Card number is invalid")
        for field, value in (("phone", phone), ("email", email), ("card_number", card)):
            if value and self.user_by(field, value) is not None:
                raise Refusal(422, f"{field.replace('_', ' ').capitalize()} has already been taken")
        now = self.now()
        user = User(
            id=self.new_id(8),
            first_name=text(body.get("first_name")),
            last_name=text(body.get("last_name")),
            email=email,
            phone=phone,
            created_at=now,
            card_number=card or None,
            birthday=text(body.get("birthday")) or None,
            gender=text(body.get("gender")),
            city=text(body.get("city")),
            zip_code=text(body.get("zip_code")) or None,
            user_digest=self.new_code(40, HEX),
            signup_channel=text(body.get("signup_channel")) or "POS",
            created_via="pos_create_user",
            terms_and_conditions=_truthy(body.get("terms_and_conditions")),
            marketing_email_subscription=_truthy(body.get("marketing_email_subscription")),
        )
        self.users[user.id] = user
        return user

    def add_guest(self) -> User:
        """lookup_field `none` with `anonymous`: a guest with a dummy email [C]."""
        user_id = self.new_id(8)
        user = User(
            user_id,
            "Guest",
            "User",
            f"guest_{user_id}@guest.punchh.example",
            "",
            self.now(),
            user_digest=self.new_code(40, HEX),
            signup_channel="POS",
            created_via="guest",
        )
        self.users[user.id] = user
        return user

    # -- discounts: what a basket item or a discount_type names -------------------------------
    def resolve(self, user: User, kind: str, discount_id: Any, value: Any = None) -> Discount | str:
        """The discount, or why it cannot be used (a refusal text)."""
        now = self.now()
        ident = text(discount_id).strip()
        if kind == "reward":
            reward = self.rewards.get(as_int(ident))  # type: ignore[arg-type]
            if reward is None or reward.user_id != user.id or not reward.usable(now):
                return errors.INVALID_REWARD
            return Discount(
                "reward",
                ident,
                reward.name,
                reward.discount_amount,
                item_ids=reward.item_ids,
                campaign_name=reward.campaign_name,
                description=reward.description,
                created_at=reward.created_at,
                start=reward.start or reward.created_at,
                end=reward.end,
                auto_select=reward.auto_select,
                meta=reward.meta_data,
                item_id=reward.id,
            )
        if kind == "redeemable":
            if self.program != "points_unlock_redeemables":
                return errors.NOT_SUPPORTED
            redeemable = self.redeemables.get(as_int(ident))  # type: ignore[arg-type]
            if redeemable is None:
                return errors.INVALID_REDEEMABLE
            return Discount(
                "redeemable",
                ident,
                redeemable.name,
                redeemable.discount_amount,
                points=redeemable.points,
                item_ids=redeemable.item_ids,
                description=redeemable.description,
                created_at=redeemable.created_at,
                meta=redeemable.meta_data,
                item_id=redeemable.id,
            )
        if kind == "discount_amount":
            if self.program != "points":
                return errors.NOT_SUPPORTED
            amount = money(value)
            if amount <= 0:
                return errors.MISSING.format("discount_value")
            return Discount("discount_amount", ident or "0", "Banked rewards", amount, description="Banked currency")
        if kind == "card_completion":
            if self.program != "visits":
                return errors.NOT_SUPPORTED
            value = self.profile.card_redemption_value
            return Discount("card_completion", ident or "0", "Punch card", value, description="A full punch card")
        if kind == "redemption_code":
            code = self.codes.get(ident) or self.codes.get(ident.upper())
            expired = code is not None and code.expires_at is not None and now >= code.expires_at
            if code is None or expired or (code.user_id not in (None, user.id)) or user.id in code.used_by:
                return errors.INVALID_CODE
            if code.reward_id is not None and not self.rewards[code.reward_id].usable(now):
                return errors.INVALID_CODE
            return Discount(
                "redemption_code",
                code.code,
                code.name,
                code.discount_amount,
                campaign_name="Coupon",
                end=code.expires_at,
            )
        return errors.NOT_SUPPORTED  # subscriptions and fuel rewards are not emulated

    @staticmethod
    def apply(discount: Discount, items: list[Item], left: dict[int, Decimal]) -> Applied | None:
        """What the discount takes off the eligible lines still carrying an amount (`left`, by line index)."""
        eligible = [
            (index, item)
            for index, item in enumerate(items)
            if item.type == "M"
            and left.get(index, ZERO) > 0
            and (not discount.item_ids or item.item_id in discount.item_ids)
        ]
        if not eligible:
            return None
        remaining = min(discount.amount, sum((left[i] for i, _ in eligible), ZERO))
        total, lines = remaining, []
        for index, item in eligible:
            if remaining <= 0:
                break
            part = min(left[index], remaining)
            left[index] -= part
            remaining -= part
            lines.append((item, part))
        return Applied(total, lines)

    # -- Redemptions 2.0: the discount basket -------------------------------------------------
    def basket_of(self, user: User) -> Basket | None:
        ref = self.active_baskets.get(user.id)
        basket = self.baskets.get(ref) if ref else None
        expiry = timedelta(minutes=self.profile.auto_unlock_minutes)
        if basket is not None and basket.locked_at is not None and self.now() >= basket.locked_at + expiry:
            basket.external_uid, basket.locked_at = None, None  # auto-unlock [C: enable_auto_unlock]
        return basket

    def _new_basket(self, user: User, location_id: int) -> Basket:
        ref = f"{self.new_code(12)}-{self.new_code(6)}"
        basket = Basket(ref, user.id, location_id, self.now())
        self.baskets[ref] = basket
        self.active_baskets[user.id] = ref
        return basket

    @staticmethod
    def _guard(basket: Basket | None, external_uid: str | None) -> None:
        """A basket locked by one transaction is closed to every other caller [C]."""
        if basket is not None and basket.locked and basket.external_uid != external_uid:
            raise Refusal(422, errors.LOCKED)

    def _lock(self, basket: Basket, external_uid: str | None) -> None:
        if self.profile.reward_locking and external_uid:
            basket.external_uid, basket.locked_at = external_uid, self.now()

    def _require_uid(self, params: dict[str, Any]) -> str | None:
        uid = text(params.get("external_uid")).strip() or None
        if uid is None and self.profile.reward_locking:
            raise errors.missing("external_uid")  # required when reward locking is on [C]
        return uid

    @staticmethod
    def _check_amounts(params: dict[str, Any]) -> None:
        subtotal, receipt = money(params.get("subtotal_amount")), money(params.get("receipt_amount"))
        if subtotal < 0 or receipt < 0 or subtotal != receipt:
            raise Refusal(422, errors.INVALID_RECEIPT_AMOUNT)

    def select(self, user_id: Any, wanted: list[dict[str, Any]], external_uid: str | None, location_id: int) -> Basket:
        """Add Selection to Discount Basket [C]: all or nothing; one invalid discount fails the request."""
        user = self.active_user(user_id, errors.BANNED_BASKET)
        basket = self.basket_of(user)
        self._guard(basket, external_uid)
        present = {(i.discount_type, i.discount_id) for i in basket.items} if basket else set()
        seen: set[tuple[str, str]] = set()
        resolved: list[tuple[dict[str, Any], Discount]] = []
        for index, entry in enumerate(wanted):
            kind = text(entry.get("discount_type"))
            ident = text(entry.get("discount_id")).strip()
            if kind in ("reward", "redeemable", "redemption_code", "subscription") and not ident:
                raise errors.missing(f"discount_id_{index}")
            key = (kind, ident)
            if key in seen:
                raise Refusal(422, errors.SAME_PARAMETERS)
            seen.add(key)
            if key in present and kind in ("reward", "redemption_code"):
                raise Refusal(422, errors.ALREADY_TAKEN)
            found = self.resolve(user, kind, ident, entry.get("discount_value"))
            if isinstance(found, str):
                status = 400 if found.startswith("Required parameter") else 422
                raise Refusal(status, found)
            resolved.append((entry, found))
        if len(basket.items if basket else []) + len(resolved) > self.profile.max_redemptions:
            raise Refusal(422, errors.LIMIT_REACHED)
        kept = [i.discount_type for i in basket.items] if basket else []
        cards = kept.count("card_completion") + sum(1 for _, d in resolved if d.kind == "card_completion")
        if cards and cards > self.cards(user):
            raise Refusal(422, errors.NOT_ENOUGH_CARDS)
        banked = sum((d.amount for _, d in resolved if d.kind == "discount_amount"), ZERO)
        if banked and banked > self.banked(user):
            raise Refusal(422, errors.BANKED_EXCEEDED)
        if basket is None:
            basket = self._new_basket(user, location_id)
        for entry, discount in resolved:
            value = money(entry["discount_value"]) if entry.get("discount_value") not in (None, "") else None
            basket.items.append(BasketItem(self.new_id(6), discount.kind, discount.discount_id, value, self.now()))
        basket.fingerprint = None  # a changed basket must be queried again
        return basket

    def unselect(self, user_id: Any, item_ids: list[Any], external_uid: str | None) -> Basket:
        user = self.active_user(user_id, errors.BANNED_BASKET)
        basket = self.basket_of(user)
        if basket is None:
            raise Refusal(404, errors.NO_ACTIVE_BASKET)
        self._guard(basket, external_uid)
        wanted = {text(i) for i in item_ids}
        kept = [i for i in basket.items if str(i.id) not in wanted]
        if len(kept) == len(basket.items):
            raise Refusal(422, errors.ITEMS_NOT_FOUND)
        basket.items, basket.fingerprint = kept, None
        return basket

    def active(self, user_id: Any, external_uid: str | None) -> Basket:
        user = self.user(user_id)
        basket = self.basket_of(user)
        if basket is None:
            raise Refusal(404, errors.NO_ACTIVE_BASKET)
        if external_uid:  # reading is open, unless the caller names another transaction [I]
            self._guard(basket, external_uid)
        return basket

    def unlock(self, user_id: Any, external_uid: str) -> None:
        if not self.profile.reward_locking:
            raise Refusal(422, errors.NOT_SUPPORTED)
        user = self.user(user_id)
        basket = self.basket_of(user)
        if basket is None or not basket.locked or basket.external_uid != external_uid:
            raise Refusal(422, errors.NO_VALID_BASKET)
        basket.external_uid, basket.locked_at = None, None

    def auto_select(self, params: dict[str, Any], location_id: int) -> Basket:
        """Auto Redemption [C]: queue the guest's auto-select rewards (non-points rewards only)."""
        if not self.profile.auto_redemption:
            raise Refusal(422, errors.NOT_SUPPORTED)
        user = self.active_user(params.get("user_id"), errors.BANNED_BASKET)
        uid = text(params.get("external_uid")).strip() or None
        basket = self.basket_of(user)
        self._guard(basket, uid)
        self._check_amounts(params)
        basket = basket or self._new_basket(user, location_id)
        present = {(i.discount_type, i.discount_id) for i in basket.items}
        for reward in self.rewards_of(user):
            if reward.auto_select and ("reward", str(reward.id)) not in present:
                basket.items.append(BasketItem(self.new_id(6), "reward", str(reward.id), None, self.now()))
        self._lock(basket, uid)
        basket.fingerprint = None
        return basket

    def basket_json(self, basket: Basket, with_location: bool = False) -> dict[str, Any]:
        user = self.users[basket.user_id]
        body: dict[str, Any] = {"redemption_ref": basket.redemption_ref, "locked": basket.locked}
        if with_location:
            body["location_id"] = basket.location_id
        body["created_at"] = iso(basket.created_at)
        body["discount_basket_items"] = [self._basket_item_json(user, i) for i in basket.items]
        return body

    def _basket_item_json(self, user: User, item: BasketItem) -> dict[str, Any]:
        found = self.resolve(user, item.discount_type, item.discount_id, item.discount_value)
        body = {
            "discount_basket_item_id": item.id,
            "discount_type": item.discount_type,
            "discount_id": item.discount_id,
            "discount_value": amount_json(item.discount_value) if item.discount_value is not None else None,
            "created_at": iso(item.created_at),
        }
        if isinstance(found, str):  # honored, expired or archived since it was selected [C]
            body.update(message=[found], discount_details=None)
        else:
            body["discount_details"] = found.details_json()
        return body

    def _evaluate(
        self, user: User, basket: Basket | None, items: list[Item], left: dict[int, Decimal]
    ) -> tuple[list[tuple[BasketItem, Discount, Applied]], list[dict[str, Any]]]:
        """Every basket item against the receipt, in basket order: (applicable, failure entries).
        `left` (what each line still carries, by index) is spent as discounts apply."""
        applicable, failures = [], []
        location = self.locations.get(basket.location_id) if basket else None
        for entry in basket.items if basket else []:
            found = self.resolve(user, entry.discount_type, entry.discount_id, entry.discount_value)
            applied = None if isinstance(found, str) else self.apply(found, items, left)
            if applied is None:
                why = (
                    found
                    if isinstance(found, str)
                    else errors.QUALIFICATION_FAILED.format(user.first_name, location.name if location else self.name)
                )
                failures.append(self._failure_json(entry, None if isinstance(found, str) else found, why))
            else:
                applicable.append((entry, found, applied))
        return applicable, failures

    def _result_json(self, user: User, entry: BasketItem, discount: Discount, applied: Applied) -> dict[str, Any]:
        return {
            "discount_basket_item_id": entry.id,
            "discount_amount": amount_json(applied.amount),
            "redemption_id": entry.redemption_id,
            "redemption_type": "Redemption",
            "discount_type": entry.discount_type,
            "discount_id": _id_json(entry.discount_id),
            "discount_value": amount_json(entry.discount_value) if entry.discount_value is not None else None,
            "message": None,
            "qualified": True,
            "remaining_balance": float(self.banked(user)) if self.program == "points" else None,
            "meta_data": discount.meta,
            "discount_details": discount.details_json(),
            "qualified_items": applied.r2_items(),
        }

    @staticmethod
    def _failure_json(entry: BasketItem, discount: Discount | None, why: str) -> dict[str, Any]:
        return {
            "discount_basket_item_id": entry.id,
            "discount_amount": None,
            "redemption_id": None,
            "redemption_type": None,
            "discount_type": entry.discount_type,
            "discount_id": _id_json(entry.discount_id),
            "discount_value": amount_json(entry.discount_value) if entry.discount_value is not None else None,
            "message": [why],
            "qualified": False,
            "remaining_balance": None,
            "meta_data": None,
            "discount_details": discount.details_json() if discount else None,
            "qualified_items": [],
        }

    def _available(self, user: User, basket: Basket | None) -> list[Discount]:
        """Discounts the guest holds that are not in the basket: the `unselected_discounts` [C]."""
        present = {(i.discount_type, i.discount_id) for i in basket.items} if basket else set()
        found: list[Discount] = []
        for reward in self.rewards_of(user):
            if ("reward", str(reward.id)) not in present:
                discount = self.resolve(user, "reward", reward.id)
                found.append(discount)  # type: ignore[arg-type]
        if self.program == "points_unlock_redeemables":
            points = self.points(user)
            for r in self.redeemables.values():
                if r.points <= points and ("redeemable", str(r.id)) not in present:
                    found.append(self.resolve(user, "redeemable", r.id))  # type: ignore[arg-type]
        if self.program == "points" and self.banked(user) > 0:
            found.append(Discount("discount_amount", "0", "Banked rewards", self.banked(user)))
        if self.program == "visits" and self.cards(user) > 0:
            found.append(Discount("card_completion", "0", "Punch card", self.profile.card_redemption_value))
        return found

    def lookup(self, params: dict[str, Any], items: list[Item], location_id: int) -> dict[str, Any]:
        """Discount Look-up [C]: the basket against the order, and what else the guest could use; with an
        external_uid (reward locking on) it locks the basket to that transaction."""
        user = self.active_user(params.get("user_id"), errors.BANNED_BASKET)
        uid = self._require_uid(params)
        basket = self.basket_of(user)
        self._guard(basket, uid)
        self._check_amounts(params)
        self._register_key(location_id, params.get("transaction_no"), params.get("punchh_key"))
        if uid and self.profile.reward_locking:
            basket = basket or self._new_basket(user, location_id)
            self._lock(basket, uid)
        left = {index: item.amount for index, item in enumerate(items)}
        applicable, failures = self._evaluate(user, basket, items, left)
        for entry, _, _ in applicable:
            entry.redemption_id = entry.redemption_id or self.new_id(9)
        unselected = []
        for discount in self._available(user, basket):
            applied = self.apply(discount, items, dict(left))
            unselected.append(
                {
                    "discount_type": discount.kind,
                    "discount_id": _id_json(discount.discount_id),
                    "discount_amount": amount_json(applied.amount if applied else discount.amount),
                    "qualified_items": applied.r2_items() if applied else [],
                    "discount_details": discount.details_json(),
                    "qualified": applied is not None,
                }
            )
        return {
            "selected_discounts": [self._result_json(user, e, d, a) for e, d, a in applicable] + failures,
            "unselected_discounts": unselected,
        }

    def batch(self, params: dict[str, Any], items: list[Item], location_id: int) -> dict[str, Any]:
        """Batch Redemption Process [C]: `query: true` only asks; without it (or false) the basket is
        committed: points, the reward itself, banked currency or a punch card leave the guest's account."""
        user = self.active_user(params.get("user_id"), errors.BANNED)
        uid = self._require_uid(params)
        basket = self.basket_of(user)
        if basket is None:
            raise Refusal(422, errors.NO_BASKET)
        self._guard(basket, uid)
        self._check_amounts(params)
        transaction_no, key = text(params.get("transaction_no")) or None, text(params.get("punchh_key")) or None
        self._register_key(location_id, transaction_no, key)
        query = only_asks(params)
        receipt = fingerprint(items, params)
        if not query and basket.fingerprint is not None and basket.fingerprint != receipt:
            raise Refusal(422, errors.RECEIPT_MISMATCH)
        applicable, failures = self._evaluate(user, basket, items, {i: item.amount for i, item in enumerate(items)})
        points = sum(d.points for _, d, _ in applicable)
        if points > self.points(user):
            raise Refusal(422, errors.INSUFFICIENT_POINTS)
        banked = sum((d.amount for _, d, _ in applicable if d.kind == "discount_amount"), ZERO)
        if banked > self.banked(user):
            raise Refusal(422, errors.BANKED_EXCEEDED)
        if sum(1 for _, d, _ in applicable if d.kind == "card_completion") > self.cards(user):
            raise Refusal(422, errors.NOT_ENOUGH_CARDS)
        for entry, _, _ in applicable:
            entry.redemption_id = entry.redemption_id or self.new_id(9)
        success = [self._result_json(user, e, d, a) for e, d, a in applicable]
        if query:
            basket.fingerprint = receipt
            self._lock(basket, uid)
        else:
            for entry, discount, applied in applicable:
                redemption = self._consume(user, discount, applied.amount, entry.redemption_id, location_id)
                redemption.transaction_no, redemption.punchh_key, redemption.external_uid = transaction_no, key, uid
                basket.committed.append(redemption)
            basket.status, basket.commit_uid = "committed", uid
            basket.transaction_no, basket.punchh_key = transaction_no, key
            basket.external_uid = basket.locked_at = None
            self.active_baskets.pop(user.id, None)
            for result in success:  # balances after the commit
                result["remaining_balance"] = float(self.banked(user)) if self.program == "points" else None
        return {"redemption_ref": basket.redemption_ref, "success": success, "failures": failures}

    def void_basket(self, redemption_ref: str, user_id: Any) -> None:
        """Void Redemption [C]: the whole basket (no partial void); 410 once it was committed."""
        user = self.user(user_id)
        basket = self.baskets.get(redemption_ref)
        if basket is None or basket.user_id != user.id or basket.status == "voided":
            raise Refusal(422, errors.NO_BASKET)
        if basket.status == "committed":
            raise Refusal(410, errors.COMMITTED.format(basket.commit_uid or basket.redemption_ref), code="commited")
        basket.status = "voided"
        basket.external_uid = basket.locked_at = None
        if self.active_baskets.get(user.id) == redemption_ref:
            del self.active_baskets[user.id]

    # -- redemptions: what a commit takes, what a void gives back -------------------------------
    def _consume(
        self, user: User, discount: Discount, amount: Decimal, redemption_id: int, location_id: int
    ) -> Redemption:
        redemption = Redemption(
            redemption_id, user.id, location_id, discount.kind, discount.discount_id, amount, self.now()
        )
        if discount.kind == "reward":
            reward = self.rewards[int(discount.discount_id)]
            reward.status, reward.updated_at = "redeemed", self.now()
            redemption.reward_id = reward.id
        elif discount.kind == "redeemable":
            user.point_debits += discount.points
            redemption.points = discount.points
        elif discount.kind == "discount_amount":
            user.banked_debits += amount
            redemption.banked = amount
        elif discount.kind == "card_completion":
            user.cards_redeemed += 1
            redemption.cards = 1
        elif discount.kind == "redemption_code":
            code = self.codes[discount.discount_id]
            code.used_by.add(user.id)
            redemption.code = code.code
            if code.reward_id is not None:
                reward = self.rewards[code.reward_id]
                reward.status, reward.updated_at = "redeemed", self.now()
                redemption.reward_id = reward.id
        self.redemptions[redemption.id] = redemption
        return redemption

    def give_back(self, redemption: Redemption) -> None:
        """Undo a processed redemption: the reward, points, banked currency, card or code return."""
        if redemption.status != "processed":
            return
        user = self.users[redemption.user_id]
        if redemption.reward_id is not None:
            reward = self.rewards[redemption.reward_id]
            reward.status, reward.updated_at = "unredeemed", self.now()
        user.point_debits -= redemption.points
        user.banked_debits -= redemption.banked
        user.cards_redeemed -= redemption.cards
        if redemption.code is not None:
            self.codes[redemption.code].used_by.discard(user.id)
        redemption.status = "voided"

    # -- Redemptions 1.0 --------------------------------------------------------------------------
    def r1_redeem(self, params: dict[str, Any], items: list[Item], location: Location, commit: bool) -> dict[str, Any]:
        """Possible Redemptions (`commit=False`) and Create Redemption [C]: one discount against a receipt.
        The answer's `category` says whether it can be honored: only `redeemable` can."""
        if not location.redemption_enabled:
            raise Refusal(422, errors.LOCATION_DISABLED.format(location.name), listed=True)
        uid = text(params.get("external_uid")).strip() or None
        if commit and uid and uid in self._r1_uids:  # a re-sent create is not redeemed twice [C]
            return dict(self._r1_uids[uid].body or {})
        user, _ = self.identify(params)
        if not user.active:
            raise Refusal(422, errors.BANNED)
        transaction_no, key = text(params.get("transaction_no")) or None, text(params.get("punchh_key")) or None
        self._register_key(location.id, transaction_no, key)
        kind = text(params.get("discount_type"))
        ident = {
            "reward": "reward_id",
            "redeemable": "redeemable_id",
            "redemption_code": "redemption_code",
            "subscription": "subscription_id",
        }.get(kind)
        if kind in ("subscription", "fuel_reward"):
            raise Refusal(422, errors.NOT_SUPPORTED)
        found = self.resolve(user, kind, params.get(ident) if ident else None, params.get("redeemed_points"))
        if isinstance(found, str):
            category = "processed" if self._already_redeemed(kind, params.get(ident) if ident else None) else "invalid"
            return self._r1_answer(category, found, None, None, None)
        applied = self.apply(found, items, {index: item.amount for index, item in enumerate(items)})
        if applied is None:
            why = errors.QUALIFICATION_FAILED.format(user.first_name, location.name)
            return self._r1_answer("invalid", why, None, None, found)
        short = (
            (found.points > self.points(user) and errors.INSUFFICIENT_POINTS)
            or (found.kind == "discount_amount" and found.amount > self.banked(user) and errors.BANKED_EXCEEDED)
            or (found.kind == "card_completion" and self.cards(user) < 1 and errors.NOT_ENOUGH_CARDS)
        )
        if short:
            return self._r1_answer("invalid", short, None, None, found)
        redemption_id = self.new_id(9)
        when = self.now().strftime("%B %d, %Y %H:%M")
        verdict = "Please HONOR it." if commit else "It can be honored."
        status = f"Redeemed at {when} by {user.first_name} {user.last_name} at {location.name}. {verdict}"
        body = self._r1_answer("redeemable", status, applied, redemption_id, found)
        if found.kind == "redemption_code":
            body["redemption_id"] = found.discount_id  # coupons: the id is the code [C]
        if commit:
            redemption = self._consume(user, found, applied.amount, redemption_id, location.id)
            redemption.api, redemption.body = "r1", body
            redemption.transaction_no, redemption.punchh_key, redemption.external_uid = transaction_no, key, uid
            if uid:
                self._r1_uids[uid] = redemption
        return body

    def _already_redeemed(self, kind: str, ident: Any) -> bool:
        reward = self.rewards.get(as_int(ident)) if kind == "reward" else None  # type: ignore[arg-type]
        return reward is not None and reward.status == "redeemed"

    @staticmethod
    def _r1_answer(
        category: str, status: str, applied: Applied | None, redemption_id: int | None, found: Discount | None
    ) -> dict[str, Any]:
        qualified, distribution = applied.r1_items() if applied else ([], [])
        return {
            "status": status,
            "redemption_amount": amount_json(applied.amount) if applied else 0,
            "category": category,
            "qualified_menu_items": qualified,
            "discount_distribution_items": distribution,
            "max_applicable_quantity": None,
            "campaign_name": found.campaign_name if found else None,
            "redemption_id": redemption_id,
            "redemption_code": found.discount_id if found and found.kind == "redemption_code" else None,
        }

    def r1_void(self, params: dict[str, Any], ids: list[Any] | None = None) -> None:
        """Void Redemption(s) 1.0 [C]: by redemption_id for the named guest, or a coupon by code + transaction."""
        wanted = ids if ids is not None else ([params["redemption_id"]] if params.get("redemption_id") else [])
        if wanted:
            user, _ = self.identify(params)
            found = []
            for value in wanted:
                redemption = self.redemptions.get(as_int(value))  # type: ignore[arg-type]
                if redemption is None or redemption.user_id != user.id:
                    raise Refusal(404, "Redemption not found")  # [I]
                found.append(redemption)
        elif params.get("redemption_code"):
            code, transaction_no = text(params["redemption_code"]), text(params.get("transaction_no"))
            found = [
                r
                for r in self.redemptions.values()
                if r.code == code and (not transaction_no or r.transaction_no == transaction_no)
            ]
            if not found:
                raise Refusal(404, "Redemption not found")
        else:
            raise errors.missing("redemption_id")
        if any(r.status != "processed" for r in found):
            raise Refusal(422, "Redemption has already been voided")  # [I]
        for redemption in found:
            self.give_back(redemption)

    def applicable_offers(self, params: dict[str, Any], items: list[Item]) -> list[dict[str, Any]]:
        user, _ = self.identify(params)
        offers = []
        for reward in self.rewards_of(user):
            discount = self.resolve(user, "reward", reward.id)
            applied = self.apply(discount, items, {i: item.amount for i, item in enumerate(items)})  # type: ignore[arg-type]
            if applied is not None:
                offers.append(
                    {
                        "discount_amount": amount_json(applied.amount),
                        "menu_items": applied.r1_items()[0],
                        "reward": reward.to_json(),
                    }
                )
        return offers

    def active_redemptions(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        field = "email" if params.get("email") else "phone"
        if not params.get(field):
            raise errors.missing("email")
        user = self.user_by(field, params[field])
        if user is None:
            raise errors.user_not_found()
        now = self.now()
        return [
            {"internal_tracking_code": c.code, "type_of_redemption": c.kind, "expiring_on": iso(c.expires_at)}
            for c in self.codes.values()
            if c.user_id == user.id and user.id not in c.used_by and (c.expires_at is None or now < c.expires_at)
        ]

    # -- check-ins and receipts ------------------------------------------------------------------
    def _register_key(self, location_id: int, transaction_no: Any, key: Any) -> None:
        """One key per check, and the same key on its redemption, check-in and receipt details [C]."""
        transaction, punchh_key = text(transaction_no).strip(), text(key).strip()
        if not transaction or not punchh_key:
            return
        owner = self._keys.get((location_id, punchh_key))
        if owner is not None and owner != transaction:
            raise Refusal(
                422,
                f"punchh_key {punchh_key} already belongs to transaction {owner} at this location: one key per check",
            )
        known = self._transactions.get((location_id, transaction))
        if known is not None and known != punchh_key:
            raise Refusal(
                422,
                f"transaction {transaction} was sent with punchh_key {known}: a check keeps one key across its "
                "redemption, check-in and receipt details",
            )
        self._keys[(location_id, punchh_key)] = transaction
        self._transactions[(location_id, transaction)] = punchh_key

    def punchh_key_of(self, location_id: int, transaction_no: Any) -> str | None:
        return self._transactions.get((location_id, text(transaction_no)))

    def _receipt_checks(self, params: dict[str, Any], items: list[Item], amount_field: bool) -> None:
        problem = key_problem(params.get("punchh_key"))
        if problem:
            raise Refusal(422, problem)
        problems = balance_problems(items, params, amount_field=amount_field)
        if problems:
            raise Refusal(422, "Receipt amounts do not balance: " + "; ".join(problems))

    def earn(self, user: User, amount: Decimal) -> int:
        """Credit a check-in: points per dollar of the pre-tax amount, or one visit [C]."""
        user.visits += 1
        if self.program == "visits":
            return 1
        points = int(amount * self.profile.points_per_dollar)
        user.point_credits += points
        return points

    def checkin(self, params: dict[str, Any], items: list[Item], location: Location) -> dict[str, Any]:
        """Create Check-in [C]: the paid order earns for the guest; a re-sent external_uid earns nothing
        twice and answers the original body [I]."""
        uid = text(params.get("external_uid")).strip() or None
        if uid and uid in self._checkin_uids:
            return dict(self._checkin_uids[uid].response)
        user, field = self.identify(params)
        if not user.active:
            raise Refusal(422, errors.BANNED)
        self._receipt_checks(params, items, amount_field=False)
        amount = money(params.get("subtotal_amount", params.get("receipt_amount")))
        minimum = self.profile.minimum_visit_amount
        if amount < minimum:
            raise Refusal(422, f"Minimum check-in amount is ${minimum:.2f}")  # [I] wording, from public code
        key, transaction_no = text(params["punchh_key"]), text(params.get("transaction_no"))
        self._register_key(location.id, transaction_no, key)
        if any(c.location_id == location.id and c.punchh_key == key and not c.reversed for c in self.checkins.values()):
            raise Refusal(422, f"This receipt (punchh_key {key}) has already been checked in")  # [I]
        points = self.earn(user, amount)
        checkin = Checkin(
            self.new_id(9), user.id, location.id, transaction_no, key, amount, points, self.now(), uid, items, params
        )
        scan = self.scan_code(text(params[field])) if field == "single_scan_code" else None
        checkin.response = {**self.user_json(user, scan), "points_earned": points}
        self.checkins[checkin.id] = checkin
        if uid:
            self._checkin_uids[uid] = checkin
        return dict(checkin.response)

    def receipt_details(self, params: dict[str, Any], items: list[Item], location: Location) -> Receipt:
        """Store Receipt Details [C]: every version of a check's receipt; `status: "void"` voids the check
        (points reversed, redemptions given back), a changed amount re-credits its check-in."""
        self._receipt_checks(params, items, amount_field=True)
        key, transaction_no = text(params["punchh_key"]), text(params.get("transaction_no"))
        self._register_key(location.id, transaction_no, key)
        status = text(params.get("status")).strip().lower()
        receipt = self.receipts.get((location.id, key))
        if receipt is None:
            receipt = self.receipts[(location.id, key)] = Receipt(location.id, key, transaction_no)
        was_void = receipt.voided
        version = ReceiptVersion(self.now(), dict(params), status)
        if receipt.versions and self.now() - receipt.latest.received_at < RECEIPT_OVERWRITE:
            receipt.versions[-1] = version
        else:
            receipt.versions.append(version)
        checkin = next(
            (
                c
                for c in self.checkins.values()
                if c.location_id == location.id and c.punchh_key == key and not c.reversed
            ),
            None,
        )
        if status == "void" and not was_void:
            if checkin is not None:
                self._reverse(checkin)
            for redemption in self.redemptions.values():
                same_check = redemption.punchh_key == key or (
                    bool(transaction_no) and redemption.transaction_no == transaction_no
                )
                if redemption.location_id == location.id and same_check:
                    self.give_back(redemption)
        elif status != "void" and checkin is not None:
            amount = money(params.get("subtotal_amount", params.get("receipt_amount")))
            if amount != checkin.receipt_amount and self.program != "visits":
                user = self.users[checkin.user_id]
                points = int(amount * self.profile.points_per_dollar)
                user.point_credits += points - checkin.points
                checkin.points, checkin.receipt_amount = points, amount
        return receipt

    def _reverse(self, checkin: Checkin) -> None:
        user = self.users[checkin.user_id]
        user.visits -= 1
        if self.program != "visits":
            user.point_credits -= checkin.points
        checkin.reversed = True

    def claim_receipt(self, user_id: Any, printed_barcode: str) -> Checkin:
        """A guest scans a receipt's barcode in the app later (what Receipt Details makes possible): the
        barcode must be a valid EAN-13 of a key this business received, not yet credited."""
        user = self.active_user(user_id)
        problem = barcode_problem(printed_barcode)
        if problem:
            raise Refusal(422, f"Invalid barcode: {problem}")
        key = printed_barcode[:12]
        receipt = next((r for (_, k), r in self.receipts.items() if k.zfill(12) == key), None)
        if receipt is None or receipt.voided or receipt.claimed_by is not None:
            raise Refusal(422, "No receipt to claim for this barcode")  # [I]
        if any(c.punchh_key == receipt.punchh_key and not c.reversed for c in self.checkins.values()):
            raise Refusal(422, "This receipt has already been checked in")
        body = receipt.latest.body
        amount = money(body.get("subtotal_amount", body.get("receipt_amount", body.get("amount"))))
        points = self.earn(user, amount)
        checkin = Checkin(
            self.new_id(9),
            user.id,
            receipt.location_id,
            receipt.transaction_no,
            receipt.punchh_key,
            amount,
            points,
            self.now(),
        )
        self.checkins[checkin.id] = checkin
        receipt.claimed_by = user.id
        return checkin

    # -- Advanced Authentication: one-time passwords -------------------------------------------------
    @staticmethod
    def _destination(params: dict[str, Any]) -> tuple[str, str, str]:
        """(channel, destination, lookup value) of an OTP call: an email, or a phone number with its extension."""
        email = text(params.get("email")).strip()
        if email:
            return "email", email.lower(), email
        phone = re.sub(r"\D", "", text(params.get("phone_number") or params.get("phone")))
        if not phone:
            raise errors.missing("email")
        ext = text(params.get("phone_ext")).strip() or "+1"
        return "sms", f"{ext}{phone}", phone[-10:]

    def send_otp(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, destination, _ = self._destination(params)
        if channel not in self.profile.otp_channels:
            raise Refusal(422, errors.CHANNEL_DISABLED.format("SMS" if channel == "sms" else "email"))
        challenge = text(params.get("code_challenge")).strip()
        if not challenge:
            raise errors.missing("code_challenge")
        method = text(params.get("code_challenge_method")).strip() or "S256"
        now = self.now()
        otp = SentOtp(
            self.slug,
            self.client.client_id,
            channel,
            destination,
            f"{self.rng.randint(0, 999999):06d}",
            challenge,
            method,
            now,
            now + timedelta(seconds=OTP_TTL),
        )
        self.sent_otps.append(otp)
        return {"message": f"One-time password sent by {'SMS' if channel == 'sms' else 'email'}."}

    def verify_otp(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, destination, lookup = self._destination(params)
        code = text(params.get("token")).strip()
        verifier = text(params.get("code_verifier")).strip()
        if not code:
            raise errors.missing("token")
        if not verifier:
            raise errors.missing("code_verifier")
        if not _truthy(params.get("privacy_policy")):
            raise Refusal(422, errors.PRIVACY_POLICY)
        if not _truthy(params.get("terms_and_conditions")):
            raise Refusal(422, errors.TERMS)
        now = self.now()
        sent = next(
            (o for o in reversed(self.sent_otps) if o.destination == destination and not o.used and now < o.expires_at),
            None,
        )
        if sent is None or sent.otp != code:
            if sent is not None:
                sent.attempts += 1
                sent.used = sent.attempts >= OTP_ATTEMPTS
            raise Refusal(422, errors.INVALID_OTP)
        if not _pkce_holds(sent.code_challenge, sent.code_challenge_method, verifier):
            raise Refusal(422, errors.INVALID_VERIFIER)
        sent.used = True
        user = self.user_by(channel == "email" and "email" or "phone", lookup)
        if user is None:  # sign-in and sign-up are one flow [C]
            user = User(
                self.new_id(8),
                text(params.get("first_name")),
                text(params.get("last_name")),
                lookup if channel == "email" else "",
                lookup if channel == "sms" else "",
                now,
                user_digest=self.new_code(40, HEX),
                signup_channel="MobileEmail" if channel == "email" else "MobilePhone",
                created_via="advanced_auth",
                terms_and_conditions=True,
                privacy_policy=True,
            )
            self.users[user.id] = user
        token = AccessToken(self.new_code(64, HEX), self.new_code(64, HEX), user.id, self.slug, now, TOKEN_TTL)
        self.tokens[token.token] = token
        return {
            "access_token": token.token,
            "refresh_token": token.refresh_token,
            "token_type": "Bearer",
            "expires_in": token.expires_in,
            "user": {
                "user_id": user.id,
                "email": user.email or None,
                "phone": user.phone or None,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "created_at": iso(user.created_at),
            },
        }

    def secrets(self) -> set[str]:
        return (
            {t.token for t in self.tokens.values()}
            | {t.refresh_token for t in self.tokens.values()}
            | {u.user_digest for u in self.users.values() if u.user_digest}
        )


def _truthy(value: Any) -> bool:
    return value in (True, 1, "1", "true", "True", "TRUE")


def _id_json(value: str) -> int | str:
    """Discount ids as the results write them: numbers when they are numbers [C examples]."""
    number = as_int(value)
    return value if number is None else number


def _pkce_holds(challenge: str, method: str, verifier: str) -> bool:
    """RFC 7636: S256 compares base64url(SHA-256(verifier)) without padding; plain compares as is."""
    if method.upper() == "PLAIN":
        return challenge == verifier
    computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("utf-8")).digest()).rstrip(b"=").decode()
    return computed == challenge
