"""POS authentication: the store's key pair in either documented spelling, a mandatory User-Agent,
the store's configuration and the program meta, and one brand's keys never reaching another's guests."""

from __future__ import annotations

import pytest

from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import BASE, regular

CONFIG = "/api/pos/locations/configuration"


def keys(psim, business=None, index=0):
    slug = business or psim.default_business
    return psim.location(slug, index).location_key, psim.data.businesses[slug].business_key


@pytest.mark.parametrize(
    "template",
    [
        "Token token={loc}, btoken={biz}",
        'Token token="{loc}" btoken="{biz}"',
        'Token token="{loc}", btoken="{biz}"',
        "token token={loc},btoken={biz}",
    ],
)
def test_both_documented_spellings_open_the_store(psim, raw, template):
    loc, biz_key = keys(psim)
    answer = raw.get(
        CONFIG, headers={"authorization": template.format(loc=loc, biz=biz_key), "user-agent": "Acme/POS/1.0"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["location_id"] == psim.location().id
    assert psim.journal.last("location_configuration").merchant == psim.default_business


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer abc",
        "Token token=nope, btoken=nope",
        "Token token={loc}",
        "Token token={loc}, btoken=00000000-0000-4000-a000-000000000000",
        "Token token={loc}, btoken={other}",  # the other brand's business key
        "Token token={biz}, btoken={loc}",  # swapped
    ],
)
def test_a_missing_or_wrong_key_is_401_with_the_bare_list(psim, raw, authorization):
    loc, biz_key = keys(psim)
    other = psim.data.businesses[psim.other_business].business_key
    headers = {"user-agent": "Acme/POS/1.0"}
    if authorization is not None:
        headers["authorization"] = authorization.format(loc=loc, biz=biz_key, other=other)
    answer = raw.get(CONFIG, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == ["Invalid LocationKey"]


def test_every_surface_answers_401_in_the_bare_list(psim, raw):
    headers = {"authorization": "Token token=x, btoken=y", "user-agent": "Acme/POS/1.0"}
    for method, path in (
        ("POST", "/api/pos/discounts/select"),
        ("POST", "/api/pos/checkins"),
        ("POST", "/receipt_details"),
    ):
        answer = raw.request(method, path, json={}, headers=headers)
        assert (answer.status_code, answer.json()) == (401, ["Invalid LocationKey"])


@pytest.mark.parametrize(
    "agent", [None, "", "   ", "python-httpx/0.28.1", "Acme/POS", "Acme//1.0", "Acme/POS/1.0/extra"]
)
def test_a_missing_or_malformed_user_agent_is_400(psim, raw, agent):
    headers = dict(psim.pos_headers())
    headers.pop("user-agent")
    if agent is not None:
        headers["user-agent"] = agent
    answer = raw.get(CONFIG, headers=headers)
    assert answer.status_code == 400
    assert "User-Agent" in answer.json()["error"]
    assert psim.journal.last("location_configuration").status == 400


def test_the_user_agent_is_checked_before_the_key_and_in_each_family_shape(psim, raw):
    answer = raw.post("/api/pos/discounts/lookup", json={}, headers={"authorization": "Token token=x, btoken=y"})
    assert answer.status_code == 400  # httpx's own User-Agent is not Integrator/Type/Version
    assert answer.json()["error"]["message"].startswith("User-Agent must be IntegratorName/IntegrationType")
    assert answer.json()["error"]["code"] == "missing_parameter"
    answer = raw.post("/api/pos/checkins", json={}, headers={"authorization": "Token token=x", "user-agent": ""})
    assert answer.json() == {"error": "Required header missing or the value is empty: User-Agent"}


def test_ping_needs_no_credentials(raw):
    answer = raw.get("/ping")
    assert (answer.status_code, answer.text) == (200, "OK")
    assert answer.headers["content-type"].startswith("text/plain")


def test_location_configuration(psim, pos):
    body = pos.get(CONFIG).json()
    store = psim.location()
    assert body["short_key"] == str(store.short_key) and 1 <= store.short_key <= 8191
    assert body["location_name"] == f"{store.id}-downtown"
    assert (body["points_unlock_mode"], body["banked_rewards_mode"], body["visits_mode"]) == ("1", "0", "0")
    assert body["print_barcodes"] == "1" and body["update_interval"] == "60"


def test_program_meta_of_each_program(psim):
    import httpx

    from poscert.simulators.core.transports import mock_transport

    seen = {}
    with httpx.Client(transport=mock_transport(psim), base_url=BASE) as http:
        for slug in psim.data.businesses:
            seen[slug] = http.get("/api/pos/meta", headers=psim.pos_headers(slug)).json()
    coffee, pizza, bagels = (seen[s] for s in ("central-punchh-coffee", "punchh-pizza-co", "bagel-barn"))
    assert (coffee["program_type"], coffee["points_conversion_type"]) == ("points_unlock_redeemables", "staged")
    assert [r["points_required_to_redeem"] for r in coffee["redeemables"]] == [50, 35, 100, 200]
    assert coffee["multiple_redemptions"]["enable_discount_locking"] is True
    assert (pizza["program_type"], pizza["points_conversion_threshold"], pizza["redeemables"]) == ("points", 25, [])
    assert (bagels["program_type"], bagels["visits_per_card"], bagels["card_redemption_value"]) == ("visits", 5, 2)


def test_a_store_reaches_only_its_own_brands_guests(psim, raw, biz):
    guest = regular(biz)
    other = psim.pos_headers(psim.other_business)
    answer = raw.get("/api/pos/users/search", params={"email": guest.email}, headers=other)
    assert answer.status_code == 404 and answer.json() == {"error": "User not found"}
    answer = raw.request(
        "GET", "/api/pos/users/find", json={"lookup_field": "email", "lookup_value": guest.email}, headers=other
    )
    assert answer.status_code == 404
    assert psim.journal.last("find_user").merchant == psim.other_business


def test_keys_are_masked_in_the_journal_and_flagged_elsewhere(psim, pos):
    loc, _ = keys(psim)
    pos.get(CONFIG, params={"location_key": loc})
    exchange = psim.journal.last("location_configuration")
    assert loc not in str(exchange.to_dict())
    assert exchange.misplaced_secrets == ["secret in the location_key query parameter"]
    pos.post("/receipt_details", json={"location_key": loc})
    assert psim.journal.last("receipt_details").misplaced_secrets == []  # in the docs' own example
