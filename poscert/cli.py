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
from poscert.platforms import platforms, simulator_class

CERTIFY_INI = Path(__file__).with_name("certify.ini")


def certify_args(
    platform: str, out: Path, driver: str | None, kind: str | None, seed: int | None, extra: list[str]
) -> list[str]:
    steps = package_dir("steps")
    # Allure names features relative to the rootdir: it must hold both the steps and the features.
    root = os.path.commonpath([steps, package_dir("features")])
    args = [
        str(steps / platform),
        "-c",
        str(CERTIFY_INI),
        f"--rootdir={root}",
        f"--poscert-platform={platform}",
        f"--poscert-out={out}",
        f"--alluredir={out / 'allure-results'}",
        "--clean-alluredir",
        f"--junitxml={out / 'junit.xml'}",
        "-q",
    ]
    if driver:
        args.append(f"--poscert-driver={driver}")
    if kind:
        args.append(f"--poscert-kind={kind}")
    if seed is not None:
        args.append(f"--poscert-seed={seed}")
    return args + extra


def certify(ns: argparse.Namespace) -> int:
    out = Path(ns.out).resolve()
    # Like `python -m pytest`, look for the partner's package in the current directory first.
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    code = pytest.main(certify_args(ns.platform, out, ns.driver, ns.kind, ns.seed, ns.pytest_args))
    report = out / "certification.json"
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not report.exists():
        print(f"poscert: the certification did not run (pytest exit {int(code)})", file=sys.stderr)
        return int(code) or 2
    certified = json.loads(report.read_text(encoding="utf-8"))["certified"]
    print(f"\nresults: {report}\nallure results: {out / 'allure-results'}\njunit: {out / 'junit.xml'}")
    return 0 if certified else 1


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
    cert.add_argument("--out", default="reports", help="where results go (default: ./reports)")
    cert.add_argument("--seed", type=int, default=None)
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
