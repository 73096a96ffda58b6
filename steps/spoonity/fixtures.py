"""Fixtures of the Spoonity certification: the world of each scenario, on the session's simulator, reset first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from poscert.base.journal import Journal
from poscert.run import CertificationRun
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from poscert.steps.common.fixtures import Traces
from poscert.steps.spoonity.world import SpoonityWorld


@pytest.fixture
def world(
    platform_sim: SpoonitySimulator,
    scenario_journal: Journal,
    certification_run: CertificationRun,
    integration_traces: Traces,  # set up first, so they hold what the integration leaves from its first step
) -> Iterator[SpoonityWorld]:
    platform_sim.reset()
    built = SpoonityWorld(
        sim=platform_sim,
        journal=scenario_journal,
        driver=None,
        merchants=(platform_sim.default_vendor, platform_sim.other_vendor),
        build=certification_run.build_driver,
    )
    built.connect()
    try:
        yield built
    finally:
        built.driver.close()
