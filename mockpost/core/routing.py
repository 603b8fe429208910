"""Route lookup that costs the same however long a provider's route table is.

Starlette's Router tries every route in order on every request. IndexedRouter keeps Starlette's
rules exactly (routes are tried in table order, the first full match wins, a path that matches
only with another method answers 405, nothing at all is a 404) but tries only the routes that can
match the request's path at all: those with as many segments, starting with the same literal.
Routes it cannot place (mounts, `{name:path}` parameters, a parameter first) are tried everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

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
        self._by_shape = {
            shape: [self.routes[p] for p in sorted(positions + anywhere)]
            for shape, positions in placed.items()
        }
        self._anywhere = [self.routes[p] for p in anywhere]

    def candidates(self, path: str) -> list[BaseRoute]:
        return self._by_shape.get(shape_of(path), self._anywhere)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("router", self._router)
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial = route, child_scope
        if partial is not None:
            route, child_scope = partial
            scope.update(child_scope)
            await route.handle(scope, receive, send)  # answers 405 with the allowed methods
            return
        raise HTTPException(status_code=404)
