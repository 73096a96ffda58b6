"""Conforming Punchh variants: integrations that satisfy a requirement in another way the guide allows
(another documented call, another spelling of the same receipt, Receipt Details for every check).
The project's tests certify every one and expect it certified, with its requirement passed
(tests/test_verdicts.py).
"""

from poscert.drivers.punchh.conforming.checkins import *  # noqa: F403
from poscert.drivers.punchh.conforming.customers import *  # noqa: F403
from poscert.drivers.punchh.conforming.redemptions import *  # noqa: F403
from poscert.drivers.punchh.conforming.registry import CONFORMING
from poscert.drivers.punchh.conforming.rules import *  # noqa: F403

__all__ = ["CONFORMING", *(case.name for case in CONFORMING)]
