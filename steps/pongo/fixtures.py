"""Fixtures of the Pongo certification: one simulator for the session, reset for every scenario."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from poscert.base.journal import Journal
from poscert.drivers.contract import Connection
from poscert.plugin import CertificationRun
from poscert.simulators.core.transports import respx_router
from poscert.simulators.pongo.simulator import PongoSimulator
from poscert.steps.pongo.world import SANDBOX, PongoWorld, merchant_browser


@pytest.fixture(scope="session")
def pongo_sim(certification_run: CertificationRun, journal: Journal) -> Iterator[PongoSimulator]:
    """Built once (schemas compiled, routes mapped); its hostnames are intercepted for the whole session."""
    sim = PongoSimulator(journal, seed=certification_run.seed)
    certification_run.secret_sources.append(sim.known_secrets)
    with respx_router(sim):
        yield sim


@pytest.fixture(scope="session")
def browser() -> Iterator[httpx.Client]:
    with merchant_browser() as client:
        yield client


@pytest.fixture
def world(
    pongo_sim: PongoSimulator,
    scenario_journal: Journal,
    certification_run: CertificationRun,
    browser: httpx.Client,
    integration_logs,
) -> Iterator[PongoWorld]:
    pongo_sim.reset()
    client = pongo_sim.oauth_client
    connection = Connection(
        base_url=SANDBOX,
        client_id=client.client_id,
        client_secret=client.client_secret,
        redirect_uri=client.redirect_uris[0],
    )
    driver = certification_run.driver_class(connection)
    pongo_sim.deliver_webhook = driver.handle_webhook
    try:
        yield PongoWorld(pongo_sim, scenario_journal, driver, connection, browser, pongo_sim.default_merchant)
    finally:
        pongo_sim.deliver_webhook = None
        driver.close()
