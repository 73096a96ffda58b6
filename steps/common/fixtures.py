"""Fixtures every platform's certification shares: its simulator, built once and intercepted on the
platform's real hostnames for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from poscert.base.journal import Journal
from poscert.platforms import simulator_class
from poscert.plugin import CertificationRun
from poscert.simulators.core.transports import respx_router


@pytest.fixture(scope="session")
def platform_sim(certification_run: CertificationRun, journal: Journal) -> Iterator[Any]:
    """The platform's simulator (schemas compiled, routes mapped once); reset by each scenario's world."""
    sim = simulator_class(certification_run.platform)(journal, seed=certification_run.seed)
    certification_run.secret_sources.append(sim.known_secrets)
    with respx_router(sim):
        yield sim
