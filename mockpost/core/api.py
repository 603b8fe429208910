"""One table per API: each entry serves a route and documents it in OpenAPI.

Routes and the OpenAPI document are both built from the same `Endpoint` list and the same
pydantic models, so the documentation cannot drift from what is served.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]
_PATH_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-z]+)?}")
NO_BODY = object()  # as an error's schema, errors={404: ("Not reachable", NO_BODY)}: answered without a body


@dataclass(frozen=True)
class Param:
    name: str
    description: str = ""
    type: str = "string"
    required: bool = False
    location: str = "query"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    body: Any = None  # a pydantic model or type describing the JSON request body
    response: Any = None  # a pydantic model or type describing the success body
    status: int = 200
    query: Sequence[Param] = ()
    headers: Sequence[Param] = ()
    # status -> description, or (description, schema); a tuple of schemas: any one of them
    errors: dict[int, Any] = field(default_factory=dict)
    tag: str = ""
    content_type: str = "application/json"  # of the request body
    response_type: str = "application/json"
    public: bool = False  # needs no credentials

    @property
    def operation_id(self) -> str:
        cleaned = re.sub(r"[^a-zA-Z0-9]+", "_", f"{self.method}_{self.path}").strip("_")
        return cleaned.lower()


ROUTES_ATTRIBUTE = "_mockpost_routes"
H = TypeVar("H", bound=Callable[..., Awaitable[Response]])


def route(method: str, path: str, summary: str, **spec: Any) -> Callable[[H], H]:
    """Declare a handler's endpoint next to it: `@route("POST", "/campaigns", "Create campaign",
    body=..., response=..., errors=...)`. `endpoints_of(table)` collects them in the order the
    handlers are written (the order routes are matched in). Stack several for one handler."""

    def mark(handler: H) -> H:
        declared: list[tuple[str, str, str, dict[str, Any]]] = handler.__dict__.setdefault(
            ROUTES_ATTRIBUTE, []
        )
        declared.insert(0, (method, path, summary, spec))  # decorators apply bottom-up
        return handler

    return mark


def endpoints_of(table: object) -> list[Endpoint]:
    """The endpoints declared with `@route` on `table`'s handlers, in the order they are written."""
    names: dict[str, None] = {}
    for cls in reversed(type(table).__mro__):
        for name, member in vars(cls).items():
            if ROUTES_ATTRIBUTE in getattr(member, "__dict__", {}):
                names.setdefault(name)
    found = []
    for name in names:
        handler = getattr(table, name)
        for method, path, summary, spec in getattr(handler, ROUTES_ATTRIBUTE):
            found.append(Endpoint(method, path, handler, summary, **spec))
    return found


def build_routes(
    endpoints: Sequence[Endpoint], on_error: Callable[[Scope, Exception], Response] | None = None
) -> list[Route]:
    """Starlette routes for `endpoints`. With `on_error`, each handler answers its own exceptions
    with it (see Answering); without, they go to the app's exception handlers."""
    return [
        Route(
            endpoint.path,
            endpoint.handler if on_error is None else Answering(endpoint.handler, on_error),
            methods=[endpoint.method],
            name=endpoint.operation_id,
        )
        for endpoint in endpoints
    ]


class Answering:
    """A handler as an ASGI app that answers its own exceptions with `on_error` (a provider's
    envelope). What Starlette's `request_response` does, without its exception-handler layer and
    the send wrapper that layer needs: a provider's boundary is this one place, and the request path
    is shorter by two calls per message."""

    __slots__ = ("handler", "on_error")

    def __init__(self, handler: Handler, on_error: Callable[[Scope, Exception], Response]) -> None:
        self.handler = handler
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self.handler(Request(scope, receive, send))
        except Exception as exc:
            response = self.on_error(scope, exc)
        await response(scope, receive, send)


@dataclass(frozen=True)
class Deferred:
    """A body model imported only when the OpenAPI document is built (costly modules stay out of
    start-up)."""

    module: str
    name: str

    def load(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)


class DeferredModels:
    """A module of models as Deferred ones: `models.Health` names the model without importing the
    module, which happens when the OpenAPI document is built or a body is parsed with it."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __getattr__(self, name: str) -> Deferred:
        if name.startswith("__"):
            raise AttributeError(name)
        return Deferred(self.module, name)


def openapi_document(
    title: str,
    version: str,
    endpoints: Sequence[Endpoint],
    server_url: str,
    description: str = "",
    security: dict[str, Any] | None = None,
    error_schema: Any = None,
) -> dict[str, Any]:
    components: dict[str, Any] = {}
    named: dict[str, Any] = {}  # component name -> the model it documents

    def component_name(model: type[BaseModel]) -> str:
        """The model's name; a second model of the same name (two providers' `ErrorBody`) is named
        after its package too, so that neither replaces the other."""
        name = model.__name__
        if named.setdefault(name, model) is not model:
            name = f"{model.__module__.split('.')[-2]}.{name}"
            named[name] = model
        return name

    def schema_of(model: Any) -> dict[str, Any]:
        if isinstance(model, tuple):  # one of several bodies
            return {"anyOf": [schema_of(item) for item in model]}
        if isinstance(model, Deferred):
            model = model.load()
        schema = TypeAdapter(model).json_schema(
            ref_template="#/components/schemas/{model}", mode="serialization"
        )
        components.update(schema.pop("$defs", {}))
        if isinstance(model, type) and issubclass(model, BaseModel):
            name = component_name(model)
            components[name] = schema
            return {"$ref": f"#/components/schemas/{name}"}
        return schema

    error_ref = schema_of(error_schema) if error_schema is not None else {}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        parameters: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PATH_PARAM.findall(endpoint.path)
        ]
        for param in (*endpoint.query, *endpoint.headers):
            location = "header" if param in endpoint.headers else param.location
            parameters.append(
                {
                    "name": param.name,
                    "in": location,
                    "required": param.required,
                    "description": param.description,
                    "schema": {"type": param.type},
                }
            )
        operation: dict[str, Any] = {
            "operationId": endpoint.operation_id,
            "summary": endpoint.summary,
            "parameters": parameters,
            "responses": {},
        }
        if endpoint.tag:
            operation["tags"] = [endpoint.tag]
        if endpoint.public and security:
            operation["security"] = []
        if endpoint.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {endpoint.content_type: {"schema": schema_of(endpoint.body)}},
            }
        success: dict[str, Any] = {"description": "Success"}
        if endpoint.response is not None:
            success["content"] = {endpoint.response_type: {"schema": schema_of(endpoint.response)}}
        operation["responses"][str(endpoint.status)] = success
        for status, spec in sorted(endpoint.errors.items()):
            error_text, schema = spec if isinstance(spec, tuple) else (spec, None)
            error: dict[str, Any] = {"description": error_text}
            if schema is NO_BODY:
                body_schema = None
            else:
                body_schema = schema_of(schema) if schema is not None else error_ref
            if body_schema:
                error["content"] = {"application/json": {"schema": body_schema}}
            operation["responses"][str(status)] = error
        path = _PATH_PARAM.sub(r"{\1}", endpoint.path)
        paths.setdefault(path, {})[endpoint.method.lower()] = operation
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": components},
    }
    if security:
        document["components"]["securitySchemes"] = security
        document["security"] = [{name: []} for name in security]
    return document


class LazyMount(Mount):
    """A Mount whose routes are built on the first request under its prefix (building them may
    load a provider), and which matches only paths those routes know, so that a route listed
    earlier that matched the path but not the method still answers 405."""

    def __init__(self, path: str, build: Callable[[], Sequence[BaseRoute]]) -> None:
        self._build = build
        self._router: Router | None = None
        super().__init__(path, app=self._dispatch)

    @property
    def routes(self) -> list[BaseRoute]:
        if self._router is None:
            self._router = Router(routes=self._build(), redirect_slashes=False)
        return self._router.routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.FULL:
            inner = {**scope, **child}
            if all(route.matches(inner)[0] is Match.NONE for route in self.routes):
                return Match.NONE, {}
        return match, child

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.routes  # noqa: B018  built before the first dispatch
        assert self._router is not None
        await self._router(scope, receive, send)
