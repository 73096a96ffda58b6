"""A per-session cache of pytest-bdd's step-definition lookup.

pytest-bdd finds the definitions of every step of every scenario by asking pytest for each
registered fixture name in turn (`find_fixturedefs_for_step`): tens of thousands of
`getfixturedefs` calls per certification, a quarter of its time. The answer only depends on the
step's type and text and on which definitions the scenario's collector (its module) can see, and
those are fixed once collection is over. So the definitions a collector sees are gathered once per
session, as pytest-bdd gathers them, and each step's answer is kept.

The lookup is a pytest-bdd internal (we pin `pytest-bdd>=9.0.1,<10`): the cache only goes in when
pytest-bdd has the names and signature it was written for, and otherwise pytest-bdd runs unchanged.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from poscert.session_patch import SessionPatch

# By its module name: the package's own `pytest_bdd.scenario` attribute is the `scenario` decorator.
bdd_scenario = importlib.import_module("pytest_bdd.scenario")

SIGNATURE = ("step", "fixturemanager", "node")
# The caller that must reach the lookup through the module global, or replacing it changes nothing.
CALLER = "inject_fixturedefs_for_step"
# What the lookup itself uses, which the cache uses the same way to gather a collector's definitions.
HELPERS = ("get_fixture_names", "getfixturedefs", "step_function_context_registry")


@dataclass
class Answers:
    """One session's answers: the step definitions each collector sees, and each step's matches."""

    visible: dict[pytest.Collector, tuple[tuple[Any, Any], ...]] = field(default_factory=dict)
    matches: dict[tuple[str, str, pytest.Collector], tuple[Any, ...]] = field(default_factory=dict)


def cached_lookup(step: Any, fixturemanager: Any, node: Any) -> Iterable[Any]:
    """pytest-bdd's lookup, answered from the session's cache when the node is a test item of a cached session."""
    original = PATCH.original
    assert original is not None, "the step cache is installed without the lookup it wraps"
    answers = PATCH.sessions.get(node.config)
    # A test item sees the definitions of its collector and the collector's parents: pytest-bdd registers a
    # step definition as a fixture of the module or conftest that defines it, never of an item. What pytest
    # registers on an item (a `target_fixture` value) is no step definition, so siblings share one answer.
    if answers is None or not isinstance(node, pytest.Item) or node.parent is None:
        return original(step=step, fixturemanager=fixturemanager, node=node)
    key = (step.type, step.name, node.parent)
    found = answers.matches.get(key)
    if found is None:
        visible = answers.visible.get(node.parent)
        if visible is None:
            visible = answers.visible[node.parent] = _step_definitions(fixturemanager, node)
        found = answers.matches[key] = tuple(
            fixturedef
            for fixturedef, context in visible
            if (context.type is None or context.type == step.type) and context.parser.is_matching(step.name)
        )
    return found


PATCH: SessionPatch[Answers] = SessionPatch(bdd_scenario, "find_fixturedefs_for_step", cached_lookup)


def supported() -> bool:
    """Whether this pytest-bdd has the lookup the cache replaces, with the signature it was written for."""
    lookup = PATCH.unpatched()
    caller = getattr(bdd_scenario, CALLER, None)
    if lookup is None or caller is None or not all(hasattr(bdd_scenario, name) for name in HELPERS):
        return False
    try:
        parameters = tuple(inspect.signature(lookup).parameters)
    except (TypeError, ValueError):
        return False
    code = getattr(inspect.unwrap(caller), "__code__", None)
    return parameters == SIGNATURE and code is not None and PATCH.name in code.co_names


def enable(config: pytest.Config) -> bool:
    """Cache the step lookup of this session until it ends; False (and nothing changed) when unsupported."""
    if not supported():
        return False
    PATCH.enable(config, Answers())
    return True


def _step_definitions(fixturemanager: Any, node: pytest.Item) -> tuple[tuple[Any, Any], ...]:
    """Every step definition `node` sees, with its context, in the order pytest-bdd's lookup visits them."""
    found = []
    for name in bdd_scenario.get_fixture_names(fixturemanager=fixturemanager):
        for fixturedef in bdd_scenario.getfixturedefs(fixturemanager, name, node) or []:
            context = bdd_scenario.step_function_context_registry.get(fixturedef.func)
            if context is not None:
                found.append((fixturedef, context))
    return tuple(found)
