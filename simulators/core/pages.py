"""What a served simulator answers beside the platform's paths: `/openapi.json`, `/docs` and `/`.

A platform route always wins: these pages only take a path no route of the platform matches, so
serving them never changes what an integration sees on the platform's own paths.
"""

from __future__ import annotations

import json
from typing import Any

from poscert.simulators.core.docs_page import docs_html, index_html
from poscert.simulators.core.messages import SimRequest, SimResponse
from poscert.simulators.core.openapi import build_openapi
from poscert.simulators.core.routing import NoRoute
from poscert.simulators.core.simulator import Simulator

PAGES = ("/", "/docs", "/openapi.json")
MAX_RENDERED = 32


class ApiPages:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.paths = {path for path in PAGES if not _routed(sim, path)}
        self._document: dict[str, Any] | None = None
        self._rendered: dict[tuple[str, str], SimResponse] = {}  # (path, host) → answer, built once

    def document(self, base_url: str | None = None) -> dict[str, Any]:
        """The platform's OpenAPI document; with the served address first among its servers."""
        if self._document is None:
            self._document = build_openapi(type(self.sim))
        if base_url is None:
            return self._document
        served = {"url": base_url, "description": "this poscert simulator"}
        return {**self._document, "servers": [served, *self._document["servers"]]}

    def answer(self, request: SimRequest) -> SimResponse | None:
        """The page for this request, or None when it is not a page (the platform answers it)."""
        if request.path not in self.paths or request.method not in ("GET", "HEAD"):
            return None
        key = (request.path, request.host)
        if key not in self._rendered:
            if len(self._rendered) >= MAX_RENDERED:  # unchecked hosts (the library default) must not grow it
                self._rendered.clear()
            self._rendered[key] = self._render(request.path, f"http://{request.host}" if request.host else None)
        return self._rendered[key]

    def _render(self, path: str, base_url: str | None) -> SimResponse:
        if path == "/openapi.json":
            text = json.dumps(self.document(base_url), ensure_ascii=False)
            return SimResponse(200, headers={"content-type": "application/json"}, text=text)
        if path == "/docs":
            return SimResponse(200, text=docs_html(self.document(base_url)))
        title = f"{self.sim.declaration.title}: poscert simulator"
        links = [
            ("/docs", "the operations, their parameters and schemas (works offline)"),
            ("/openapi.json", "the OpenAPI 3.1 document"),
            ("/_poscert/health", "platform, seed and dataset"),
            ("/_poscert/credentials", "the dataset's credentials (admin token needed)"),
        ]
        note = f"Point your integration's base URL at {base_url or 'this server'}; the platform's paths are served as they are."
        return SimResponse(200, text=index_html(title, links, note))


def _routed(sim: Simulator, path: str) -> bool:
    try:
        sim.router.match("GET", path)
    except NoRoute as missing:
        return bool(missing.allowed)  # another method of the platform owns the path: leave it alone
    return True
