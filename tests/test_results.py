"""Scenario outcomes become requirement results; the verdict blocks only on MUST."""

from poscert.base.catalog import load_catalog
from poscert.results import (
    FAIL,
    NOT_APPLICABLE,
    NOT_RUN,
    PASS,
    WARNING,
    ScenarioOutcome,
    blocking,
    certify,
    judge,
    table,
)

CAT = load_catalog()


def outcome(req, result, reason="", not_applicable=False):
    return ScenarioOutcome(f"t::{req}::{result}", "s", (req,), result, reason, not_applicable=not_applicable)


def test_all_passed_is_a_pass_and_one_failure_fails_a_must():
    assert judge(CAT["PONGO-ORDER-01"], [outcome("PONGO-ORDER-01", "passed")]).result == PASS
    failed = judge(
        CAT["PONGO-ORDER-01"], [outcome("PONGO-ORDER-01", "passed"), outcome("PONGO-ORDER-01", "failed", "boom")]
    )
    assert failed.result == FAIL and failed.reason == "boom"


def test_a_failed_should_or_may_is_a_warning():
    assert judge(CAT["PONGO-ID-03"], [outcome("PONGO-ID-03", "failed")]).result == WARNING
    assert judge(CAT["PONGO-REWARD-04"], [outcome("PONGO-REWARD-04", "failed")]).result == WARNING


def test_undeclared_capability_is_not_applicable_and_never_a_pass():
    na = outcome("PONGO-REWARD-03", "skipped", "not applicable (declared): no vouchers", not_applicable=True)
    assert judge(CAT["PONGO-REWARD-03"], [na]).result == NOT_APPLICABLE


def test_no_scenario_or_a_plain_skip_is_not_run_and_blocks_a_must():
    results = certify([CAT["PONGO-ORDER-02"], CAT["PONGO-ORDER-01"]], [outcome("PONGO-ORDER-01", "skipped", "wip")])
    assert [r.result for r in results] == [NOT_RUN, NOT_RUN]
    assert [r.id for r in blocking(results)] == ["PONGO-ORDER-02", "PONGO-ORDER-01"]
    assert "NOT CERTIFIED" in table(results)


def test_a_failed_should_does_not_block():
    results = certify([CAT["PONGO-ID-03"]], [outcome("PONGO-ID-03", "failed")])
    assert not blocking(results) and table(results).endswith("CERTIFIED")


def test_the_table_counts_passed_out_of_applicable_and_details_each_failure():
    failing = ScenarioOutcome(
        "t::a",
        "test_a",
        ("PONGO-ORDER-02",),
        "failed",
        "sent anyway:\n  ['cancelled']",
        title="Not paid [declined]",
        exchanges=(3, 4, 5, 9),
    )
    passing = ScenarioOutcome("t::b", "test_b", ("PONGO-ORDER-02",), "passed", title="Paid")
    skipped = ScenarioOutcome(
        "t::c", "test_c", ("PONGO-ORDER-02",), "skipped", "n/a", not_applicable=True, title="Handed over"
    )
    text = table(certify([CAT["PONGO-ORDER-02"]], [failing, passing, skipped]))
    assert "PONGO-ORDER-02  MUST    FAIL      1/2" in text
    assert "  - Not paid [declined] (failed)  [exchanges #3-#5, #9]" in text
    assert "      sent anyway:\n        ['cancelled']" in text  # the whole message, not its first line
    assert CAT["PONGO-ORDER-02"].title in text
    assert text.splitlines()[-1] == "NOT CERTIFIED: PONGO-ORDER-02"
