"""`poscert new`: the skeleton it writes passes the contract check, certifies (and fails) without crashing,
and says in each failure which contract method to implement next."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import inspect
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest

from poscert.cli import main
from poscert.driver_check import KINDS, contract_methods, problems
from poscert.drivers.contract import CAPABILITIES, OrderView
from poscert.drivers.pongo.contract import PongoIntegration
from poscert.platforms import load_object, platform
from poscert.scaffold import LOCAL_BODIES, contract_doc, render_package, write_package

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Import a generated package from tmp_path; forgotten again after the test."""
    monkeypatch.syspath_prepend(str(tmp_path))
    names: list[str] = []

    def load(package: str):
        names.append(package)
        return importlib.import_module(package)

    yield load
    for name in names:
        sys.modules.pop(name, None)


def certify(out: Path, driver: str) -> tuple[int, str]:
    printed = io.StringIO()
    # --tb=no: every scenario fails, and printing forty tracebacks would double the run's time.
    args = ["certify", "--platform", "pongo", "--driver", driver, "--out", str(out), "--", "--capture=sys", "--tb=no"]
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(args)
    return code, printed.getvalue()


@pytest.mark.parametrize("kind", KINDS)
def test_the_skeleton_implements_the_contract_with_working_local_answers(tmp_path, imported, kind):
    package = f"acme_{kind}_skeleton"
    written = write_package("pongo", kind, package, tmp_path)
    assert {p.name for p in written} == {"__init__.py", "README.md"}
    cls = getattr(imported(package), f"Acme{kind.capitalize()}Skeleton")
    assert problems(cls, PongoIntegration, CAPABILITIES) == []
    assert cls.kind == kind and cls.platform == "pongo" and cls.capabilities == frozenset()
    for name in contract_methods(PongoIntegration):
        assert name in vars(cls), f"{name} is inherited, not generated"
    integration = cls(None)
    catalog, locations = integration.catalog(), integration.locations()
    # What the scenarios need of them: {ours:1}, {ours:2}, one with options, extras at the end; two merchants.
    assert len(catalog) >= 4 and any(p.options for p in catalog) and len(locations) >= 3
    skus = {p.sku for p in catalog} | {o.sku for p in catalog for o in p.options}
    assert {sku for sku, _ in integration.sku_guide()} == skus
    assert integration.handle_webhook("https://partner.example/hook", {}, b"{}") == 404
    integration.close()


@pytest.mark.parametrize("kind", KINDS)
def test_every_method_that_needs_the_platform_says_what_to_implement_and_where(tmp_path, imported, kind):
    package = f"acme_{kind}_todo"
    write_package("pongo", kind, package, tmp_path)
    cls = getattr(imported(package), class_name_of(package))
    integration = cls(None)
    todo = [name for name in contract_methods(PongoIntegration) if name not in LOCAL_BODIES]
    assert "start_connect" in todo and "pay" in todo
    for name in todo:
        signature = contract_methods(PongoIntegration)[name]
        args = [None for p in signature.parameters.values() if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD]
        with pytest.raises(NotImplementedError) as raised:
            getattr(integration, name)(*args)
        message = str(raised.value)
        assert f"PongoIntegration.{name}:" in message and f"docs/pongo-contract.md#{name}" in message, message


def class_name_of(package: str) -> str:
    return "".join(part.capitalize() for part in package.split("_"))


def test_certifying_the_skeleton_fails_on_the_method_to_implement_next_without_crashing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert main(["new", "--platform", "pongo", "--kind", "kiosk", "--package", "acme_kiosk"]) == 0
        code, printed = certify(tmp_path / "reports", "acme_kiosk:AcmeKiosk")
    finally:
        sys.modules.pop("acme_kiosk", None)
    report = tmp_path / "reports" / "certification.json"
    assert code == 1 and report.exists(), f"exit {code}, not a verdict:\n{printed[-3000:]}"
    doc = json.loads(report.read_text())
    assert doc["certified"] is False and doc["driver"] == "acme_kiosk:AcmeKiosk" and doc["kind"] == "kiosk"
    failed = [r for r in doc["requirements"] if r["result"] == "fail"]
    assert failed, doc["requirements"]
    for result in failed:  # every scenario starts by connecting the merchant: that is the first thing to write
        assert "NotImplementedError: implement PongoIntegration.start_connect" in result["reason"], result


