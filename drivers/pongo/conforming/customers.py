"""Conforming Pongo variants: identifying, enlisting and showing customers (ID, ENLIST, OPTIN, VIEW, REDEEM). Each satisfies the requirement another way the guides allow."""

from poscert.drivers.pongo.conforming.registry import conforms  # noqa: F401
