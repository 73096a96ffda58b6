"""Conforming Pongo variants: ALL-SEC-01, credentials kept where they belong. Each satisfies the requirement another way the guides allow."""

from poscert.drivers.pongo.conforming.registry import conforms  # noqa: F401
