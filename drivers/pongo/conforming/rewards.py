"""Conforming Pongo variants: rewards in the order (REWARD). Each satisfies the requirement another way the guides allow."""

from poscert.drivers.pongo.conforming.registry import conforms  # noqa: F401
