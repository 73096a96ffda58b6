"""The caches a certification puts into pytest-bdd and pytest answer exactly what those would answer.

`poscert.step_cache` replaces pytest-bdd's step lookup and `poscert.source_trees` pytest's parse of
traceback sources, both internals: these tests fail when an upgrade changes them, instead of the
caches silently going out (or, worse, answering something else).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from _pytest._code.source import Source
from pytest_bdd.parser import Step
from pytest_bdd.scenario import scenario_wrapper_template_registry

from poscert import source_trees, step_cache
from poscert.base.resources import package_dir
from poscert.cli import CERTIFY_INI
from poscert.session_patch import SessionPatch

NO_SUCH_STEP = "a step that no definition of any platform matches"


class Session:
    """What a SessionPatch needs of a pytest config: where to register what runs when the session ends."""

    def __init__(self) -> None:
        self.cleanups: list[Callable[[], None]] = []

    def add_cleanup(self, fn: Callable[[], None]) -> None:
        self.cleanups.append(fn)

    def end(self) -> None:
        for fn in reversed(self.cleanups):
            fn()


def test_the_installed_pytest_bdd_and_pytest_have_what_the_caches_replace():
    assert step_cache.supported(), "pytest-bdd's step lookup changed: poscert.step_cache no longer goes in"
    assert source_trees.supported(), "pytest's traceback source parse changed: poscert.source_trees no longer goes in"


@pytest.mark.parametrize(
    ("cache", "module", "changed"),
    [
        (step_cache, step_cache.bdd_scenario, lambda step, fixturemanager: ()),
        (source_trees, source_trees.pytest_code, lambda lineno, source: None),
    ],
    ids=["step lookup", "source parse"],
)
def test_an_internal_with_another_signature_is_left_alone(monkeypatch, cache, module, changed):
    monkeypatch.setattr(module, cache.PATCH.name, changed)
    session = Session()
    assert not cache.supported()
    assert cache.enable(session) is False  # type: ignore[arg-type]
    assert getattr(module, cache.PATCH.name) is changed and not session.cleanups


def test_a_patch_lasts_while_a_session_needs_it():
    def replacement() -> str:
        return "replaced"

    holder = type(inspect)("holder")
    holder.fn = original = lambda: "original"  # type: ignore[attr-defined]
    patch: SessionPatch[None] = SessionPatch(holder, "fn", replacement)
    first, second = Session(), Session()
    patch.enable(first, None)  # type: ignore[arg-type]
    patch.enable(second, None)  # type: ignore[arg-type]
    assert holder.fn is replacement and patch.unpatched() is original
    first.end()
    assert holder.fn is replacement, "another session still needs it"
    second.end()
    assert holder.fn is original and patch.original is None


class LookupChecker:
    """At the end of collection, looks up every step of every scenario both ways."""

    def __init__(self) -> None:
        self.compared: list[tuple[str, str, list[Any], list[Any]]] = []
        self.outlines = 0
        self.cached = False

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        fixturemanager = session._fixturemanager
        original = step_cache.PATCH.unpatched()
        self.cached = step_cache.enable(session.config) and session.config in step_cache.PATCH.sessions
        for item in session.items:
            example = getattr(item, "callspec", None)
            params = example.params.get("_pytest_bdd_example", {}) if example else {}
            self.outlines += bool(params)
            scenario = scenario_wrapper_template_registry[item.obj].render(params)
            unknown = [Step(NO_SUCH_STEP, kind, 0, 0, kind.title()) for kind in ("given", "when", "then")]
            for step in [*scenario.steps, *unknown]:
                expected = list(original(step=step, fixturemanager=fixturemanager, node=item))
                found = list(step_cache.cached_lookup(step, fixturemanager, item))
                self.compared.append((item.nodeid, f"{step.type} {step.name}", expected, found))


def test_the_step_cache_finds_the_definitions_pytest_bdd_finds():
    checker = LookupChecker()
    steps = package_dir("steps")
    args = [str(steps / "pongo"), "-c", str(CERTIFY_INI), f"--rootdir={steps.parent}", "--collect-only", "-q"]
    assert pytest.main([*args, "--poscert-platform=pongo"], plugins=[checker]) == pytest.ExitCode.OK
    assert checker.cached, "the cache was not in during the session"
    assert checker.outlines, "no scenario outline was compared"
    differ = [(node, step) for node, step, expected, found in checker.compared if expected != found]
    assert not differ, differ[:5]
    unmatched = {step for _, step, expected, _ in checker.compared if not expected}
    assert unmatched == {f"{kind} {NO_SUCH_STEP}" for kind in ("given", "when", "then")}
    assert step_cache.bdd_scenario.find_fixturedefs_for_step is step_cache.PATCH.unpatched(), "left in after the run"


def test_a_kept_source_tree_gives_the_statement_range_pytest_gives():
    source = Source(inspect.getsource(source_trees.pytest_code))  # a long file, as pytest's own fixtures.py
    original = source_trees.PATCH.unpatched()
    session = Session()
    assert source_trees.enable(session)  # type: ignore[arg-type]
    try:
        for lineno in (0, 40, 300, len(source.lines) - 1):
            tree, start, end = source_trees.cached_range(lineno, source)
            expected_tree, expected_start, expected_end = original(lineno, source)
            assert (start, end) == (expected_start, expected_end)
            assert ast.dump(tree) == ast.dump(expected_tree)
        assert source_trees.cached_range(10, source)[0] is tree, "the tree was parsed again"
    finally:
        session.end()
    assert source_trees.pytest_code.getstatementrange_ast is original
