"""The steps of a collected scenario, as its feature words them: what a reviewer's log shows as the
scenario's actions and expected results, with an outline example's values in place of its <names>."""

from __future__ import annotations

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry

EXAMPLE_PARAM = "_pytest_bdd_example"  # the parameter pytest-bdd gives an outline's examples


def scenario_steps(item: pytest.Item) -> tuple[dict[str, str], ...]:
    """Each step's type (given, when, then), keyword as written (And, But, ...) and text, background
    first; none for an item that is not a pytest-bdd scenario."""
    function = getattr(item, "obj", None)
    template = scenario_wrapper_template_registry.get(function) if function is not None else None
    if template is None:
        return ()
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get(EXAMPLE_PARAM, {}) if callspec is not None else {}
    return tuple(
        {"type": step.type, "keyword": step.keyword.strip(), "text": step.name}
        for step in template.render(example).steps
    )
