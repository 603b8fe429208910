"""Nirva Intelligent Hybrid Mail (France/Belgium): session auth, multipart jobs split into packGroups,
deliveries per channel, shipments with numeric status codes, tracking files. Mounted at /nirva.

The provider: organisations (accounts), sessions as the caller's identity, the error envelope,
resource kinds and timed steps, fixtures and control routes."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any, ClassVar

import yaml
from starlette.requests import Request

from mockpost.core.account_webhook import webhook_endpoints
from mockpost.core.api import Endpoint
from mockpost.core.http import ApiError, request_header
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider, ProviderContext, TimerAction
from mockpost.core.resources import ResourceKind
from mockpost.providers import registered
from mockpost.providers.nirva import letters, models, wire
from mockpost.providers.nirva.backend import DEFAULT_TENANT, NirvaBackend
from mockpost.providers.nirva.errors import NirvaError
from mockpost.providers.nirva.fixtures import load_jobs
from mockpost.providers.nirva.lifecycle import DELIVERY, JOB, PACK_GROUP, SHIPMENT, Timeline
from mockpost.providers.nirva.organisation import OptionCatalog, apply_organisation, build_organisation
from mockpost.providers.nirva.routes import TOKEN_HEADER, NirvaRoutes
from mockpost.providers.nirva.sessions import credential
from mockpost.providers.nirva.state import Delivery, Job, Organisation, PackGroup, Shipment


@registered("nirva")
class NirvaProvider(Provider):
    description: ClassVar[str] = (
        "Session auth (X-Auth-Token), multipart jobs split into packGroups, deliveries per channel, "
        "shipments with numeric status codes and tracking files."
    )
    timeline_class = Timeline

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.defaults = package_defaults()
        self.catalog = OptionCatalog(self.defaults)
        self.backend = NirvaBackend(ctx, self.catalog)
        self.routes = NirvaRoutes(self, self.backend, self.catalog, ctx.max_body)
        self.fixture: dict[str, Any] | None = None
        ctx.store.register(self.name, self.new_organisation)

    @property
    def timeline(self) -> Timeline:
        """The timeline steps are planned with (`set_timeline` changes it)."""
        timeline: Timeline = self.ctx.timeline
        return timeline

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
        """The organisation of the session whose token the request sends (X-Auth-Token). The
        control plane (state, transition, webhook) may leave the token out in open mode: it then
        addresses the demo (default) organisation."""
        token = request_header(request, TOKEN_HEADER)
        if not token and not self.ctx.tenancy.is_strict(self.name) and not self.routes.serves(request):
            return DEFAULT_TENANT
        return self.backend.sessions.tenant_of(token)

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
        self._drop_default_organisation()
        try:
            load_jobs(self.backend, self.tenant_state(DEFAULT_TENANT), layered["jobs"])
        except Exception:  # refused jobs: the layer is not loaded at all, then the refusal goes up
            self.fixture = previous
            self._drop_default_organisation()
            raise

    def _drop_default_organisation(self) -> None:
        """The default organisation is built again from the layers: its objects and their timers go."""
        self.ctx.store.reset(self.name, DEFAULT_TENANT)
        self.ctx.scheduler.clear(self.name, DEFAULT_TENANT)

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

    def resource_kinds(self) -> list[ResourceKind]:
        """In the API's own words: `job`, `packGroup` (as in /jobs/{jobId}/packGroups), `delivery`,
        `shipment` (state: the status code as text)."""

        def job_related(org: Organisation, job: Job) -> list[tuple[str, str]]:
            return [
                *(("packGroup", str(group_id)) for group_id in job.pack_groups),
                *(("delivery", str(delivery_id)) for delivery_id in job.deliveries),
            ]

        def pack_group_related(org: Organisation, group: PackGroup) -> list[tuple[str, str]]:
            delivery = [("delivery", str(group.delivery_id))] if group.delivery_id is not None else []
            return [("job", str(group.job_id)), *delivery]

        def delivery_related(org: Organisation, delivery: Delivery) -> list[tuple[str, str]]:
            return [("job", str(delivery.job_id)), *(("shipment", str(sid)) for sid in delivery.shipments)]

        def shipment_related(org: Organisation, shipment: Shipment) -> list[tuple[str, str]]:
            return [("delivery", str(shipment.delivery_id)), ("packGroup", str(shipment.pack_group_id))]

        def kind(
            name: str,
            objects: Callable[[Organisation], Iterable[Any]],
            render: Callable[[Any], Any],
            related: Callable[[Organisation, Any], list[tuple[str, str]]],
            lifecycle: Lifecycle,
            **letters: Any,
        ) -> ResourceKind:
            return ResourceKind(
                name,
                objects=objects,
                find=lambda org, object_id: self.backend.find(org, name, object_id),
                wire=render,
                related=related,
                lifecycle=lifecycle,
                **letters,
            )

        return [
            kind(
                "job",
                lambda org: org.jobs.values(),
                wire.render_job,
                job_related,
                JOB,
                documents=letters.job_documents,
            ),
            kind(
                "packGroup",
                Organisation.pack_groups,
                lambda group: wire.render_pack_group(group, self.catalog),
                pack_group_related,
                PACK_GROUP,
                documents=letters.pack_group_documents,
                address=letters.pack_group_address,
            ),
            kind("delivery", Organisation.deliveries, wire.render_delivery, delivery_related, DELIVERY),
            kind(
                "shipment",
                Organisation.shipments,
                wire.render_shipment,
                shipment_related,
                SHIPMENT,
                documents=letters.shipment_documents,
                address=letters.shipment_address,
            ),
        ]

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return self.backend.timer_actions()

    def dump(self, tenant: str) -> dict[str, Any]:
        org: Organisation = self.tenant_state(tenant)
        return {
            "organisation": {"id": org.id, "name": org.name},
            "webhook": {"url": org.webhook.url} if org.webhook else None,
            "users": [
                {"id": u.id, "login": u.login, "administrator": u.administrator} for u in org.users.values()
            ],
            "services": [wire.render_service(s) for s in org.services.values()],
            "sessions": len(org.sessions),
            "timeline": {k: v.total_seconds() for k, v in self.timeline.__dict__.items()},
            "jobs": [
                {
                    **wire.render_job(job),
                    "packGroups": [wire.render_pack_group(g, self.catalog) for g in job.pack_groups.values()],
                    "deliveries": [wire.render_delivery(d) for d in job.deliveries.values()],
                }
                for job in org.jobs.values()
            ],
        }

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        org: Organisation = self.tenant_state(tenant)
        resource = request["resource"]
        moved = self.backend.force(org, resource, request["id"], request["state"], request.get("reason"))
        rendered: dict[str, Any] = self.kinds[resource].wire(moved)
        return rendered

    def control_endpoints(self) -> list[Endpoint]:
        return webhook_endpoints(self.organisation_of, self.ctx.max_body)

    def organisation_of(self, request: Request) -> Organisation:
        organisation: Organisation = self.resolve(request)
        return organisation


@functools.cache
def package_defaults() -> dict[str, Any]:
    """The package's default organisation and option lists, read once per process (never mutated:
    organisations are built from deep copies)."""
    data: dict[str, Any] = yaml.safe_load(
        resources.files(__package__).joinpath("data/defaults.yaml").read_text(encoding="utf-8")
    )
    return data
