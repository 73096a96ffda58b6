"""Conforming Pongo variants: ALL-ERR-01, platform errors survived. Each satisfies the requirement another way the guides allow."""

from poscert.drivers.pongo.conforming.registry import conforms  # noqa: F401
