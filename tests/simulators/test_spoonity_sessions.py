"""POS sessions: check in by each identifier, read the customer, close; closed and unknown sessions are
refused; the merchant's automatic clean-up closes a spent session, and leaves it open when turned off."""

from __future__ import annotations

import pytest

from tests.simulators.spoonity.support import *  # noqa: F403  (the fixtures)
from tests.simulators.spoonity.support import SEED_CHECKIN, checkin, client_for, message, order


@pytest.mark.parametrize("how", ["card", "email", "phone", "phone digits", "token", "email upper"])
def test_check_in_by_each_identifier(pos, vendor, how):
    john = vendor.customer("regular")
    identifier = {
        "card": john.card_number,
        "email": john.email,
        "phone": john.phone,
        "phone digits": john.phone.removeprefix("+1"),
        "token": john.barcode,
        "email upper": john.email.upper(),
    }[how]
    answer = pos.post("/onscreen", json={"card_number": identifier})
    assert answer.status_code == 201, answer.text
    session = answer.json()["pos_session"]
    assert session["object"] == "pos_session" and session["status"] == {"id": 1, "name": "Active"}
    assert len(session["hash"]) == 32
    details = pos.get("/onscreen", params={"pos_session_hash": session["hash"]})
    assert details.status_code == 200
    assert details.json()["user"]["id"] == john.id


def test_seed_checkin_body_as_written(pos):
    answer = pos.post("/onscreen", content=SEED_CHECKIN, headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 201, answer.text


def test_session_details_hold_balances_and_eligible_rewards(pos, vendor):
    john = vendor.customer("regular")
    body = pos.get("/onscreen", params={"pos_session_hash": checkin(pos)}).json()
    assert body["user"]["email_address"] == "john.smith@example.com"
    assert body["loyalty_balance"]["data"][0]["amount"] == john.points == 240
    assert body["quick_pay_balance"]["amount"] == 25.0
    eligible = {r["catalog"]["identifier"]: r for r in body["rules"]["spending"]["data"]}
    # 240 points: every reward up to 150 points, not the 2000-point cake
    assert set(eligible) == {"discount_free_coffee", "discount_free_muffin", "5_dollar_off", "10_percent_off"}
    assert eligible["discount_free_coffee"]["available"] == 4
    assert eligible["5_dollar_off"]["cost"] == 100


def test_newcomer_is_eligible_for_nothing(pos, vendor):
    newcomer = vendor.customer("newcomer")
    body = pos.get("/onscreen", params={"pos_session_hash": checkin(pos, newcomer.email)}).json()
    assert body["rules"]["spending"]["data"] == []


def test_unknown_customer_is_refused(pos):
    answer = pos.post("/onscreen", json={"card_number": "nobody@example.com"})
    assert answer.status_code == 404
    assert answer.json()["object"] == "error"
    assert "No customer" in message(answer)


def test_close_then_closed_and_unknown_are_refused(pos):
    session = checkin(pos)
    closed = pos.request("DELETE", "/onscreen", json={"pos_session_hash": session})
    assert closed.status_code == 200, closed.text
    assert closed.json()["pos_session"]["status"]["name"] == "Closed"
    again = pos.get("/onscreen", params={"pos_session_hash": session})
    assert again.status_code == 410 and "closed" in message(again)
    twice = pos.request("DELETE", "/onscreen", json={"pos_session_hash": session})
    assert twice.status_code == 410
    unknown = pos.get("/onscreen", params={"pos_session_hash": "0" * 32})
    assert unknown.status_code == 404 and message(unknown) == "POS session not found."
    unknown_close = pos.request("DELETE", "/onscreen", params={"pos_session_hash": "f" * 32})
    assert unknown_close.status_code == 404


def test_close_needs_a_hash(pos):
    answer = pos.request("DELETE", "/onscreen", json={})
    assert answer.status_code == 400 and "pos_session_hash" in message(answer)


def test_sessions_belong_to_their_vendor(ssim, pos):
    session = checkin(pos)
    with client_for(ssim, ssim.other_vendor) as other:
        assert other.get("/onscreen", params={"pos_session_hash": session}).status_code == 404


def test_auto_clean_up_closes_the_session_when_the_order_is_submitted(pos, vendor):
    assert vendor.auto_close_sessions
    session = checkin(pos)
    assert pos.post("/order", json=order("AUTO-1")).json()["success"] is True
    assert pos.get("/onscreen", params={"pos_session_hash": session}).status_code == 410


def test_auto_clean_up_closes_only_at_the_ordering_location(ssim, pos):
    session = checkin(pos)
    with client_for(ssim, index=1) as airport:
        assert airport.post("/order", json=order("AIR-1")).json()["success"] is True
    assert pos.get("/onscreen", params={"pos_session_hash": session}).status_code == 200


def test_with_auto_clean_up_off_the_session_stays_open_until_closed(ssim):
    backend = ssim.backend(ssim.other_vendor)
    assert backend.auto_close_sessions is False  # the dataset's merchant setting
    customer = backend.customer("light")
    with client_for(ssim, ssim.other_vendor) as bakery:
        session = checkin(bakery, customer.email)
        assert bakery.post("/order", json=order("B-1", card=customer.email)).json()["success"] is True
        assert bakery.get("/onscreen", params={"pos_session_hash": session}).status_code == 200
        assert bakery.request("DELETE", "/onscreen", json={"pos_session_hash": session}).status_code == 200
        assert bakery.get("/onscreen", params={"pos_session_hash": session}).status_code == 410


def test_turning_auto_clean_up_off_on_the_default_vendor(pos, vendor):
    vendor.auto_close_sessions = False
    session = checkin(pos)
    pos.post("/order", json=order("OFF-1"))
    assert pos.get("/onscreen", params={"pos_session_hash": session}).status_code == 200
