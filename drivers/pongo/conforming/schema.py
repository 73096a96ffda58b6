"""Conforming Pongo variants: ALL-SCHEMA-01, requests that match the platform's schema. Each satisfies the requirement another way the guides allow."""

from poscert.drivers.pongo.conforming.registry import conforms  # noqa: F401
