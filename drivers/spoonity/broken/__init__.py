"""Broken Spoonity integrations: each is a reference with exactly one realistic mistake, and names the
requirement it breaks and the guide sentence it violates. The project's tests certify every one and
expect a failure on that requirement and no other (tests/test_verdicts.py).

Grouped by the part of the guide they read; every class is importable from here
(`--driver poscert.drivers.spoonity.broken:VoidsNewestFirst`).
"""

from poscert.drivers.spoonity.broken.customers import *  # noqa: F403
from poscert.drivers.spoonity.broken.orders import *  # noqa: F403
from poscert.drivers.spoonity.broken.payments import *  # noqa: F403
from poscert.drivers.spoonity.broken.platform import *  # noqa: F403
from poscert.drivers.spoonity.broken.registry import BROKEN
from poscert.drivers.spoonity.broken.voids import *  # noqa: F403

__all__ = ["BROKEN", *(case.name for case in BROKEN)]
