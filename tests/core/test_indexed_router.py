"""IndexedRouter picks exactly the route Starlette's Router would, for every provider's table."""

import itertools
import re

import pytest
from starlette.routing import BaseRoute, Match

from mockpost.core.api import Endpoint, build_routes
from mockpost.core.routing import IndexedRouter
from mockpost.providers import PROVIDERS
from mockpost.testing import Mockpost

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def starlette_choice(routes: list[BaseRoute], method: str, path: str) -> tuple[str, BaseRoute | None]:
    """Starlette's rule: the first full match in table order, else the first partial one (405)."""
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return "full", route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return ("partial", partial) if partial is not None else ("none", None)


def paths_for(routes: list[BaseRoute]) -> set[str]:
    """Each route's path with its parameters filled, plus near misses around it."""
    found = {"/", "/nope", "/a/b/c/d/e/f"}
    for route in routes:
        path = getattr(route, "path", "")
        filled = re.sub(r"{[^}]+}", "x1", path)
        found |= {filled, filled + "/extra", filled.rsplit("/", 1)[0] or "/", filled.replace("x1", "")}
    return found


@pytest.mark.parametrize("entry", PROVIDERS, ids=lambda entry: entry.name)
def test_same_choice_as_starlette_for_every_route_and_near_miss(entry):
    with Mockpost() as mock:
        routes = build_routes(mock.sandbox.providers[entry.name].endpoints())
    indexed = IndexedRouter(routes)
    for method, path in itertools.product(METHODS, sorted(paths_for(routes))):
        expected = starlette_choice(routes, method, path)
        assert starlette_choice(indexed.candidates(path), method, path) == expected, (method, path)


def test_a_route_with_a_path_parameter_or_leading_parameter_is_tried_everywhere():
    async def handler(request):  # never called
        raise AssertionError

    routes = build_routes(
        [
            Endpoint("GET", "/files/{rest:path}", handler, "any depth"),
            Endpoint("GET", "/{kind}/list", handler, "parameter first"),
            Endpoint("GET", "/jobs/{id}", handler, "plain"),
        ]
    )
    indexed = IndexedRouter(routes)
    for path in ("/files/a", "/files/a/b/c", "/jobs/list", "/things/list", "/jobs/7"):
        expected = starlette_choice(routes, "GET", path)
        assert starlette_choice(indexed.candidates(path), "GET", path) == expected, path
