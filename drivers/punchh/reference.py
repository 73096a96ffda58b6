"""The reference Punchh POS (and kiosk): poscert's own till on Punchh's POS workflow (`integration.py`)."""

from __future__ import annotations

from poscert.drivers.catalogs import KIOSK_CATALOG, KIOSK_LOCATIONS, POS_CATALOG, POS_LOCATIONS
from poscert.drivers.contract import PRODUCT_CATALOG
from poscert.drivers.punchh.contract import SINGLE_SCAN
from poscert.drivers.punchh.integration import PunchhReference


class PunchhPOS(PunchhReference):
    """A point of sale run by staff: the guest is looked up or signs in at the counter."""

    kind = "pos"
    capabilities = frozenset({PRODUCT_CATALOG, SINGLE_SCAN})
    channel = "pos"
    products = POS_CATALOG
    sites = POS_LOCATIONS


class PunchhKiosk(PunchhReference):
    """A self-order kiosk: the same workflow, operated by the guest, checked in on the kiosk channel."""

    kind = "kiosk"
    capabilities = frozenset({PRODUCT_CATALOG, SINGLE_SCAN})
    channel = "kiosk"
    revenue = ("Take Out", "2")
    products = KIOSK_CATALOG
    sites = KIOSK_LOCATIONS
