"""Integrations that hang, answer the wrong type, cannot be built or stop the run: for tests/test_trust.py."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from poscert.drivers.pongo.reference import PongoKiosk


class AnswersADict(PongoKiosk):
    """Shows the loyalty screen as a dict instead of the contract's LoyaltyScreen."""

    def identify_by_phone(self, phone: str):
        return {"customer": phone}


class SlowToPay(PongoKiosk):
    """Takes five seconds to handle the payment terminal's answer, then forgets it (no call to Pongo: the
    harness has moved on by then); nothing else is slow."""

    def pay(self, outcome):
        time.sleep(5)
        return self.order_view()


class HangsOnLocations(PongoKiosk):
    """Takes thirty seconds to list its locations (every scenario asks for them): the whole run hangs."""

    def locations(self):
        time.sleep(30)
        return super().locations()


class BuiltBroken(PongoKiosk):
    """Its constructor refuses the connection it is given, naming the client secret."""

    def __init__(self, connection) -> None:
        raise ValueError(f"no till configured for {connection.client_id} ({connection.client_secret})")


class BuiltWithoutConnection(PongoKiosk):
    """Cannot be built as `Cls(connection)`."""

    def __init__(self) -> None:
        pass


class Interrupted(PongoKiosk):
    """Ctrl-C reaches the run while the integration lists its stores."""

    def sync_stores(self):
        raise KeyboardInterrupt


class WaitsForever(PongoKiosk):
    """Says it is connecting (a file named by POSCERT_TEST_STARTED), then waits until the process ends."""

    def start_connect(self) -> str:
        Path(os.environ["POSCERT_TEST_STARTED"]).touch()
        threading.Event().wait()
        return ""
