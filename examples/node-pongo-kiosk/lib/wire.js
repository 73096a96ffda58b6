'use strict';
// Pongo's wire format for what the kiosk knows: the order body, the opt-in fields, a reward's SKUs
// (port of poscert/drivers/pongo/wire.py).

/** The SKUs a merchant typed into a reward's external_id, comma-separated, spaces around them dropped. */
function skusOf(externalId) {
  return (externalId || '')
    .split(',')
    .map((sku) => sku.trim())
    .filter(Boolean);
}

/**
 * The products of our catalog a free_product reward names. `external_id` lists SKUs of every partner
 * the merchant uses ("KSK-BURGER, ZLT-42"); the other partners' SKUs are not ours to interpret, so they
 * are dropped, not reported.
 */
function ownProducts(externalId, catalog) {
  const bySku = new Map(catalog.map((product) => [product.sku, product]));
  return [...new Set(skusOf(externalId))].filter((sku) => bySku.has(sku)).map((sku) => bySku.get(sku));
}

/** The opt-in fields to send: only questions answered, so no answer is never sent as consent. */
function optinFields(optin) {
  const fields = {};
  if (optin.email !== null) fields.email_optin = optin.email;
  if (optin.sms !== null) fields.sms_optin = optin.sms;
  const answers = Object.values(fields);
  if (answers.length) fields.has_optin = answers.some(Boolean);
  return fields;
}

/**
 * The POST /v1/orders body of a paid order. Built once and kept (see Pending in till.js), so a resend
 * carries the same order_id and is byte-identical. `created_at` is the wall clock, as in the Python
 * reference: the moment the order was paid, in the same ISO form (seconds, "+00:00").
 */
function orderPayload(order, { storeSlug, channel, deliveryMode, deliveryStatus, customer }) {
  const total = order.total;
  const body = {
    order_id: order.orderId,
    channel,
    delivery_mode: deliveryMode,
    loyalty_store_slug: storeSlug,
    amount: total,
    status: 'paid',
    delivery_status: deliveryStatus,
    created_at: isoSeconds(new Date()),
    lines: order.allLines().map(wireLine),
    payments: total ? [{ method: order.paymentMethod, amount: total }] : [],
  };
  if (customer && Object.keys(customer).length) body.customer = customer;
  return body;
}

function wireLine(line) {
  const body = {
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unit_price: line.unit_price,
    options: line.options.map((option) => ({ sku: option.sku, name: option.name, unit_price: option.price })),
  };
  if (line.reward_id) body.reward_id = line.reward_id;
  return body;
}

/** 2026-01-15T10:00:00+00:00: Python's datetime.now(UTC).isoformat(timespec="seconds"). */
function isoSeconds(date) {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

module.exports = { skusOf, ownProducts, optinFields, orderPayload };
