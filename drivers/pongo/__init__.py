"""Pongo integrations: the contract, the reference kiosk and POS, and broken variants."""
