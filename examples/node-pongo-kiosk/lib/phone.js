'use strict';
// Phone numbers as Pongo stores them: international digits, no "+" (32470123456). Customers type
// numbers every way they know; the lookup only works on the canonical form, so everything the kiosk
// accepts goes through normalizePhone first (port of poscert/drivers/pongo/phone.py).

const { valueError } = require('./contract');

// Pongo's own pattern for international_phone_number.
const INTERNATIONAL = /^[1-9][0-9]{7,14}$/;

// Calling codes of the countries Pongo merchants are in; a store's `country` picks one.
const CALLING_CODES = {
  BE: '32', FR: '33', NL: '31', LU: '352', DE: '49', CH: '41', ES: '34', IT: '39', PT: '351', GB: '44', IE: '353',
};
const COUNTRY_NAMES = {
  BELGIUM: 'BE', BELGIQUE: 'BE', BELGIE: 'BE', FRANCE: 'FR', NETHERLANDS: 'NL', LUXEMBOURG: 'LU', GERMANY: 'DE',
  SWITZERLAND: 'CH', SPAIN: 'ES', ITALY: 'IT', PORTUGAL: 'PT', 'UNITED KINGDOM': 'GB', IRELAND: 'IE',
};
const DEFAULT_CALLING_CODE = '32'; // Pongo is Belgian: its merchants are, unless their store says otherwise

const own = (table, key) => (Object.hasOwn(table, key) ? table[key] : undefined);

/** The calling code for a store's country, given as an ISO code ("BE") or a name ("Belgium"). */
function callingCode(country) {
  const key = String(country ?? '').trim().toUpperCase();
  return own(CALLING_CODES, own(COUNTRY_NAMES, key) ?? key) ?? DEFAULT_CALLING_CODE;
}

/**
 * What was typed, in Pongo's international form; throws ValueError when it is no phone number.
 *
 * "+32 (0)470 12.34.56", "0032 470 123456" and "0470/12 34 56" all become 32470123456: the "(0)" trunk
 * prefix some write after the country code goes first, then separators; "+" or "00" mark an
 * international number; a single leading 0 is a national number.
 */
function normalizePhone(typed, countryCode = DEFAULT_CALLING_CODE) {
  if (typeof typed !== 'string') throw valueError('not a phone number');
  let digits = typed.trim().replaceAll('(0)', '').replace(/[\s.\-()/]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = countryCode + digits.slice(1);
  if (!INTERNATIONAL.test(digits)) throw valueError('not a phone number');
  return digits;
}

module.exports = { DEFAULT_CALLING_CODE, callingCode, normalizePhone };
