"""Fixtures of the Spoonity certification: the world of each scenario, on the session's simulator, reset first."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from poscert.base.journal import Journal
from poscert.drivers.spoonity.contract import Connection
from poscert.run import CertificationRun
from poscert.simulators.spoonity.simulator import SpoonitySimulator
from poscert.steps.common.fixtures import Traces
from poscert.steps.spoonity.world import SpoonityWorld


@pytest.fixture
def world(
    platform_sim: SpoonitySimulator,
    scenario_journal: Journal,
    certification_run: CertificationRun,
    integration_base_url: str,
    integration_traces: Traces,  # set up first, so they hold what the integration leaves from its first step
) -> Iterator[SpoonityWorld]:
    platform_sim.reset()

    def build(connection: Connection) -> Any:
        """The integration as the merchant installs it, pointed at the run's base URL."""
        return certification_run.build_driver(dataclasses.replace(connection, base_url=integration_base_url))

    built = SpoonityWorld(
        sim=platform_sim,
        journal=scenario_journal,
        driver=None,
        merchants=(platform_sim.default_vendor, platform_sim.other_vendor),
        build=build,
    )
    built.connect()
    try:
        yield built
    finally:
        built.driver.close()
