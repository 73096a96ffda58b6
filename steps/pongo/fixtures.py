"""Fixtures of the Pongo certification: the world of each scenario, on the session's simulator, reset first."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from poscert.base.journal import Journal
from poscert.drivers.contract import Connection
from poscert.run import CertificationRun
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.steps.common.fixtures import Traces
from poscert.steps.common.world import actor_client
from poscert.steps.pongo.world import PongoWorld


@pytest.fixture(scope="session")
def browser(actor_transport: httpx.BaseTransport) -> Iterator[httpx.Client]:
    with actor_client("merchant-browser", actor_transport) as client:
        yield client


@pytest.fixture
def world(
    platform_sim: PongoSimulator,
    scenario_journal: Journal,
    certification_run: CertificationRun,
    browser: httpx.Client,
    integration_base_url: str,
    integration_traces: Traces,  # set up first, so they hold what the integration leaves from its first step
) -> Iterator[PongoWorld]:
    platform_sim.reset()
    client = platform_sim.oauth_client
    connection = Connection(
        base_url=integration_base_url,
        client_id=client.client_id,
        client_secret=client.client_secret,
        redirect_uri=client.redirect_uris[0],
    )
    driver = certification_run.build_driver(connection)
    platform_sim.deliver_webhook = driver.handle_webhook
    try:
        yield PongoWorld(
            sim=platform_sim,
            journal=scenario_journal,
            driver=driver,
            merchants=(platform_sim.default_merchant, platform_sim.other_merchant),
            connection=connection,
            browser=browser,
        )
    finally:
        platform_sim.deliver_webhook = None
        driver.close()
