"""The integration under test is checked once, before any scenario, against its platform's contract.

A missing method or an incompatible signature would otherwise surface as dozens of scenario
failures inside harness code; here it is one message that names the contract method.
"""

from __future__ import annotations

import inspect
from typing import Any

KINDS = ("kiosk", "pos")


def contract_methods(contract: type) -> dict[str, inspect.Signature]:
    """Public methods the contract (a Protocol, with its bases) asks for, with their signatures."""
    methods = {}
    for klass in reversed(contract.__mro__):
        if klass is object or klass.__module__ == "typing":
            continue
        for name, member in vars(klass).items():
            if callable(member) and not name.startswith("_"):
                methods[name] = inspect.signature(member)
    return methods


def problems(cls: type, contract: type, capabilities: frozenset[str]) -> list[str]:
    """Everything wrong with `cls` as an implementation of `contract`; empty when it conforms."""
    found = []
    kind = getattr(cls, "kind", None)
    if kind not in KINDS:
        found.append(f'`kind` is {kind!r}: declare kind = "kiosk" or "pos"')
    declared = getattr(cls, "capabilities", None)
    if declared is None:
        found.append("`capabilities` is missing: declare the set of what the integration supports (may be empty)")
    elif unknown := sorted(set(declared) - capabilities):
        # A misspelt capability would silently turn its requirements "not applicable".
        found.append(f"unknown capabilities {unknown}; known: {sorted(capabilities)}")
    if built := construction_problem(cls, contract):
        found.append(built)
    for name, expected in contract_methods(contract).items():
        method = getattr(cls, name, None)
        if not callable(method):
            found.append(f"{name}{_shown(expected)} is missing")
            continue
        try:
            given = inspect.signature(method)
        except (TypeError, ValueError):
            continue  # a builtin or C callable: nothing to compare
        if not _accepts(given, expected):
            found.append(f"{name}{_shown(given)} cannot be called as {name}{_shown(expected)}")
    return found


def construction_problem(cls: type, contract: type) -> str | None:
    """Whether `cls` can be built as the contract's `__init__` says the platform builds it (`Cls(connection)`)."""
    declared = next((vars(k)["__init__"] for k in contract.__mro__ if "__init__" in vars(k)), object.__init__)
    if declared is object.__init__ or declared.__module__ == "typing":
        return None  # the contract does not say how it is built
    try:
        given = inspect.signature(cls)
    except (TypeError, ValueError):
        return None
    expected = inspect.signature(declared)
    expected = expected.replace(parameters=list(expected.parameters.values())[1:])  # without `self`
    if _accepts(given, expected):
        return None
    return f"{cls.__name__}{_shown(given)} cannot be built as {cls.__name__}{_shown(expected)}"


def _accepts(given: inspect.Signature, expected: inspect.Signature) -> bool:
    """Whether every call the harness makes with the contract's parameters binds to `given`."""
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for param in expected.parameters.values():
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            positional.append(None)
        elif param.kind == param.KEYWORD_ONLY:
            keywords[param.name] = None
    try:
        given.bind(*positional, **keywords)  # `self` is among the positional ones on both sides
    except TypeError:
        return False
    return True


def _shown(signature: inspect.Signature) -> str:
    parts, star = [], False
    for param in signature.parameters.values():
        if param.name == "self":
            continue
        if param.kind == param.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = param.name
        if param.annotation is not param.empty:
            annotation = (
                param.annotation if isinstance(param.annotation, str) else inspect.formatannotation(param.annotation)
            )
            text += f": {annotation}"
        if param.default is not param.empty:
            text += f" = {param.default!r}"
        parts.append(text)
    return f"({', '.join(parts)})"
