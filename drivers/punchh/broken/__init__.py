"""Broken Punchh integrations: each a reference with one realistic mistake, failing on its requirement only."""
