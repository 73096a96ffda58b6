"""Integrations under test, behind one contract: references, broken variants, and the loader."""
