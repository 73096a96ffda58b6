"""Conforming Punchh variants: each satisfies a requirement another way the guide allows, and is certified."""
