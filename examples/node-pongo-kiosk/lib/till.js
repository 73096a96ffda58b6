'use strict';
// The kiosk software's own side of a visit, whatever the loyalty platform: catalog, locations, the
// order, payment (port of poscert/drivers/till.py).
//
// The till decides *when* the platform hears of an order: only once paid and closed, once, with the
// same identity on every resend. The platform part (pongo-reference.js) decides *how* (settle, deliver).
//
// Contract methods keep the contract's snake_case names (the protocol calls them by those names);
// everything else is camelCase, and only the names in protocol.js's table can be called from outside.

const crypto = require('node:crypto');
const { loyaltyScreen, valueError, named } = require('./contract');
const { Order, paidLine } = require('./order');

/** One customer at one location: what they see and what they order. */
class Visit {
  constructor(location, order) {
    this.location = location;
    this.order = order;
    this.screen = loyaltyScreen();
  }
}

/** A paid order to (re)send; the payload is frozen, so a resend carries the same identity. */
class Pending {
  constructor(tenant, payload) {
    this.tenant = tenant; // whose credentials send it (the merchant)
    this.payload = payload;
    Object.freeze(this);
  }
}

class Till {
  // A subclass sets: kind, capabilities, products, sites.
  constructor() {
    this.visitNow = null;
    this.handed = null; // the visit whose order waits for the external system's callback
    this.pending = [];
    this.printed = ''; // the receipt printed for the last order
  }

  // -- what the software is ------------------------------------------------------------------
  catalog() {
    return [...this.products];
  }

  locations() {
    return [...this.sites];
  }

  close() {}

  handle_webhook(_url, _headers, _body) {
    return 404; // no receiver unless the software subscribes to an event
  }

  // -- the visit -----------------------------------------------------------------------------
  start_session(location) {
    if (!this.sites.includes(location)) throw valueError(`unknown location ${JSON.stringify(location)}`);
    // Random, not a counter: Pongo ignores a second order with a known id (202), so ids must stay
    // unique across restarts of the kiosk, and across the instances of one run.
    const orderId = `${location}-${crypto.randomBytes(5).toString('hex')}`;
    this.visitNow = this.newVisit(location, new Order(orderId, location));
    return null;
  }

  loyalty_screen() {
    return this.current().screen;
  }

  order_view() {
    return this.current().order.view();
  }

  add_product(sku, options = []) {
    const order = this.openOrder();
    order.lines.push(paidLine(this.product(sku), options));
    return order.view();
  }

  async pay(outcome) {
    const order = this.current().order;
    if (!order.isOpen) return order.view(); // a second tap on "pay" must not send the order twice
    if (!order.lines.length) throw valueError('nothing to pay');
    if (outcome === 'approved') {
      order.status = 'paid';
      await this.settle(this.current());
    } else if (outcome === 'external') {
      this.handToExternal(order);
      this.handed = this.current();
    } else {
      order.status = outcome; // declined or abandoned: the platform never hears of it
    }
    return order.view();
  }

  async external_closed() {
    const visit = this.handedVisit();
    if (visit.order.status === 'external_pending') {
      visit.order.status = 'paid';
      await this.settle(visit);
    }
    return visit.order.view();
  }

  external_cancelled() {
    const order = this.handedVisit().order;
    if (order.status === 'external_pending') order.status = 'cancelled'; // never paid: never sent
    return order.view();
  }

  cancel() {
    const order = this.current().order;
    if (order.isOpen || order.status === 'external_pending') order.status = 'cancelled';
    return order.view();
  }

  receipt() {
    return this.printed;
  }

  /** The background job: resend what the platform did not take; drop what it refused for good. */
  async retry_pending() {
    const kept = [];
    for (const pending of this.pending) {
      if ((await this.deliver(pending)) === null) kept.push(pending);
    }
    this.pending = kept;
    await this.afterRetry();
    return null;
  }

  // -- what a platform (or a kind) supplies ------------------------------------------------------
  newVisit(location, order) {
    return new Visit(location, order);
  }

  /** The visit's order is paid: tell the platform once (or keep it to resend), print the receipt. */
  async settle(_visit) {
    throw named('NotImplementedError', 'settle');
  }

  /** Send one paid order: true taken, false refused for good, null to resend later. */
  async deliver(_pending) {
    throw named('NotImplementedError', 'deliver');
  }

  /** Other set-up the background job retries. */
  async afterRetry() {}

  handToExternal(_order) {
    throw valueError(`the ${this.kind} has no external payment`);
  }

  // -- internals ------------------------------------------------------------------------------------
  current() {
    if (this.visitNow === null) throw named('RuntimeError', 'start_session first');
    return this.visitNow;
  }

  /** The visit the external system calls back about: the kiosk may already serve the next customer. */
  handedVisit() {
    return this.handed || this.current();
  }

  openOrder() {
    return this.visit().order;
  }

  /** The current visit; once its order is closed, whatever comes next is a new visit at the same place. */
  visit() {
    const visit = this.current();
    if (!visit.order.isOpen) this.start_session(visit.location);
    return this.current();
  }

  product(sku) {
    const found = this.products.find((product) => product.sku === sku);
    if (!found) throw valueError(`unknown product ${JSON.stringify(sku)}`);
    return found;
  }
}

module.exports = { Till, Visit, Pending };
