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


def outcome(req, result, reason=""):
    return ScenarioOutcome(f"t::{req}::{result}", "s", (req,), result, reason)


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
    na = outcome("PONGO-REWARD-03", "skipped", "not applicable (declared): no vouchers")
    assert judge(CAT["PONGO-REWARD-03"], [na]).result == NOT_APPLICABLE


def test_no_scenario_or_a_plain_skip_is_not_run_and_blocks_a_must():
    results = certify([CAT["PONGO-ORDER-02"], CAT["PONGO-ORDER-01"]], [outcome("PONGO-ORDER-01", "skipped", "wip")])
    assert [r.result for r in results] == [NOT_RUN, NOT_RUN]
    assert [r.id for r in blocking(results)] == ["PONGO-ORDER-02", "PONGO-ORDER-01"]
    assert "NOT CERTIFIED" in table(results)


def test_a_failed_should_does_not_block():
    results = certify([CAT["PONGO-ID-03"]], [outcome("PONGO-ID-03", "failed")])
    assert not blocking(results) and table(results).endswith("CERTIFIED")
