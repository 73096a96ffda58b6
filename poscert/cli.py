"""`poscert`: certify an integration, serve a simulator, print a platform's OpenAPI document.

A thin layer over pytest for users who do not know it: `certify` runs the same
suite with the same options as `pytest steps/<platform> --driver ...` would.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from poscert import DEFAULT_SEED
from poscert.base.resources import package_dir
from poscert.bundle import Tampered
from poscert.bundle import verify as verify_bundle
from poscert.frame_stack import with_room
from poscert.guard import seconds
from poscert.platforms import platforms, simulator_class
from poscert.reports import write_reports
from poscert.rerun import OPTION as RERUN_OPTION
from poscert.results import (
    ALLURE_RESULTS,
    BROKEN,
    BUNDLE,
    CERTIFICATION,
    CERTIFIED,
    COMPLETED,
    JOURNAL,
    JUNIT,
    LOG_HTML,
    NO_VERDICT,
    NOT_CERTIFIED,
    RESULT_NAMES,
    ForeignFiles,
    clear_results,
    publish,
    staged,
    write_certification,
)

CERTIFY_INI = Path(__file__).with_name("certify.ini")
ALLURE_REPORT = frozenset({"allure-report"})  # built from the results by `poscert report`


def certify_args(ns: argparse.Namespace, out: Path) -> list[str]:
    steps = package_dir("steps")
    # Allure names features relative to the rootdir: it must hold both the steps and the features.
    root = os.path.commonpath([steps, package_dir("features")])
    options = {
        "platform": ns.platform,
        "out": out,
        "driver": ns.driver,
        "kind": ns.kind,
        "seed": ns.seed,
        "call-timeout": ns.call_timeout,
        "run-timeout": ns.run_timeout,
        "target": ns.target,
        "upstream": ns.upstream,
        "sandbox-config": ns.sandbox_config,
        "sandbox-fixtures": ns.sandbox_fixtures,
    }
    return [
        str(steps / ns.platform),
        "-c",
        str(CERTIFY_INI),
        f"--rootdir={root}",
        # Allure writes into a staging name, renamed into place once the run is over; the JUnit XML is
        # poscert's own (poscert.junit), written by the plugin.
        *([f"--alluredir={staged(out / ALLURE_RESULTS)}", "--clean-alluredir"] if ns.allure else []),
        "-q",
        *(f"--poscert-{name}={value}" for name, value in options.items() if value is not None),
        *([RERUN_OPTION] if ns.rerun_failed else []),
        *ns.pytest_args,
    ]


XDIST_OPTIONS = ("-n", "--numprocesses", "--dist", "--maxprocesses", "--tx", "-d")


def needs_xdist(pytest_args: list[str]) -> bool:
    """Whether the pytest arguments ask for a parallel run (`-n 2`, `-n2`, `--numprocesses=auto`, ...)."""
    return any(arg in XDIST_OPTIONS or arg.startswith(("-n", "--numprocesses=", "--dist=")) for arg in pytest_args)


def certify(ns: argparse.Namespace) -> int:
    if needs_xdist(ns.pytest_args) and importlib.util.find_spec("xdist") is None:
        print(
            "poscert: a parallel run (-n) needs pytest-xdist, which is not installed: pip install pytest-xdist",
            file=sys.stderr,
        )
        return NO_VERDICT
    out = Path(ns.out).resolve()
    # A re-run builds on the last run's results: the plugin keeps them as an attempt, or refuses and they stay.
    keep = RESULT_NAMES if ns.rerun_failed else frozenset()
    earlier = (out / CERTIFICATION).read_bytes() if ns.rerun_failed and (out / CERTIFICATION).exists() else None
    try:
        clear_results(
            out, RESULT_NAMES, force=ns.force, keep=keep
        )  # no result of an earlier run stays beside this run's
    except ForeignFiles as refused:
        print(f"poscert: --out {refused}", file=sys.stderr)
        return NO_VERDICT
    # Like `python -m pytest`, look for the partner's package in the current directory first.
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    code = with_room(pytest.main, certify_args(ns, out))  # however deep the caller: see poscert.frame_stack
    publish(out / ALLURE_RESULTS)
    report = out / CERTIFICATION
    if ns.rerun_failed and code not in (CERTIFIED, NOT_CERTIFIED) and _bytes(report) == earlier:
        print(f"poscert: --rerun-failed refused; the results in {out} are left as they were", file=sys.stderr)
        return NO_VERDICT  # the plugin refused before it moved anything (pytest said why)
    if ns.rerun_failed:  # a report built from the last attempt's Allure results no longer says what they say
        clear_results(out, ALLURE_REPORT, force=True)
    if not report.exists():  # pytest refused its arguments before the plugin started
        doc = write_certification(report, [], {}, BROKEN, f"pytest refused the run (exit {int(code)})")
        write_reports(out, doc)
    doc = json.loads(report.read_text(encoding="utf-8"))
    if doc["outcome"] != COMPLETED:
        print(
            f"poscert: no verdict: the run did not complete ({doc['outcome']}: {doc['reason']}); see {report}",
            file=sys.stderr,
        )
        return NO_VERDICT
    evidence = f"\nallure results: {out / ALLURE_RESULTS}" if ns.allure else ""
    print(
        f"\nresults: {report}{evidence}\njunit: {out / JUNIT}\njournal: {out / JOURNAL}"
        f"\nlog: {out / LOG_HTML} (.md, .json)\nbundle: {out / BUNDLE} (check it with: poscert verify)"
    )
    return CERTIFIED if doc["certified"] else NOT_CERTIFIED


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def verify(ns: argparse.Namespace) -> int:
    """Exit 0 when every file of the bundle matches its manifest, 1 naming the first that does not."""
    try:
        checked = verify_bundle(Path(ns.bundle))
    except Tampered as changed:
        print(f"poscert verify: REJECTED: {changed}", file=sys.stderr)
        return 1
    print(f"poscert verify: OK: {checked.files} files match the manifest of {ns.bundle}; {checked.summary}")
    return 0


def serve(ns: argparse.Namespace) -> int:
    from poscert.simulators.core import server

    names = list(platforms()) if ns.platform == "all" else [ns.platform]
    if ns.journal_limit < 1:
        print("poscert: --journal-limit must be at least 1", file=sys.stderr)
        return NO_VERDICT
    token = ns.admin_token or os.environ.get("POSCERT_ADMIN_TOKEN") or server.new_token()
    spill = server.spill_dir(ns.journal_spill)
    try:
        served = server.build(
            [simulator_class(name) for name in names],
            host=ns.host,
            port=ns.port,
            seed=ns.seed,
            dataset=ns.dataset,
            admin_token=token,
            extra_hosts=tuple(ns.allow_host),
            journal_limit=ns.journal_limit,
            spill_dir=spill,
            deliver_webhooks=ns.webhooks,
        )
    except KeyError as unknown:  # an unknown dataset: the platform's loader names the known ones
        print(f"poscert: {unknown.args[0] if unknown.args else unknown}", file=sys.stderr)
        return NO_VERDICT
    try:  # every port bound before anything is printed: a busy one fails the start, not the first request
        sockets = server.listening_sockets(ns.host, [one.port for one in served])
    except OSError as busy:
        print(f"poscert: cannot listen on {ns.host}, ports {served[0].port}-{served[-1].port}: {busy}", file=sys.stderr)
        return NO_VERDICT
    print(server.banner(served, ns.host, token, spill), flush=True)
    server.run(served, sockets)
    return 0


def openapi(ns: argparse.Namespace) -> int:
    from openapi_spec_validator import validate

    from poscert.simulators.core.openapi import build_openapi

    document = build_openapi(simulator_class(ns.platform))
    validate(document)  # a document our own schemas assemble wrongly must never reach a partner
    print(json.dumps(document, indent=2))
    return 0


def parser() -> argparse.ArgumentParser:
    names = list(platforms())
    top = argparse.ArgumentParser(prog="poscert", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    cert = sub.add_parser("certify", help="run the certification suite against the embedded simulator")
    cert.add_argument("--platform", required=True, choices=names)
    cert.add_argument(
        "--kind",
        choices=["kiosk", "pos"],
        default=None,
        help="which bundled reference to certify when --driver is not given (default kiosk)",
    )
    cert.add_argument("--driver", default=None, metavar="SPEC", help="package.module:Class of the integration")
    cert.add_argument(
        "--out",
        default="reports",
        help="where results go (default: ./reports); the last run's results there are removed first",
    )
    cert.add_argument(
        "--force",
        action="store_true",
        help="use an --out folder that holds other files too (only poscert's own results there are removed)",
    )
    cert.add_argument("--seed", type=int, default=None)
    cert.add_argument(
        "--rerun-failed",
        action="store_true",
        help="run again only what failed or did not run in --out's last run (same platform, driver, kind, seed); "
        "that attempt is kept in --out/attempts/<n>/ and the result is the combination",
    )
    cert.add_argument(
        "--no-allure",
        dest="allure",
        action="store_false",
        help="write no Allure results: a faster loop while developing (the verdict files are still written)",
    )
    cert.add_argument(
        "--call-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="a driver call that takes longer fails its scenario (default 30; 0: no limit)",
    )
    cert.add_argument(
        "--run-timeout",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="the run stops, interrupted (exit 2), when it takes longer (default: no limit)",
    )
    cert.add_argument(
        "--target",
        choices=["simulator", "sandbox"],
        default=None,
        help="certify against the embedded simulator (default) or a live sandbox behind a recording proxy",
    )
    cert.add_argument("--upstream", default=None, metavar="URL", help="with --target sandbox: the sandbox's base URL")
    cert.add_argument(
        "--sandbox-config",
        default=None,
        metavar="FILE",
        help="the sandbox's credentials, TOML or JSON (or POSCERT_<PLATFORM>_... variables); never on the command line",
    )
    cert.add_argument(
        "--sandbox-fixtures",
        default=None,
        metavar="FILE",
        help="what the sandbox holds that scenarios read instead of the simulator's state (docs/sandbox-mode.md)",
    )
    cert.add_argument("pytest_args", nargs="*", help="after --: extra pytest arguments (-k, -x, ...)")
    cert.set_defaults(run=certify)
    srv = sub.add_parser("serve", help="serve simulators on localhost (see docs/standalone-simulators.md)")
    srv.add_argument(
        "--platform", required=True, choices=[*names, "all"], help="all: each platform on the next port, in order"
    )
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (anything but loopback warns)")
    srv.add_argument("--port", type=int, default=8080, help="the (first) port")
    srv.add_argument("--seed", type=int, default=DEFAULT_SEED)
    srv.add_argument("--dataset", default="default")
    srv.add_argument(
        "--admin-token",
        default=None,
        help="the admin API's bearer token (default: $POSCERT_ADMIN_TOKEN, else a new one, printed)",
    )
    srv.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another name clients use in Host (e.g. this machine's LAN name with --host 0.0.0.0)",
    )
    srv.add_argument(
        "--journal-limit",
        type=int,
        default=10_000,
        metavar="N",
        help="exchanges kept in memory per simulator; older ones spill to a JSON Lines file (default 10000)",
    )
    srv.add_argument(
        "--journal-spill",
        default=None,
        metavar="DIR",
        help="where older exchanges go, <platform>-journal.jsonl (default: a new temporary folder; none: dropped)",
    )
    srv.add_argument(
        "--no-webhooks",
        dest="webhooks",
        action="store_false",
        help="journal webhooks without delivering them over HTTP",
    )
    srv.set_defaults(run=serve)
    check = sub.add_parser("verify", help="check an evidence bundle against its manifest (exit 1 on any change)")
    check.add_argument("bundle", metavar="BUNDLE", help=f"a run's {BUNDLE}")
    check.set_defaults(run=verify)
    api = sub.add_parser("openapi", help="print the OpenAPI document assembled from routes and schemas")
    api.add_argument("--platform", required=True, choices=names)
    api.set_defaults(run=openapi)
    from poscert.scaffold import add_command  # `poscert new`: a starting integration package

    add_command(sub, names)
    from poscert.report_command import add_command as add_report  # `poscert report`: the Allure 3 report

    add_report(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    ns = parser().parse_args(argv)
    return ns.run(ns)


if __name__ == "__main__":
    sys.exit(main())
