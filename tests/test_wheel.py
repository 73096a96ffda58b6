"""poscert as a partner gets it: a wheel installed into a fresh virtual environment, used from a
directory outside this checkout to certify a partner package that lives there too."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.servers import serving

ROOT = Path(__file__).resolve().parents[1]

PARTNER = '''
"""A partner's own package: its kiosk, and a copy with one realistic mistake."""
from poscert.drivers.pongo.broken import SendsUnpaidOrders
from poscert.drivers.pongo.reference import PongoKiosk


class AcmeKiosk(PongoKiosk):
    """Certified: the reference behaviour, under the partner's own name."""


class AcmeKioskSendsUnpaid(SendsUnpaidOrders):
    """Not certified: sends declined orders to Pongo."""
'''


def run(args: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def built_wheel(run_folder: Path) -> Path:
    """The wheel, built once per test run by whichever worker needs it first: two builds at once would share
    the checkout's build/ and egg-info folders."""
    dist = run_folder / "wheel-dist"
    dist.mkdir(exist_ok=True)
    with open(dist / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not any(dist.glob("poscert-*.whl")):
            built = run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "wheel",
                    "--no-deps",
                    "--no-build-isolation",
                    "-q",
                    "-w",
                    str(dist),
                    str(ROOT),
                ],
                cwd=dist,
                timeout=300,
            )
            assert built.returncode == 0, built.stderr
        return next(dist.glob("poscert-*.whl"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, run_folder: Path) -> Path:
    """A fresh venv with the wheel and nothing of the checkout. Dependencies come from this
    environment's site-packages (a .pth), so the test needs no network and no second download."""
    root = tmp_path_factory.mktemp("wheel")
    wheel = built_wheel(run_folder)
    env = root / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = Path(
        run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:  # what pip does for a pure wheel, minus the network
        archive.extractall(site)
    scripts = env / "bin" / "poscert"
    scripts.write_text(f"#!{python}\nimport sys\nfrom poscert.cli import main\nsys.exit(main())\n")
    scripts.chmod(0o755)
    return env


def test_the_wheel_installs_only_the_poscert_package_with_features_and_schemas(installed: Path):
    site = next(installed.glob("lib/python*/site-packages"))
    tops = {p.name for p in site.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__"))}
    assert tops == {"poscert"}
    assert list(site.glob("poscert/features/pongo/*.feature"))
    assert list(site.glob("poscert/schemas/pongo/*.json"))
    assert (site / "poscert" / "requirements.yaml").exists()
    assert (site / "poscert" / "docs" / "partner-guide.md").exists()  # the skeleton's messages point there
    entry_points = next(site.glob("poscert-*.dist-info")).joinpath("entry_points.txt").read_text()
    assert "[pytest11]" in entry_points and "poscert.platforms" in entry_points


@pytest.fixture
def partner(tmp_path: Path) -> Path:
    (tmp_path / "acme_pos").mkdir()
    (tmp_path / "acme_pos" / "__init__.py").write_text(PARTNER)
    return tmp_path


@pytest.mark.parametrize(
    "driver, code, certified, extra",
    [("AcmeKiosk", 0, True, []), ("AcmeKioskSendsUnpaid", 1, False, ["--no-allure"])],  # Allure from a wheel: once
)
def test_a_partner_package_outside_the_checkout_is_certified_or_not(installed, partner, driver, code, certified, extra):
    done = run(
        [
            str(installed / "bin" / "poscert"),
            "certify",
            "--platform",
            "pongo",
            "--driver",
            f"acme_pos:{driver}",
            "--out",
            "out",
            *extra,
        ],
        cwd=partner,
    )
    assert done.returncode == code, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((partner / "out" / "certification.json").read_text())
    assert report["certified"] is certified and report["driver"] == f"acme_pos:{driver}"
    junit = (partner / "out" / "junit.xml").read_text()
    assert str(ROOT / "steps") not in junit and str(ROOT / "features") not in junit  # nothing from the checkout


def test_the_installed_plugin_runs_under_plain_pytest_with_prefixed_options(installed, partner):
    done = run(
        [
            str(installed / "bin" / "python"),
            "-m",
            "pytest",
            "--pyargs",
            "poscert.steps.pongo",
            "--poscert-platform=pongo",
            "--poscert-driver=acme_pos:AcmeKiosk",
            "-q",
            "-k",
            "OPTIN",
        ],
        cwd=partner,
    )
    # One requirement at a time: it passes, and the run says the MUSTs left out keep it from certifying.
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"PONGO-OPTIN-01 +MUST +PASS", done.stdout), done.stdout[-3000:]
    assert "NOT CERTIFIED" in done.stdout


def test_openapi_and_serve_work_from_the_wheel(installed, partner):
    document = run([str(installed / "bin" / "poscert"), "openapi", "--platform", "pongo"], cwd=partner)
    assert document.returncode == 0, document.stderr
    assert "/v1/orders" in json.loads(document.stdout)["paths"]
    with serving([str(installed / "bin" / "poscert"), "serve", "--platform", "pongo"], cwd=partner) as base:
        assert httpx.get(f"{base}/_poscert/health").json()["platform"] == "pongo"
