'use strict';
// What a Pongo integration does on top of the till: connection, stores, identification, rewards,
// orders (port of poscert/drivers/pongo/integration.py). pongo-kiosk.js makes the kiosk of it.

const crypto = require('node:crypto');
const log = require('./log');
const {
  CUSTOMER_NOT_FOUND,
  LOYALTY_UNAVAILABLE,
  NOT_ENOUGH_POINTS,
  ORDER_PENDING_SYNC,
  PRODUCT_CATALOG,
  REWARD_NOT_USABLE,
  VOUCHERS,
  addNotice,
  loyaltyScreen,
  rewardOffer,
  shownReward,
  valueError,
} = require('./contract');
const { Voucher, freeLine, receiptText } = require('./order');
const {
  PongoClient,
  PongoError,
  PongoUnavailable,
  NotConnected,
  connectRefused,
  data,
  expect,
} = require('./pongo-client');
const { DEFAULT_CALLING_CODE, callingCode, normalizePhone } = require('./phone');
const { optinFields, orderPayload, ownProducts } = require('./wire');
const { Till, Visit, Pending } = require('./till');

// Only what the integration uses: least privilege is what a merchant is asked to approve.
const SCOPES = ['customer.create', 'customer.read', 'reward.read', 'reward.update', 'order.create'];
const PASS_ID = /cust_[A-Za-z0-9]+/;
// The capability a reward type needs; a type not listed is one this software cannot honour.
const NEEDS = { free_product: PRODUCT_CATALOG, voucher_amount: VOUCHERS, voucher_percentage: VOUCHERS };

/** A visit with Pongo's side of it: who the customer is and what they won. */
class Session extends Visit {
  constructor(location, order) {
    super(location, order);
    this.customer = null; // the Pongo customer resource
    this.enrolWithOrder = null; // sign-up sent with the order when Pongo was down
    this.won = new Map(); // available won rewards by public id
  }
}

class PongoReference extends Till {
  constructor(connection, options = {}) {
    super();
    this.pongo = new PongoClient(connection, options);
    this.states = new Set(); // OAuth states handed out and not yet used
    this.admin = null; // the merchant whose admin panel is open: the last one connected
    this.stores = new Map(); // merchant -> Map(slug -> store)
    this.links = new Map(); // location -> {merchant, slug, callingCode}
  }

  get platform() {
    return 'pongo';
  }

  get deliveryMode() {
    return 'eat_in';
  }

  close() {
    this.pongo.close();
    return null;
  }

  /** Every SKU a merchant may type into a Pongo reward's external_id: products, then options. */
  sku_guide() {
    const options = new Map();
    for (const product of this.products) for (const option of product.options) options.set(option.sku, option.name);
    return [...this.products.map((product) => [product.sku, product.name]), ...options];
  }

  // -- merchant set-up ----------------------------------------------------------------------------
  start_connect() {
    const state = crypto.randomBytes(24).toString('base64url'); // unguessable: no forged connections
    this.states.add(state);
    return this.pongo.authorizeUrl(state, SCOPES);
  }

  async finish_connect(callbackUrl) {
    // Checked before anything is exchanged: a forged callback must not reach Pongo at all.
    const expected = parseUrl(this.pongo.redirectUri);
    const callback = parseUrl(callbackUrl);
    const query = callback ? Object.fromEntries(callback.searchParams) : {};
    const state = query.state || '';
    const sameTarget =
      expected && callback && ['protocol', 'host', 'pathname'].every((part) => expected[part] === callback[part]);
    if (!this.states.has(state) || !sameTarget) {
      throw connectRefused('this callback does not answer a connection we started');
    }
    this.states.delete(state); // single use
    if ('error' in query || !query.code) {
      throw connectRefused(`the merchant did not approve: ${query.error || 'no code'}`);
    }
    const merchant = await this.pongo.connect(query.code);
    this.admin = merchant.public_id;
    log.info(`connected merchant ${merchant.slug || this.admin}`);
    await this.onConnected(this.admin);
    return null;
  }

  async sync_stores() {
    const merchant = this.adminMerchant();
    // Asked every time: a store the merchant opened since must be offered.
    const stores = expect(await this.pongo.call(merchant, 'GET', '/v1/stores'), 200);
    this.stores.set(merchant, new Map(stores.map((store) => [store.slug, store])));
    return [...this.stores.get(merchant).keys()];
  }

