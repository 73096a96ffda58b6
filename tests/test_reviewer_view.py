"""Checked as a reviewer would (issue 8, item 5): the certification log and the Allure 3 report of a broken
integration, opened in headless Chromium, show the failed requirement with its ID, its steps and its evidence.

What is asserted is the text the browser rendered, after the page's scripts ran (the Allure report is a
single-page app: its HTML holds nothing but data and code). Chromium is driven over its DevTools pipe with
the standard library only (no Selenium): one browser per worker, a page load costs a fraction of a second,
and each page is shot as PNG into the test artefacts (`build/test-artefacts/`, or `$POSCERT_TEST_ARTEFACTS`)
before anything is asserted, so a failing check leaves the picture of what a reviewer would have seen.

Skipped where Chromium is not installed (`apt-get install chromium chromium-driver`), and the report check
where Allure 3 is not (`$POSCERT_ALLURE` or `allure` on PATH); `.ci/run` installs both.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_allure_evidence import BROKEN, NO_ALLURE, built_report, installed_allure

FAILED = "PONGO-ORDER-02"  # the MUST that BROKEN breaks
ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = Path(os.environ.get("POSCERT_TEST_ARTEFACTS") or ROOT / "build" / "test-artefacts")


def chromium_path() -> str | None:
    """$POSCERT_CHROMIUM, else Debian's `chromium` (or another Chromium-based browser on PATH)."""
    candidates = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return os.environ.get("POSCERT_CHROMIUM") or next(filter(None, map(shutil.which, candidates)), None)


pytestmark = pytest.mark.skipif(
    not chromium_path(), reason="Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)"
)


EXEC_ON_PIPE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])"
)


