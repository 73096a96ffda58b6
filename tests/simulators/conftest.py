"""Fixtures for the simulator tests: a fresh Pongo simulator, an httpx client on it, an OAuth helper.

Every test using `sim` ends by checking the journal: no simulator bug (500 from an
exception) and no response that breaks its own schema.
"""

from __future__ import annotations

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from poscert.simulators.core.simulator import Simulator
from poscert.simulators.core.transports import mock_transport
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.steps.pongo import actors

BASE = "https://sandbox-api.heypongo.com"
REDIRECT = "https://partner.example/pongo/callback"
ALL_SCOPES = (
    "customer.create,customer.read,customer.update,reward.read,reward.update,order.create,order.read,"
    "order.update,checkin.create"
)


@pytest.fixture
def sim():
    simulator = PongoSimulator(seed=7)
    yield simulator
    assert_clean_journal(simulator)


def assert_requests_matched_the_schemas(simulator: Simulator) -> None:
    """What an integration sent met the schemas, and the simulator answered it cleanly."""
    sent = simulator.journal.exchanges()
    assert [f"{e.title()}: {v}" for e in sent for v in e.request_violations()] == []
    assert [e.title() for e in sent if e.error] == []
    assert [(e.title(), str(v)) for e in sent for v in e.response_violations()] == []


def assert_clean_journal(simulator: Simulator) -> None:
    journal = simulator.journal
    assert not journal.errors(), [x.error for x in journal.errors()]
    bad = [(x.title(), str(v)) for x in journal.exchanges(direction=None) for v in x.response_violations()]
    assert not bad, bad


@pytest.fixture
def client(sim: PongoSimulator):
    with httpx.Client(transport=mock_transport(sim), base_url=BASE) as http:
        yield http


def authorize(
    client: httpx.Client,
    sim: PongoSimulator,
    scope: str = ALL_SCOPES,
    merchant: str | None = None,
    state: str | None = "st4te",
) -> str:
    """Play the merchant on the consent form; returns the code from the redirect."""
    backend = sim.backend(merchant or sim.default_merchant)
    fields = {"client_id": sim.oauth_client.client_id, "redirect_uri": REDIRECT, "scope": scope}
    if state is not None:
        fields["state"] = state
    answer = actors.answer_form(client, "/v1/oauth/form", fields, backend.login_email, backend.login_password)
    assert answer.status_code == 302, answer.text
    return actors.code_from(answer.headers["location"])


def code_grant(sim: PongoSimulator, code: str, **overrides: str) -> dict[str, str]:
    """The authorization-code grant a partner posts to the token endpoint (fields overridable)."""
    client = sim.oauth_client
    grant = {"grant_type": "authorization_code", "client_id": client.client_id, "code": code}
    return {**grant, "client_secret": client.client_secret, "redirect_uri": REDIRECT, **overrides}


def connect(client: httpx.Client, sim: PongoSimulator, scope: str = ALL_SCOPES, merchant: str | None = None) -> dict:
    answer = client.post("/v1/oauth/token", json=code_grant(sim, authorize(client, sim, scope, merchant)))
    assert answer.status_code == 200, answer.text
    return answer.json()


def bearer(token: dict) -> dict[str, str]:
    return {"authorization": f"Bearer {token['access_token']}"}


@pytest.fixture
def token(client: httpx.Client, sim: PongoSimulator) -> dict:
    return connect(client, sim)


@pytest.fixture
def api(client: httpx.Client, token: dict) -> httpx.Client:
    """The client, connected to the default merchant with every scope."""
    client.headers.update(bearer(token))
    return client


@pytest.fixture
def shop(sim: PongoSimulator):
    return sim.backend(sim.default_merchant)


def schema_errors(sim: PongoSimulator, document: str, part: str, instance: object) -> list[str]:
    """Check an instance against one part of a schema document with the reference `jsonschema` package."""
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in sim.schemas.documents.values()
    )
    validator = Draft202012Validator(
        {"$ref": sim.schemas.uri(document, part)}, registry=registry, format_checker=FormatChecker()
    )
    return [e.message for e in validator.iter_errors(instance)]