  map_location(location, storeSlug) {
    if (!this.sites.includes(location)) throw valueError(`unknown location ${JSON.stringify(location)}`);
    const merchant = this.adminMerchant();
    const store = this.stores.get(merchant)?.get(storeSlug);
    if (!store) {
      throw valueError(`${JSON.stringify(storeSlug)} is not one of the merchant's stores; sync the stores first`);
    }
    // Per location, whose token and which slug: every call for that location uses them (ALL-SEC-01).
    this.links.set(location, { merchant, slug: storeSlug, callingCode: callingCode(store.country) });
    return null;
  }

  // -- customer -----------------------------------------------------------------------------------
  newVisit(location, order) {
    return new Session(location, order);
  }

  async identify_by_phone(phone) {
    this.forgetCustomer();
    let number;
    try {
      number = this.normalize(phone);
    } catch {
      return this.show(loyaltyScreen({ messages: ['This phone number is not valid.'], notices: [CUSTOMER_NOT_FOUND] }));
    }
    return this.loyalty(() => this.identifyPhone(number));
  }

  async identify_by_pass(scanned) {
    this.forgetCustomer();
    // The pass may hold the bare id or a link that contains it.
    const found = PASS_ID.exec(String(scanned));
    if (!found) {
      return this.show(loyaltyScreen({ messages: ['This pass could not be read.'], notices: [CUSTOMER_NOT_FOUND] }));
    }
    return this.loyalty(() => this.identifyPass(found[0]));
  }

  async enlist(phone, optin, firstName = null, lastName = null, email = null) {
    this.forgetCustomer();
    let number;
    try {
      number = this.normalize(phone);
    } catch {
      return this.show(loyaltyScreen({ messages: ['This phone number is not valid.'] }));
    }
    const person = {};
    for (const [key, value] of [['first_name', firstName], ['last_name', lastName], ['email', email]]) {
      if (value) person[key] = value;
    }
    return this.loyalty(() => this.enlistCustomer(number, person, optinFields(optin)));
  }

  async redeem(rewardId) {
    return this.loyalty(() => this.buy(rewardId));
  }

  // -- order --------------------------------------------------------------------------------------
  async add_reward(wonRewardId) {
    const order = this.openOrder();
    let won;
    try {
      won = await this.wonReward(wonRewardId);
    } catch (error) {
      if (!(error instanceof PongoError)) throw error;
      return rewardOffer(wonRewardId, { message: error.customerMessage, notice: LOYALTY_UNAVAILABLE });
    }
    if (!this.usable(won)) {
      return rewardOffer(wonRewardId, { message: 'This reward cannot be used here.', notice: REWARD_NOT_USABLE });
    }
    if (won.type === 'free_product') {
      const products = this.rewardProducts(won);
      if (!products.length) {
        return rewardOffer(wonRewardId, {
          message: "None of this reward's products is sold here.",
          notice: REWARD_NOT_USABLE,
        });
      }
      if (products.length > 1) return rewardOffer(wonRewardId, { products, message: 'Choose the product you want.' });
      this.choose_reward_product(wonRewardId, products[0].sku);
      return rewardOffer(wonRewardId, { products, applied: true });
    }
    const percent = won.type === 'voucher_percentage';
    const voucher = new Voucher(won.coupon_code, wonRewardId, won.title, percent, won.value);
    order.removeReward(wonRewardId);
    order.vouchers.push(voucher);
    return rewardOffer(wonRewardId, { voucher_code: voucher.code, applied: true });
  }

  choose_reward_product(wonRewardId, sku, options = []) {
    const order = this.openOrder();
    const won = this.current().won.get(wonRewardId);
    const offered = won && won.type === 'free_product' ? this.rewardProducts(won) : [];
    const product = offered.find((candidate) => candidate.sku === sku);
    if (!product) throw valueError(`${JSON.stringify(sku)} is not a product of reward ${JSON.stringify(wonRewardId)}`);
    order.removeReward(wonRewardId); // choosing again (say, to add options) replaces the free line
    order.lines.push(freeLine(product, wonRewardId, options));
    return order.view();
  }

  async afterRetry() {
    for (const merchant of new Set([...this.links.values()].map((link) => link.merchant))) {
      await this.onConnected(merchant); // set-up steps that failed at connection time
    }
  }

  // -- hooks a kind refines -------------------------------------------------------------------------
  /** Set-up right after a merchant connects (and retried by the background job): none on a kiosk. */
  async onConnected(_merchant) {}

  identifyPhone(number) {
    return this.identify(`/v1/customers/phone/${number}`);
  }

  identifyPass(publicId) {
    return this.identify(`/v1/customers/${publicId}`);
  }

  /** Make this customer the session's and show their loyalty view. */
  openAccount(customer) {
    this.current().customer = customer;
    return this.loyaltyView();
  }

  // -- internals ----------------------------------------------------------------------------------
  adminMerchant() {
    if (this.admin === null) throw new NotConnected('no merchant connected');
    return this.admin;
  }

