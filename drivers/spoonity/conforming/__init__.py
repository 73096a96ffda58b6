"""Conforming Spoonity variants: integrations that satisfy a requirement in another way the guide allows
(another documented identifier, the guide's own void body, closing sessions even when Spoonity would).
The project's tests certify every one and expect it certified, with its requirement passed
(tests/test_verdicts.py).
"""

from poscert.drivers.spoonity.conforming.registry import CONFORMING
from poscert.drivers.spoonity.conforming.variants import *  # noqa: F403

__all__ = ["CONFORMING", *(case.name for case in CONFORMING)]
