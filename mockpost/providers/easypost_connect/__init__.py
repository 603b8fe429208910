"""EasyPost Connect Public API v1 (easypost.eu, Belgium): jobs, sending events, workflows, Peppol
incoming documents, companies, departments, users, usage, health, webhooks. Mounted at
/easypost-connect."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from importlib import resources
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import orjson
import yaml
from starlette.requests import Request
from starlette.responses import Response

from mockpost.core.api import Endpoint
from mockpost.core.control import ControlError
from mockpost.core.http import JSON, ApiError, read_json
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.middleware import TENANT_KEY
from mockpost.core.provider import Provider, ProviderContext
from mockpost.core.secrets import same_secret
from mockpost.providers.easypost_connect import models, render
from mockpost.providers.easypost_connect.backend import ConnectBackend
from mockpost.providers.easypost_connect.errors import ConnectError, Invalid, OAuthError, Unauthorized
from mockpost.providers.easypost_connect.fixtures import load_fixtures
from mockpost.providers.easypost_connect.lifecycle import JOB, SENDING_EVENT, Timeline
from mockpost.providers.easypost_connect.routes import MANAGED, ConnectRoutes
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account

MAX_TOKENS = 100_000


@dataclass
class Token:
    expires: float
    tenant: str | None  # bound to an account in strict mode; any API key's in open mode
    client_id: str


class EasyPostConnectProvider(Provider):
    name: ClassVar[str] = "easypost-connect"
    mount: ClassVar[str] = "/easypost-connect"
    title: ClassVar[str] = "EasyPost Connect Public API"
    api_version: ClassVar[str] = "1.0.0"
    faker_locales: ClassVar[tuple[str, ...]] = ("nl_BE",)  # Peppol senders
    description: ClassVar[str] = (
        "Jobs, sending events, workflows, Peppol incoming documents, companies, departments, users, "
        "usage, health and webhooks. `x-api-key` on every route but /health (each key is its own "
        "account); an OAuth2 bearer token (POST /oauth2/token) is checked when sent; "
        "`x-managed-company-id` acts for a managed company."
    )

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        options = dict(ctx.options)
        self.require_bearer = _truthy(options.get("require_bearer", False))
        self.timeline = Timeline.from_options(options)
        self.workflows: list[dict[str, Any]] = yaml.safe_load(
            resources.files(__package__).joinpath("data/workflows.yaml").read_text(encoding="utf-8")
        )
        self.signer = Signer(ctx.seed)
        self.backend = ConnectBackend(ctx, self.timeline, self.signer, self.workflows)
        self.routes = ConnectRoutes(self, self.backend, ctx.max_body)
        self.tokens: dict[str, Token] = {}
        ctx.store.register(self.name, self.new_account)

    # -- accounts and auth ---------------------------------------------------------------------
    def new_account(self, tenant: str) -> Account:
        listed = self.ctx.tenancy.account(self.name, tenant)
        return self.backend.new_account(tenant, dict(listed.settings) if listed else {})

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        return {f"api-key:{entry['api_key']}"} if entry.get("api_key") else set()

    def authenticate(self, request: Request) -> str:
        key = request.headers.get("x-api-key")
        if key is None or not key.strip():
            raise Unauthorized("Missing API key: send it in the x-api-key header")
        tenant = self.ctx.tenancy.resolve(self.name, f"api-key:{key.strip()}")
        if tenant is None:
            raise Unauthorized("Invalid API key")
        header = request.headers.get("authorization")
        if header is not None:
            scheme, _, value = header.strip().partition(" ")
            token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
            if scheme.lower() != "bearer" or not value.strip():
                raise Unauthorized("The Authorization header must be 'Bearer <access_token>'")
            if token is None:
                raise Unauthorized("Invalid access token")
            if token.expires <= self.ctx.clock.timestamp():
                raise Unauthorized("The access token has expired")
            if token.tenant is not None and token.tenant != tenant:
                raise Unauthorized("The access token was not issued to the account of this API key")
        elif self._bearer_required(tenant):
            raise Unauthorized(
                "A bearer token is required: get one at POST /oauth2/token (client credentials)"
            )
        return tenant

    def _bearer_required(self, tenant: str) -> bool:
        if self.require_bearer:
            return True
        account = self.ctx.tenancy.account(self.name, tenant)
        return account is not None and _truthy(account.settings.get("require_bearer", False))

    def issue_token(self, request: Request, raw: bytes) -> dict[str, Any]:
        """OAuth2 client credentials (RFC 6749 section 4.4), Basic or form-field client auth."""
        fields = self._form(request, raw)
        grant = fields.get("grant_type")
        if not grant:
            raise OAuthError(400, "invalid_request", "grant_type is required (client_credentials)")
        if grant != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", f"grant_type {grant[:50]!r} is not supported")
        client_id, secret = fields.get("client_id"), fields.get("client_secret")
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise OAuthError(
                    401, "invalid_client", "the Basic credentials are not valid base64"
                ) from None
            client_id, _, secret = decoded.partition(":")
        if not client_id or not secret:
            raise OAuthError(401, "invalid_client", "client_id and client_secret are required")
        tenant: str | None = None
        if self.ctx.tenancy.strict:
            tenant = self._client_tenant(client_id, secret)
            if tenant is None:
                raise OAuthError(401, "invalid_client", "unknown client_id or wrong client_secret")
        elif not self.ctx.tenancy.admit(self.name, f"client:{client_id}", secret):
            # open mode: a client's first token request fixes its secret
            raise OAuthError(401, "invalid_client", "wrong client_secret for this client_id")
        if len(self.tokens) >= MAX_TOKENS:
            now = self.ctx.clock.timestamp()
            self.tokens = {k: v for k, v in self.tokens.items() if v.expires > now}
        ttl = int(self.timeline.token_ttl.total_seconds())
        access = self.ctx.ids.token(48)
        self.tokens[access] = Token(self.ctx.clock.timestamp() + ttl, tenant, client_id)
        answer: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": ttl}
        if fields.get("scope"):
            answer["scope"] = fields["scope"]
        return answer

    @staticmethod
    def _form(request: Request, raw: bytes) -> dict[str, str]:
        content_type = request.headers.get("content-type", "")
        try:
            if "json" in content_type:
                value = orjson.loads(raw) if raw.strip() else {}
                if not isinstance(value, dict):
                    raise ValueError("not an object")
                return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except (ValueError, UnicodeDecodeError):
            raise OAuthError(
                400, "invalid_request", "the body must be application/x-www-form-urlencoded"
            ) from None

    def _client_tenant(self, client_id: str, secret: str) -> str | None:
        for account in self.ctx.tenancy.accounts(self.name):
            settings = account.settings
            if str(settings.get("client_id")) == client_id and same_secret(
                secret, str(settings.get("client_secret"))
            ):
                return account.tenant_id
        return None

    # -- what the sandbox asks of a provider ------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return self.routes.endpoints()

    def error(self, status: int, message: str) -> ApiError:
        return ConnectError(status, message)

    def error_schema(self) -> Any:
        return models.ErrorBody

    def security_schemes(self) -> dict[str, Any]:
        return {
            "api_key": {"type": "apiKey", "in": "header", "name": "x-api-key"},
            "Security": {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "/easypost-connect/oauth2/token", "scopes": {}}},
            },
        }

    def lifecycles(self) -> list[Lifecycle]:
        return [JOB, SENDING_EVENT]

    def on_reset(self) -> None:
        self.tokens.clear()

    def load_fixtures(self, data: Any) -> None:
        load_fixtures(self, data)

    def dump(self, tenant: str) -> dict[str, Any]:
        account: Account = self.tenant_state(tenant)
        return {
            "rootCompanyId": account.root_id,
            "companies": [
                {
                    **render.company(c),
                    "workflows": [render.workflow(c.workflows[i]) for i in c.workflow_index],
                    "jobs": [render.job(c.jobs[i]) for i in c.job_index],
                    "sendingEvents": [
                        render.sending_event(c.sending_events[i]) for i in c.sending_event_index
                    ],
                    "peppolIncomingDocuments": [render.peppol(c.peppol[i]) for i in c.peppol_by_created],
                    "webhooks": [render.subscription(s) for s in c.webhooks.values()],
                    "usage": [render.usage_record(c.usage[i]) for i in c.usage_index],
                }
                for c in account.companies.values()
            ],
            "departments": [render.department(d) for d in account.departments.values()],
            "users": [render.user(u) for u in account.users.values()],
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        account: Account = self.tenant_state(tenant)
        moved = self.backend.force(
            account,
            str(request["resource"]),
            str(request["id"]),
            str(request["state"]),
            request.get("reason"),
        )
        if hasattr(moved, "business_status"):
            return render.sending_event(moved)
        return render.job(moved)

    # -- control routes (/_mockpost/easypost-connect/...) -----------------------------------------------
    def control_endpoints(self) -> list[Endpoint]:
        tag = self.name
        return [
            Endpoint(
                "POST",
                "/peppol-incoming-documents",
                self.inject_peppol,
                "Deliver an incoming Peppol document to the account (tenant; fields optional)",
                body=models.PeppolInject,
                response=models.PeppolDocumentOut,
                status=201,
                tag=tag,
            ),
            Endpoint(
                "PATCH",
                "/peppol-incoming-documents/{id}",
                self.touch_peppol,
                "Modify an incoming Peppol document: lastModifiedAt becomes now (or the given instant)",
                body=models.PeppolTouch,
                response=models.PeppolDocumentOut,
                tag=tag,
            ),
            Endpoint(
                "POST",
                "/workflows",
                self.add_workflow,
                "Add a workflow to the acting company (the real API cannot create workflows)",
                body=models.WorkflowInject,
                response=models.WorkflowOut,
                status=201,
                tag=tag,
            ),
        ]

    async def _control(self, request: Request) -> tuple[Account, Any, Any]:
        try:
            tenant = self.authenticate(request)
            request.scope[TENANT_KEY] = tenant
            account: Account = self.tenant_state(tenant)
            header = request.headers.get(MANAGED)
            company = self.backend.acting(account, header if header and header.strip() else None)
        except ConnectError as exc:
            raise ControlError(exc.status, str(exc)) from None
        body = await read_json(request, self.ctx.max_body, empty={})
        return account, company, body

    async def inject_peppol(self, request: Request) -> Response:
        account, company, body = await self._control(request)
        try:
            document = self.backend.inject_peppol(account, company, body)
        except Invalid as exc:
            raise ControlError(422, "invalid request body", exc.message) from None
        return JSON(render.peppol(document), status_code=201)

    async def touch_peppol(self, request: Request) -> Response:
        _, company, body = await self._control(request)
        try:
            document = self.backend.touch_peppol(company, request.path_params["id"], body)
        except Invalid as exc:
            raise ControlError(422, "invalid request body", exc.message) from None
        except ConnectError as exc:
            raise ControlError(exc.status, str(exc)) from None
        return JSON(render.peppol(document))

    async def add_workflow(self, request: Request) -> Response:
        _, company, body = await self._control(request)
        try:
            spec = models.validate(models.WorkflowInject, body)
        except Invalid as exc:
            raise ControlError(422, "invalid request body", exc.message) from None
        workflow = self.backend.add_workflow(company, spec.model_dump(exclude_none=True), self.ctx.now())
        return JSON(render.workflow(workflow), status_code=201)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


__all__ = ["EasyPostConnectProvider"]
