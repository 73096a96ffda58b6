"""Binds every Pongo feature to the steps: `pytest steps/pongo` is the Pongo certification."""

from pytest_bdd import scenarios

scenarios("pongo")
