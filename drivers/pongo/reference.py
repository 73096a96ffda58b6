"""The reference Pongo integrations: a kiosk and a POS a partner can learn from.

Both share `PongoReference` (integration.py). They differ in catalog, channel and what their kind
implies: the kiosk can hand payment to an external POS; the POS keeps a customer base that Pongo's
`customer.created` webhook keeps up to date, so a pass scanned for a customer enlisted elsewhere
is recognised even while Pongo is unreachable.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from poscert.drivers.catalogs import KIOSK_CATALOG, KIOSK_LOCATIONS, POS_CATALOG, POS_LOCATIONS
from poscert.drivers.contract import (
    EXTERNAL_PAYMENT,
    LOYALTY_UNAVAILABLE,
    PRODUCT_CATALOG,
    REWARD_REMOVED_UNLESS_PAID_HERE,
    VOUCHERS,
    Connection,
    LoyaltyScreen,
    OrderLine,
    OrderView,
)
from poscert.drivers.order import Order
from poscert.drivers.pongo.client import PongoError, PongoUnavailable, expect
from poscert.drivers.pongo.integration import PongoReference, full_name, log
from poscert.drivers.pongo.signature import verify


class PongoKiosk(PongoReference):
    """A self-order kiosk; payment may be handed to the restaurant's POS, which calls back once paid."""

    kind = "kiosk"
    capabilities = frozenset({VOUCHERS, PRODUCT_CATALOG, EXTERNAL_PAYMENT})
    channel = "kiosk"
    delivery_status = "preparing"  # paid at the kiosk, the kitchen starts on it
    products = KIOSK_CATALOG
    sites = KIOSK_LOCATIONS

    def order_view(self) -> OrderView:
        """The order as the customer sees it when choosing how to pay: warned if paying at the counter loses a reward."""
        view = super().order_view()
        if self._current().order.is_open and any(self._counter_cannot_take(line) for line in view.lines):
            view.messages.append("Your reward can only be used if you pay here: paying at the counter removes it.")
            view.notices.add(REWARD_REMOVED_UNLESS_PAID_HERE)
        return view

    def _counter_cannot_take(self, line: OrderLine) -> bool:
        """The restaurant's POS honours no Pongo reward: neither a free product nor a voucher."""
        return line.reward_id is not None

    def _hand_to_external(self, order: Order) -> None:
        # The POS that takes the payment cannot honour Pongo rewards, so they leave the order;
        # Pongo hears of the order only when that POS confirms it was paid (external_closed).
        if order.remove_rewards():
            order.tell(
                "Your reward was removed: it can only be used when you pay at the kiosk.",
                REWARD_REMOVED_UNLESS_PAID_HERE,
            )
        order.status = "external_pending"
        order.payment_method = "external"


class PongoPOS(PongoReference):
    """A point of sale run by staff, with a customer base kept in sync by Pongo's webhooks."""

    kind = "pos"
    capabilities = frozenset({VOUCHERS, PRODUCT_CATALOG})
    channel = "pos"
    delivery_status = "delivered"  # handed over the counter when paid
    products = POS_CATALOG
    sites = POS_LOCATIONS
    webhook_base = "https://partner.example/pongo/webhooks"

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._webhook_secrets: dict[str, str] = {}  # merchant -> the secret Pongo signs with
        self._customers: dict[str, dict[str, dict[str, Any]]] = {}  # merchant -> public id -> customer

    def handle_webhook(self, url: str, headers: Mapping[str, str], body: bytes) -> int:
        base, _, merchant = url.rpartition("/")
        secret = self._webhook_secrets.get(merchant)
        if base != self.webhook_base or secret is None:
            return 404
        signature = next((value for name, value in headers.items() if name.lower() == "pongo-signature"), None)
        if not self._genuine(secret, signature, body):
            return 401
        try:
            event = json.loads(body)
            customer = event["data"]
            self._customers.setdefault(merchant, {})[customer["public_id"]] = customer
        except (ValueError, KeyError, TypeError):
            return 400
        return 200

    def _own_webhook_secret(self) -> str | None:
        """The secret Pongo is to sign with: one of ours (Pongo would generate one if we sent none)."""
        return secrets.token_urlsafe(32)

    def _genuine(self, secret: str, signature: str | None, body: bytes) -> bool:
        """Signed by Pongo with the subscription's secret, and now: not replayed."""
        return verify(secret, signature, body)

    def _on_connected(self, merchant: str) -> None:
        """Subscribe to customer.created once per merchant; keep the secret the subscription signs with."""
        if merchant in self._webhook_secrets:
            return
        own = self._own_webhook_secret()
        body = {
            "event": "customer.created",
            "url": f"{self.webhook_base}/{merchant}",
            **({"secret": own} if own else {}),
        }
        try:
            subscription = expect(self.pongo.call(merchant, "POST", "/v1/webhooks", json=body), 201)
        except PongoError as error:
            log.warning("webhook subscription failed, the background job retries it: %s", error)
            return
        self._webhook_secrets[merchant] = subscription.get("secret") or own

    def _identify_pass(self, public_id: str) -> LoyaltyScreen:
        try:
            return super()._identify_pass(public_id)
        except PongoUnavailable:
            known = self._customers.get(self._link().merchant, {}).get(public_id)
            if known is None:
                raise
            # Recognised from our own customer base; the balance may be behind until Pongo answers.
            self._current().customer = known
            return LoyaltyScreen(
                public_id,
                full_name(known),
                known.get("points"),
                notices={LOYALTY_UNAVAILABLE},
                messages=["Loyalty is unavailable right now; rewards will show when it is back."],
            )

    def _open_account(self, customer: dict[str, Any]) -> LoyaltyScreen:
        self._customers.setdefault(self._link().merchant, {})[customer["public_id"]] = customer
        return super()._open_account(customer)
