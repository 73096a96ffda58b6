'use strict';
// The contract's value types as JSON (docs/http-driver.md, "Values"): what the harness sends and
// reads back. Dataclasses are plain objects with every field present, sets are arrays, enums their
// values. Built by these small factories so that a field is never forgotten.

// Capabilities (poscert/drivers/contract.py): what a partner may declare it lacks.
const VOUCHERS = 'vouchers';
const PRODUCT_CATALOG = 'product_catalog';
const EXTERNAL_PAYMENT = 'external_payment';

// Notices: what the integration tells the customer, as codes the harness matches (never free text).
const LOYALTY_UNAVAILABLE = 'loyalty_unavailable';
const CUSTOMER_NOT_FOUND = 'customer_not_found';
const NOT_ENOUGH_POINTS = 'not_enough_points';
const REWARD_NOT_USABLE = 'reward_not_usable';
const REWARD_REMOVED_UNLESS_PAID_HERE = 'reward_removed_unless_paid_here';
const ORDER_PENDING_SYNC = 'order_pending_sync';

// PaymentOutcome's values.
const OUTCOMES = new Set(['approved', 'declined', 'abandoned', 'external']);

function option(sku, name, price) {
  return Object.freeze({ sku, name, price });
}

function product(sku, name, price, options = []) {
  return Object.freeze({ sku, name, price, options: Object.freeze([...options]) });
}

/** LoyaltyScreen: `notices` is a set in the contract, so it is kept free of duplicates here. */
function loyaltyScreen(fields = {}) {
  return {
    customer_id: null,
    name: null,
    balance: null,
    rewards: [],
    purchased: [],
    messages: [],
    ...fields,
    notices: [...new Set(fields.notices || [])],
  };
}

function addNotice(view, notice) {
  if (!view.notices.includes(notice)) view.notices.push(notice);
}

function shownReward(id, title, cost, type, { redeemable = true, coupon_code = null } = {}) {
  return { id, title, cost: cost ?? null, type: type ?? '', redeemable, coupon_code: coupon_code ?? null };
}

function rewardOffer(reward_id, options = {}) {
  const { products = [], voucher_code = null, applied = false, message = null, notice = null } = options;
  return { reward_id, products: [...products], voucher_code, applied, message, notice };
}

/** OptIn from its JSON (a field left out takes its default, None: "not asked or not answered"). */
function optIn(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeError('optin must be an OptIn object {"email": ..., "sms": ...}');
  }
  const answer = (name) => {
    const given = value[name] ?? null;
    if (given !== null && typeof given !== 'boolean') throw typeError(`optin.${name} must be true, false or null`);
    return given;
  };
  return { email: answer('email'), sms: answer('sms') };
}

function paymentOutcome(value) {
  if (!OUTCOMES.has(value)) throw valueError(`${JSON.stringify(value)} is not a PaymentOutcome`);
  return value;
}

/** Errors carry Python's exception names: the harness shows the type, and these are the reference's. */
function valueError(message) {
  return named('ValueError', message);
}

function typeError(message) {
  return named('TypeError', message);
}

function named(name, message) {
  const error = new Error(message);
  error.name = name;
  return error;
}

module.exports = {
  VOUCHERS,
  PRODUCT_CATALOG,
  EXTERNAL_PAYMENT,
  LOYALTY_UNAVAILABLE,
  CUSTOMER_NOT_FOUND,
  NOT_ENOUGH_POINTS,
  REWARD_NOT_USABLE,
  REWARD_REMOVED_UNLESS_PAID_HERE,
  ORDER_PENDING_SYNC,
  option,
  product,
  loyaltyScreen,
  addNotice,
  shownReward,
  rewardOffer,
  optIn,
  paymentOutcome,
  valueError,
  typeError,
  named,
};
