"""The evidence bundle: one archive per run a reviewer can keep, pass on and check years later.

It holds the verdict and the log, per requirement the journal of the exchanges that decided it
(`requirements/<ID>.jsonl`), the run's configuration (`run.json`: options, seed, versions, the schema
files and catalog used with their digests), those files themselves, and `MANIFEST.sha256`: the SHA-256
of every other file, in `sha256sum` format (so `sha256sum -c` checks an unpacked bundle too).
`poscert verify` checks an archive against its manifest. The manifest travels inside the archive: it
shows any change made by accident or by a tool, not one made together with a new manifest.

Secrets were masked when each exchange was recorded; every text is scrubbed once more of the values the
run issued before it goes in. Entries carry a fixed date, so the same run gives the same archive bytes.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from poscert.base.catalog import CATALOG_FILE
from poscert.base.redaction import scrub_text
from poscert.base.validation import SCHEMAS_DIR
from poscert.provenance import sha256_hex
from poscert.results import CERTIFICATION, JUNIT, LOG_HTML, LOG_JSON, LOG_MARKDOWN, staged, verdict_of

MANIFEST = "MANIFEST.sha256"
RUN_CONFIGURATION = "run.json"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: no build time in the bytes
RUN_KEYS = (
    "platform",
    "kind",
    "driver",
    "target",
    "seed",
    "capabilities",
    "options",
    "catalog_version",
    "versions",
    "integration",
    "started",
    "finished",
)


def bundle_files(out: Path, doc: dict, journal: list[dict], secrets: Iterable[str]) -> dict[str, bytes]:
    """Every file of the bundle but the manifest, by its path in the archive."""
    platform = doc.get("platform") or ""
    used = sorted((SCHEMAS_DIR / platform).glob("*.json")) if platform else []
    references = {f"schemas/{platform}/{p.name}": p.read_bytes() for p in used}
    references[f"catalog/{CATALOG_FILE.name}"] = CATALOG_FILE.read_bytes()
    configuration = {key: doc[key] for key in RUN_KEYS if key in doc}
    configuration["files_used"] = {name: f"sha256:{sha256_hex(data)}" for name, data in references.items()}
    texts = {
        name: (out / name).read_text(encoding="utf-8")
        for name in (CERTIFICATION, LOG_MARKDOWN, LOG_HTML, LOG_JSON, JUNIT)
        if (out / name).exists()
    }
    texts[RUN_CONFIGURATION] = json.dumps(configuration, indent=2) + "\n"
    texts |= requirement_journals(doc, journal)
    clean = set(secrets)
    return {name: scrub_text(text, clean).encode() for name, text in texts.items()} | references


def requirement_journals(doc: dict, journal: list[dict]) -> dict[str, str]:
    """Per requirement, the journal records of its scenarios: the exchanges each scenario made (by the
    sequence numbers its outcome carries) and the events around them, as JSON Lines in journal order."""
    out = {}
    for requirement in doc.get("requirements", []):
        seqs = {seq for s in requirement["scenarios"] for seq in s.get("exchanges", [])}
        nodeids = {s["nodeid"] for s in requirement["scenarios"]}
        records = [
            r for r in journal if r.get("seq") in seqs or (r.get("type") == "event" and r.get("scenario") in nodeids)
        ]
        if records:
            out[f"requirements/{requirement['id']}.jsonl"] = "".join(json.dumps(r, default=str) + "\n" for r in records)
    return out


def manifest(files: dict[str, bytes]) -> bytes:
    return "".join(f"{sha256_hex(data)}  {name}\n" for name, data in sorted(files.items())).encode()


def write_bundle(path: Path, files: dict[str, bytes]) -> None:
    """The archive, with its manifest first; staged and renamed into place like every result."""
    temporary = staged(path)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(MANIFEST, manifest(files)), *sorted(files.items())]:
                info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data, compresslevel=1)  # evidence is small: speed over size
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class Verified:
    files: int
    summary: str  # the verdict the bundle holds


class Tampered(Exception):
    """The archive does not match its manifest; the message names the file."""


def verify(path: Path) -> Verified:
    """Check every file of the archive against its manifest: none changed, missing or added."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as unreadable:
        raise Tampered(f"{path}: not a readable archive ({unreadable})") from None
    with archive:
        contents = {}
        for info in archive.infolist():
            try:
                contents[info.filename] = archive.read(info)
            except Exception as broken:  # a changed byte in compressed data: a bad CRC, a zlib error, ...
                raise Tampered(f"{info.filename}: cannot be read back, the archive changed ({broken})") from None
    if MANIFEST not in contents:
        raise Tampered(f"{MANIFEST}: missing, nothing to verify against")
    listed = {}
    for line in contents.pop(MANIFEST).decode("utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    for name, digest in sorted(listed.items()):
        if name not in contents:
            raise Tampered(f"{name}: listed in the manifest, missing from the archive")
        if sha256_hex(contents[name]) != digest:
            raise Tampered(f"{name}: its SHA-256 differs from the manifest's, the file changed")
    extra = sorted(set(contents) - set(listed))
    if extra:
        raise Tampered(f"{extra[0]}: in the archive but not in the manifest")
    if CERTIFICATION not in contents:
        return Verified(len(listed), f"no {CERTIFICATION} in the bundle: no verdict")
    doc = json.loads(contents[CERTIFICATION])
    summary = " ".join(str(doc.get(k) or "") for k in ("platform", "kind", "driver")).strip()
    return Verified(len(listed), f"{summary}: {verdict_of(doc)}")
