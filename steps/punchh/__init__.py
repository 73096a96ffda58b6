"""The PAR Punchh certification: its world, fixtures and steps; `test_punchh.py` binds the features."""
