"""Where Punchh's conforming variants register (see poscert/drivers/cases.py)."""

from poscert.drivers.cases import CONFORMING as CERTIFIED
from poscert.drivers.cases import Cases
from poscert.drivers.punchh.guide import GUIDE

CONFORMING = Cases(CERTIFIED, GUIDE)
conforms = CONFORMING
