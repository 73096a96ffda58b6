"""The merchant-consented OAuth flow, token lifetimes, scopes and tenant isolation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from poscert.simulators.pongo.dataset import OAuthClient
from tests.simulators.conftest import ALL_SCOPES, REDIRECT, authorize, bearer, code_grant, connect


def form_query(sim, **overrides):
    return {
        "client_id": sim.oauth_client.client_id,
        "redirect_uri": REDIRECT,
        "state": "s1",
        "scope": "customer.read",
        **overrides,
    }


def test_consent_form_is_html(client, sim):
    answer = client.get("/v1/oauth/form", params=form_query(sim))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "customer.read" in answer.text and 'name="state" value="s1"' in answer.text


@pytest.mark.parametrize(
    "override",
    [
        {"client_id": "nope"},
        {"redirect_uri": "https://evil.example/cb"},
        {"redirect_uri": REDIRECT + "/x"},
        {"scope": "customer.read,admin"},
    ],
)
def test_consent_form_refuses_unknown_client_redirect_or_scope(client, sim, override):
    answer = client.get("/v1/oauth/form", params=form_query(sim, **override))
    assert answer.status_code == 400 and answer.json()["message"]
    answer = client.post("/v1/oauth/form", data={**form_query(sim, **override), "decision": "approve"})
    assert answer.status_code == 400


def test_approve_redirects_with_code_and_state(client, sim):
    backend = sim.backend(sim.default_merchant)
    answer = client.post(
        "/v1/oauth/form",
        data={
            **form_query(sim, state="a b&c"),
            "decision": "approve",
            "email": backend.login_email,
            "password": backend.login_password,
        },
    )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["a b&c"] and len(query["code"][0]) >= 40


def test_deny_redirects_with_access_denied(client, sim):
    answer = client.post("/v1/oauth/form", data={**form_query(sim), "decision": "deny"})
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query == {"error": ["access_denied"], "state": ["s1"]}


def test_bad_merchant_credentials_are_a_422(client, sim):
    answer = client.post(
        "/v1/oauth/form",
        data={**form_query(sim), "decision": "approve", "email": "admin@maison-dupont.be", "password": "wrong"},
    )
    assert answer.status_code == 422 and "email" in answer.json()["errors"]


@pytest.mark.parametrize("grant", ["authorization_code", "client_credentials"])
def test_code_exchange_both_grant_spellings(client, sim, grant):
    """The OAuth2 code is single use; the docs' `client_credentials` + `code` keeps it, to re-authorise."""
    code = authorize(client, sim, "customer.read,order.create")
    body = {
        "grant_type": grant,
        "client_id": sim.oauth_client.client_id,
        "client_secret": sim.oauth_client.client_secret,
        "code": code,
        "redirect_uri": REDIRECT,
    }
    first = client.post("/v1/oauth/token", json=body)
    assert first.status_code == 200
    token = first.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "customer.read,order.create"
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert claims["aud"] == sim.oauth_client.client_id
    assert claims["sub"] == sim.backend(sim.default_merchant).public_id
    assert claims["scopes"] == ["customer.read", "order.create"] and claims["exp"] - claims["iat"] == 3600
    sim.clock.advance(3601)  # the access token expired, and the ten minutes of a fresh code are long gone
    again = client.post("/v1/oauth/token", json=body)
    if grant == "authorization_code":
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    else:
        assert again.status_code == 200 and again.json()["access_token"] != token["access_token"]
        spent = client.post("/v1/oauth/token", json={**body, "grant_type": "authorization_code"})
        assert spent.json()["error"] == "invalid_grant"  # the other reading cannot spend it twice: spent
        assert client.post("/v1/oauth/token", json=body).json()["error"] == "invalid_grant"


def test_token_endpoint_accepts_a_form_body(client, sim):
    code = authorize(client, sim)
    answer = client.post("/v1/oauth/token", data=code_grant(sim, code))
    assert answer.status_code == 200


def test_code_expires_after_ten_minutes(client, sim):
    code = authorize(client, sim)
    sim.clock.advance(600)
    answer = client.post("/v1/oauth/token", json=code_grant(sim, code))
    assert answer.json()["error"] == "invalid_grant"


def test_code_is_bound_to_client_and_redirect_uri(client, sim):
    other = OAuthClient("other-client", "other-secret-123456", "other", (REDIRECT,))
    sim.state.clients[other.client_id] = other
    for client_id, secret, redirect in [
        (other.client_id, other.client_secret, REDIRECT),
        (sim.oauth_client.client_id, sim.oauth_client.client_secret, sim.oauth_client.redirect_uris[1]),
    ]:
        code = authorize(client, sim)
        grant = code_grant(sim, code, client_id=client_id, client_secret=secret, redirect_uri=redirect)
        answer = client.post("/v1/oauth/token", json=grant)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "body, status, error",
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "implicit"}, 400, "invalid_request"),  # not in the schema's enum
        ({"code": None}, 400, "invalid_request"),
        ({"extra": "field"}, 400, "invalid_request"),  # strict endpoint: unknown fields refused
    ],
)
def test_token_endpoint_errors_have_passport_shape(client, sim, body, status, error):
    base = {
        "grant_type": "client_credentials",
        "client_id": sim.oauth_client.client_id,
        "client_secret": sim.oauth_client.client_secret,
        "code": "whatever",
    }
    answer = client.post("/v1/oauth/token", json={k: v for k, v in {**base, **body}.items() if v is not None})
    assert answer.status_code == status
    assert answer.json()["error"] == error and answer.json()["message"]


