"""Broken Punchh integrations: each is a reference with exactly one realistic mistake, and names the
requirement it breaks and the guide sentence it violates. The project's tests certify every one and
expect a failure on that requirement and no other (tests/test_verdicts.py).

Grouped by the part of the guide they read; every class is importable from here
(`--driver poscert.drivers.punchh.broken:NeverCommits`).
"""

from poscert.drivers.punchh.broken.checkins import *  # noqa: F403
from poscert.drivers.punchh.broken.customers import *  # noqa: F403
from poscert.drivers.punchh.broken.redemptions import *  # noqa: F403
from poscert.drivers.punchh.broken.registry import BROKEN
from poscert.drivers.punchh.broken.rules import *  # noqa: F403

__all__ = ["BROKEN", *(case.name for case in BROKEN)]
