"""Afosto API: every documented endpoint, served from a catalog compiled from the reference (/afosto).

The provider: the bearer credentials (auth.py), the error envelope, the resource kinds, and the
registration of the backend's parts. Layer 1 is generic: the catalog (compiled at build time by
tools/compile_afosto_catalog.py) classifies each endpoint by pattern and the engine (backend.py)
serves the patterns. Layer 2 hand-models the documented lifecycles (`handlers`, `workflows`,
`logistics`, `transfers`, `sessions`, `profiles`, ...) and binary answers (`binary`) on top.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from mockpost.core.api import Endpoint, Param, openapi_document
from mockpost.core.http import ApiError
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext, TimerAction
from mockpost.core.resources import ResourceKind
from mockpost.providers import registered
from mockpost.providers.afosto import (
    binary,
    handlers,
    letters,
    locations,
    logistics,
    profiles,
    sessions,
    transfers,
    valuelists,
    wire,
    workflows,
)
from mockpost.providers.afosto.auth import Credentials, ScopeMap, bearer_token
from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.catalog import Operation, load_catalog
from mockpost.providers.afosto.errors import AfostoError
from mockpost.providers.afosto.fixtures import load_fixtures
from mockpost.providers.afosto.lifecycle import KINDS, Kind
from mockpost.providers.afosto.objects import Found
from mockpost.providers.afosto.router import Router
from mockpost.providers.afosto.routes import AfostoRoutes
from mockpost.providers.afosto.state import TenantState

AUTHORIZE = ("POST", "/iam/oauth/authorize")
TRUE = ("1", "true", "yes", "on")


@registered("afosto")
class AfostoProvider(Provider):
    api_version = "1.0.0"
    description = (
        "Every endpoint of the Afosto API reference, served from a compiled catalog. OAuth2 bearer tokens "
        "(POST /iam/oauth/authorize, or any bearer token in open mode); paging by x-page / x-page-size."
    )
    faker_locales = ("nl_NL",)  # warmed off the request path

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        started = time.perf_counter()
        self.catalog = load_catalog()
        self.router = Router(self.catalog.operations)
        scope_map = ScopeMap(self.catalog.scopes)
        for op in self.catalog.operations:
            op.scope = scope_map.scope_for(op)
        self.load_seconds = time.perf_counter() - started
        enforce = str(ctx.options.get("enforce_scopes", "false")).lower() in TRUE
        self.credentials = Credentials(ctx, self.name, self.catalog.scopes, enforce)
        self.backend = Engine(ctx, self.catalog)
        self.backend.store.known_items["/iam/oauth/scopes"] = [
            {"id": name, "description": text} for name, text in self.catalog.scopes.items()
        ]
        handlers.Handlers(self.backend).register()
        self.backend.handlers[("GET", "/iam/jwt/extend")] = self.credentials.extend
        self.backend.handlers[("GET", "/iam/jwt/revoke")] = self.credentials.revoke
        for group in (
            workflows.Workflows,
            logistics.Logistics,
            locations.Locations,
            transfers.Transfers,
            profiles.Profiles,
            valuelists.ValueLists,
        ):
            group(self.backend).register()
        sessions.Sessions(self.backend).register()  # after the rest: it guards the session routes
        binary.Binaries(self.backend).register()
        self.routes = AfostoRoutes(self, self.router)
        ctx.store.register(self.name, TenantState)

    # -- auth -----------------------------------------------------------------------------
    def is_public(self, op: Operation) -> bool:
        return op.key == AUTHORIZE

    def authenticate(self, request: Request) -> str:
        return self.credentials.tenant_of(bearer_token(request))

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        found = set()
        if entry.get("client_id"):
            found.add(f"client:{entry['client_id']}")
        if entry.get("token"):
            found.add(f"bearer:{entry['token']}")
        return found

    # -- what the sandbox asks of a provider ----------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return self.routes.endpoints()

    def error(self, status: int, message: str) -> ApiError:
        return AfostoError(status, message)

    def security_schemes(self) -> dict[str, Any]:
        return {
            "Bearer": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": f"{self.mount}/iam/oauth/authorize",
                        "scopes": self.catalog.scopes,
                    }
                },
            }
        }

    def lifecycles(self) -> list[Lifecycle]:
        return [kind.lifecycle for kind in KINDS]

    def resource_kinds(self) -> list[ResourceKind]:
        """Afosto's collections of lifecycled objects (lifecycle.KINDS). An object's `wire` is its
        stored document as `GET` of it answers (a batch's read answers a list holding it); one that
        has no read of its own (a transport, a payment) as its list shows it."""
        return [self._resource_kind(kind) for kind in KINDS]

    def _resource_kind(self, kind: Kind) -> ResourceKind:
        objects = self.backend.objects
        read = self.catalog.collections.get(kind.collection, {}).get("read")

        def found(state: TenantState, key: str) -> Found | None:
            return objects.find(state, kind.name, key)

        def wired(obj: Found) -> Any:
            return wire.render(obj.item if read is None else self.backend.crud.rendered(read, obj.item))

        return ResourceKind(
            kind.name,
            objects=lambda state: objects.of_kind(state, kind.name),
            find=found,
            wire=wired,
            id_of=lambda obj: obj.id,
            related=objects.related,
            lifecycle=kind.lifecycle,
            documents=letters.documents_for(kind.name),
            address=letters.address_for(kind.name),
        )

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return self.backend.timer_actions

    def on_reset(self) -> None:
        self.credentials.reset()

    def dump(self, tenant: str) -> dict[str, Any]:
        state: TenantState = self.tenant_state(tenant)
        return {
            "collections": {
                f"{template}{'@' + '/'.join(parents) if parents else ''}": list(items.values())
                for (template, parents), items in state.items.items()
                if items
            },
            "singletons": {template: doc for (template, _), doc in state.singletons.items()},
            "tasks": list(state.tasks.values()),
            "states": {
                f"{kind}:{key}": record.state
                for kind, records in state.records.items()
                for key, record in records.items()
            },
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        return self.backend.objects.force(self.tenant_state(tenant), request)

    def load_fixtures(self, data: Any) -> None:
        load_fixtures(self, data)

    def openapi(self, server_url: str) -> dict[str, Any]:
        """Built from the catalog: every documented endpoint, with its documented examples."""

        async def not_served(request: Request) -> Any:  # documentation only; the router serves
            raise AssertionError("documentation endpoint")

        endpoints = [
            Endpoint(
                op.method,
                op.path,
                not_served,
                op.title,
                status=op.success,
                query=[
                    Param(p["name"], p["description"], _openapi_type(p))
                    for p in op.parameters
                    if p["in"] == "query"
                ],
                headers=[
                    Param(p["name"], p["description"], _openapi_type(p), location="header")
                    for p in op.parameters
                    if p["in"] == "header"
                ],
                # every answer the reference lists besides the success (GET /iam/profiles/{path}
                # also answers 204 and 206)
                errors={
                    int(code): text or code
                    for code, text in op.statuses.items()
                    if code[0] in "2345" and int(code) != op.success
                },
                tag=op.service,
                public=self.is_public(op),
            )
            for op in self.catalog.operations
        ]
        document = openapi_document(
            self.title,
            self.api_version,
            endpoints,
            server_url.rstrip("/") + self.mount,
            self.description,
            self.security_schemes(),
        )
        # core's openapi_document reuses its `description` parameter as a loop variable for error
        # descriptions, so info.description comes out as the last error's text: set it here.
        document["info"]["description"] = self.description
        for op in self.catalog.operations:
            operation = document["paths"][op.path][op.method.lower()]
            operation["description"] = op.description
            operation["security"] = [] if self.is_public(op) else [{"Bearer": [op.scope]}]
            if op.request is not None:
                operation["requestBody"] = {"content": {"application/json": {"example": op.request}}}
            success = operation["responses"][str(op.success)]
            if op.success_example is not None and op.success != 204:
                success["content"] = {success_media_type(op): {"example": op.success_example}}
            if op.success_headers:
                # OpenAPI requires a schema (or content) for every header object
                success["headers"] = {
                    h["name"]: {"description": h["description"], "schema": {"type": _openapi_type(h)}}
                    for h in op.success_headers
                }
        return document


def success_media_type(op: Operation) -> str:
    """The media type the reference gives a success answer: its Content-Types line, else its
    documented `content-type` response header (the file reads document theirs only so:
    application/octet-stream, with the example "file"), else JSON."""
    if op.content_types.get("response"):
        return op.response_type
    for header in op.success_headers:
        if header["name"].lower() == "content-type" and "/" in header["description"]:
            return header["description"].split(",")[0].strip()
    return op.response_type


def _openapi_type(param: dict[str, Any]) -> str:
    kind = str(param.get("type", "string"))
    return {"integer": "integer", "number": "number", "boolean": "boolean"}.get(kind, "string")
