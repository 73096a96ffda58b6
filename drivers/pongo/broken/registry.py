"""Where Pongo's broken integrations register (see poscert/drivers/cases.py)."""

from poscert.drivers.cases import BROKEN as FAILS
from poscert.drivers.cases import Cases
from poscert.drivers.pongo.guide import GUIDE

BROKEN = Cases(FAILS, GUIDE)
breaks = BROKEN
