"""Where Punchh's broken integrations register (see poscert/drivers/cases.py)."""

from poscert.drivers.cases import BROKEN as FAILS
from poscert.drivers.cases import Cases
from poscert.drivers.punchh.guide import GUIDE

BROKEN = Cases(FAILS, GUIDE)
breaks = BROKEN
