"""The reference Spoonity POS: poscert's own till on Spoonity's ordering workflow (`integration.py`)."""

from __future__ import annotations

from poscert.drivers.catalogs import POS_CATALOG, POS_LOCATIONS
from poscert.drivers.contract import PRODUCT_CATALOG
from poscert.drivers.spoonity.integration import SpoonityReference


class SpoonityPOS(SpoonityReference):
    """A point of sale run by staff: the customer is checked in at the counter."""

    kind = "pos"
    capabilities = frozenset({PRODUCT_CATALOG})
    products = POS_CATALOG
    sites = POS_LOCATIONS
