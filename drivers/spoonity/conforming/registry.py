"""Where Spoonity's conforming variants register (see poscert/drivers/cases.py)."""

from poscert.drivers.cases import CONFORMING as CERTIFIED
from poscert.drivers.cases import Cases
from poscert.drivers.spoonity.guide import GUIDE

CONFORMING = Cases(CERTIFIED, GUIDE)
conforms = CONFORMING
