"""Broken Pongo integrations: each is a reference with exactly one realistic mistake, and names the
requirement it breaks and the guide sentence it violates. The project's tests certify every one and
expect a failure on that requirement and no other (tests/test_verdicts.py).

Grouped by the part of the guides they read; every class is importable from here
(`--driver poscert.drivers.pongo.broken:SendsUnpaidOrders`).
"""

from poscert.drivers.pongo.broken.customers import *  # noqa: F403
from poscert.drivers.pongo.broken.errors import *  # noqa: F403
from poscert.drivers.pongo.broken.orders import *  # noqa: F403
from poscert.drivers.pongo.broken.registry import BROKEN
from poscert.drivers.pongo.broken.rewards import *  # noqa: F403
from poscert.drivers.pongo.broken.schema import *  # noqa: F403
from poscert.drivers.pongo.broken.security import *  # noqa: F403
from poscert.drivers.pongo.broken.setup import *  # noqa: F403

__all__ = ["BROKEN", *(case.name for case in BROKEN)]
