"""The opt-in verdict: what a request (or Pongo's record) says against what the customer answered. Every
reading the guides allow passes; consent not given, a refusal for a skipped question, or an answer lost fails."""

from __future__ import annotations

import pytest

from poscert.steps.pongo.customer_steps import order_optin, unanswered, untold

Y, N, SKIP = True, False, None


def answers(email, sms):
    return {"email": email, "SMS": sms}


@pytest.mark.parametrize(
    "block, email, sms",
    [
        ({"email_optin": Y, "sms_optin": N, "has_optin": Y}, Y, N),  # has_optin sums up as "any"
        ({"email_optin": Y, "sms_optin": N, "has_optin": N}, Y, N),  # ... or as "all"
        ({"email_optin": Y, "has_optin": Y}, Y, SKIP),  # the skipped channel is not sent
        ({"has_optin": N}, Y, N),  # has_optin alone covers both: no consent unless both accepted
        ({"has_optin": N}, Y, SKIP),
        ({"has_optin": Y}, Y, Y),
        ({}, SKIP, SKIP),
        ({"has_optin": None, "sms_optin": None}, SKIP, SKIP),
    ],
)
def test_every_reading_the_guides_allow_passes(block, email, sms):
    assert unanswered(block, answers(email, sms)) == []
    assert untold(block, answers(email, sms)) == []


@pytest.mark.parametrize(
    "block, email, sms, mistake",
    [
        ({"has_optin": Y}, Y, N, "SMS consent"),  # a refused channel merged into consent
        ({"has_optin": Y}, SKIP, SKIP, "email consent"),
        ({"email_optin": Y, "sms_optin": Y, "has_optin": Y}, Y, SKIP, "SMS consent"),
        ({"email_optin": N, "sms_optin": N, "has_optin": N}, SKIP, SKIP, "email refused"),  # skipped sent as no
        ({"has_optin": N}, SKIP, SKIP, "has_optin refused"),
        ({"email_optin": N, "sms_optin": N, "has_optin": Y}, N, N, "has_optin consent"),
    ],
)
def test_an_answer_the_customer_did_not_give_fails(block, email, sms, mistake):
    assert any(found.startswith(mistake) for found in unanswered(block, answers(email, sms)))


@pytest.mark.parametrize(
    "record, email, sms",
    [
        ({}, N, N),  # the refusals never reached Pongo
        ({"has_optin": N}, Y, Y),  # the consent was lost
        ({"email_optin": Y, "has_optin": Y}, Y, Y),  # one channel forgotten
    ],
)
def test_an_answer_pongo_never_received_fails(record, email, sms):
    assert untold(record, answers(email, sms))


def test_an_orders_opt_in_is_its_customers_with_has_optin_from_the_order_itself():
    assert order_optin({"has_optin": True, "customer": {"public_id": "cust_1"}})["has_optin"] is True
    assert order_optin({"has_optin": True, "customer": {"has_optin": False}})["has_optin"] is False
    assert order_optin({"customer": {"sms_optin": True}}) == {"sms_optin": True, "has_optin": None}
