"""Conforming Pongo variants: integrations that satisfy a requirement in another way the guides allow
(another documented endpoint, the opt-in on the order, no product catalog). The project's tests
certify every one and expect it certified, with its requirement passed
(tests/test_verdicts.py).
"""

from poscert.drivers.pongo.conforming.customers import *  # noqa: F403
from poscert.drivers.pongo.conforming.errors import *  # noqa: F403
from poscert.drivers.pongo.conforming.orders import *  # noqa: F403
from poscert.drivers.pongo.conforming.registry import CONFORMING
from poscert.drivers.pongo.conforming.rewards import *  # noqa: F403
from poscert.drivers.pongo.conforming.schema import *  # noqa: F403
from poscert.drivers.pongo.conforming.security import *  # noqa: F403
from poscert.drivers.pongo.conforming.setup import *  # noqa: F403

__all__ = ["CONFORMING", *(case.name for case in CONFORMING)]
