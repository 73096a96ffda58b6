"""The certification runs the matrix and the per-platform tests share: each target certified once per test run,
whichever worker needs it first."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from tests.certification import Runs


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this test run shares (what one builds under a lock, the others read)."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base folder sits in the run's own: the parent is shared by the workers.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def certifications(run_folder: Path) -> Runs:
    shared = run_folder / "certify"
    shared.mkdir(exist_ok=True)
    return Runs(shared)


def pytest_configure(config: pytest.Config) -> None:
    """Each worker certifies dozens of integrations in-process: the start-up heap (pytest, the simulators, the
    schemas) is frozen out of the cyclic collector, and young collections come less often, so a certification
    is not charged for walking every object the worker ever built (about 12 % of the matrix)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 50)
