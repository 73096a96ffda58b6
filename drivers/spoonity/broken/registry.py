"""Where Spoonity's broken integrations register (see poscert/drivers/cases.py)."""

from poscert.drivers.cases import BROKEN as FAILS
from poscert.drivers.cases import Cases
from poscert.drivers.spoonity.guide import GUIDE

BROKEN = Cases(FAILS, GUIDE)
breaks = BROKEN
