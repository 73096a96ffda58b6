"""Allure results a reviewer can trust: each result rewritten once the run is judged.

allure-pytest-bdd writes a result per scenario as it ends, before poscert knows what the failure means:
a failed SHOULD is a red failure there, outline examples share one title, labels such as `host` are
noise. Once the whole run is judged (on the process that holds every outcome: a serial run, or a
parallel run's controller), each result is rewritten from poscert's own facts, so the report says
what certification.json says. Pure functions over result dicts, plus the pass over a folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from allure_commons.utils import md5

NOISE_LABELS = frozenset({"host", "thread", "language", "framework"})
# Carried by a result while it is written, so the final pass can find the scenario's outcome; removed then.
NODE_LABEL = "poscert.nodeid"
RUN_PARAMETERS = ("seed", "driver")  # the same for every result of a run: not what tells examples apart

# What a failure is, as the message's first words say (Allure categories match them) and a label repeats.
RULE, SCHEMA, DRIFT, HARNESS, WARNING = (
    "Rule violation",
    "Schema violation",
    "Platform drift",
    "Harness error",
    "Warning",
)
CATEGORY_LABEL = "failure"


def example_title(title: str, example: dict[str, Any] | None) -> str:
    """An outline example's title with its parameters ("Opt-in sent [email: yes, sms: yes]"): rows that
    share a scenario title read apart, and the same example has the same title in every run."""
    if not example:
        return title
    return f"{title} [{', '.join(f'{name}: {value}' for name, value in example.items())}]"


def identity(platform: str, feature_file: str, title: str) -> tuple[str, str]:
    """fullName and the id Allure keys history and retries on: the example's own, never its outline's,
    and free of the machine's paths (the feature file relative to the platform's features)."""
    full_name = f"{platform}/{Path(feature_file).name}:{title}"
    return full_name, md5(full_name)


def classify(status: str, message: str, trace: str, drifted: bool, harness: Callable[[str], bool]) -> str:
    """Whose failure this is: the platform drifted (a sandbox answer broke our schema), poscert itself broke
    (an exception raised in the harness's code, not an assertion), a request broke the schema, or the
    integration broke a rule."""
    if drifted:
        return DRIFT
    if status == "broken" and harness(trace):
        return HARNESS
    if "schema" in message.lower():
        return SCHEMA
    return RULE


FRAME = re.compile(r"^(?:\s*File \")?(?P<path>[^\s\"]+?\.py)(?:\", line |:)\d+", re.MULTILINE)


def last_frame(trace: str) -> str | None:
    """The file where the exception was raised, as pytest's or Python's traceback names it."""
    found = FRAME.findall(trace or "")
    return found[-1] if found else None


def finish_result(
    result: dict[str, Any],
    *,
    platform: str,
    title: str | None,
    example: dict[str, Any] | None,
    level: str | None,
    drifted: bool,
    harness: Callable[[str], bool],
    links: list[dict[str, str]],
) -> dict[str, Any]:
    """One result as a reviewer reads it: titled with its example, its own ids, no noise labels, the
    requirement's links, and a failure classified (a failed SHOULD/MAY is `broken`, a warning)."""
    named = example_title(title or result.get("name", ""), example)
    feature = (result.get("titlePath") or [""])[-1] if result.get("titlePath") else ""
    feature_file = result.get("fullName", "").partition(":")[0] or feature
    full_name, key = identity(platform, feature_file, named)
    labels = [
        label for label in result.get("labels", []) if label["name"] not in NOISE_LABELS and label["name"] != NODE_LABEL
    ]
    out = {
        **result,
        "name": named,
        "fullName": full_name,
        "testCaseId": key,
        "historyId": key,
        "labels": labels,
        "links": links or [link for link in result.get("links", []) if not link.get("url", "").startswith("file:")],
        "titlePath": [part for part in result.get("titlePath", []) if not part.startswith("/")],
        "parameters": [
            {**p, "value": str(p["value"]).strip("'")} if p["name"] in RUN_PARAMETERS else p
            for p in result.get("parameters", [])
        ],
    }
    if result.get("status") in ("failed", "broken"):
        details = dict(result.get("statusDetails") or {})
        kind = classify(result["status"], details.get("message", ""), details.get("trace", ""), drifted, harness)
        blocking = level == "MUST" or level is None
        status = "failed" if blocking and kind != HARNESS else "broken"
        prefix = f"{kind}" if blocking else f"{WARNING} ({level}, does not block certification): {kind}"
        details["message"] = f"{prefix}: {details.get('message', '')}"
        out["status"], out["statusDetails"] = status, details
        out["labels"].append({"name": CATEGORY_LABEL, "value": kind if blocking else WARNING.lower()})
    return out


def categories() -> list[dict[str, Any]]:
    """categories.json: each kind of failure its own category, matched on the message's first words (a
    pattern that Allure 2's full match and Allure 3's search both read the same way)."""
    return [
        {
            "name": "Warnings: a SHOULD or MAY requirement failed (does not block certification)",
            "matchedStatuses": ["broken"],
            "messageRegex": rf"^{WARNING} \([\s\S]*",
        },
        {
            "name": "Platform drift: the platform's answer broke its schema (not the integration's failure)",
            "matchedStatuses": ["failed", "broken"],
            "messageRegex": rf"^{DRIFT}:[\s\S]*",
        },
        {
            "name": "Harness errors: poscert itself failed (no verdict on the integration)",
            "matchedStatuses": ["broken"],
            "messageRegex": rf"^{HARNESS}:[\s\S]*",
        },
        {
            "name": "Schema violations: a request broke the platform's schema",
            "matchedStatuses": ["failed"],
            "messageRegex": rf"^{SCHEMA}:[\s\S]*",
        },
        {
            "name": "Rule violations: the integration broke a MUST requirement",
            "matchedStatuses": ["failed"],
            "messageRegex": rf"^{RULE}:[\s\S]*",
        },
    ]


def rewrite_results(folder: Path, finish: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """Apply `finish` to every result file of the folder, in place; returns how many were rewritten."""
    count = 0
    for path in folder.glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(finish(result)), encoding="utf-8")
        count += 1
    return count


def label_value(result: dict[str, Any], name: str) -> str | None:
    return next((label["value"] for label in result.get("labels", []) if label["name"] == name), None)


def under(roots: Iterable[Path], excluded: Iterable[Path]) -> Callable[[str], bool]:
    """Whether a trace's last frame is in the harness's own code (`roots`, but not `excluded`: the
    integrations poscert ships live in its package too)."""
    roots, excluded = tuple(roots), tuple(excluded)

    def inside(trace: str) -> bool:
        frame = last_frame(trace)
        if frame is None:
            return False
        path = Path(frame)
        if not path.is_absolute():
            return False
        return any(path.is_relative_to(r) for r in roots) and not any(path.is_relative_to(e) for e in excluded)

    return inside
