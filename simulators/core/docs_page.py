"""The browsable pages of a served simulator: `/` (where things are) and `/docs` (its OpenAPI document
as one self-contained HTML page).

No script, no stylesheet or font from a CDN: a developer exploring the simulator on a train, or behind
a proxy that blocks unpkg.com, still reads every operation, parameter and schema. The page is rendered
from the same document `/openapi.json` serves, so the two never disagree.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;margin-top:2em}
.op{border:1px solid #ddd;border-radius:6px;margin:.6em 0;padding:.4em .8em}
.m{display:inline-block;min-width:4.5em;font-weight:bold;font-family:monospace}
.GET{color:#0a6}.POST{color:#06c}.PUT,.PATCH{color:#b60}.DELETE{color:#c22}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
summary{cursor:pointer}
"""


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def index_html(title: str, links: list[tuple[str, str]], note: str = "") -> str:
    """The landing page: what this server is and where its documents are."""
    items = "".join(f'<li><a href="{escape(href)}">{escape(href)}</a>: {escape(what)}</li>' for href, what in links)
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(note)}</p><ul>{items}</ul>")


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Follow one local `$ref` (`#/components/...`), so the page shows the schema, not its address."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    found: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(found, dict) or part not in found:
            return node
        found = found[part]
    return found


def _schema(document: dict[str, Any], label: str, node: Any) -> str:
    shown = _resolve(document, node)
    where = f" <code>{escape(node['$ref'])}</code>" if isinstance(node, dict) and "$ref" in node else ""
    text = json.dumps(shown, indent=2, ensure_ascii=False)
    return f"<details><summary>{escape(label)}{where}</summary><pre>{escape(text)}</pre></details>"


def _operation(document: dict[str, Any], method: str, path: str, op: dict[str, Any]) -> str:
    parts = [
        f'<details class="op" id="{escape(op.get("operationId", ""))}"><summary>'
        f'<span class="m {method.upper()}">{method.upper()}</span> <code>{escape(path)}</code> '
        f"{escape(op.get('summary', ''))}</summary>",
        f"<p>operation <code>{escape(op.get('x-operation', op.get('operationId', '')))}</code>",
    ]
    security = op.get("security")
    if security is not None:
        needs = ", ".join(f"{name} {' '.join(scopes)}".strip() for entry in security for name, scopes in entry.items())
        parts.append(f"; credentials: {escape(needs or 'none')}")
    parts.append("</p>")
    params = op.get("parameters", [])
    if params:
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else ''}</td>"
            f"<td><code>{escape(json.dumps(_resolve(document, p.get('schema', {})), ensure_ascii=False))}</code></td></tr>"
            for p in params
        )
        parts.append(f"<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>{rows}</table>")
    for content_type, media in op.get("requestBody", {}).get("content", {}).items():
        parts.append(_schema(document, f"request body ({content_type})", media.get("schema", {})))
    for status, answer in op.get("responses", {}).items():
        label = f"{status}: {answer.get('description', '')}"
        media = answer.get("content", {}).get("application/json")
        parts.append(_schema(document, label, media["schema"]) if media else f"<p>{escape(label)} (no body)</p>")
    parts.append("</details>")
    return "".join(parts)


def docs_html(document: dict[str, Any]) -> str:
    """Every operation of an OpenAPI document, with its parameters, bodies and answers, schemas inline."""
    info = document.get("info", {})
    title = info.get("title", "API")
    servers = "".join(f"<li><code>{escape(s.get('url', ''))}</code></li>" for s in document.get("servers", []))
    schemes = json.dumps(document.get("components", {}).get("securitySchemes", {}), indent=2)
    ops = "".join(
        _operation(document, method, path, op)
        for path, methods in document.get("paths", {}).items()
        for method, op in methods.items()
    )
    body = (
        f"<h1>{escape(title)}</h1><p>The machine-readable document: "
        f'<a href="openapi.json">openapi.json</a>.</p><h2>Servers</h2><ul>{servers}</ul>'
        f"<h2>Security schemes</h2><pre>{escape(schemes)}</pre><h2>Operations</h2>{ops}"
    )
    return _page(title, body)
