"""The people and systems around a Pongo integration that the harness plays: the merchant approving
the connection on Pongo's consent form, and a forger (or a replayer) posting to the integration's webhook URL.

One place for each, used by the steps, the project's tests and the benchmarks.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx

from poscert.simulators.pongo.platform import sign

CONSENT_FIELDS = ("client_id", "redirect_uri", "state", "scope")


def consent(browser: httpx.Client, authorize_url: str, email: str, password: str, decision: str = "approve") -> str:
    """The merchant opens Pongo's form at `authorize_url`, logs in and decides; returns the redirect URL."""
    parts = urlsplit(authorize_url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    form = browser.get(authorize_url)
    assert form.status_code == 200, f"Pongo's OAuth form answered {form.status_code}: {form.text[:200]}"
    fields = {name: query.get(name, "") for name in CONSENT_FIELDS}
    answer = answer_form(browser, f"{parts.scheme}://{parts.netloc}{parts.path}", fields, email, password, decision)
    assert answer.status_code == 302, f"consent answered {answer.status_code}: {answer.text[:200]}"
    return answer.headers["location"]


def answer_form(
    browser: httpx.Client, form_url: str, fields: dict[str, str], email: str, password: str, decision: str = "approve"
) -> httpx.Response:
    """The merchant's login and decision posted with the form's fields: Pongo's answer, as it comes."""
    return browser.post(form_url, data={**fields, "email": email, "password": password, "decision": decision})


def code_from(redirect: str) -> str:
    """The authorization code Pongo put in the redirect back to the partner."""
    return parse_qs(urlsplit(redirect).query)["code"][0]


def forged_event(event: str, data: dict, timestamp: int, secret: str = "not-the-secret") -> tuple[dict, bytes]:
    """An event signed the way Pongo signs, with a secret Pongo never gave: (headers, body)."""
    body = json.dumps({"event": event, "created_at": "2026-01-15T10:00:00+00:00", "data": data}).encode()
    return {"content-type": "application/json", "pongo-signature": sign(secret, body, timestamp)}, body


def untrusted_event(how: str, event: str, data: dict, secret: str) -> tuple[dict, bytes]:
    """An event that is not Pongo's of now: "signed with the wrong secret", "with no signature", "with a
    malformed signature" (a time but no v1), "signed by Pongo an hour ago" (Pongo's own, replayed) or "signed
    by Pongo an hour from now" (a signature made for a later replay, or a receiver's clock far behind).
    `secret` is the subscription's; times are the receiver's clock, which judges a signature's age."""
    now = int(time.time())
    shifted = {"signed by Pongo an hour ago": -3600, "signed by Pongo an hour from now": 3600}
    if how in shifted:
        return forged_event(event, data, now + shifted[how], secret)
    headers, body = forged_event(event, data, now)
    if how == "with no signature":
        del headers["pongo-signature"]
    elif how == "with a malformed signature":
        headers["pongo-signature"] = f"t={now}"
    return headers, body
