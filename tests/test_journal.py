"""The journal answers the steps' questions and never holds a secret."""

import json

from poscert.base.journal import Exchange, Journal, Violation
from poscert.base.redaction import MASK, redact_headers, redact_value, scrub_text


def exchange(journal, operation, status=200, body=None, scenario=None):
    return journal.record(
        Exchange(
            seq=journal.next_seq(),
            scenario=scenario if scenario is not None else journal.scenario,
            platform="pongo",
            operation=operation,
            method="POST",
            path="/v1/x",
            query={},
            request_headers={},
            request_body=body,
            status=status,
            response_headers={},
            response_body=None,
            duration_ms=0.1,
        )
    )


def test_queries_are_per_scenario_and_ordered_with_events(tmp_path):
    journal = Journal(tmp_path / "j.jsonl")
    journal.begin("one")
    exchange(journal, "create_order")
    journal.begin("two")
    first = exchange(journal, "get_customer")
    paid = journal.event("payment", outcome="approved")
    second = exchange(journal, "create_order", status=503)
    assert [x.seq for x in journal.exchanges()] == [first.seq, second.seq]
    assert journal.before(paid) == [first] and journal.after(paid, "create_order") == [second]
    assert journal.last("create_order") is second and journal.exchanges(ok=False) == [second]
    assert len(journal.exchanges(scenario="*")) == 3
    lines = (tmp_path / "j.jsonl").read_text().splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["exchange", "exchange", "event", "exchange"]


def test_violations_are_found_by_direction():
    journal = Journal()
    x = exchange(journal, "create_order")
    x.violations.append(Violation("create_order", "request", "/amount", "type", "not an integer"))
    assert journal.violations("request") == x.request_violations()
    assert journal.violations("response") == []
    assert "request of create_order at '/amount' breaks 'type'" in str(x.violations[0])


def test_secrets_are_masked_in_headers_bodies_and_text():
    assert redact_headers({"Authorization": "Bearer abc.def"}) == {"authorization": f"Bearer {MASK}"}
    body = redact_value({"client_secret": "s3cr3t", "nested": [{"refresh_token": "r"}], "amount": 5})
    assert body == {"client_secret": MASK, "nested": [{"refresh_token": MASK}], "amount": 5}
    assert scrub_text("token=eyJhbGciOi in log", {"eyJhbGciOi"}) == f"token={MASK} in log"


def test_known_secret_values_are_masked_wherever_they_travel():
    secrets = frozenset({"tok-123456789"})
    assert redact_headers({"X-Access-Token": "tok-123456789"}, secrets) == {"x-access-token": MASK}
    assert redact_value({"note": "token tok-123456789 here", "n": [1, "tok-123456789"]}, secrets) == {
        "note": f"token {MASK} here",
        "n": [1, MASK],
    }


def test_since_returns_only_what_is_new_across_scenarios_and_events():
    journal = Journal()
    journal.begin("one")
    first = exchange(journal, "a")
    journal.event("payment")
    journal.begin("two")
    second = exchange(journal, "b")
    assert journal.since(0) == [first, second]
    assert journal.since(first.seq) == [second]
    assert journal.since(second.seq) == []