def test_new_refuses_an_existing_package_and_writes_nothing(tmp_path, capsys):
    existing = tmp_path / "acme_kiosk"
    existing.mkdir()
    (existing / "__init__.py").write_text("# the partner's own work\n")
    args = ["new", "--platform", "pongo", "--kind", "kiosk", "--package", "acme_kiosk", "--dir", str(tmp_path)]
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert (existing / "__init__.py").read_text() == "# the partner's own work\n"
    assert not (existing / "README.md").exists()
    (tmp_path / "acme_pos.py").write_text("")  # a module of that name would be shadowed just the same
    with pytest.raises(FileExistsError):
        write_package("pongo", "pos", "acme_pos", tmp_path)


def test_new_refuses_an_unknown_platform_with_the_known_ones(tmp_path, capsys):
    with pytest.raises(ValueError, match=r"unknown platform 'nowhere'; known: .*pongo"):
        write_package("nowhere", "kiosk", "acme_kiosk", tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["new", "--platform", "nowhere", "--kind", "kiosk", "--package", "acme_kiosk", "--dir", str(tmp_path)])
    assert exited.value.code == 2
    assert "invalid choice: 'nowhere'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["acme-kiosk", "class", "1acme", "json", "pytest"])
def test_new_refuses_a_package_name_python_cannot_import_or_that_shadows_a_module(tmp_path, name):
    with pytest.raises(ValueError, match="package name|shadowed"):
        write_package("pongo", "kiosk", name, tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_cli_prints_the_certify_command_to_run_next(tmp_path, capsys):
    target = tmp_path / "partner"
    assert main(["new", "--platform", "pongo", "--kind", "pos", "--package", "acme_pos", "--dir", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"cd {target} && poscert certify --platform pongo --driver acme_pos:AcmePos" in out
    readme = (target / "acme_pos" / "README.md").read_text()
    assert "--driver acme_pos:AcmePos" in readme and "https://sandbox-api.heypongo.com" in readme


class RefundingContract(PongoIntegration, Protocol):
    """A contract that grew a method: the skeleton follows it with no change to poscert new."""

    def refund(self, order_id: str, /, amount: int | None = None, *, reason: str = "") -> OrderView:
        """Give the customer their money back."""
        ...


def test_the_skeleton_follows_the_contract_when_it_changes(tmp_path, imported):
    grown = dataclasses.replace(platform("pongo"), contract=f"{__name__}:RefundingContract")
    files = render_package(grown, "pos", "acme_refunds")
    (tmp_path / "acme_refunds").mkdir()
    (tmp_path / "acme_refunds" / "__init__.py").write_text(files["__init__.py"])
    cls = imported("acme_refunds").AcmeRefunds
    assert problems(cls, RefundingContract, CAPABILITIES) == []
    assert str(inspect.signature(cls.refund)) == str(inspect.signature(RefundingContract.refund))
    with pytest.raises(NotImplementedError, match="RefundingContract.refund: Give the customer their money back"):
        cls(None).refund("o-1")
    assert "- [ ] `refund` — Give the customer their money back." in files["README.md"]


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is a dev dependency")
def test_the_skeleton_is_clean_for_a_linter(tmp_path):
    write_package("pongo", "kiosk", "acme_lint", tmp_path)
    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,UP,B,SIM", "--line-length", "120"]
        + [str(tmp_path / "acme_lint")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_contract_doc_has_a_section_for_every_method_the_skeleton_links_to():
    plat = platform("pongo")
    doc = ROOT / contract_doc(plat)
    headings = {line[4:].strip() for line in doc.read_text(encoding="utf-8").splitlines() if line.startswith("### ")}
    missing = sorted(set(contract_methods(load_object(plat.contract))) - headings)
    assert not missing, f"{doc.name} has no '### name' section for {missing}"
