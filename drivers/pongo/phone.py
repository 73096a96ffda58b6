"""Phone numbers as Pongo stores them: international digits, no "+" (32470123456).

Customers type numbers every way they know; the lookup only works on the canonical form,
so everything the till accepts goes through `normalize_phone` first.
"""

from __future__ import annotations

import re

# Pongo's own pattern for international_phone_number.
INTERNATIONAL = re.compile(r"^[1-9][0-9]{7,14}$")

# Calling codes of the countries Pongo merchants are in; a store's `country` picks one.
CALLING_CODES = {
    "BE": "32",
    "FR": "33",
    "NL": "31",
    "LU": "352",
    "DE": "49",
    "CH": "41",
    "ES": "34",
    "IT": "39",
    "PT": "351",
    "GB": "44",
    "IE": "353",
}
COUNTRY_NAMES = {
    "BELGIUM": "BE",
    "BELGIQUE": "BE",
    "BELGIE": "BE",
    "FRANCE": "FR",
    "NETHERLANDS": "NL",
    "LUXEMBOURG": "LU",
    "GERMANY": "DE",
    "SWITZERLAND": "CH",
    "SPAIN": "ES",
    "ITALY": "IT",
    "PORTUGAL": "PT",
    "UNITED KINGDOM": "GB",
    "IRELAND": "IE",
}
DEFAULT_CALLING_CODE = "32"  # Pongo is Belgian: its merchants are, unless their store says otherwise


def calling_code(country: str | None) -> str:
    """The calling code for a store's country, given as an ISO code ("BE") or a name ("Belgium")."""
    key = (country or "").strip().upper()
    return CALLING_CODES.get(COUNTRY_NAMES.get(key, key), DEFAULT_CALLING_CODE)


def normalize_phone(typed: str, country_code: str = DEFAULT_CALLING_CODE) -> str:
    """Turn what was typed into Pongo's international form, or raise ValueError.

    "+32 (0)470 12.34.56", "0032 470 123456" and "0470/12 34 56" all become 32470123456:
    the "(0)" trunk prefix some write after the country code goes first, then separators;
    "+" or "00" mark an international number; a single leading 0 is a national number.
    """
    text = typed.strip().replace("(0)", "")
    digits = re.sub(r"[\s.\-()/]", "", text)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = country_code + digits[1:]
    if not INTERNATIONAL.match(digits):
        raise ValueError("not a phone number")
    return digits
