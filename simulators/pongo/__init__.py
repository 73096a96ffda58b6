"""The Pongo simulator: routes, handlers, per-merchant backends, OAuth platform state, dataset.

Kept import-light: the declaration (`declaration.py`) is read by every pytest start-up, and the
simulator itself (`simulator.py`) is imported only when a run needs it.
"""
