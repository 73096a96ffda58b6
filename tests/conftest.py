"""The certification runs the matrix and the per-platform tests share: each target certified once per worker."""

from __future__ import annotations

import pytest

from tests.certification import Runs


@pytest.fixture(scope="session")
def certifications(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory.mktemp("certify"))
