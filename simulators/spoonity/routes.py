"""Spoonity's URL map: every endpoint poscert emulates and its handler/schema name.

Paths [C] from the OnScreen, Order and Spending Rules pages and the placing-an-order guide
(seed 004); `/order/payments/loyalty` only from seed 004 [UNVERIFIED]. No version prefix [C].
"""

from poscert.simulators.core.routing import Route

ROUTES = [
    Route("POST", "/onscreen", "open_session", summary="Create a POS session (check a customer in)"),
    Route("GET", "/onscreen", "get_session", summary="Retrieve customer details from a POS session"),
    Route("DELETE", "/onscreen", "close_session", summary="Close a POS session"),
    Route("GET", "/vendor/perk/redemption/list", "perk_list", summary="List every spending rule (perk)"),
    Route("POST", "/order", "submit_order", summary="Submit an order, or process a gift card amount"),
    Route("DELETE", "/order", "void_order", summary="Void an order"),
    Route("POST", "/order/payments/loyalty", "loyalty_payment", summary="Apply a Loyalty Pay payment"),
]
