"""EasyPost Connect Public API v1 (easypost.eu, Belgium). Mounted at /easypost-connect.

The provider: credentials (x-api-key, OAuth2 bearer tokens), the error envelope, resource kinds
(`job`, `sending_event`) and their timed steps, registration, control routes."""

from __future__ import annotations

from importlib import resources
from typing import Any, ClassVar

import yaml
from starlette.requests import Request

from mockpost.core.api import Endpoint, endpoints_of
from mockpost.core.http import ApiError, request_header
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext, TimerAction
from mockpost.core.resources import ResourceKind
from mockpost.providers import registered
from mockpost.providers.easypost_connect import letters, models, wire
from mockpost.providers.easypost_connect.account_routes import AccountRoutes
from mockpost.providers.easypost_connect.backend import ConnectBackend
from mockpost.providers.easypost_connect.control_routes import ControlRoutes
from mockpost.providers.easypost_connect.errors import ConnectError, Unauthorized
from mockpost.providers.easypost_connect.fixtures import load_fixtures
from mockpost.providers.easypost_connect.lifecycle import JOB, SENDING_EVENT, Timeline
from mockpost.providers.easypost_connect.oauth import Tokens
from mockpost.providers.easypost_connect.routes import ConnectRoutes, Http
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Job, SendingEvent


@registered("easypost-connect")
class EasyPostConnectProvider(Provider):
    api_version: ClassVar[str] = "1.0.0"
    faker_locales: ClassVar[tuple[str, ...]] = ("nl_BE",)  # Peppol senders
    description: ClassVar[str] = (
        "Jobs, sending events, workflows, Peppol incoming documents, companies, departments, users, "
        "usage, health and webhooks. `x-api-key` on every route but /health (each key is its own "
        "account); an OAuth2 bearer token (POST /oauth2/token) is checked when sent; "
        "`x-managed-company-id` acts for a managed company."
    )
    timeline_class = Timeline

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.require_bearer = _truthy(ctx.options.get("require_bearer", False))
        workflows: list[dict[str, Any]] = yaml.safe_load(
            resources.files(__package__).joinpath("data/workflows.yaml").read_text(encoding="utf-8")
        )
        self.backend = ConnectBackend(ctx, Signer(ctx.seed), workflows)
        self.tokens = Tokens(ctx)
        http = Http(self, self.backend, ctx.max_body)
        self.routes = (ConnectRoutes(http), AccountRoutes(http))
        self.control_routes = ControlRoutes(http)
        ctx.store.register(self.name, self.new_account)

    # -- accounts and auth ---------------------------------------------------------------------
    def new_account(self, tenant: str) -> Account:
        listed = self.ctx.tenancy.account(self.name, tenant)
        return self.backend.directory.new_account(tenant, dict(listed.settings) if listed else {})

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        return {f"api-key:{entry['api_key']}"} if entry.get("api_key") else set()

    def authenticate(self, request: Request) -> str:
        key = request_header(request, "x-api-key")
        if key is None or not key.strip():
            raise Unauthorized("Missing API key: send it in the x-api-key header")
        tenant = self.ctx.tenancy.resolve(self.name, f"api-key:{key.strip()}")
        if tenant is None:
            raise Unauthorized("Invalid API key")
        header = request_header(request, "authorization")
        if header is not None:
            self.tokens.check(header, tenant)
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

    # -- what the sandbox asks of a provider ------------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return [endpoint for table in self.routes for endpoint in endpoints_of(table)]

    def control_endpoints(self) -> list[Endpoint]:
        return endpoints_of(self.control_routes)

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

    def resource_kinds(self) -> list[ResourceKind]:
        """`job` (related: its sending events) and `sending_event` (related: its job), found in
        whichever company of the account holds them. Peppol documents, workflows and the rest
        have no states."""
        backend = self.backend

        def events_of(account: Account, job: Job) -> list[tuple[str, str]]:
            return [(SENDING_EVENT.resource, event_id) for event_id in job.sending_event_ids]

        def job_of(account: Account, event: SendingEvent) -> list[tuple[str, str]]:
            return [(JOB.resource, event.job_id)]

        return [
            ResourceKind(
                JOB.resource,
                objects=backend.all_jobs,
                find=backend.find_job,
                wire=wire.job,
                related=events_of,
                lifecycle=JOB,
                documents=letters.job_documents,
                address=letters.job_address,
            ),
            ResourceKind(
                SENDING_EVENT.resource,
                objects=backend.all_sending_events,
                find=backend.find_sending_event,
                wire=wire.sending_event,
                related=job_of,
                lifecycle=SENDING_EVENT,
                documents=letters.sending_event_documents,
                address=letters.sending_event_address,
            ),
        ]

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return self.backend.timer_actions()

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
                    **wire.company(c),
                    "workflows": [wire.workflow(c.workflows[i]) for i in c.workflow_index],
                    "jobs": [wire.job(c.jobs[i]) for i in c.job_index],
                    "sendingEvents": [wire.sending_event(c.sending_events[i]) for i in c.sending_event_index],
                    "peppolIncomingDocuments": [wire.peppol(c.peppol[i]) for i in c.peppol_by_created],
                    "webhooks": [wire.subscription(s) for s in c.webhooks.values()],
                    "usage": [wire.usage_record(c.usage[i]) for i in c.usage_index],
                }
                for c in account.companies.values()
            ],
            "departments": [wire.department(d) for d in account.departments.values()],
            "users": [wire.user(u) for u in account.users.values()],
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
        return wire.sending_event(moved) if isinstance(moved, SendingEvent) else wire.job(moved)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
