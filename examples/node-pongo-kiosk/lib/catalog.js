'use strict';
// The kiosk's own products and locations: the same as the Python reference kiosk
// (poscert/drivers/catalogs.py KIOSK_CATALOG, KIOSK_LOCATIONS), so the scenarios' rewards, which list
// `PSC-` SKUs beside other partners' (TAB-, ZLT-, LSP-), mean the same here. The kiosk sells no
// croissant: a croissant reward is not usable on it.

const { option, product } = require('./contract');

const CHEESE = option('PSC-OPT-CHEESE', 'Extra cheese', 80);
const BACON = option('PSC-OPT-BACON', 'Bacon', 120);
const SAUCE = option('PSC-OPT-SAUCE', 'Extra sauce', 50);
const OAT_MILK = option('PSC-OPT-OATMILK', 'Oat milk', 40);
const EXTRA_SHOT = option('PSC-OPT-SHOT', 'Extra shot', 60);

const KIOSK_CATALOG = Object.freeze([
  product('PSC-BURGER', 'Classic burger', 950, [CHEESE, BACON]),
  product('PSC-MENU-BURGER', 'Burger menu', 1390, [CHEESE, BACON]),
  product('PSC-MENU-VEGGIE', 'Veggie menu', 1350, [CHEESE]),
  product('PSC-FRIES', 'Fries', 350, [SAUCE]),
  product('PSC-COFFEE', 'Coffee', 250, [OAT_MILK, EXTRA_SHOT]),
  product('PSC-SODA', 'Soda', 300),
  product('PSC-DESSERT', 'Chocolate mousse', 450),
]);

const KIOSK_LOCATIONS = Object.freeze(['kiosk-1', 'kiosk-2', 'kiosk-3']);

module.exports = { KIOSK_CATALOG, KIOSK_LOCATIONS };
