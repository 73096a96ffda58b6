"""The evidence bundle: what it holds, that `poscert verify` accepts it as written and rejects it once a
byte changes, and that no secret is in it. Read from the broken Pongo certification the other tests share."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from poscert.base.redaction import MASK, SECRET_FIELDS
from poscert.bundle import MANIFEST, write_bundle
from poscert.cli import main
from poscert.platforms import platform

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


@pytest.fixture(scope="module")
def broken(certifications) -> dict:
    return certifications["pongo"]["SendsUnpaidOrders"]


@pytest.fixture
def bundle(broken, tmp_path) -> Path:
    """A copy: a test that changes it leaves the shared run's own intact."""
    return Path(shutil.copy(Path(broken["out"]) / "certification-bundle.zip", tmp_path))


def contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_bundle_holds_the_verdict_the_configuration_the_schemas_and_each_requirements_journal(broken, bundle):
    files = contents(bundle)
    for name in ("certification.json", "certification-log.html", "junit.xml", "run.json", "catalog/requirements.yaml"):
        assert name in files, name
    configuration = json.loads(files["run.json"])
    assert configuration["seed"] == broken["seed"] and configuration["versions"]["poscert"]
    assert configuration["options"]["--poscert-driver"].endswith(":SendsUnpaidOrders")
    for name, digest in configuration["files_used"].items():  # the schema files used, with their digests
        assert digest == "sha256:" + hashlib.sha256(files[name]).hexdigest(), name
    assert any(name.startswith("schemas/pongo/") for name in configuration["files_used"])
    failing = next(r for r in broken["requirements"] if r["id"] == "PONGO-ORDER-02")
    decided_by = {seq for s in failing["scenarios"] for seq in s["exchanges"]}
    journal = [json.loads(line) for line in files["requirements/PONGO-ORDER-02.jsonl"].decode().splitlines()]
    assert decided_by and decided_by <= {r["seq"] for r in journal}
    listed = dict(reversed(line.split("  ", 1)) for line in files[MANIFEST].decode().splitlines())
    assert sorted(listed) == sorted(set(files) - {MANIFEST})


def test_verify_accepts_the_bundle_as_written(bundle, capsys):
    assert main(["verify", str(bundle)]) == 0
    said = capsys.readouterr().out
    assert "OK" in said and "NOT CERTIFIED: PONGO-ORDER-02" in said


def test_verify_rejects_a_changed_file_naming_it(bundle, tmp_path, capsys):
    files = contents(bundle)
    files["run.json"] = files["run.json"].replace(b'"seed": ', b'"seed": 1')
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert main(["verify", str(changed)]) == 1
    assert "run.json" in capsys.readouterr().err


def test_verify_rejects_the_archive_after_any_byte_of_a_file_changes(bundle, capsys):
    with zipfile.ZipFile(bundle) as archive:
        member = archive.getinfo("requirements/PONGO-ORDER-02.jsonl")
    data = bytearray(bundle.read_bytes())
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)  # the member's own bytes
    data[start + member.compress_size // 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    assert main(["verify", str(bundle)]) == 1
    assert "requirements/PONGO-ORDER-02.jsonl" in capsys.readouterr().err


def test_no_secret_is_in_the_bundle(bundle):
    secret_fields = {f.lower() for f in SECRET_FIELDS | platform("pongo").secret_fields}
    secret_headers = {"authorization", *platform("pongo").secret_headers}

    def unmasked(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from unmasked(v, k.lower())
        elif isinstance(value, list):
            for v in value:
                yield from unmasked(v, key)
        elif isinstance(value, str) and value and key in secret_fields | secret_headers and MASK not in value:
            yield f"{key}={value}"

    for name, data in contents(bundle).items():
        text = data.decode("utf-8", errors="replace")
        assert not JWT.search(text), f"a JWT reached {name}"
        if name.endswith(".jsonl"):
            leaks = [leak for line in text.splitlines() for leak in unmasked(json.loads(line))]
            assert not leaks, f"{name}: {leaks[:3]}"


def test_the_same_files_give_the_same_archive_bytes(tmp_path):
    files = {"b.txt": b"two", "a.json": b"{}"}
    write_bundle(tmp_path / "one.zip", files)
    write_bundle(tmp_path / "two.zip", dict(reversed(files.items())))
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
