"""Route lookup that costs the same however long a provider's route table is.

Starlette's Router tries every route in order on every request. IndexedRouter keeps Starlette's
rules exactly (routes are tried in table order, the first full match wins, a path that matches
only with another method answers 405, nothing at all is a 404) but tries only the routes that can
match the request's path at all: those with as many segments, starting with the same literal.
Routes it cannot place (mounts, `{name:path}` parameters, a parameter first) are tried everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette._utils import get_route_path
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

Shape = tuple[int, str]  # (segment count, first segment)


def shape_of(path: str) -> Shape:
    segments = path[1:].split("/")
    return len(segments), segments[0]


def route_shape(route: BaseRoute) -> Shape | None:
    """The shape of every path the route matches (None: it may match several shapes)."""
    if not isinstance(route, Route) or ":path}" in route.path or not route.path.startswith("/"):
        return None
    count, first = shape_of(route.path)
    return None if "{" in first else (count, first)


class Candidate:
    """A route as the router tries it: a plain Route's regex, converters and methods read once
    (matched here, without Starlette's per-route `matches` and `handle` calls). Any other route
    (a mount) has no regex here and is matched by Starlette."""

    __slots__ = ("app", "convertors", "endpoint", "methods", "regex", "route")

    def __init__(self, route: BaseRoute) -> None:
        self.route = route
        plain = type(route) is Route
        self.regex = route.path_regex if plain else None  # type: ignore[attr-defined]
        self.convertors = route.param_convertors if plain else {}  # type: ignore[attr-defined]
        self.methods = route.methods if plain else None  # type: ignore[attr-defined]
        self.endpoint = route.endpoint if plain else None  # type: ignore[attr-defined]
        self.app: Any = route.app if plain else None  # type: ignore[attr-defined]


class IndexedRouter:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = list(routes)
        self._router = Router(routes=self.routes, redirect_slashes=False)  # url_path_for, as usual
        placed: dict[Shape, list[int]] = {}
        anywhere: list[int] = []
        for position, route in enumerate(self.routes):
            shape = route_shape(route)
            if shape is None:
                anywhere.append(position)
            else:
                placed.setdefault(shape, []).append(position)
        candidates = [Candidate(route) for route in self.routes]
        self._by_shape = {
            shape: [candidates[p] for p in sorted(positions + anywhere)]
            for shape, positions in placed.items()
        }
        self._anywhere = [candidates[p] for p in anywhere]

    def candidates(self, path: str) -> list[BaseRoute]:
        return [candidate.route for candidate in self._candidates(path)]

    def _candidates(self, path: str) -> list[Candidate]:
        return self._by_shape.get(shape_of(path), self._anywhere)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("router", self._router)
        route_path = get_route_path(scope)
        partial: tuple[BaseRoute, Scope] | None = None
        for candidate in self._candidates(route_path):
            if candidate.regex is None:
                match, child_scope = candidate.route.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    await candidate.route.handle(scope, receive, send)
                    return
                if match is Match.PARTIAL and partial is None:
                    partial = candidate.route, child_scope
                continue
            found = candidate.regex.match(route_path)
            if found is None:
                continue
            # what Route.matches does
            params = found.groupdict()
            for key, value in params.items():
                params[key] = candidate.convertors[key].convert(value)
            path_params = {**scope.get("path_params", {}), **params}
            child_scope = {"endpoint": candidate.endpoint, "path_params": path_params}
            if candidate.methods and scope["method"] not in candidate.methods:
                if partial is None:
                    partial = candidate.route, child_scope
                continue
            scope.update(child_scope)
            await candidate.app(scope, receive, send)
            return
        if partial is not None:
            route, child_scope = partial
            scope.update(child_scope)
            await route.handle(scope, receive, send)  # answers 405 with the allowed methods
            return
        raise HTTPException(status_code=404)
