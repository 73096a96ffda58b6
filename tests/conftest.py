"""The certification runs the matrix and the per-platform tests share: each target certified once per worker."""

from __future__ import annotations

import gc

import pytest

from tests.certification import Runs


@pytest.fixture(scope="session")
def certifications(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory.mktemp("certify"))


def pytest_configure(config: pytest.Config) -> None:
    """Each worker certifies dozens of integrations in-process: the start-up heap (pytest, the simulators, the
    schemas) is frozen out of the cyclic collector, and young collections come less often, so a certification
    is not charged for walking every object the worker ever built (about 12 % of the matrix)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 50)
