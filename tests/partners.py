"""Integrations a careless partner could write, for the tests of what the harness writes out."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from poscert.drivers.pongo.reference import PongoKiosk


class LeakyKiosk(PongoKiosk):
    """Puts every credential it holds in its exceptions, its prints, its logs and a file of its own."""

    def finish_connect(self, callback_url: str) -> None:
        self.callback_url = callback_url  # holds the OAuth code
        super().finish_connect(callback_url)

    def credentials(self) -> str:
        tokens = next(iter(self.pongo._tokens.values()))
        secret = self.pongo.connection.client_secret
        return f"access={tokens.access} refresh={tokens.refresh} secret={secret} callback={self.callback_url}"

    def identify_by_phone(self, phone: str):
        leak = self.credentials()
        print(f"stdout: {leak}")
        print(f"stderr: {leak}", file=sys.stderr)
        logging.getLogger("acme").warning("log: %s", leak)
        Path("acme-debug.txt").write_text(leak)  # in its working directory
        raise RuntimeError(f"could not identify: {leak}")
