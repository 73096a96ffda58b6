"""Where poscert's data folders are, installed or not."""

from __future__ import annotations

import importlib
from pathlib import Path


def package_dir(name: str) -> Path:
    """The folder of the data package `poscert.<name>` (`schemas`, `features`, `steps`).

    In a wheel it sits in site-packages beside the code; in an editable install it is the
    checkout's top-level folder of that name. Asking the import system covers both.
    """
    module = importlib.import_module(f"poscert.{name}")
    return Path(next(iter(module.__path__))).resolve()
