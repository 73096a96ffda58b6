"""Spoonity: the driver contract and the reference POS integration (onscreen sessions, whole orders, voids)."""
