'use strict';
// The reference Pongo kiosk (port of PongoKiosk in poscert/drivers/pongo/reference.py): a self-order
// kiosk whose payment may be handed to the restaurant's POS, which calls back once paid.

const {
  EXTERNAL_PAYMENT,
  PRODUCT_CATALOG,
  REWARD_REMOVED_UNLESS_PAID_HERE,
  VOUCHERS,
  addNotice,
} = require('./contract');
const { KIOSK_CATALOG, KIOSK_LOCATIONS } = require('./catalog');
const { PongoReference } = require('./pongo-reference');

const KIOSK_CAPABILITIES = Object.freeze([VOUCHERS, PRODUCT_CATALOG, EXTERNAL_PAYMENT]);

class PongoKiosk extends PongoReference {
  get kind() {
    return 'kiosk';
  }

  get capabilities() {
    return KIOSK_CAPABILITIES;
  }

  get channel() {
    return 'kiosk';
  }

  get deliveryStatus() {
    return 'preparing'; // paid at the kiosk, the kitchen starts on it
  }

  get products() {
    return KIOSK_CATALOG;
  }

  get sites() {
    return KIOSK_LOCATIONS;
  }

  /**
   * The order as the customer sees it when choosing how to pay: warned *before* choosing that paying
   * at the counter loses a reward (PONGO-ORDER-04), whatever the reward's type.
   */
  order_view() {
    const view = super.order_view();
    if (this.current().order.isOpen && view.lines.some((line) => this.counterCannotTake(line))) {
      view.messages.push('Your reward can only be used if you pay here: paying at the counter removes it.');
      addNotice(view, REWARD_REMOVED_UNLESS_PAID_HERE);
    }
    return view;
  }

  /** The restaurant's POS honours no Pongo reward: neither a free product nor a voucher. */
  counterCannotTake(line) {
    return line.reward_id !== null;
  }

  handToExternal(order) {
    // The POS that takes the payment cannot honour Pongo rewards, so they leave the order; Pongo hears
    // of the order only when that POS confirms it was paid (external_closed).
    if (order.removeRewards()) {
      order.tell(
        'Your reward was removed: it can only be used when you pay at the kiosk.',
        REWARD_REMOVED_UNLESS_PAID_HERE,
      );
    }
    order.status = 'external_pending';
    order.paymentMethod = 'external';
  }
}

module.exports = { PongoKiosk };
