"""Afosto API: every documented endpoint, served from a catalog compiled from the reference (/afosto).

Layer 1 is generic: `compile.py` turns the reference into data/catalog.json.gz, `catalog.py`
classifies each endpoint by pattern, `engine.py` serves the patterns. Layer 2 hand-models the
documented lifecycles (`handlers`, `workflows`, `logistics`, `transfers`, `sessions`, `profiles`)
and binary answers (`binary`) on top.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from starlette.requests import Request

from mockpost.core.api import Endpoint, Param, openapi_document
from mockpost.core.http import ApiError
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext
from mockpost.providers.afosto import (
    binary,
    handlers,
    lifecycles,
    locations,
    logistics,
    profiles,
    sessions,
    transfers,
    workflows,
)
from mockpost.providers.afosto.auth import TOKEN_LIFETIME, ScopeMap, Tokens, satisfied
from mockpost.providers.afosto.catalog import Operation, load_catalog
from mockpost.providers.afosto.engine import Call, Engine
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.fixtures import load_fixtures
from mockpost.providers.afosto.router import Router
from mockpost.providers.afosto.routes import AfostoRoutes
from mockpost.providers.afosto.state import Answer, TenantState

AUTHORIZE = ("POST", "/iam/oauth/authorize")
GRANT_TYPES = ("client_credentials",)
TRUE = ("1", "true", "yes", "on")


class AfostoProvider(Provider):
    name: ClassVar[str] = "afosto"
    mount: ClassVar[str] = "/afosto"
    faker_locales: ClassVar[tuple[str, ...]] = ("nl_NL",)  # warmed off the request path
    title: ClassVar[str] = "Afosto API"
    api_version: ClassVar[str] = "1.0.0"
    description: ClassVar[str] = (
        "Every endpoint of the Afosto API reference, served from a compiled catalog. OAuth2 bearer tokens "
        "(POST /iam/oauth/authorize, or any bearer token in open mode); paging by x-page / x-page-size."
    )

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        started = time.perf_counter()
        self.catalog = load_catalog()
        self.router = Router(self.catalog.operations)
        self.scope_map = ScopeMap(self.catalog.scopes)
        for op in self.catalog.operations:
            op.scope = self.scope_map.scope_for(op)
        self.load_seconds = time.perf_counter() - started
        self.enforce_scopes = str(ctx.options.get("enforce_scopes", "false")).lower() in TRUE
        self.tokens = Tokens()
        self.backend = Engine(ctx, self.catalog)
        self.backend.known_items["/iam/oauth/scopes"] = [
            {"id": name, "description": text} for name, text in self.catalog.scopes.items()
        ]
        handlers.Handlers(self.backend).register()
        self.backend.handlers[("GET", "/iam/jwt/extend")] = self.extend_token
        self.backend.handlers[("GET", "/iam/jwt/revoke")] = self.revoke_tokens
        for group in (
            workflows.Workflows,
            logistics.Logistics,
            locations.Locations,
            transfers.Transfers,
            profiles.Profiles,
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
        return self.authenticate_bearer(request)[0]

    @staticmethod
    def bearer_token(request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def credential_of(self, token: str) -> str:
        grant = self.tokens.grants.get(token)
        return grant.tenant_credential if grant else f"bearer:{token}"

    def authenticate_bearer(self, request: Request) -> tuple[str, frozenset[str] | None]:
        """The tenant and, for tokens this mock issued, their scopes (None: not an issued token)."""
        token = self.bearer_token(request)
        if not token:
            raise AfostoError(401, "Send an OAuth2 access token: 'Authorization: Bearer TOKEN'")
        if token in self.tokens.revoked:
            raise AfostoError(401, "this access token was revoked")
        grant = self.tokens.grants.get(token)
        credential = self.credential_of(token)
        tenant = self.ctx.tenancy.resolve(self.name, credential)
        if tenant is None:
            raise AfostoError(401, "invalid or expired access token")
        return tenant, grant.scopes if grant else None

    def check_scope(self, op: Operation, scopes: frozenset[str] | None) -> None:
        if not self.enforce_scopes:
            return
        if scopes is None or not satisfied(op.scope, scopes):
            raise AfostoError(403, f"insufficient scopes: this endpoint needs {op.scope}")

    def authorize(self, body: Any) -> Answer:
        """Client credentials -> an access token for the client's tenant, with the scopes asked for."""
        if not isinstance(body, dict):
            raise bad_request("send client_id, client_secret, grant_type and scope", invalid=["body"])
        missing = [f for f in ("client_id", "client_secret", "grant_type") if not body.get(f)]
        if missing:
            raise bad_request("client credentials are incomplete", required=missing)
        invalid = [f for f in ("client_id", "client_secret", "grant_type") if not isinstance(body[f], str)]
        if not invalid and body["grant_type"] not in GRANT_TYPES:
            invalid.append("grant_type")
        scope = body.get("scope") or ""
        requested = frozenset(scope.split()) if isinstance(scope, str) else None
        if requested is None or not requested <= set(self.catalog.scopes):
            invalid.append("scope")
        if invalid:
            raise bad_request(f"invalid value for {', '.join(invalid)}", invalid=invalid)
        assert requested is not None
        credential = f"client:{body['client_id']}"
        tenant = self.ctx.tenancy.resolve(self.name, credential)
        account = self.ctx.tenancy.account(self.name, tenant) if tenant else None
        expected = account.settings.get("client_secret") if account else None
        if tenant is None or (expected is not None and expected != body["client_secret"]):
            raise AfostoError(401, "unknown client or wrong client secret")
        scopes = requested or frozenset(self.catalog.scopes)
        return Answer(200, self.new_token(credential, scopes, body["client_id"]))

    def new_token(self, credential: str, scopes: frozenset[str], client_id: str = "") -> dict[str, Any]:
        token = self.ctx.ids.token(40)
        self.tokens.issue(token, credential, scopes, client_id)
        return {
            "access_token": token,
            "expires_in": TOKEN_LIFETIME,
            "refresh_token": self.ctx.ids.token(40),
            "token_type": "Bearer",
        }

    def extend_token(self, state: TenantState, call: Call) -> Answer:
        """A fresh token for the caller's account and scopes; the current one stays valid."""
        grant = self.tokens.grants.get(call.token)
        scopes = grant.scopes if grant else frozenset(self.catalog.scopes)
        return Answer(call.op.success, self.new_token(self.credential_of(call.token), scopes))

    def revoke_tokens(self, state: TenantState, call: Call) -> Answer:
        """`tokens=current` (default): the caller's token; `jwt`, `all`: every token of its account."""
        which = call.query.get("tokens") or "current"
        everything = self.credential_of(call.token) if which in ("jwt", "all") else None
        self.tokens.revoke(call.token, everything)
        return Answer(
            call.op.success,
            {"access_token": "", "expires_in": 0, "refresh_token": "", "token_type": "Bearer"},
        )

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
        return list(lifecycles.LIFECYCLES.values())

    def on_reset(self) -> None:
        self.tokens = Tokens()

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
            "states": {f"{kind}:{key}": value for (kind, key), value in state.states.items()},
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        return lifecycles.force(self.backend, self.tenant_state(tenant), request)

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
                errors={int(code): text or code for code, text in op.statuses.items() if code[0] in "345"},
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
                success["headers"] = {
                    h["name"]: {"description": h["description"]} for h in op.success_headers
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