def above(fd: int, lowest: int) -> int:
    """The same pipe end as a descriptor numbered `lowest` or more (the original is closed)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, lowest)
    os.close(fd)
    return moved


class Chromium:
    """Headless Chromium on its DevTools pipe (fd 3 in, fd 4 out, NUL-terminated JSON): one page, driven.

    Offline: every host name fails to resolve (the log must open offline; the report's analytics tag must
    not matter). Closed with `close()`, which leaves no process behind."""

    def __init__(self, executable: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="poscert-chromium-")
        commands, self._commands = os.pipe()
        self._replies, replies = os.pipe()
        # Chromium's ends above fd 4, so that mapping them onto 3 and 4 cannot overwrite one with the other.
        commands, replies = (above(fd, 10) for fd in (commands, replies))
        args = [
            executable,
            "--headless=new",
            "--no-sandbox",  # root in CI containers; the pages are our own files
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-breakpad",
            "--mute-audio",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1400,1000",
            f"--user-data-dir={self.profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # A Python one-liner maps the pipe ends onto fds 3 and 4, then becomes Chromium (exec: same process).
        self.process = subprocess.Popen(
            [sys.executable, "-c", EXEC_ON_PIPE, str(commands), str(replies), *args],
            pass_fds=(commands, replies),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: close() ends every process it started
        )
        os.close(commands)
        os.close(replies)
        self._buffer, self._id, self._session = b"", 0, ""
        try:
            target = self.call("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
            attached = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, page=False)
            self._session = attached["sessionId"]
        except BaseException:
            self.close()
            raise

    def call(self, method: str, params: dict | None = None, page: bool = True) -> dict:
        """Send one DevTools command and wait for its answer (events in between are dropped)."""
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if page:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                    raise TimeoutError(f"Chromium did not answer {method} within {self.timeout:g} s")
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise EOFError(f"Chromium exited during {method}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def js(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        done = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in done:
            raise RuntimeError(f"{expression}: {done['exceptionDetails']}")
        return done["result"].get("value")

    def wait_for(self, condition: str, what: str) -> None:
        """Poll until a JavaScript condition holds: the page rendered what a reviewer looks for."""
        deadline = time.monotonic() + self.timeout
        while not self.js(f"document.readyState === 'complete' && Boolean({condition})"):
            if time.monotonic() > deadline:
                text = self.js("document.body ? document.body.innerText : ''") or ""
                raise AssertionError(f"{what}: not shown within {self.timeout:g} s; the page shows:\n{text[-2000:]}")
            time.sleep(0.05)

    def open(self, url: str, condition: str, what: str) -> None:
        self.call("Page.navigate", {"url": url})
        self.wait_for(condition, what)

    def text(self, selector: str = "body") -> str:
        """What the element shows (innerText: rendered, visible text), whitespace collapsed."""
        return " ".join((self.js(f"document.querySelector({json.dumps(selector)})?.innerText") or "").split())

    def screenshot(self, name: str) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / name
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close", page=False)
        except (OSError, TimeoutError, EOFError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # whatever of its group survived (a renderer, the crash handler): ours, ended by its group id
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        for fd in (self._commands, self._replies):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    chromium = Chromium(chromium_path() or "chromium")
    try:
        yield chromium
    finally:
        chromium.close()


def words(text: str) -> str:
    return " ".join(text.split())


def first_line(text: str) -> str:
    return words(text.strip().splitlines()[0])


def test_the_log_shows_the_failed_requirement_with_its_steps_and_evidence(certifications, browser):
    out = Path(certifications["pongo"][BROKEN]["out"])
    log = json.loads((out / "certification-log.json").read_text(encoding="utf-8"))
    [row] = [r for r in log["rows"] if r["requirement"] == FAILED]
    row_id = f"[id={json.dumps(FAILED)}]"
    browser.open((out / "certification-log.html").as_uri(), f"document.querySelector('{row_id}')", FAILED)
    browser.js(f"document.querySelector('{row_id}').scrollIntoView()")
    browser.screenshot(f"certification-log-{FAILED}.png")

    assert f"NOT CERTIFIED: {FAILED}" in browser.text("body")
    shown = browser.text(row_id)
    assert shown.startswith(f"{FAILED} MUST") and "Fail" in shown
    for line in row["setup"]:
        assert words(line) in shown, line
    for scenario in row["scenarios"]:
        for step in scenario["actions"] + scenario["expected"]:
            assert words(step) in shown, f"{scenario['title']}: {step}"
        assert first_line(scenario["actual"]) in shown, f"{scenario['title']}: its failure is not shown"
    assert f"evidence: requirements/{FAILED}.jsonl in the bundle" in shown
    overflow = browser.js("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the log is {overflow} px wider than the window: its last columns are cut off"


def failed_result(results: Path) -> dict:
    """The first failed scenario of the failed requirement, by name, that has exchanges as evidence."""
    found = []
    for path in results.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        labels = {(label["name"], label["value"]) for label in result["labels"]}
        if result["status"] == "failed" and ("requirement", FAILED) in labels:
            found.append(result)
    return next(r for r in sorted(found, key=lambda r: r["name"]) if exchanges(r))


def exchanges(result: dict) -> list[str]:
    return [a["name"] for step in result.get("steps", []) for a in step.get("attachments", [])]


@pytest.mark.skipif(not installed_allure(), reason=NO_ALLURE)
def test_the_allure_report_shows_the_failed_requirement_with_its_steps_and_evidence(certifications, browser):
    report = built_report(certifications["pongo"][BROKEN])
    result = failed_result(report / "allure-results")
    name = json.dumps(result["name"])
    index = (report / "allure-report" / "index.html").as_uri()

    # The first screen: the verdict, and the tree grouped by requirement with the failed one open.
    browser.open(index, f"document.body.innerText.includes({name})", "the failed scenario in the tree")
    first_screen = browser.text("body")
    assert f"NOT CERTIFIED: {FAILED}" in first_screen and FAILED in first_screen

    # The reviewer opens the failed scenario: its requirement, its steps, its error.
    browser.js(f"[...document.querySelectorAll('button')].find(b => b.innerText.includes({name})).click()")
    message = first_line(result["statusDetails"]["message"])
    browser.wait_for(
        f"document.body.innerText.replace(/\\s+/g, ' ').includes({json.dumps(message)})", "the failure message"
    )
    browser.screenshot(f"allure-report-{FAILED}.png")
    shown = browser.text("body")
    assert FAILED in shown and "Failed" in shown
    for step in result["steps"]:
        assert words(step["name"]) in shown, step["name"]
    assert message.startswith("Rule violation:")

    # Its evidence: the exchanges of each step, by journal number, method, path and status.
    browser.js(
        "[...document.querySelectorAll('button, a, [role=tab]')]"
        ".find(e => /^Attachments\\b/.test(e.innerText.trim())).click()"
    )
    browser.wait_for(f"document.body.innerText.includes({json.dumps(exchanges(result)[-1])})", "the exchanges")
    browser.screenshot(f"allure-report-{FAILED}-exchanges.png")
    shown = browser.text("body")
    for exchange in exchanges(result):
        assert words(exchange) in shown, exchange
