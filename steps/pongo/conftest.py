"""Fixtures of the Pongo certification: one simulator for the session, reset for every scenario."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from drivers.contract import Connection
from poscert.journal import Journal
from poscert.plugin import CertificationRun
from simulators.core.transports import respx_router
from simulators.pongo import PongoSimulator
from steps.pongo.world import SANDBOX, PongoWorld, merchant_browser

from steps.pongo.customer_steps import *  # noqa: F401,F403  (pytest-bdd steps are fixtures)
from steps.pongo.merchant_steps import *  # noqa: F401,F403
from steps.pongo.order_steps import *  # noqa: F401,F403
from steps.pongo.rules_steps import *  # noqa: F401,F403


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
def world(pongo_sim: PongoSimulator, scenario_journal: Journal, certification_run: CertificationRun,
          browser: httpx.Client, integration_logs) -> Iterator[PongoWorld]:
    pongo_sim.reset()
    client = pongo_sim.oauth_client
    connection = Connection(base_url=SANDBOX, client_id=client.client_id, client_secret=client.client_secret,
                            redirect_uri=client.redirect_uris[0])
    driver = certification_run.driver_class(connection)
    pongo_sim.deliver_webhook = driver.handle_webhook
    yield PongoWorld(pongo_sim, scenario_journal, driver, connection, browser, pongo_sim.default_merchant)
    pongo_sim.deliver_webhook = None
