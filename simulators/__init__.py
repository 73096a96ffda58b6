"""Stateful simulators of the loyalty platforms, one package per platform over a shared core."""
