"""A certification run you can trust: no result outlives its run or is read half-written, a run that does
not complete says so and is never certified, and the integration is checked, timed and typed at the
contract's boundary. Certify in-process (the suite runs on pytest-xdist workers); one test sends a real
Ctrl-C to a real process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from poscert import DEFAULT_SEED
from poscert.cli import main
from poscert.driver_check import problems
from poscert.drivers.contract import CAPABILITIES, Connection, LoyaltyScreen, PaymentOutcome
from poscert.drivers.pongo.contract import PongoIntegration
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.guard import Alarm, CallTimedOut, GuardedDriver, RunTimedOut, TimeLimits, Worker, build, mismatch
from poscert.results import NO_VERDICT, RESULT_NAMES, write_certification
from poscert.simulators.pongo.simulator import PongoSimulator
from tests import trust_partners

ROOT = Path(__file__).resolve().parents[1]
STALE = {"certified": True, "outcome": "completed", "requirements": []}  # what an earlier run left
CONNECTION = Connection("https://sandbox-api.heypongo.com", "client", "s3cr3t", "https://partner.example/callback")


def certify(out: Path, *args: str) -> tuple[int, str, dict]:
    """`poscert certify` in-process: its exit code, what it printed, and the certification.json it left."""
    own = list(args[: args.index("--")] if "--" in args else args)
    extra = list(args[args.index("--") + 1 :] if "--" in args else [])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["certify", "--platform", "pongo", "--out", str(out), *own, "--", "--capture=sys", *extra])
    report = out / "certification.json"
    assert report.exists(), f"no certification.json (exit {code}):\n{printed.getvalue()[-3000:]}"
    return code, printed.getvalue(), json.loads(report.read_text(encoding="utf-8"))


def scenarios(doc: dict) -> list[dict]:
    return [s for r in doc["requirements"] for s in r["scenarios"]]


def assert_published(out: Path) -> None:
    """Every result renamed into place: nothing left under a staging name."""
    assert {p.name for p in out.iterdir()} <= RESULT_NAMES, sorted(p.name for p in out.iterdir())


# -- results are never stale or torn -------------------------------------------------------------
def test_a_run_that_cannot_start_leaves_no_result_of_the_last_run(tmp_path):
    out = tmp_path / "reports"
    (out / "allure-results").mkdir(parents=True)
    (out / "allure-results" / "old-result.json").write_text("{}")
    for name in ("certification.json", "junit.xml", "journal.jsonl", ".poscert-junit.xml"):
        (out / name).write_text(json.dumps(STALE))
    code, _, doc = certify(out, "--driver", "nowhere:Nothing")
    assert code == NO_VERDICT
    assert doc["certified"] is False and doc["outcome"] == "broken"
    assert doc["reason"].startswith("--poscert-driver nowhere:Nothing could not be loaded: ModuleNotFoundError")
    assert not (out / "allure-results" / "old-result.json").exists() and not (out / "journal.jsonl").exists()
    assert json.dumps(STALE) not in (out / "junit.xml").read_text()
    assert_published(out)


def test_certify_refuses_a_folder_holding_other_files_unless_forced(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "certification.json").write_text(json.dumps(STALE))
    code = main(["certify", "--platform", "pongo", "--driver", "nowhere:Nothing", "--out", str(tmp_path)])
    assert code == NO_VERDICT
    said = capsys.readouterr().err
    assert "poscert did not write (notes.txt)" in said and "--force" in said
    assert json.loads((tmp_path / "certification.json").read_text()) == STALE, "a refused folder is left as it was"
    code, _, doc = certify(tmp_path, "--force", "--driver", "nowhere:Nothing")
    assert code == NO_VERDICT and doc["outcome"] == "broken"
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_results_folder_kept_in_a_repository_with_its_readme_is_used_as_it_is(tmp_path):
    # The checkout's own reports/ holds a README.md: the README's first command certifies into it.
    (tmp_path / "README.md").write_text("# reports/")
    (tmp_path / ".gitignore").write_text("*")
    (tmp_path / "certification.json").write_text(json.dumps(STALE))
    code, _, doc = certify(tmp_path, "--driver", "nowhere:Nothing")
    assert code == NO_VERDICT and doc["outcome"] == "broken", "the folder was refused"
    assert (tmp_path / "README.md").read_text() == "# reports/"


def test_a_result_file_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    report = tmp_path / "certification.json"
    report.write_text(json.dumps(STALE))

    def killed(*args):  # the run is stopped just as the new file would take the old one's place
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", killed)
        with pytest.raises(KeyboardInterrupt):
            write_certification(report, [], {}, "broken", "killed")
    assert json.loads(report.read_text()) == STALE
    assert [p.name for p in tmp_path.iterdir()] == ["certification.json"]


def test_nothing_selected_is_a_run_that_broke_not_a_verdict(tmp_path):
    code, _, doc = certify(tmp_path, "--", "-k", "NO-SUCH-REQUIREMENT")
    assert code == NO_VERDICT
    assert doc["certified"] is False and doc["outcome"] == "broken" and doc["reason"] == "no scenario was collected"
    code, _, doc = certify(tmp_path, "--", "--no-such-option")  # refused by pytest before the plugin starts
    assert code == NO_VERDICT
    assert (
        doc["certified"] is False and doc["outcome"] == "broken" and doc["reason"] == "pytest refused the run (exit 4)"
    )


def test_plain_pytest_replaces_a_stale_verdict_the_same_way(pytester: pytest.Pytester):
    out = pytester.path / "out"
    out.mkdir()
    (out / "certification.json").write_text(json.dumps(STALE))
    result = pytester.runpytest(
        "--pyargs", "poscert.steps.pongo", "--poscert-platform=pongo", "--poscert-driver=nowhere:Nothing",
        f"--poscert-out={out}",
    )  # fmt: skip
    assert result.ret == NO_VERDICT
    doc = json.loads((out / "certification.json").read_text())
    assert doc["certified"] is False and doc["outcome"] == "broken" and "nowhere:Nothing" in doc["reason"]


# -- the run ends, one way or another, with a verdict that says how ---------------------------------
def test_an_interrupted_run_writes_a_verdict_that_says_so(tmp_path):
    code, _, doc = certify(tmp_path, "--driver", "tests.trust_partners:Interrupted", "--", "-k", "PONGO-STORE-01")
    assert code == NO_VERDICT
    assert doc["certified"] is False and doc["outcome"] == "interrupted"
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "allure-results").is_dir()
    assert_published(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm from a cancelled CI job"])
def test_a_stopped_real_run_writes_an_interrupted_verdict(tmp_path, stop):
    started, out = tmp_path / "started", tmp_path / "out"
    run = subprocess.Popen(
        [sys.executable, "-m", "poscert.cli", "certify", "--platform", "pongo", "--out", str(out),
         "--driver", "tests.trust_partners:WaitsForever", "--", "-k", "PONGO-AUTH-01"],
        cwd=ROOT, env={**os.environ, "POSCERT_TEST_STARTED": str(started)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not started.exists():  # the integration is inside a call the harness is waiting on
            assert run.poll() is None, f"the run ended first:\n{run.communicate()[0][-3000:]}"
            assert time.monotonic() < deadline, "the run never reached the integration"
            time.sleep(0.05)
        run.send_signal(stop)
        printed = run.communicate(timeout=30)[0]
    finally:
        run.kill()
    assert run.returncode == NO_VERDICT, printed[-3000:]
    doc = json.loads((out / "certification.json").read_text())
    assert doc["certified"] is False and doc["outcome"] == "interrupted"
    assert_published(out)


# -- the driver is checked before any scenario, and at each call ----------------------------------------
@pytest.mark.parametrize(
    "source, said",
    [
        ("class Kiosk(\n", "SyntaxError: '(' was never closed (acme_kiosk.py, line 1)"),
        ("import os\nraise RuntimeError('no config file')\n", "RuntimeError: no config file ("),
    ],
    ids=["syntax error", "raises at import"],
)
def test_a_driver_module_that_cannot_be_imported_is_one_message(tmp_path, monkeypatch, source, said):
    (tmp_path / "acme_kiosk.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, printed, doc = certify(tmp_path / "out", "--driver", "acme_kiosk:Kiosk")
    assert code == NO_VERDICT, printed[-3000:]
    assert "INTERNALERROR" not in printed and "Traceback" not in printed
    assert doc["outcome"] == "broken" and said in doc["reason"]
    assert "acme_kiosk.py" in doc["reason"], "the message does not say where"


def test_a_driver_that_cannot_be_built_as_its_platform_builds_it_is_refused_before_any_scenario():
    found = problems(trust_partners.BuiltWithoutConnection, PongoIntegration, CAPABILITIES)
    assert found == ["BuiltWithoutConnection() cannot be built as BuiltWithoutConnection(connection: Connection)"]
    assert problems(PongoKiosk, PongoIntegration, CAPABILITIES) == []


def test_a_constructor_that_raises_stops_the_run_with_one_message(tmp_path):
    code, printed, doc = certify(tmp_path, "--driver", "tests.trust_partners:BuiltBroken", "--", "-k", "PONGO-ID-01")
    assert code == NO_VERDICT
    assert doc["certified"] is False and doc["outcome"] == "broken"
    assert (
        "built as BuiltBroken(connection) for every scenario, and BuiltBroken(connection) raised ValueError"
        in (doc["reason"])
    )
    assert len(scenarios(doc)) == 1, "the run went on after the first scenario could not build the integration"
    assert "NOT CERTIFIED: the run broke: PongoIntegration integrations are built as BuiltBroken" in printed
    client_secret = PongoSimulator(seed=DEFAULT_SEED).oauth_client.client_secret
    assert client_secret not in printed and client_secret not in json.dumps(doc)


def test_a_contract_method_returning_the_wrong_type_fails_its_scenario_naming_the_method(tmp_path):
    code, _, doc = certify(tmp_path, "--driver", "tests.trust_partners:AnswersADict", "--", "-k", "PONGO-ID-01")
    failed = [s for s in scenarios(doc) if s["outcome"] == "failed"]
    assert failed and doc["outcome"] == "completed" and code == 1
    for scenario in failed:
        expected = "WrongReturn: PongoIntegration.identify_by_phone returned a dict, expected a LoyaltyScreen"
        assert scenario["reason"] == expected, scenario


@pytest.mark.parametrize(
    "value, hint, wrong",
    [
        (LoyaltyScreen(), LoyaltyScreen, None),
        ({}, LoyaltyScreen, "a dict"),
        (None, LoyaltyScreen, "None"),
        (None, LoyaltyScreen | None, None),
        (["a"], list[str], None),
        (("a",), list[str], "a tuple"),
        (["a", 1], list[str], "a list holding an int"),
        ([("sku", "name")], list[tuple[str, str]], None),
        ([("sku",)], list[tuple[str, str]], "a list holding a tuple of 1"),
        ({"a": "b"}, Mapping[str, str], None),
        ({"a": 1}, Mapping[str, str], "a dict holding an int"),
        (200, int, None),
        (True, int, "a bool"),
        (None, type(None), None),
        ("done", type(None), "a str"),
    ],
)
def test_a_return_value_is_judged_by_the_contracts_annotation(value, hint, wrong):
    assert mismatch(value, hint) == wrong


class CalledBack(PongoKiosk):
    """Its platform calls it back while it is inside a call (a webhook during a request)."""

    deliver = None  # the platform's hold on the integration: the guarded handle_webhook

    def sync_stores(self) -> list[str]:
        return [str(self.deliver("https://partner.example/hooks/m", {}, b"{}"))]

    def helper(self) -> str:
        return self.note

    def start_connect(self) -> str:
        raise PermissionError("refused")


@pytest.fixture(params=[Alarm, Worker])
def guarded(request: pytest.FixtureRequest) -> Callable[[type, TimeLimits], GuardedDriver]:
    """Build an integration behind the guard, timed by SIGALRM (built on the main thread, as in a run) or
    by a worker thread (built elsewhere, or where POSIX timers are missing)."""

    def make(cls: type, limits: TimeLimits) -> GuardedDriver:
        if request.param is Alarm:
            driver = build(cls, PongoIntegration, (CONNECTION,), limits)
        else:
            with ThreadPoolExecutor(1) as elsewhere:
                driver = elsewhere.submit(build, cls, PongoIntegration, (CONNECTION,), limits).result()
        assert isinstance(driver._timer, request.param)
        return driver

    return make


def test_the_guard_is_transparent_to_everything_but_contract_calls(guarded):
    driver = guarded(CalledBack, TimeLimits(call=2))
    assert isinstance(driver, CalledBack) and isinstance(driver, PongoIntegration)
    assert driver.kind == "kiosk" and driver.capabilities == CalledBack.capabilities
    driver.note = "kept"
    assert driver.helper() == "kept"
    driver.deliver = driver.handle_webhook  # as the fixture hands it to the simulator
    assert driver.sync_stores() == ["404"], "a call back from inside a call must not wait for itself"
    with pytest.raises(PermissionError, match="refused"):  # the integration's own refusals reach the steps as is
        driver.start_connect()
    driver.close()


def test_a_call_that_does_not_return_in_time_fails_naming_the_method_and_the_time(guarded):
    driver = guarded(trust_partners.SlowToPay, TimeLimits(call=0.1))
    started = time.monotonic()
    with pytest.raises(CallTimedOut, match=r"^PongoIntegration\.pay did not return within 0\.1 s$"):
        driver.pay(PaymentOutcome.APPROVED)
    assert time.monotonic() - started < 2, "the harness waited for the integration"
    assert not issubclass(CallTimedOut, Exception), "a step's `except Exception` would take it for a refusal"
    if driver._timer.stuck:  # a worker still inside pay: the integration is not called again, not even closed
        with pytest.raises(CallTimedOut, match="order_view was not called: PongoIntegration.pay did not return"):
            driver.order_view()
    assert driver.close() is None
    hung = guarded(trust_partners.HangsOnLocations, TimeLimits(call=30, run=0.1))
    with pytest.raises(RunTimedOut, match=r"run time-out \(0\.1 s\) was reached while PongoIntegration\.locations"):
        hung.locations()


def test_a_call_that_runs_out_of_time_is_unwound_where_it_hangs():
    driver = build(trust_partners.SlowToPay, PongoIntegration, (CONNECTION,), TimeLimits(call=0.1))
    with pytest.raises(CallTimedOut) as timed_out:
        driver.pay(PaymentOutcome.APPROVED)
    where = [
        (Path(frame.filename).name, frame.name)
        for frame in traceback.extract_tb(timed_out.value.__cause__.__traceback__)
    ]
    assert ("trust_partners.py", "pay") in where, "the failure does not show where the integration was"


def test_a_call_time_out_fails_its_scenario_and_the_run_goes_on(tmp_path):
    args = ["--driver", "tests.trust_partners:SlowToPay", "--call-timeout", "0.5", "--", "-k", "PONGO-ORDER-03"]
    code, _, doc = certify(tmp_path, *args)
    ran = scenarios(doc)
    assert len(ran) > 1 and doc["outcome"] == "completed" and code == 1
    for scenario in ran:  # each with a new integration, each timed out (not "was not called")
        assert scenario["reason"] == "CallTimedOut: PongoIntegration.pay did not return within 0.5 s", scenario
    assert_published(tmp_path)


def test_a_hung_run_is_stopped_at_the_run_time_out_and_says_it_was_interrupted(tmp_path):
    started = time.monotonic()
    args = ["--driver", "tests.trust_partners:HangsOnLocations", "--run-timeout", "0.5", "--", "-k", "PONGO-ID-01"]
    code, printed, doc = certify(tmp_path, *args)
    assert time.monotonic() - started < 20, "the run waited for the integration"
    assert code == NO_VERDICT
    assert doc["certified"] is False and doc["outcome"] == "interrupted"
    assert "the run time-out (0.5 s) was reached" in doc["reason"]
    assert "NOT CERTIFIED: the run was interrupted: the run time-out (0.5 s) was reached" in printed


# -- evidence stays proportionate ----------------------------------------------------------------------
def test_a_reference_run_writes_no_more_allure_files_than_its_steps_and_exchanges(certifications):
    doc = certifications["pongo"]["kiosk"]  # the verdict matrix's run, with its Allure evidence
    out = Path(doc["out"])
    assert doc["exit"] == 0 and doc["certified"] and doc["outcome"] == "completed", doc["stdout"][-3000:]
    assert_published(out)
    allure = out / "allure-results"
    cases = [json.loads(p.read_text()) for p in allure.glob("*-result.json")]
    assert len(cases) == len(scenarios(doc))
    records = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    exchanges = sum(1 for r in records if r["type"] == "exchange")
    # Each scenario: its result, and at most one file per step besides the one attachment per exchange.
    limit = sum(1 + len(case.get("steps", [])) for case in cases) + exchanges + 3
    files = sum(1 for _ in allure.iterdir())
    assert files <= limit, f"{files} Allure files for {len(cases)} scenarios and {exchanges} exchanges"