  /** The store of the session's location; looked up each time, so a later mapping counts at once. */
  link() {
    const link = this.links.get(this.current().location);
    if (!link) throw new NotConnected('location not mapped to a Pongo store');
    return link;
  }

  /** The typed number in Pongo's form; a national number takes the country of the location's store. */
  normalize(phone) {
    const link = this.links.get(this.current().location);
    return normalizePhone(phone, link ? link.callingCode : DEFAULT_CALLING_CODE);
  }

  /** A call for the current location, with the token of the merchant that mapped it. */
  callPongo(method, path, options) {
    return this.pongo.call(this.link().merchant, method, path, options);
  }

  /** A new identification replaces the customer, and the previous customer's rewards leave the order. */
  forgetCustomer() {
    const session = this.visit();
    session.customer = null;
    session.enrolWithOrder = null;
    session.won = new Map();
    session.screen = loyaltyScreen();
    session.order.removeRewards();
    return session;
  }

  show(screen) {
    this.current().screen = screen;
    return screen;
  }

  /** Run a loyalty step; if Pongo fails, keep what is shown and tell the customer, never crash. */
  async loyalty(action) {
    try {
      return this.show(await action());
    } catch (error) {
      if (!(error instanceof PongoError)) throw error;
      log.warn(`loyalty step failed: ${error.message}`);
      const screen = this.current().screen;
      return this.show(loyaltyScreen({ ...screen, messages: [error.customerMessage], notices: [LOYALTY_UNAVAILABLE] }));
    }
  }

  async identify(path) {
    const response = await this.callPongo('GET', path);
    if (response.status === 404) return noAccount();
    return this.openAccount(expect(response, 200));
  }

  async enlistCustomer(number, person, optins) {
    const session = this.current();
    const body = { international_phone_number: number, reference_store_slug: this.link().slug, ...person, ...optins };
    let response;
    try {
      response = await this.callPongo('POST', '/v1/customers', { json: body });
    } catch (error) {
      if (!(error instanceof PongoUnavailable)) throw error;
      // Pongo enrols a customer sent with a paid order, so the sign-up is not lost.
      session.enrolWithOrder = { international_phone_number: number, ...person, ...optins };
      return loyaltyScreen({
        name: fullName(person),
        notices: [LOYALTY_UNAVAILABLE],
        messages: ['Loyalty is unavailable right now; you will be enrolled with this order.'],
      });
    }
    if (response.status === 422 && 'international_phone_number' in (safeJson(response).errors || {})) {
      const screen = await this.identify(`/v1/customers/phone/${number}`);
      screen.messages.push('This number is already a member; here is the account.');
      return screen;
    }
    return this.openAccount(expect(response, 201));
  }

  async buy(rewardId) {
    const session = this.current();
    if (session.customer === null) {
      return loyaltyScreen({ ...session.screen, messages: ['Identify the customer first.'] });
    }
    const body = { customer: session.customer.public_id, store_slug: this.link().slug };
    const bought = await this.callPongo('POST', `/v1/rewards/${encodeURIComponent(rewardId)}/buy`, { json: body });
    if (bought.status !== 422) expect(bought, 201);
    // Refresh everything: the balance fell and the purchase must appear among the purchased rewards;
    // after a refusal, the fresh balance tells whether points were short (they may have changed elsewhere).
    const screen = await this.refreshed();
    if (bought.status === 422) {
      const cost = screen.rewards.find((shown) => shown.id === rewardId)?.cost ?? null;
      const short = cost !== null && (screen.balance || 0) < cost;
      screen.messages.push(short ? 'Not enough points for this reward.' : 'This reward cannot be bought here.');
      addNotice(screen, short ? NOT_ENOUGH_POINTS : REWARD_NOT_USABLE);
    }
    return screen;
  }

  /** The session's customer read again from Pongo (GET customer), and their view with it. */
  async refreshed() {
    const publicId = this.current().customer.public_id;
    return this.openAccount(expect(await this.callPongo('GET', `/v1/customers/${publicId}`), 200));
  }

  async loyaltyView() {
    const session = this.current();
    const customer = session.customer;
    const publicId = customer.public_id;
    const balance = customer.points || 0;
    const won = expect(await this.callPongo('GET', `/v1/customers/${publicId}/rewards`), 200);
    const rewards = expect(
      await this.callPongo('GET', '/v1/rewards', { params: { customer: publicId, store_slug: this.link().slug } }),
      200,
    );
    session.won = new Map(won.map((reward) => [reward.public_id, reward]));
    return loyaltyScreen({
      customer_id: publicId,
      name: fullName(customer),
      balance,
      rewards: rewards.map((r) =>
        shownReward(r.public_id, r.title, r.cost, r.type, { redeemable: this.supports(r.type) && balance >= r.cost }),
      ),
      // Purchased rewards are shown apart, never among the rewards on offer.
      purchased: won.map((w) =>
        shownReward(w.public_id, w.title, w.cost, w.type, {
          redeemable: this.supports(w.type),
          coupon_code: w.coupon_code,
        }),
      ),
    });
  }