def test_password_grant(client, sim):
    backend = sim.backend(sim.other_merchant)
    answer = client.post(
        "/v1/oauth/token",
        json={
            "grant_type": "password",
            "client_id": sim.oauth_client.client_id,
            "client_secret": sim.oauth_client.client_secret,
            "username": backend.login_email,
            "password": backend.login_password,
            "scope": "customer.read",
        },
    )
    me = client.get("/v1/oauth/me", headers=bearer(answer.json()))
    assert me.json()["data"]["merchant"]["slug"] == sim.other_merchant


def test_me_describes_the_connection(client, sim, token):
    me = client.get("/v1/oauth/me", headers=bearer(token)).json()["data"]
    assert me["merchant"]["slug"] == sim.default_merchant
    assert me["client_id"] == sim.oauth_client.client_id and me["scopes"] == ALL_SCOPES.split(",")


def test_access_token_expires_on_the_simulated_clock(client, sim, token):
    sim.clock.advance(3599)
    assert client.get("/v1/stores", headers=bearer(token)).status_code == 200
    sim.clock.advance(1)
    answer = client.get("/v1/stores", headers=bearer(token))
    assert answer.status_code == 401 and answer.json() == {"message": "Unauthenticated."}


def test_refresh_rotates_both_tokens(client, sim, token):
    body = {
        "grant_type": "refresh_token",
        "client_id": sim.oauth_client.client_id,
        "client_secret": sim.oauth_client.client_secret,
        "refresh_token": token["refresh_token"],
    }
    sim.clock.advance(4000)
    fresh = client.post("/v1/oauth/token", json=body).json()
    assert fresh["refresh_token"] != token["refresh_token"] and fresh["scope"] == token["scope"]
    assert client.get("/v1/stores", headers=bearer(fresh)).status_code == 200
    assert client.post("/v1/oauth/token", json=body).json()["error"] == "invalid_grant"


def test_refresh_revokes_the_old_access_token(client, sim, token):
    client.post(
        "/v1/oauth/token",
        json={
            "grant_type": "refresh_token",
            "client_id": sim.oauth_client.client_id,
            "client_secret": sim.oauth_client.client_secret,
            "refresh_token": token["refresh_token"],
        },
    )
    assert client.get("/v1/stores", headers=bearer(token)).status_code == 401


def test_missing_scope_is_a_403(client, sim):
    token = connect(client, sim, scope="customer.read")
    assert client.get("/v1/stores", headers=bearer(token)).status_code == 200  # stores: any valid token
    answer = client.post("/v1/orders", headers=bearer(token), json={})
    assert answer.status_code == 403 and answer.json() == {"message": "Invalid scope(s) provided."}


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer abc.def.ghi", "Basic dXNlcjpwYXNz", "Token x"])
def test_bad_credentials_are_a_401(client, header):
    answer = client.get("/v1/stores", headers={"authorization": header} if header else {})
    assert answer.status_code == 401 and answer.json() == {"message": "Unauthenticated."}


def test_forged_token_is_a_401(client, sim, token):
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "0" * 64, algorithm="HS256")
    assert client.get("/v1/stores", headers={"authorization": f"Bearer {forged}"}).status_code == 401


def test_a_token_never_reaches_another_merchants_data(client, sim, token):
    other = connect(client, sim, merchant=sim.other_merchant)
    shop = sim.backend(sim.default_merchant)
    customer = next(iter(shop.customers))
    reward = next(iter(shop.rewards))
    assert client.get(f"/v1/customers/{customer}", headers=bearer(other)).status_code == 404
    assert client.get(f"/v1/customers/{customer}", headers=bearer(token)).status_code == 200
    phone = shop.customers[customer].international_phone_number
    assert client.get(f"/v1/customers/phone/{phone}", headers=bearer(other)).status_code == 404
    assert (
        client.post(
            f"/v1/rewards/{reward}/buy",
            headers=bearer(other),
            json={"customer": customer, "store_slug": shop.stores[0].slug},
        ).status_code
        == 404
    )
    stores = client.get("/v1/stores", headers=bearer(other)).json()["data"]
    assert [s["slug"] for s in stores] == [s.slug for s in sim.backend(sim.other_merchant).stores]
    listed = client.get("/v1/customers", headers=bearer(other)).json()
    assert customer not in {c["public_id"] for c in listed["data"]}
    hook = client.post(
        "/v1/webhooks", headers=bearer(token), json={"event": "customer.created", "url": "https://partner.example/hook"}
    ).json()["data"]
    assert client.delete(f"/v1/webhooks/{hook['id']}", headers=bearer(other)).status_code == 404
    assert client.get("/v1/webhooks", headers=bearer(other)).json() == {"data": []}
    exchanges = sim.journal.exchanges("get_customer")
    assert [x.merchant for x in exchanges] == [sim.other_merchant, sim.default_merchant]
