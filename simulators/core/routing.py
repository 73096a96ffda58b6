"""The URL map: templates to operations. Handlers are looked up by operation name, so a route is data only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # "/v1/customers/{public_id}"
    operation: str  # the handler's name and the schema document's name
    scope: str | None = None  # OAuth scope the token must carry
    public: bool = False  # no credentials needed (OAuth endpoints)
    security: str | None = None  # the declaration's security scheme this route requires (None: the first)
    summary: str = ""
    pattern: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))


class NoRoute(Exception):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__("no route")
        self.allowed = allowed  # empty: unknown path; else: wrong method


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        matches = [(r, m) for r in self.routes if (m := r.pattern.match(path))]
        # An explicit HEAD route wins; otherwise HEAD is answered like GET, as web frameworks do.
        for wanted in (method, "GET" if method == "HEAD" else None):
            for route, found in matches:
                if route.method == wanted:
                    return route, found.groupdict()
        raise NoRoute(sorted({r.method for r, _ in matches}))
