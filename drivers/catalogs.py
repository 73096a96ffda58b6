"""The reference kiosk's and POS's own products and locations.

Both are poscert's software, on every platform, so their SKUs share the `PSC-` prefix the merchant
types into the platform's rewards beside other partners' SKUs (TAB-, ZLT-, LSP-). Each sells its own range:
the kiosk has no croissant, so a croissant reward is not usable there, while the POS has one.
"""

from __future__ import annotations

from poscert.drivers.contract import Option, Product

CHEESE = Option("PSC-OPT-CHEESE", "Extra cheese", 80)
BACON = Option("PSC-OPT-BACON", "Bacon", 120)
SAUCE = Option("PSC-OPT-SAUCE", "Extra sauce", 50)
OAT_MILK = Option("PSC-OPT-OATMILK", "Oat milk", 40)
EXTRA_SHOT = Option("PSC-OPT-SHOT", "Extra shot", 60)

KIOSK_CATALOG = (
    Product("PSC-BURGER", "Classic burger", 950, (CHEESE, BACON)),
    Product("PSC-MENU-BURGER", "Burger menu", 1390, (CHEESE, BACON)),
    Product("PSC-MENU-VEGGIE", "Veggie menu", 1350, (CHEESE,)),
    Product("PSC-FRIES", "Fries", 350, (SAUCE,)),
    Product("PSC-COFFEE", "Coffee", 250, (OAT_MILK, EXTRA_SHOT)),
    Product("PSC-SODA", "Soda", 300),
    Product("PSC-DESSERT", "Chocolate mousse", 450),
)
KIOSK_LOCATIONS = ("kiosk-1", "kiosk-2", "kiosk-3")

POS_CATALOG = (
    Product("PSC-BURGER", "Burger", 900, (CHEESE, BACON)),
    Product("PSC-MENU-BURGER", "Burger menu", 1350, (CHEESE, BACON)),
    Product("PSC-MENU-VEGGIE", "Veggie menu", 1300, (CHEESE,)),
    Product("PSC-COFFEE", "Coffee", 240, (OAT_MILK, EXTRA_SHOT)),
    Product("PSC-CROISSANT", "Croissant", 220),
    Product("PSC-FRIES", "Fries", 300, (SAUCE,)),
    Product("PSC-BEER", "Beer", 400),
    Product("PSC-DESSERT", "Dessert of the day", 500),
)
POS_LOCATIONS = ("till-1", "till-2", "till-3")
