"""Fixtures every platform's certification shares: its simulator, built once and intercepted on the
platform's real hostnames for the whole session, and the traces an integration leaves besides the wire."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from poscert.base.journal import Journal
from poscert.platforms import simulator_class
from poscert.run import CertificationRun
from poscert.simulators.core.transports import respx_router


@pytest.fixture(scope="session")
def platform_sim(certification_run: CertificationRun, journal: Journal) -> Iterator[Any]:
    """The platform's simulator (schemas compiled, routes mapped once); reset by each scenario's world."""
    sim = simulator_class(certification_run.platform)(journal, seed=certification_run.seed)
    certification_run.secret_sources.append(sim.known_secrets)
    with respx_router(sim):
        yield sim


@dataclass
class Traces:
    """Where an integration leaves text besides the wire: its logs, what it printed, the files it wrote in
    its working directory. ALL-SEC-01 reads them all for credentials."""

    logs: pytest.LogCaptureFixture
    output: pytest.CaptureFixture[str]
    workdir: Path
    printed: str = ""  # everything read from `output` so far: reading it empties the capture

    def texts(self) -> dict[str, str]:
        """Each place, named, with the text it holds now."""
        out, err = self.output.readouterr()
        self.printed += out + err
        files = {
            f"file {path.relative_to(self.workdir)}": path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(self.workdir.rglob("*"))
            if path.is_file()
        }
        return {"logs": "\n".join(r.getMessage() for r in self.logs.records), "stdout and stderr": self.printed} | files


@pytest.fixture(scope="session")
def integration_home() -> Iterator[Path]:
    """The integration's working directory: one folder for the session, emptied after each scenario (cheaper
    than a folder per scenario), so each scenario's files are its own."""
    with tempfile.TemporaryDirectory(prefix="poscert-integration-") as folder:
        yield Path(folder)


@pytest.fixture
def integration_traces(
    integration_logs: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], integration_home: Path
) -> Iterator[Traces]:
    """The scenario's traces, from its first step: the integration runs in its working directory, and what it
    writes to sys.stdout and sys.stderr is kept (capturing file descriptors, capfd, would cost every scenario
    milliseconds for what only a C extension writes)."""
    with contextlib.chdir(integration_home):
        yield Traces(integration_logs, capsys, integration_home)
    for path in integration_home.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
