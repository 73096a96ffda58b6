"""What a certification is of, and when: the integration's name, version and a digest of its code, what
its partner declared it does not do, and the run's start and end times.

A reviewer holding two certifications of "the same" kiosk needs to know whether they certify the same
code; a CI job needs to know when. Both go into certification.json, the log and the bundle alike.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from poscert.base.redaction import MASK, scrub_text

if TYPE_CHECKING:  # the run imports the plugin's world; this module only reads it
    from poscert.run import CertificationRun


def now() -> str:
    """The time, as every poscert result writes it: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def integration_identity(cls: type, spec: str) -> dict:
    """Name, version and code digest of the class under test.

    A class driven over HTTP is what its describe says (name, version); its code is out of reach, so the
    digest is of the describe itself. A Python class is its qualified name and its distribution's
    version (none for a package that is not installed); the digest covers the `.py` files of the package
    its module belongs to (a lone module: that file), so a helper module's change changes it too.
    """
    described = getattr(cls, "described", None)
    if described is not None:
        canonical = json.dumps(described, sort_keys=True, separators=(",", ":")).encode()
        return {
            "name": str(described.get("name") or spec),
            "version": str(described.get("version") or ""),
            "digest": {"algorithm": "sha256", "value": sha256_hex(canonical), "of": ["describe"]},
        }
    files = code_files(cls)
    digest = hashlib.sha256()
    for relative, path in files:  # each file's name and content: a renamed file changes the digest too
        digest.update(relative.encode() + b"\0" + sha256_hex(path.read_bytes()).encode() + b"\n")
    return {
        "name": cls.__qualname__,
        "version": distribution_version(cls.__module__),
        "digest": {"algorithm": "sha256", "value": digest.hexdigest(), "of": [relative for relative, _ in files]},
    }


def code_files(cls: type) -> list[tuple[str, Path]]:
    """The source files a Python driver's digest covers: its module's package folder, recursively, each
    named `<package>/<path in it>` (a package's folder need not bear its name once installed)."""
    module = sys.modules.get(cls.__module__)
    source = getattr(module, "__file__", None)
    if source is None:  # defined interactively: nothing on disk to digest
        return []
    path = Path(source).resolve()
    package = getattr(module, "__package__", "") or ""
    if not package:
        return [(path.name, path)]
    folder = path.parent
    return sorted(
        (f"{package}/{p.relative_to(folder).as_posix()}", p)
        for p in folder.rglob("*.py")
        if "__pycache__" not in p.parts
    )


def distribution_version(module: str) -> str:
    """The installed version of the distribution providing `module`'s top-level package, or ""."""
    top = module.partition(".")[0]
    for dist in _distributions().get(top, []):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return ""


@functools.cache
def _distributions() -> dict[str, list[str]]:
    """Every installed distribution's top-level packages: a scan of site-packages, done once per process."""
    return metadata.packages_distributions()


def known_limitations(cls: type) -> list[str]:
    """What the partner says its integration does not do: `known_limitations` on the class (a list of
    sentences), or the same key in an HTTP driver's describe."""
    declared = getattr(cls, "known_limitations", None)
    if declared is None:
        declared = (getattr(cls, "described", None) or {}).get("known_limitations", [])
    return [str(line) for line in declared or []]


SECRET_OPTION_WORDS = ("secret", "token", "key", "password", "credential")


def run_options(config: pytest.Config, secrets: set[str]) -> dict:
    """poscert's options as this run got them (by their pytest names), and the scenario selection (-k, -m):
    what another run needs to be the same run. An option whose name says it holds a secret is masked."""
    options = {}
    for name, value in sorted(vars(config.option).items()):
        if name.startswith("poscert_") and value is not None:
            flag = "--" + name.replace("_", "-")
            secret = any(word in name for word in SECRET_OPTION_WORDS)
            options[flag] = MASK if secret else (value if isinstance(value, int | float | bool) else str(value))
    for flag, name in (("-k", "keyword"), ("-m", "markexpr")):
        if getattr(config.option, name, ""):
            options[flag] = getattr(config.option, name)
    return json.loads(scrub_text(json.dumps(options), secrets))


STARTED = pytest.StashKey[str]()  # when the session started, set by the plugin


def certification_meta(run: CertificationRun, session: pytest.Session) -> dict:
    """The run's own metadata, completed with the target (simulator, unless the run names its own), the
    times, the integration's identity and declared limitations, and the options. The driver is read only
    when a scenario ran (so it loaded): a run whose driver failed to load is not made to load it again."""
    meta = run.meta()
    loaded = bool(run.outcomes)
    cls = run.driver_class if loaded else None
    declared = set(getattr(cls, "capabilities", ()))
    needed = {r.capability for r in run.catalog if run.platform and r.applies_to(run.platform) and r.capability}
    needed |= {
        m.args[0]
        for item in getattr(session, "items", [])
        for name in ("needs", "without")
        for m in item.iter_markers(name)
    }
    return {
        **meta,
        "target": meta.get("target", "simulator"),
        "started": session.config.stash.get(STARTED, None) or now(),
        "finished": now(),
        "integration": integration_identity(cls, run.driver_spec) if cls is not None else None,
        "known_limitations": known_limitations(cls) if cls is not None else [],
        "capabilities_not_declared": sorted(needed - declared) if cls is not None else [],
        "options": run_options(run.config, run.secrets()),
    }
