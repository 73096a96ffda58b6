"""The world of one Punchh scenario: the shared world plus the brand's guests and the payment terminal.

The harness plays the guest (who reads the one-time password Punchh sent) and the payment terminal:
`pay` writes a "payment" event in the journal before the integration hears the terminal's answer, so
the order-flow rules read what came before payment and what after from the journal alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from poscert.base.journal import Event, Exchange
from poscert.drivers.contract import OrderView, PaymentOutcome, ShownReward
from poscert.drivers.punchh.contract import Connection
from poscert.simulators.punchh.declaration import SIGNED
from poscert.simulators.punchh.models import User
from poscert.simulators.punchh.receipts import only_asks
from poscert.simulators.punchh.simulator import PunchhSimulator
from poscert.steps.common.world import World

BASE_URL = "https://pos.punchh.com"
IDENTIFYING = ("user_search", "find_user", "verify_otp", "create_user")  # calls that tell who the guest is
BATCH = "batch_redemption"


@dataclass(repr=False, kw_only=True)
class PunchhWorld(World):
    operations: ClassVar[dict[str, str]] = {
        "user look-up": "user_search",
        "send OTP": "send_otp",
        "verify OTP": "verify_otp",
        "discount look-up": "discount_lookup",
        "add to discount basket": "discount_select",
        "batch redemption": BATCH,
        "check-in": "create_checkin",
        "receipt details": "receipt_details",
    }
    order_operation: ClassVar[str] = "create_checkin"
    order_identity: ClassVar[str] = "external_uid"
    # A discount look-up and a batch redemption query change nothing in Punchh (nothing is committed).
    repeatable: ClassVar[frozenset[str]] = frozenset({"discount_lookup", f"{BATCH} query"})

    sim: PunchhSimulator
    connection: Connection
    guest: User | None = None  # the guest the scenario is about
    otp_destination: str = ""  # where the guest asked for a one-time password (an email, or +1 and the number)
    account_before: tuple[int, list[str]] = (0, [])  # the guest's points and rewards when noted
    offered: list[ShownReward] = field(default_factory=list)  # the discounts shown for the order
    chosen: list[ShownReward] = field(default_factory=list)  # those the guest chose
    shown_before_payment: OrderView | None = None  # the order as shown once its discounts were applied
    barcodes: list[str] = field(default_factory=list)  # the receipts' barcodes the guests kept
    scan_code: str = ""  # the single scan code the guest's app shows
    app_reward: int = 0  # the reward the guest chose in the app

    # -- the brand's side --------------------------------------------------------------
    def points(self) -> int:
        assert self.guest is not None
        return self.backend().points(self.guest)

    # -- the guest's side -----------------------------------------------------------------
    def typed_phone(self) -> str:
        """The guest's number as a person types it at a till: spaced, with the country code."""
        assert self.guest is not None
        phone = self.guest.phone
        return f"+1 ({phone[:3]}) {phone[3:6]}-{phone[6:]}"

    def received_otp(self, destination: str) -> str:
        """What the guest reads in the email or SMS Punchh sent last."""
        sent = self.sim.sent_otps(self.merchant, destination)
        assert sent, f"Punchh sent no one-time password to {destination}"
        return sent[-1].otp

    # -- the payment terminal ------------------------------------------------------------
    def pay(self, outcome: PaymentOutcome) -> OrderView:
        """The terminal answers: the journal marks the moment before the integration hears of it."""
        self.ensure_session()
        self.journal.event("payment", outcome=outcome.value)
        self.order = self.driver.pay(outcome)
        return self.order

    def cancel(self) -> OrderView:
        """The staff voids the open order: marked in the journal like a payment that failed."""
        self.ensure_session()
        self.journal.event("payment", outcome="cancelled")
        self.order = self.driver.cancel()
        return self.order

    def failed_payment(self) -> Event:
        """The last payment that did not go through (declined, abandoned, or the order cancelled)."""
        failed = [e for e in self.journal.events("payment") if e.detail["outcome"] != PaymentOutcome.APPROVED.value]
        assert failed, "the scenario has no failed payment"
        return failed[-1]

    def payment(self) -> Event:
        """The approved payment of the scenario (the last one)."""
        approved = [e for e in self.journal.events("payment") if e.detail["outcome"] == PaymentOutcome.APPROVED.value]
        assert approved, "the scenario paid nothing"
        return approved[-1]

    def calls_before(self, event: Event, operation: str | tuple[str, ...]) -> list[Exchange]:
        return [x for x in self.integration_calls(operation) if x.seq < event.seq]

    def calls_after(self, event: Event, operation: str | tuple[str, ...]) -> list[Exchange]:
        return [x for x in self.integration_calls(operation) if x.seq > event.seq]

    def commits(self) -> list[Exchange]:
        """Batch redemptions that asked Punchh to commit (no `query`, or a false one), taken or not."""
        return [x for x in self.integration_calls(BATCH) if not is_query(x)]

    def queries(self) -> list[Exchange]:
        return [x for x in self.integration_calls(BATCH) if is_query(x)]

    # -- what went over the wire -------------------------------------------------------------
    def orders_held(self, identity: str) -> list[str]:
        return [
            "void" if c.reversed else "paid" for c in self.backend().checkins.values() if c.external_uid == identity
        ]

    def action_of(self, exchange: Exchange) -> str:
        if exchange.operation == BATCH:
            return f"{BATCH} {'query' if is_query(exchange) else 'commit'}"
        return exchange.operation

    def credential_problems(self, calls: list[Exchange]) -> list[str]:
        """POS calls carry the store's key pair in Authorization (`Token token=…, btoken=…`, masked in the
        journal but for its scheme; Punchh refuses a wrong pair itself); Advanced Authentication calls the digest."""
        signed = {route.operation for route in self.sim.routes if route.security == SIGNED}
        problems = []
        for x in calls:
            if x.operation in signed:
                if not x.request_headers.get("x-pch-digest"):
                    problems.append(f"{x.title()}: no x-pch-digest header")
            elif x.operation and not x.request_headers.get("authorization", "").startswith("Token "):
                problems.append(f"{x.title()}: no `Token token=…, btoken=…` Authorization header")
        return problems

    def secrets(self) -> set[str]:
        return super().secrets() | {self.connection.location_key, self.connection.business_key}


def is_query(exchange: Exchange) -> bool:
    """Whether Punchh read the batch redemption as a query (nothing committed): its own rule."""
    return isinstance(exchange.request_body, dict) and only_asks(exchange.request_body)
