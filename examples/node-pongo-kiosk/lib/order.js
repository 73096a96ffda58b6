'use strict';
// The partner's own order: lines, reward lines, vouchers, totals and the receipt (port of
// poscert/drivers/order.py). Nothing here talks to Pongo: the order is the kiosk's, Pongo is only
// told about it once paid, in its own wire format (wire.js).

const { valueError } = require('./contract');

const VOUCHER_SKU = 'VOUCHER';

/** An OrderLine as the contract shows it; frozen, so a line shown earlier never changes under the harness. */
function orderLine({ sku, name, quantity = 1, unit_price, options = [], reward_id = null, voucher_code = null }) {
  options = Object.freeze([...options]);
  return Object.freeze({ sku, name, quantity, unit_price, options, reward_id, voucher_code });
}

/** A voucher created in our system from a won reward, under Pongo's coupon code. */
class Voucher {
  constructor(code, wonRewardId, title, percent, value) {
    this.code = code;
    this.wonRewardId = wonRewardId;
    this.title = title;
    this.percent = percent; // value in percent of the subtotal, else in cents
    this.value = value;
  }

  discount(subtotal) {
    const off = this.percent ? Math.floor((subtotal * this.value) / 100) : this.value;
    return Math.min(off, subtotal);
  }

  line() {
    // Shown and sent as a zero-price line: the money is in the discount, the line confirms the reward.
    return orderLine({
      sku: VOUCHER_SKU,
      name: this.title,
      quantity: 1,
      unit_price: 0,
      reward_id: this.wonRewardId,
      voucher_code: this.code,
    });
  }
}

class Order {
  constructor(orderId, location) {
    this.orderId = orderId;
    this.location = location;
    this.lines = [];
    this.vouchers = [];
    this.status = 'open';
    this.paymentMethod = 'card';
    this.messages = [];
    this.notices = new Set();
  }

  /** A declined card leaves the order open: the customer may pay again, change it, or cancel it. */
  get isOpen() {
    return this.status === 'open' || this.status === 'declined';
  }

  get subtotal() {
    let sum = 0;
    for (const line of this.lines) {
      const options = line.options.reduce((total, option) => total + option.price, 0);
      sum += (line.unit_price + options) * line.quantity;
    }
    return sum;
  }

  get discount() {
    const subtotal = this.subtotal;
    const off = this.vouchers.reduce((total, voucher) => total + voucher.discount(subtotal), 0);
    return Math.min(off, subtotal);
  }

  get total() {
    return this.subtotal - this.discount;
  }

  removeReward(wonRewardId) {
    this.lines = this.lines.filter((line) => line.reward_id !== wonRewardId);
    this.vouchers = this.vouchers.filter((voucher) => voucher.wonRewardId !== wonRewardId);
  }

  /** Drop every reward line and voucher; true if there was one. */
  removeRewards() {
    const had = this.allLines().some((line) => line.reward_id);
    this.lines = this.lines.filter((line) => !line.reward_id);
    this.vouchers = [];
    return had;
  }

  allLines() {
    return [...this.lines, ...this.vouchers.map((voucher) => voucher.line())];
  }

  tell(message, notice = null) {
    this.messages.push(message);
    if (notice) this.notices.add(notice);
  }

  /** The OrderView: a copy, so what the harness read is not changed by what happens next. */
  view() {
    return {
      order_id: this.orderId,
      location: this.location,
      lines: this.allLines(),
      total: this.total,
      discount: this.discount,
      status: this.status,
      messages: [...this.messages],
      notices: [...this.notices],
    };
  }
}

/** The product at its price, with the options chosen (all paid); an option the product has not is refused. */
function paidLine(product, options) {
  const offered = new Map(product.options.map((option) => [option.sku, option]));
  const unknown = options.filter((sku) => !offered.has(sku));
  if (unknown.length) throw valueError(`${product.sku} has no option ${unknown.join(', ')}`);
  return orderLine({
    sku: product.sku,
    name: product.name,
    quantity: 1,
    unit_price: product.price,
    options: options.map((sku) => offered.get(sku)),
  });
}

/** The reward's product at price 0; the options chosen stay at their price (they are not the reward). */
function freeLine(product, wonRewardId, options) {
  return orderLine({ ...paidLine(product, options), unit_price: 0, reward_id: wonRewardId });
}

/** The printed receipt: lines, discount, total and what happened to the loyalty points. */
function receiptText(order, loyalty) {
  const rows = [`Order ${order.orderId} (${order.location})`];
  for (const line of order.lines) {
    const label = line.reward_id ? `${line.name} (reward)` : line.name;
    rows.push(`${line.quantity} x ${label.padEnd(28)}${money(line.unit_price * line.quantity).padStart(9)}`);
    for (const option of line.options) {
      rows.push(`    + ${option.name.padEnd(28)}${money(option.price * line.quantity).padStart(9)}`);
    }
  }
  for (const voucher of order.vouchers) {
    rows.push(`Voucher ${voucher.code.padEnd(24)}${`-${money(voucher.discount(order.subtotal))}`.padStart(9)}`);
  }
  rows.push(`${'Total'.padEnd(32)}${money(order.total).padStart(9)}`, loyalty);
  return rows.join('\n');
}

function money(cents) {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

module.exports = { VOUCHER_SKU, Voucher, Order, orderLine, paidLine, freeLine, receiptText };
