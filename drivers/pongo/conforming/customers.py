"""Conforming Pongo variants: identifying, enlisting and showing customers (ID, ENLIST, OPTIN, VIEW, REDEEM). Each satisfies the requirement another way the guides allow."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from poscert.drivers.contract import Connection, LoyaltyScreen
from poscert.drivers.pongo.client import PongoError, data, expect
from poscert.drivers.pongo.conforming.registry import conforms
from poscert.drivers.pongo.integration import Session, StoreLink, full_name, log, no_account
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.drivers.till import Pending


@conforms(
    "PONGO-ID-01",
    guide="POS users must be able to find a customer based on their phone number [...] you can retrieve the data "
    "by using our endpoints (001); Get paginated list of customers with filters (API reference)",
)
class PhoneFoundInTheCustomerList(PongoKiosk):
    """Finds the customer in the customer list filtered by phone (GET /v1/customers?phone=)."""

    def _identify_phone(self, number: str) -> LoyaltyScreen:
        found = expect(self._call("GET", "/v1/customers", params={"phone": number}), 200)
        return self._open_account(found[0]) if found else no_account()


@conforms(
    "PONGO-ID-01",
    guide="POS users must be able to find a customer based on their phone number in the POS. [...] we recommend "
    "to subscribe to a Webhook customer.created in order to fetch every new enlisted customer (001)",
)
class PhoneFoundInItsOwnCustomerBase(PongoPOS):
    """Finds the number in its own customer base kept in sync, then reads that customer from Pongo by public id.

    The base is imported when the merchant connects (the customer list) and kept up to date by customer.created;
    a number it does not know, it asks Pongo."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._imported: set[str] = set()

    def _on_connected(self, merchant: str) -> None:
        super()._on_connected(merchant)
        if merchant not in self._imported:
            try:
                self._import(merchant)
            except PongoError as error:
                log.warning("customer import failed, the background job retries it: %s", error)

    def _import(self, merchant: str) -> None:
        base, page, last = self._customers.setdefault(merchant, {}), 1, 1
        while page <= last:
            listed = self.pongo.call(merchant, "GET", "/v1/customers", params={"page": str(page), "per_page": "100"})
            expect(listed, 200)
            base.update((customer["public_id"], customer) for customer in data(listed))
            page, last = page + 1, listed.json()["meta"]["last_page"]
        self._imported.add(merchant)

    def _identify_phone(self, number: str) -> LoyaltyScreen:
        base = self._customers.get(self._link().merchant, {}).values()
        known = next((c for c in base if c.get("international_phone_number") == number), None)
        return super()._identify_phone(number) if known is None else self._identify_pass(known["public_id"])


@conforms("PONGO-ID-02", guide="The code contains the customer.id that starts by cust_ (001)")
class PassReadAsALink(PongoKiosk):
    """Reads the pass as a link and takes the last segment of its path: the public id (a bare id is its own)."""

    def identify_by_pass(self, scanned: str) -> LoyaltyScreen:
        self._forget_customer()
        public_id = urlsplit(scanned.strip()).path.rpartition("/")[2]
        return self._loyalty(lambda: self._identify_pass(public_id))


@conforms(
    "PONGO-ID-03",
    guide="we recommend to subscribe to a Webhook customer.created (001); secret, string|null: Pongo generates one "
    "if it is omitted (API reference, Subscribe to a webhook event)",
)
class PongoMakesTheWebhookSecret(PongoPOS):
    """Subscribes without a secret of its own and checks events with the one Pongo generates and returns."""

    def _own_webhook_secret(self) -> str | None:
        return None


@conforms(
    "PONGO-ENLIST-01",
    guide="A customer can be automatically enlisted if the data are passed with the POST create order call (001)",
)
class EnlistsWithTheOrder(PongoKiosk):
    """Sends a new customer's data, opt-in answers included, with the visit's paid order, which enlists them."""

    def _enlist(self, number: str, person: dict[str, str], optins: dict[str, bool]) -> LoyaltyScreen:
        self._current().enrol_with_order = {"international_phone_number": number, **person, **optins}
        return LoyaltyScreen(name=full_name(person), messages=["Welcome! Your loyalty account opens with this order."])


