'use strict';
// Broken copies of the kiosk, each with one realistic mistake, to show that certification catches it.
// Selected with `--broken NAME` or POSCERT_BROKEN=NAME; never used otherwise.

const { PongoKiosk } = require('./pongo-kiosk');
const { orderPayload } = require('./wire');

/**
 * PONGO-ORDER-02 (port of drivers/pongo/broken/orders.py::SendsUnpaidOrders): reports declined,
 * abandoned and cancelled orders to Pongo too, as cancelled. Pongo must only ever hear of paid orders.
 */
class SendsUnpaidOrders extends PongoKiosk {
  async pay(outcome) {
    const view = await super.pay(outcome);
    if (outcome === 'declined' || outcome === 'abandoned') await this.reportUnpaid();
    return view;
  }

  async cancel() {
    const view = super.cancel();
    await this.reportUnpaid();
    return view;
  }

  async reportUnpaid() {
    const session = this.current();
    const link = this.link();
    const body = orderPayload(session.order, {
      storeSlug: link.slug,
      channel: this.channel,
      deliveryMode: this.deliveryMode,
      deliveryStatus: 'pending',
      customer: null,
    });
    await this.pongo.call(link.merchant, 'POST', '/v1/orders', { json: { ...body, status: 'cancelled' } });
  }
}

// The name each broken copy is selected by, and the requirement it must fail (and only that one).
const BROKEN = {
  'sends-unpaid-orders': { cls: SendsUnpaidOrders, breaks: 'PONGO-ORDER-02' },
};

module.exports = { BROKEN, SendsUnpaidOrders };