  supports(rewardType) {
    return Object.hasOwn(NEEDS, rewardType) && this.capabilities.includes(NEEDS[rewardType]);
  }

  /** Whether the order can take this purchased reward: its type needs nothing the software lacks. */
  usable(won) {
    return won !== null && won !== undefined && this.supports(won.type);
  }

  /** The products of our catalog a free_product reward names (one: that product; several: a choice). */
  rewardProducts(won) {
    return ownProducts(won.external_id, this.catalog());
  }

  /** The customer's available won reward, fetched again if it was bought after the view was shown. */
  async wonReward(wonRewardId) {
    const session = this.current();
    if (!session.won.has(wonRewardId) && session.customer !== null) {
      const won = expect(await this.callPongo('GET', `/v1/customers/${session.customer.public_id}/rewards`), 200);
      session.won = new Map(won.map((reward) => [reward.public_id, reward]));
    }
    return session.won.get(wonRewardId) ?? null;
  }

  /** The visit's order is paid: tell Pongo once, or keep it to resend; then print the receipt. */
  async settle(session) {
    const order = session.order;
    const link = this.links.get(session.location);
    if (!link) {
      order.tell('Loyalty is not set up at this location: no points for this order.', LOYALTY_UNAVAILABLE);
      this.printed = receiptText(order, 'Loyalty points could not be recorded.');
      return;
    }
    const pending = this.pendingOrder(session, link);
    const customer = pending.payload.customer;
    const response = await this.sendOrder(pending);
    let loyalty;
    if (response === null) {
      this.pending.push(pending);
      order.tell('Your loyalty points will be added as soon as the loyalty service answers.', ORDER_PENDING_SYNC);
      loyalty = 'Loyalty points will be added shortly.';
    } else if (response.status === 201 && customer) {
      loyalty = `Loyalty points earned: ${data(response).points_earned}`;
    } else if (response.status === 201 || response.status === 202) {
      loyalty = customer ? 'Loyalty points recorded.' : 'Join our loyalty program to earn points.';
    } else {
      log.warn(`Pongo refused order ${order.orderId} (${response.status})`);
      order.tell('Loyalty could not record this order; please ask the staff.', LOYALTY_UNAVAILABLE);
      loyalty = 'Loyalty points could not be recorded.';
    }
    this.printed = receiptText(order, loyalty);
  }

  /** The paid order as Pongo takes it, with the customer identified (or enrolled) during the visit. */
  pendingOrder(session, link) {
    const customer = session.customer ? { public_id: session.customer.public_id } : session.enrolWithOrder;
    return new Pending(
      link.merchant,
      orderPayload(session.order, {
        storeSlug: link.slug,
        channel: this.channel,
        deliveryMode: this.deliveryMode,
        deliveryStatus: this.deliveryStatus,
        customer,
      }),
    );
  }

  async deliver(pending) {
    const response = await this.sendOrder(pending);
    if (response === null) return null;
    const taken = response.status === 201 || response.status === 202;
    if (!taken) log.warn(`Pongo refused order ${pending.payload.order_id} (${response.status}); not resent`);
    return taken;
  }

  /**
   * POST the order; null when it must be resent later (Pongo down, or the merchant must reconnect).
   * A 202 means Pongo already has this order_id (an earlier answer was lost): that is success.
   */
  async sendOrder(pending) {
    try {
      return await this.pongo.call(pending.tenant, 'POST', '/v1/orders', { json: pending.payload });
    } catch (error) {
      if (!(error instanceof PongoError)) throw error;
      log.warn(`order ${pending.payload.order_id} kept to resend: ${error.message}`);
      return null;
    }
  }
}

/** What a search that finds nobody shows. */
function noAccount() {
  const messages = ['No loyalty account found. Would you like to join?'];
  return loyaltyScreen({ messages, notices: [CUSTOMER_NOT_FOUND] });
}

function fullName(person) {
  return [person.first_name, person.last_name].filter(Boolean).join(' ') || null;
}

function parseUrl(text) {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function safeJson(response) {
  try {
    return response.json() || {};
  } catch {
    return {};
  }
}

module.exports = { PongoReference, Session, SCOPES };
