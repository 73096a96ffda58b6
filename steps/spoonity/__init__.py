"""The Spoonity certification: its world, fixtures and steps; `test_spoonity.py` binds the features."""