class _AnswersWithTheFirstOrder(PongoKiosk):
    """Creates the customer without the opt-in answers and sends them with that customer's first order."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._answers: dict[str, dict[str, bool]] = {}  # customer public id -> the answers still to send

    def _enlist(self, number: str, person: dict[str, str], optins: dict[str, bool]) -> LoyaltyScreen:
        screen = super()._enlist(number, person, {})
        if screen.customer_id and optins:
            self._answers[screen.customer_id] = optins
        return screen

    def _pending_order(self, session: Session, link: StoreLink) -> Pending:
        pending = super()._pending_order(session, link)
        customer = pending.payload.get("customer") or {}
        if customer.get("public_id") in self._answers:
            self._carry(pending.payload, self._answers.pop(customer["public_id"]))
        return pending

    def _carry(self, payload: dict[str, Any], optins: dict[str, bool]) -> None:
        raise NotImplementedError


@conforms(
    "PONGO-OPTIN-01",
    guide="Once you collect the customer opt-in options, you can pass it to the POST create order or the "
    "POST/PATCH customer calls (000, 001)",
)
class OptinWithTheOrder(_AnswersWithTheFirstOrder):
    """Sends the answers (has_optin and the channel fields) in the customer of the enlisted customer's first order."""

    def _carry(self, payload: dict[str, Any], optins: dict[str, bool]) -> None:
        payload["customer"].update(optins)


@conforms(
    "PONGO-OPTIN-01",
    guide="you can pass it to the POST create order [...] in the has_optin attribute. (000, 001); has_optin is "
    "consent only for what the customer accepted. (catalog)",
)
class HasOptinOnTheOrder(_AnswersWithTheFirstOrder):
    """Sends has_optin alone, on the order itself: consent only when the customer accepted email and SMS both."""

    def _carry(self, payload: dict[str, Any], optins: dict[str, bool]) -> None:
        answers = [optins[field] for field in ("email_optin", "sms_optin") if field in optins]
        payload["has_optin"] = len(answers) == 2 and all(answers)


@conforms("PONGO-VIEW-01")
class BalanceFromGetCustomer(PongoKiosk):
    """Reads the customer again with GET customer, the endpoint the guide names, for the balance it shows."""

    def _open_account(self, customer: dict[str, Any]) -> LoyaltyScreen:
        return super()._open_account(expect(self._call("GET", f"/v1/customers/{customer['public_id']}"), 200))


@conforms(
    "PONGO-VIEW-02",
    guide="Rewards available on the merchant's program. They can be retrieved from the GET rewards endpoint (000, 001)",
)
class RewardsOfTheStoreKeptHere(PongoKiosk):
    """Asks for the customer's rewards of every store and keeps, itself, those valid at the location's store."""

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if path != "/v1/rewards":
            return super()._call(method, path, **kwargs)
        params = dict(kwargs.pop("params"))
        slug = params.pop("store_slug")
        answer = super()._call(method, path, params=params, **kwargs)
        if answer.status_code != 200:
            return answer
        here = [r for r in data(answer) if r.get("store_slugs") is None or slug in r["store_slugs"]]
        return httpx.Response(200, json={"data": here}, request=answer.request)


@conforms("PONGO-VIEW-03")
class PurchasedFromTheWholeHistory(PongoKiosk):
    """Asks for every reward the customer ever won (status=all) and shows apart those still to use."""

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if not (path.startswith("/v1/customers/") and path.endswith("/rewards")):
            return super()._call(method, path, **kwargs)
        answer = super()._call(method, path, params={"status": "all"}, **kwargs)
        if answer.status_code != 200:
            return answer
        available = [won for won in data(answer) if won["status"] == "available"]
        return httpx.Response(200, json={"data": available}, request=answer.request)


@conforms("PONGO-REDEEM-01")
class RefreshedThroughThePhoneLookup(PongoKiosk):
    """After a purchase, reads the customer again by their phone number, the way it identified them, to refresh."""

    def _refreshed(self) -> LoyaltyScreen:
        phone = self._current().customer["international_phone_number"]
        return self._open_account(expect(self._call("GET", f"/v1/customers/phone/{phone}"), 200))
