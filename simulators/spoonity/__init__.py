"""The Spoonity simulator: the legacy POS API (api_key per location): onscreen sessions, perks, orders.

Kept import-light: the declaration (`declaration.py`) is read by every pytest start-up, and the
simulator itself (`simulator.py`) is imported only when a run needs it.
"""
