"""The layers stay one-way: read from the source with `ast`, so imports under TYPE_CHECKING or inside
functions count too.

poscert.base  ←  poscert.simulators (core ← platforms)  ←  drivers, steps, the harness
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TREES = {"poscert.simulators": ROOT / "simulators", "poscert.base": ROOT / "poscert" / "base"}
HARNESS = (
    "poscert.plugin",
    "poscert.run",
    "poscert.scenarios",
    "poscert.guard",
    "poscert.driver_check",
    "poscert.scaffold",
    "poscert.cli",
    "poscert.evidence",
    "poscert.results",
    "poscert.platforms",
)
ABOVE_SIMULATORS = ("poscert.drivers", "poscert.steps", *HARNESS)
PLATFORM_NAMES = ("pongo", "punchh", "spoonity")


def modules() -> dict[str, Path]:
    """Every module of the checked trees, by its dotted name (a package by its `__init__.py`)."""
    found = {}
    for package, folder in TREES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            found[".".join((package, *parts[: -1 if parts[-1] == "__init__" else None]))] = path
    return found


def imports_of(module: str, source: str, *, package: bool, known: set[str]) -> set[str]:
    """Dotted names a module imports. `from a import b` yields `a.b`, plus `a` when `b` is not a module."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: climb from the module's own package
                anchor = module if package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full)
                if full not in known:
                    found.add(base)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = modules()
    known = set(paths)
    return {
        name: imports_of(name, path.read_text(encoding="utf-8"), package=path.name == "__init__.py", known=known)
        for name, path in paths.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def offending(graph: dict[str, set[str]], importer: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module == importer or module.startswith(importer + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    )


def test_the_checker_sees_type_checking_and_relative_imports_and_cycles():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\nfrom .c import thing\n"
    found = imports_of("pkg.a", source, package=False, known={"pkg.a", "pkg.b", "pkg.c"})
    assert {"pkg.b", "pkg.c", "pkg.c.thing"} <= found and "pkg" not in found
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle_among_the_simulators():
    graph = import_graph()
    assert "poscert.simulators.pongo.handlers" in graph["poscert.simulators.pongo.simulator"]  # the graph is real
    simulators = {
        name: {t for t in targets if t in graph and t.startswith("poscert.simulators")}
        for name, targets in graph.items()
        if name.startswith("poscert.simulators")
    }
    assert find_cycle(simulators) is None


def test_base_stands_on_nothing_above_it():
    forbidden = ("poscert.simulators", *ABOVE_SIMULATORS)
    assert offending(import_graph(), "poscert.base", forbidden) == []


def test_simulators_stand_on_base_only():
    graph = import_graph()
    assert offending(graph, "poscert.simulators", ABOVE_SIMULATORS) == []
    assert offending(graph, "poscert.simulators", ("poscert.base",))  # the check does see poscert.* imports


def test_the_core_names_no_platform():
    core = ROOT / "simulators" / "core"
    assert list(core.rglob("*.py"))
    named = [
        f"{path.relative_to(ROOT)} names {name}"
        for path in sorted(core.rglob("*"))
        if path.is_file() and path.suffix != ".pyc"
        for name in PLATFORM_NAMES
        if name in path.read_text(encoding="utf-8").lower()
    ]
    assert named == []
