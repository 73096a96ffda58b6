"""Parsed source files, kept across the failure tracebacks of a process's certifications.

To show the statement a traceback entry stopped in, pytest parses the entry's whole file
(`getstatementrange_ast`), again for every failure: its own report parses `_pytest/fixtures.py`
(2,600 lines) and the plugin's integration-only traceback parses the step module again. That
was a fifth of a failing certification's time. The parse only depends on the file's text, so the
tree is kept by text, and pytest reuses it as it does within one traceback (its `astcache`).

`getstatementrange_ast` is a pytest internal (we pin `pytest>=9.0,<10`): the cache only goes in
when pytest has the name and signature it was written for, and otherwise pytest runs unchanged.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from typing import Any

import pytest

from poscert.session_patch import SessionPatch

pytest_code = importlib.import_module("_pytest._code.code")

SIGNATURE = ("lineno", "source", "assertion", "astnode")
# The caller that must reach the parse through the module global, or replacing it changes nothing.
CALLER = "TracebackEntry"
MAX_TREES = 32  # a traceback touches a few files: pytest's, pytest-bdd's, the steps', the integration's

_trees: dict[str, ast.AST] = {}  # source text -> its tree, oldest first


def cached_range(lineno: int, source: Any, assertion: bool = False, astnode: ast.AST | None = None) -> Any:
    """pytest's statement range, with the tree of a source text parsed once (a SyntaxError is not kept)."""
    original = PATCH.original
    assert original is not None, "the source cache is installed without the function it wraps"
    if astnode is not None:
        return original(lineno, source, assertion, astnode)
    text = str(source)
    tree = _trees.get(text)
    if tree is not None:
        return original(lineno, source, assertion, tree)
    found = original(lineno, source, assertion)
    if len(_trees) >= MAX_TREES:
        del _trees[next(iter(_trees))]
    _trees[text] = found[0]
    return found


PATCH: SessionPatch[None] = SessionPatch(pytest_code, "getstatementrange_ast", cached_range)


def supported() -> bool:
    """Whether this pytest parses traceback sources the way the cache expects."""
    parse = PATCH.unpatched()
    entry = getattr(pytest_code, CALLER, None)
    getsource = getattr(entry, "getsource", None)
    if parse is None or getsource is None:
        return False
    try:
        parameters = tuple(inspect.signature(parse).parameters)
    except (TypeError, ValueError):
        return False
    return parameters == SIGNATURE and PATCH.name in getsource.__code__.co_names


def enable(config: pytest.Config) -> bool:
    """Keep parsed sources while this session runs; False (and nothing changed) when unsupported."""
    if not supported():
        return False
    PATCH.enable(config, None)
    return True
