"""The reference Spoonity POS and kiosk: poscert's own till on Spoonity's ordering workflow (`integration.py`).

Both run the same workflow; they differ in who operates them (staff at a counter, the customer at a
kiosk), what they sell, and who they name as the order's cashier.
"""

from __future__ import annotations

from poscert.drivers.catalogs import KIOSK_CATALOG, KIOSK_LOCATIONS, POS_CATALOG, POS_LOCATIONS
from poscert.drivers.contract import PRODUCT_CATALOG
from poscert.drivers.spoonity.contract import GIFT_CARD, LOYALTY_PAY
from poscert.drivers.spoonity.integration import Session, SpoonityReference


class SpoonityPOS(SpoonityReference):
    """A point of sale run by staff: the customer is checked in at the counter."""

    kind = "pos"
    capabilities = frozenset({PRODUCT_CATALOG, GIFT_CARD, LOYALTY_PAY})
    products = POS_CATALOG
    sites = POS_LOCATIONS


class SpoonityKiosk(SpoonityReference):
    """A self-service kiosk: the customer checks in themselves (card, email, phone or their app's barcode)."""

    kind = "kiosk"
    capabilities = frozenset({PRODUCT_CATALOG, GIFT_CARD, LOYALTY_PAY})
    products = KIOSK_CATALOG
    sites = KIOSK_LOCATIONS

    def _cashier(self, visit: Session) -> dict[str, str]:
        # No staff member rings the order up: the kiosk itself is the cashier the order names.
        return {"id": visit.location, "name": f"Self-service kiosk {visit.location}"}
