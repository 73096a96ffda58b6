"""Conforming Pongo variants: connecting to Pongo and mapping stores (AUTH, STORE). Each satisfies the requirement another way the guides allow."""

from poscert.drivers.pongo.conforming.registry import conforms  # noqa: F401
