"""The PAR Punchh simulator: POS API 1.0, Redemptions 2.0 and 1.0, Advanced Authentication (OTP).

Kept import-light: the declaration (`declaration.py`) is read by every pytest start-up, and the
simulator itself (`simulator.py`) is imported only when a run needs it.
"""
