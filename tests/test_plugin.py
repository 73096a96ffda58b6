"""The plugin's collection rules and verdict, on small suites written for the purpose."""

import json

import pytest

from poscert.results import NO_VERDICT

FEATURE = """
Feature: tiny
  {tags}
  Scenario: one
    Given nothing
"""
TEST_MODULE = """
from pytest_bdd import given, scenarios
scenarios("tiny.feature")

@given("nothing")
def nothing():
    assert {passes}
"""
DRIVER = """
from poscert.drivers.pongo.reference import PongoKiosk

class Kiosk(PongoKiosk):
    kind = "kiosk"
    capabilities = frozenset({"product_catalog"})
"""


@pytest.fixture
def suite(pytester: pytest.Pytester):
    def make(tags: str, passes: bool = True) -> pytest.Pytester:
        pytester.makefile(".feature", tiny=FEATURE.format(tags=tags))
        pytester.makepyfile(test_tiny=TEST_MODULE.format(passes=passes), fake_driver=DRIVER)
        pytester.syspathinsert()
        return pytester

    return make


def run(pytester, *args):
    return pytester.runpytest("--poscert-driver=fake_driver:Kiosk", f"--poscert-out={pytester.path / 'out'}", *args)


def certification(pytester) -> dict:
    doc = json.loads((pytester.path / "out" / "certification.json").read_text())
    return {r["id"]: r for r in doc["requirements"]}


def test_an_unknown_requirement_id_stops_collection(suite):
    result = run(suite("@REQ:PONGO-NOPE-99"))
    assert result.ret == NO_VERDICT  # a certification run: no verdict
    assert "@REQ:PONGO-NOPE-99 names no requirement" in result.stdout.str() + result.stderr.str()


def test_a_selected_platform_with_an_uncovered_must_stops_collection(suite):
    result = run(suite("@REQ:PONGO-ID-01"), "--poscert-platform=pongo")
    assert result.ret == NO_VERDICT
    result.stderr.fnmatch_lines(["*MUST requirements of pongo with no scenario: PONGO-AUTH-01*"])


def test_an_undeclared_capability_is_not_applicable_and_uncovered_musts_block(suite):
    pytester = suite("@REQ:PONGO-REWARD-03")
    result = run(pytester)
    results = certification(pytester)
    assert results["PONGO-REWARD-03"]["result"] == "not_applicable"
    assert results["PONGO-ORDER-01"]["result"] == "not_run"
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_failed_should_warns_without_blocking_when_the_musts_pass(suite):
    pytester = suite("@REQ:PONGO-ID-03 @pos", passes=False)
    pytester.makepyfile(fake_driver=DRIVER.replace('"kiosk"', '"pos"'))
    result = run(pytester)
    assert certification(pytester)["PONGO-ID-03"]["result"] == "warning"
    result.stdout.fnmatch_lines(["*PONGO-ID-03*SHOULD*WARN*"])


def test_a_scenario_for_another_kind_is_not_applicable(suite):
    pytester = suite("@REQ:PONGO-ID-03")
    run(pytester)
    assert certification(pytester)["PONGO-ID-03"]["reason"] == "not applicable to a kiosk integration"


def test_a_runs_last_scenario_runs_after_every_other(pytester: pytest.Pytester):
    pytester.makefile(
        ".feature",
        order="""
Feature: order
  @REQ:ALL-SCHEMA-01 @runs-last
  Scenario: judge
    Given a step

  @REQ:PONGO-ID-01
  Scenario: work
    Given a step
""",
    )
    pytester.makepyfile(
        test_order='from pytest_bdd import given, scenarios\nscenarios("order.feature")\n'
        '@given("a step")\ndef a_step():\n    pass\n',
        fake_driver=DRIVER,
    )
    pytester.syspathinsert()
    result = pytester.runpytest("--poscert-driver=fake_driver:Kiosk", "-v")
    result.stdout.fnmatch_lines(["*test_work PASSED*", "*test_judge PASSED*"])


def test_a_misspelt_capability_is_refused(suite):
    pytester = suite("@REQ:PONGO-ID-01")
    pytester.makepyfile(fake_driver=DRIVER.replace('"product_catalog"', '"voucher"'))
    result = run(pytester)
    assert result.ret == NO_VERDICT
    assert "unknown capabilities ['voucher']" in result.stderr.str()


def test_a_driver_that_misses_the_contract_is_refused_before_any_scenario(suite):
    pytester = suite("@REQ:PONGO-ID-01")
    pytester.makepyfile(
        fake_driver="""
class Kiosk:
    kind = "self-service"
    capabilities = frozenset()

    def identify_by_phone(self):
        pass
"""
    )
    result = run(pytester)
    assert result.ret == NO_VERDICT
    err = result.stderr.str()
    assert "does not implement the Pongo contract" in err
    assert "`kind` is 'self-service'" in err
    assert "start_connect() is missing" in err
    assert "identify_by_phone() cannot be called as identify_by_phone(phone: str)" in err
    assert "close() is missing" in err


def test_an_integration_cannot_make_itself_not_applicable_by_skipping(suite):
    pytester = suite("@REQ:PONGO-ID-01")
    pytester.makepyfile(
        test_tiny=TEST_MODULE.format(passes=True).replace(
            "    assert True", '    import pytest\n    pytest.skip("not applicable (declared): no vouchers")'
        )
    )
    result = run(pytester)
    found = certification(pytester)["PONGO-ID-01"]
    assert found["result"] == "not_run" and "did not run" in found["reason"]
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_scenarios_of_two_platforms_in_one_run_are_refused(suite):
    # One integration answers one platform's contract: driving Punchh scenarios with a Pongo kiosk is no verdict.
    pytester = suite("@REQ:PONGO-ID-01")
    pytester.makefile(".feature", other=FEATURE.format(tags="@REQ:PUNCHH-ID-01"))
    pytester.makepyfile(test_other='from pytest_bdd import scenarios\nscenarios("other.feature")\n')
    result = run(pytester)
    assert result.ret == NO_VERDICT
    assert "this run collects scenarios of pongo and punchh" in result.stderr.str()
    assert "certify one platform per run" in result.stderr.str()
