"""Nirva Intelligent Hybrid Mail (France/Belgium): session auth, multipart jobs split into packGroups,
deliveries per channel, shipments with numeric status codes, tracking files. Mounted at /nirva."""

from __future__ import annotations

import copy
import functools
from importlib import resources
from typing import Any, ClassVar

import yaml
from starlette.requests import Request

from mockpost.core.account_webhook import webhook_endpoints
from mockpost.core.api import Endpoint
from mockpost.core.http import ApiError
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext
from mockpost.providers.nirva import models
from mockpost.providers.nirva.backend import DEFAULT_TENANT, NirvaBackend
from mockpost.providers.nirva.errors import NirvaError
from mockpost.providers.nirva.fixtures import load_jobs
from mockpost.providers.nirva.lifecycle import DELIVERY, JOB, PACK_GROUP, SHIPMENT, Timeline
from mockpost.providers.nirva.organisation import OptionCatalog, apply_organisation, build_organisation
from mockpost.providers.nirva.routes import NirvaRoutes
from mockpost.providers.nirva.sessions import credential
from mockpost.providers.nirva.state import Organisation


class NirvaProvider(Provider):
    name: ClassVar[str] = "nirva"
    mount: ClassVar[str] = "/nirva"
    title: ClassVar[str] = "Nirva Intelligent Hybrid Mail"
    api_version: ClassVar[str] = "1.0"
    description: ClassVar[str] = (
        "Session auth (X-Auth-Token), multipart jobs split into packGroups, deliveries per channel, "
        "shipments with numeric status codes and tracking files."
    )

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.timeline = Timeline.from_options(ctx.options)
        self.defaults = package_defaults()
        self.catalog = OptionCatalog(self.defaults)
        self.backend = NirvaBackend(ctx, self.timeline, self.catalog)
        self.routes = NirvaRoutes(self.backend, self.catalog, ctx.max_body)
        self.fixture: dict[str, Any] | None = None
        ctx.store.register(self.name, self.new_organisation)

    def use_timeline(self, timeline: Timeline) -> None:
        """Another timeline for steps scheduled from now on (scenario timeline rules)."""
        self.timeline = timeline
        for holder in (self.backend.sessions, self.backend.jobs, self.backend.deliveries):
            holder.timeline = timeline

    # -- organisations ------------------------------------------------------------------------
    def new_organisation(self, tenant: str) -> Organisation:
        data = copy.deepcopy(self.defaults)
        account = self.ctx.tenancy.account(self.name, tenant)
        if account is None and tenant != DEFAULT_TENANT:
            data["users"] = []  # open mode: a login's own organisation; its user comes at sign-in
        org = build_organisation(tenant, data)
        if account is not None:
            apply_organisation(org, dict(account.settings))
        elif tenant == DEFAULT_TENANT and self.fixture is not None:
            apply_organisation(org, self.fixture)
        for user in org.users.values():
            if user.token is not None:  # a token given in the data: a session open from the start
                self.backend.sessions.open_session(org, user, user.token)
        return org

    def authenticate(self, request: Request) -> str:
        """The organisation of a control-plane call (state, transition, webhook)."""
        return self.organisation_of(request).tenant

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        users = entry.get("users")
        if not isinstance(users, list):
            return set()
        return {
            credential(str(u["login"]), str(u.get("password", "")))
            for u in users
            if isinstance(u, dict) and u.get("login")
        }

    def load_fixtures(self, data: Any) -> None:
        """Users, services, webhook and jobs of the default organisation (open mode). Each load is a
        layer on the ones before (since the last reset): the keys it gives replace theirs, its jobs
        are added; the organisation is then built again from all of them."""
        if not isinstance(data, dict):
            raise ValueError("nirva fixtures: expected a mapping with users, services, webhook, jobs")
        jobs = data.get("jobs")
        if jobs is not None and not isinstance(jobs, list):
            raise ValueError("nirva fixtures: jobs must be a list")
        layered = {**(self.fixture or {}), **{key: value for key, value in data.items() if key != "jobs"}}
        layered["jobs"] = [*(self.fixture or {}).get("jobs", []), *(jobs or [])]
        build_organisation(DEFAULT_TENANT, {**copy.deepcopy(self.defaults), **layered})  # refuse bad data now
        previous, self.fixture = self.fixture, layered
        self.ctx.store.reset(self.name, DEFAULT_TENANT)
        try:
            load_jobs(self.backend, self.tenant_state(DEFAULT_TENANT), layered["jobs"])
        except Exception:  # refused jobs: the layer is not loaded at all, then the refusal goes up
            self.fixture = previous
            self.ctx.store.reset(self.name, DEFAULT_TENANT)
            raise

    def fixture_users(self) -> list[dict[str, Any]]:
        """The default organisation's users as fixture data (the package's, or the loaded layers')."""
        users = (self.fixture or {}).get("users") or self.defaults.get("users") or []
        return [dict(user) for user in users]

    def on_reset(self) -> None:
        # Loaded layers go with a reset; the sandbox loads its fixture files again right after.
        self.fixture = None
        live = {tenant for tenant, _ in self.ctx.store.tenants(self.name)}
        index = self.backend.sessions.index
        for token in [t for t, tenant in index.items() if tenant not in live]:
            del index[token]

    # -- what the sandbox asks of a provider --------------------------------------------------
    def endpoints(self) -> list[Endpoint]:
        return self.routes.endpoints()

    def error(self, status: int, message: str) -> ApiError:
        return NirvaError(status, message)

    def error_schema(self) -> Any:
        return models.ErrorBody

    def security_schemes(self) -> dict[str, Any]:
        return {"authToken": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"}}

    def lifecycles(self) -> list[Lifecycle]:
        return [JOB, PACK_GROUP, DELIVERY, SHIPMENT]

    def dump(self, tenant: str) -> dict[str, Any]:
        org: Organisation = self.tenant_state(tenant)
        return {
            "organisation": {"id": org.id, "name": org.name},
            "webhook": {"url": org.webhook.url} if org.webhook else None,
            "users": [
                {"id": u.id, "login": u.login, "administrator": u.administrator} for u in org.users.values()
            ],
            "services": [models.render_service(s) for s in org.services.values()],
            "sessions": len(org.sessions),
            "timeline": {k: v.total_seconds() for k, v in self.timeline.__dict__.items()},
            "jobs": [
                {
                    **models.render_job(org, job),
                    "packGroups": [
                        models.render_pack_group(org.pack_groups[pid], self.catalog)
                        for pid in job.pack_group_ids
                    ],
                    "deliveries": [models.render_delivery(org, org.deliveries[d]) for d in job.delivery_ids],
                }
                for job in org.jobs.values()
            ],
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        org: Organisation = self.tenant_state(tenant)
        resource = request["resource"]
        moved = self.backend.force(org, resource, request["id"], request["state"], request.get("reason"))
        if resource == "job":
            return models.render_job(org, moved)
        if resource == "packGroup":
            return models.render_pack_group(moved, self.catalog)
        if resource == "delivery":
            return models.render_delivery(org, moved)
        return models.render_shipment(moved)

    def control_endpoints(self) -> list[Endpoint]:
        return webhook_endpoints(self, self.organisation_of, self.ctx.max_body)

    def organisation_of(self, request: Request) -> Organisation:
        """A session's organisation; in open mode, without X-Auth-Token, the demo (default)
        organisation, so `PUT /_mockpost/nirva/webhook` works for its users without signing in."""
        token = request.headers.get("x-auth-token")
        if not token and not self.ctx.tenancy.strict:
            organisation: Organisation = self.tenant_state(DEFAULT_TENANT)
            return organisation
        org, _, _ = self.backend.sessions.resolve(token)
        return org


@functools.cache
def package_defaults() -> dict[str, Any]:
    """The package's default organisation and option lists, read once per process (never mutated:
    organisations are built from deep copies)."""
    data: dict[str, Any] = yaml.safe_load(
        resources.files(__package__).joinpath("data/defaults.yaml").read_text(encoding="utf-8")
    )
    return data
