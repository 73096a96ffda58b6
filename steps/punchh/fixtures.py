"""Fixtures of the Punchh certification: the world of each scenario, on the session's simulator, reset first.

The integration is set up as a brand's store would set it up: the store's location key, the brand's
business key, and the Advanced Authentication client (id and digest secret) for OTP sign-in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from poscert.base.journal import Journal
from poscert.drivers.punchh.contract import Connection
from poscert.run import CertificationRun
from poscert.simulators.punchh.simulator import PunchhSimulator
from poscert.steps.common.fixtures import Traces
from poscert.steps.punchh.world import PunchhWorld


@pytest.fixture
def world(
    platform_sim: PunchhSimulator,
    scenario_journal: Journal,
    certification_run: CertificationRun,
    integration_base_url: str,
    integration_traces: Traces,  # set up first, so they hold what the integration leaves from its first step
) -> Iterator[PunchhWorld]:
    platform_sim.reset()
    business = platform_sim.default_business
    store = platform_sim.location(business)
    client = platform_sim.client(business)
    connection = Connection(
        base_url=integration_base_url,
        location_key=store.location_key,
        business_key=platform_sim.data.businesses[business].business_key,
        client_id=client.client_id,
        client_secret=client.secret,
    )
    driver = certification_run.build_driver(connection)
    world = PunchhWorld(
        sim=platform_sim,
        journal=scenario_journal,
        driver=driver,
        merchants=(business, platform_sim.other_business),
        connection=connection,
    )
    world.location_map = {location: (business, str(store.id)) for location in driver.locations()}
    try:
        yield world
    finally:
        driver.close()
