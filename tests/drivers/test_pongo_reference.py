"""The reference Pongo kiosk and POS: their pure logic, and their HTTP behaviour against respx mocks."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from poscert.drivers.contract import (
    LOYALTY_UNAVAILABLE,
    Connection,
    Integration,
    OptIn,
    Option,
    PaymentOutcome,
    Product,
)
from poscert.drivers.order import Order, Voucher, free_line, paid_line
from poscert.drivers.pongo.client import NotConnected, PongoClient, PongoUnavailable
from poscert.drivers.pongo.contract import PongoIntegration
from poscert.drivers.pongo.phone import calling_code, normalize_phone
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.drivers.pongo.signature import expected_signature, verify
from poscert.drivers.pongo.wire import optin_fields, order_payload, own_products

BASE = "https://sandbox-api.heypongo.com"
CONNECTION = Connection(BASE, "client-1", "s3cret-client", "https://partner.example/pongo/callback")
BURGER = Product(
    "PSC-BURGER", "Burger", 900, (Option("PSC-OPT-CHEESE", "Cheese", 80), Option("PSC-OPT-BACON", "Bacon", 120))
)
COFFEE = Product("PSC-COFFEE", "Coffee", 250)


# -- phone numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["+32 470 12 34 56", "0032470123456", "0470/12.34.56", "(0470) 12-34-56", "+32 (0)470 123 456", " 32470123456 "],
)
def test_phone_numbers_become_pongo_international_digits(typed: str) -> None:
    assert normalize_phone(typed, "32") == "32470123456"


def test_national_numbers_take_the_merchant_country_code() -> None:
    assert normalize_phone("06 12 34 56 78", calling_code("FR")) == "33612345678"
    assert calling_code("Belgium") == calling_code("be") == calling_code(None) == "32"


@pytest.mark.parametrize("typed", ["", "12", "hello", "+0 470 12", "0032"])
def test_unreadable_phone_numbers_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        normalize_phone(typed, "32")


# -- rewards and orders ----------------------------------------------------------------------


def test_reward_skus_are_filtered_to_our_catalog() -> None:
    catalog = [BURGER, COFFEE]
    assert own_products("TAB-1, PSC-COFFEE ,ZLT-9", catalog) == [COFFEE]
    assert own_products("PSC-BURGER,,PSC-COFFEE,PSC-BURGER", catalog) == [BURGER, COFFEE]
    assert own_products("TAB-1,LSP-2", catalog) == []
    assert own_products(None, catalog) == []


def test_only_answered_optins_are_sent() -> None:
    assert optin_fields(OptIn()) == {}
    assert optin_fields(OptIn(email=True)) == {"email_optin": True, "has_optin": True}
    assert optin_fields(OptIn(email=False, sms=None)) == {"email_optin": False, "has_optin": False}
    assert optin_fields(OptIn(email=False, sms=True)) == {"email_optin": False, "sms_optin": True, "has_optin": True}


def test_a_free_product_keeps_its_chosen_options_paid() -> None:
    line = free_line(BURGER, "won_1", ("PSC-OPT-BACON",))
    assert (line.unit_price, line.reward_id, [o.price for o in line.options]) == (0, "won_1", [120])
    with pytest.raises(ValueError):
        paid_line(BURGER, ("PSC-OPT-GOLD",))


def test_vouchers_take_cents_or_a_percentage_off_never_more_than_the_order() -> None:
    order = Order("o-1", "till-1", [paid_line(BURGER, ("PSC-OPT-CHEESE",)), paid_line(COFFEE, ())])
    assert order.subtotal == 1230
    order.vouchers.append(Voucher("PGO-AAAA-BBBB", "won_2", "10 %", True, 10))
    assert (order.discount, order.total) == (123, 1107)
    order.vouchers.append(Voucher("PGO-CCCC-DDDD", "won_3", "50 EUR", False, 5000))
    assert (order.discount, order.total) == (1230, 0)
    payload = order_payload(
        order, store_slug="s", channel="pos", delivery_mode="eat_in", delivery_status="delivered", customer=None
    )
    assert [line["reward_id"] for line in payload["lines"] if "reward_id" in line] == ["won_2", "won_3"]
    assert payload["payments"] == [] and "customer" not in payload


# -- webhook signatures ----------------------------------------------------------------------


def test_signatures_are_checked_on_the_raw_body() -> None:
    body = b'{"event":"customer.created"}'
    header = f"t=1700000000,v1={expected_signature('whsec', body, '1700000000')}"
    assert verify("whsec", header, body, now=1700000000)
    assert not verify("whsec", header, body + b" ", now=1700000000)
    assert not verify("other", header, body, now=1700000000)
    assert not verify("whsec", None, body, now=1700000000)
    assert not verify("whsec", "v1=abc", body, now=1700000000)
    assert verify("whsec", header, body, now=1700000000 + 300)
    assert not verify("whsec", header, body, now=1700000000 + 301)  # replayed later
    assert not verify("whsec", header, body)  # signed in 2023


# -- the HTTP client -------------------------------------------------------------------------


def tokens(access: str, refresh: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "token_type": "Bearer",
            "expires_in": 3600,
            "access_token": access,
            "refresh_token": refresh,
            "scope": "customer.read",
        },
    )


ME = httpx.Response(200, json={"data": {"merchant": {"public_id": "mer_1", "name": "M", "slug": "m"}}})


@respx.mock(base_url=BASE, assert_all_called=False)
def test_a_401_refreshes_once_stores_the_rotated_token_and_retries(respx_mock: respx.MockRouter) -> None:
    token = respx_mock.post("/v1/oauth/token").mock(
        side_effect=[tokens("a1", "r1"), tokens("a2", "r2"), tokens("a3", "r3")]
    )
    respx_mock.get("/v1/oauth/me").mock(return_value=ME)
    empty = httpx.Response(200, json={"data": []})
    stores = respx_mock.get("/v1/stores").mock(side_effect=[httpx.Response(401), empty, httpx.Response(401), empty])
    client = PongoClient(CONNECTION)
    assert client.connect("code-1")["public_id"] == "mer_1"
    assert client.call("mer_1", "GET", "/v1/stores").status_code == 200
    assert client.call("mer_1", "GET", "/v1/stores").status_code == 200
    assert [c.request.headers["authorization"] for c in stores.calls] == [
        "Bearer a1",
        "Bearer a2",
        "Bearer a2",
        "Bearer a3",
    ]
    refreshes = [parse_qs(c.request.content.decode()) for c in token.calls[1:]]
    assert [r["refresh_token"] for r in refreshes] == [["r1"], ["r2"]]  # the rotated one was kept
    assert all("a1" not in str(c.request.url) for c in stores.calls)  # tokens never in URLs


@respx.mock(base_url=BASE, assert_all_called=False)
def test_a_refused_refresh_means_the_merchant_must_reconnect(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/v1/oauth/token").mock(
        side_effect=[
            tokens("a1", "r1"),
            httpx.Response(400, json={"error": "invalid_grant", "error_description": "x", "message": "x"}),
        ]
    )
    respx_mock.get("/v1/oauth/me").mock(return_value=ME)
    respx_mock.get("/v1/stores").mock(return_value=httpx.Response(401))
    client = PongoClient(CONNECTION)
    client.connect("code-1")
    with pytest.raises(NotConnected):
        client.call("mer_1", "GET", "/v1/stores")
    with pytest.raises(NotConnected):
        client.call("mer_1", "GET", "/v1/stores")


@respx.mock(base_url=BASE)
def test_5xx_and_time_outs_are_pongo_unavailable(respx_mock: respx.MockRouter) -> None:
    respx_mock.post("/v1/oauth/token").mock(side_effect=[httpx.Response(503), httpx.ReadTimeout("slow")])
    client = PongoClient(CONNECTION)
    for _ in range(2):
        with pytest.raises(PongoUnavailable):
            client.connect("code-1")


# -- the integrations --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [PongoKiosk, PongoPOS])
def test_both_implement_the_contract(cls: type) -> None:
    integration = cls(CONNECTION)
    assert isinstance(integration, PongoIntegration) and isinstance(integration, Integration)
    assert integration.platform == "pongo" and len(integration.locations()) >= 2
    skus = [sku for sku, _ in integration.sku_guide()]
    assert {p.sku for p in integration.catalog()} <= set(skus) and "PSC-OPT-CHEESE" in skus
    assert len(skus) == len(set(skus))


def test_the_connect_button_opens_pongo_form_with_a_fresh_state() -> None:
    kiosk = PongoKiosk(CONNECTION)
    first, second = (urlsplit(kiosk.start_connect()) for _ in range(2))
    query = parse_qs(first.query)
    assert f"{first.scheme}://{first.netloc}{first.path}" == f"{BASE}/v1/oauth/form"
    assert query["client_id"] == ["client-1"] and query["redirect_uri"] == [CONNECTION.redirect_uri]
    assert query["response_type"] == ["code"] and "order.create" in query["scope"][0].split(",")
    assert len(query["state"][0]) >= 20 and query["state"] != parse_qs(second.query)["state"]


@pytest.mark.parametrize(
    "callback",
    [
        "?code=c&state=forged",
        "?error=access_denied&state={state}",
        "?code=c",
        "https://evil.example/pongo/callback?code=c&state={state}",
    ],
)
def test_untrusted_callbacks_are_refused_without_a_token_call(callback: str) -> None:
    kiosk = PongoKiosk(CONNECTION)
    state = parse_qs(urlsplit(kiosk.start_connect()).query)["state"][0]
    url = callback.format(state=state)
    with respx.mock(base_url=BASE) as router, pytest.raises(PermissionError):
        kiosk.finish_connect(url if url.startswith("https") else CONNECTION.redirect_uri + url)
    assert not router.calls


@respx.mock(base_url=BASE, assert_all_called=False)
def test_pongo_down_tells_the_customer_and_keeps_the_paid_order(
    respx_mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="poscert.integration.pongo")
    respx_mock.post("/v1/oauth/token").mock(return_value=tokens("acc-XYZ", "ref-XYZ"))
    respx_mock.get("/v1/oauth/me").mock(return_value=ME)
    respx_mock.get("/v1/stores").mock(
        return_value=httpx.Response(
            200,
            json={
                "data": [
                    {
                        "public_id": "store_1",
                        "slug": "m-gent",
                        "name": "M Gent",
                        "address": "",
                        "zip_code": "",
                        "city": "Gent",
                        "country": "BE",
                    }
                ]
            },
        )
    )
    respx_mock.get("/v1/customers/phone/32470123456").mock(return_value=httpx.Response(503))
    orders = respx_mock.post("/v1/orders").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            httpx.Response(202, json={"message": "This order has already been processed.", "id": "ord_1"}),
        ]
    )
    kiosk = PongoKiosk(CONNECTION)
    state = parse_qs(urlsplit(kiosk.start_connect()).query)["state"][0]
    kiosk.finish_connect(f"{CONNECTION.redirect_uri}?code=c&state={state}")
    assert kiosk.sync_stores() == ["m-gent"]
    with pytest.raises(ValueError):
        kiosk.map_location("kiosk-1", "someone-elses-store")
    kiosk.map_location("kiosk-1", "m-gent")
    kiosk.start_session("kiosk-1")

    screen = kiosk.identify_by_phone("0470 12 34 56")
    assert screen.customer_id is None and LOYALTY_UNAVAILABLE in screen.notices
    kiosk.add_product("PSC-COFFEE")
    view = kiosk.pay(PaymentOutcome.APPROVED)
    assert view.status == "paid" and view.notices
    kiosk.retry_pending()
    kiosk.retry_pending()  # done after the 202: never sent again
    sent = [json.loads(call.request.content) for call in orders.calls]
    assert len(sent) == 2 and sent[0]["order_id"] == sent[1]["order_id"]
    assert sent[0]["loyalty_store_slug"] == "m-gent" and sent[0]["amount"] == 250
    for text in (caplog.text, kiosk.receipt()):
        assert "acc-XYZ" not in text and "ref-XYZ" not in text and CONNECTION.client_secret not in text
