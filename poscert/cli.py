"""`poscert`: certify an integration, serve a simulator, print a platform's OpenAPI document.

A thin layer over pytest for users who do not know it: `certify` runs the same
suite with the same options as `pytest steps/<platform> --driver ...` would.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pytest

from poscert import DEFAULT_SEED
from poscert.base.resources import package_dir
from poscert.frame_stack import with_room
from poscert.guard import seconds
from poscert.platforms import platforms, simulator_class
from poscert.results import (
    ALLURE_RESULTS,
    BROKEN,
    CERTIFICATION,
    COMPLETED,
    JUNIT,
    ForeignFiles,
    clear_results,
    publish,
    staged,
    write_certification,
)

CERTIFY_INI = Path(__file__).with_name("certify.ini")


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
    }
    return [
        str(steps / ns.platform),
        "-c",
        str(CERTIFY_INI),
        f"--rootdir={root}",
        # JUnit and Allure write into staging names, renamed into place once the run is over.
        *([f"--alluredir={staged(out / ALLURE_RESULTS)}", "--clean-alluredir"] if ns.allure else []),
        f"--junitxml={staged(out / JUNIT)}",
        "-q",
        *(f"--poscert-{name}={value}" for name, value in options.items() if value is not None),
        *ns.pytest_args,
    ]


def certify(ns: argparse.Namespace) -> int:
    out = Path(ns.out).resolve()
    try:
        clear_results(out, force=ns.force)  # no result of an earlier run stays beside this run's
    except ForeignFiles as refused:
        print(f"poscert: --out {refused}", file=sys.stderr)
        return pytest.ExitCode.USAGE_ERROR
    # Like `python -m pytest`, look for the partner's package in the current directory first.
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    code = with_room(pytest.main, certify_args(ns, out))  # however deep the caller: see poscert.frame_stack
    for name in (JUNIT, ALLURE_RESULTS):
        publish(out / name)
    report = out / CERTIFICATION
    if not report.exists():  # pytest refused its arguments before the plugin started
        write_certification(report, [], {}, BROKEN, f"pytest refused the run (exit {int(code)})")
    doc = json.loads(report.read_text(encoding="utf-8"))
    if doc["outcome"] != COMPLETED:
        print(f"poscert: not certified: the run did not complete ({doc['outcome']}); see {report}", file=sys.stderr)
        return max(int(code), 2)
    evidence = f"\nallure results: {out / ALLURE_RESULTS}" if ns.allure else ""
    print(f"\nresults: {report}{evidence}\njunit: {out / JUNIT}\njournal: {out / 'journal.jsonl'}")
    return 0 if doc["certified"] else 1


def serve(ns: argparse.Namespace) -> int:
    import uvicorn

    from poscert.simulators.core.transports import AsgiApp

    sim = simulator_class(ns.platform)(seed=ns.seed)
    print(f"poscert: {ns.platform} simulator on http://{ns.host}:{ns.port} (admin under /_poscert)")
    uvicorn.run(AsgiApp(sim), host=ns.host, port=ns.port, log_level="warning")
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
    cert.add_argument("pytest_args", nargs="*", help="after --: extra pytest arguments (-k, -x, ...)")
    cert.set_defaults(run=certify)
    srv = sub.add_parser("serve", help="serve a simulator on localhost")
    srv.add_argument("--platform", required=True, choices=names)
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8080)
    srv.add_argument("--seed", type=int, default=DEFAULT_SEED)
    srv.set_defaults(run=serve)
    api = sub.add_parser("openapi", help="print the OpenAPI document assembled from routes and schemas")
    api.add_argument("--platform", required=True, choices=names)
    api.set_defaults(run=openapi)
    from poscert.scaffold import add_command  # `poscert new`: a starting integration package

    add_command(sub, names)
    return top


def main(argv: list[str] | None = None) -> int:
    ns = parser().parse_args(argv)
    return ns.run(ns)


if __name__ == "__main__":
    sys.exit(main())
