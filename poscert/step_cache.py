"""A per-session cache of pytest-bdd's step-definition lookup.

pytest-bdd finds the definitions of every step of every scenario by asking pytest for each
registered fixture name in turn (`find_fixturedefs_for_step`): tens of thousands of
`getfixturedefs` calls per certification, a quarter of its time. The answer only depends on the
step's type and text and on which definitions the scenario's collector (its module) can see, and
those are fixed once collection is over, so each one is looked up once per session.

The lookup is a pytest-bdd internal (we pin `pytest-bdd>=9.0.1,<10`): the cache only goes in when
it has the name and signature it was written for, and otherwise pytest-bdd runs unchanged.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from typing import Any
from weakref import WeakKeyDictionary

import pytest

# By its module name: the package's own `pytest_bdd.scenario` attribute is the `scenario` decorator.
bdd_scenario = importlib.import_module("pytest_bdd.scenario")

LOOKUP = "find_fixturedefs_for_step"
SIGNATURE = ("step", "fixturemanager", "node")
# The caller that must reach the lookup through the module global, or replacing it changes nothing.
CALLER = "inject_fixturedefs_for_step"

Key = tuple[str, str, pytest.Collector]
# One cache per session, keyed by its config: an in-process run never sees another run's definitions.
_caches: WeakKeyDictionary[pytest.Config, dict[Key, tuple[Any, ...]]] = WeakKeyDictionary()
_original: Callable[..., Iterable[Any]] | None = None


def supported() -> bool:
    """Whether this pytest-bdd has the lookup the cache replaces, with the signature it was written for."""
    lookup = getattr(bdd_scenario, LOOKUP, None)
    caller = getattr(bdd_scenario, CALLER, None)
    if lookup is None or caller is None:
        return False
    original = _original if lookup is cached_lookup else lookup
    try:
        parameters = tuple(inspect.signature(original).parameters)
    except (TypeError, ValueError):
        return False
    code = getattr(inspect.unwrap(caller), "__code__", None)
    return parameters == SIGNATURE and code is not None and LOOKUP in code.co_names


def enable(config: pytest.Config) -> bool:
    """Cache the step lookup of this session until it ends; False (and nothing changed) when unsupported."""
    global _original
    if config in _caches:
        return True
    if not supported():
        return False
    if _original is None:
        _original = getattr(bdd_scenario, LOOKUP)
        setattr(bdd_scenario, LOOKUP, cached_lookup)
    _caches[config] = {}
    config.add_cleanup(lambda: disable(config))
    return True


def disable(config: pytest.Config) -> None:
    """Forget this session's answers; pytest-bdd gets its own lookup back when no session caches any more."""
    global _original
    _caches.pop(config, None)
    if not _caches and _original is not None:
        setattr(bdd_scenario, LOOKUP, _original)
        _original = None


def cached_lookup(step: Any, fixturemanager: Any, node: Any) -> Iterable[Any]:
    """pytest-bdd's lookup, answered from the session's cache when the node is a test item of a cached session."""
    assert _original is not None, "the step cache is installed without the lookup it wraps"
    cache = _caches.get(node.config)
    # A test item sees the definitions of its collector and the collector's parents: pytest-bdd registers a
    # step definition as a fixture of the module or conftest that defines it, never of an item. What pytest
    # registers on an item (a `target_fixture` value) is no step definition, so siblings share one answer.
    if cache is None or not isinstance(node, pytest.Item) or node.parent is None:
        return _original(step=step, fixturemanager=fixturemanager, node=node)
    key = (step.type, step.name, node.parent)
    found = cache.get(key)
    if found is None:
        found = cache[key] = tuple(_original(step=step, fixturemanager=fixturemanager, node=node))
    return found
