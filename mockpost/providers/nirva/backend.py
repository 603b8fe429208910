"""Nirva's rules put together: sign-in into an organisation, jobs, deliveries, their timed steps and
forced transitions. Pure Python over one organisation's state; no HTTP in here."""

from __future__ import annotations

from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.core.tenancy import secret_admitted
from mockpost.providers.nirva.deliveries import DeliveryBackend
from mockpost.providers.nirva.errors import Unauthorized
from mockpost.providers.nirva.jobs import JobBackend
from mockpost.providers.nirva.lifecycle import SHIPMENT_STEPS
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.parsing import as_id
from mockpost.providers.nirva.sessions import PROVIDER, Sessions, credential
from mockpost.providers.nirva.state import Organisation, Session, User

DEFAULT_TENANT = "default"  # open mode: the organisation of the package's and the fixtures' users


class NirvaBackend:
    def __init__(self, ctx: ProviderContext, catalog: OptionCatalog) -> None:
        self.ctx = ctx
        self.sessions = Sessions(ctx)
        self.deliveries = DeliveryBackend(ctx)
        self.jobs = JobBackend(ctx, catalog, self.deliveries)
        self._timer_actions: dict[tuple[str, str], TimerAction] = {
            ("job", "process"): self.jobs.process,
            ("job", "deliver"): self.jobs.deliver,
            ("delivery", "output"): self.deliveries.output,
            **{("shipment", step): self.deliveries.step for step in sorted(SHIPMENT_STEPS)},
        }

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        """The timed steps, by (kind, action): processing, deliveries, the output trigger, and each
        step of a shipment's path (`ready`, `production`, `mailed`, ...)."""
        return self._timer_actions

    # -- sign-in ------------------------------------------------------------------------
    def sign_in(self, login: str, password: str) -> tuple[Organisation, User, Session]:
        """Strict mode: only the accounts file's users and passwords. Open mode: a user of the
        default organisation (package data, fixtures, scenario accounts) signs in there; any other
        login is the one user of its own organisation, made on its first sign-in. Either way the
        password is the user's: the first sign-in fixes one the data left empty."""
        tenancy = self.ctx.tenancy
        if tenancy.is_strict(PROVIDER):
            tenant = tenancy.resolve(PROVIDER, credential(login, password))
            if tenant is None:
                raise Unauthorized("login or password is wrong")
            org: Organisation = self.ctx.store.tenant(PROVIDER, tenant)
        else:
            org = self.open_organisation(login)
        user = org.user_by_login(login)
        if user is None and not tenancy.is_strict(PROVIDER):
            user = User(id=max(org.users, default=0) + 1, login=login, password=password)
            org.users[user.id] = user
        if user is None or not secret_admitted(user.password, password):
            raise Unauthorized("login or password is wrong")
        user.password = user.password or password
        return org, user, self.sessions.open_session(org, user)

    def open_organisation(self, login: str) -> Organisation:
        """Open mode: the default organisation for its users, else the login's own organisation."""
        default: Organisation = self.ctx.store.tenant(PROVIDER, DEFAULT_TENANT)
        if default.user_by_login(login) is not None:
            return default
        tenant = self.ctx.tenancy.resolve(PROVIDER, f"login:{login}") or DEFAULT_TENANT
        own: Organisation = self.ctx.store.tenant(PROVIDER, tenant)
        return own

    # -- finding and forcing ----------------------------------------------------------------
    @staticmethod
    def find(org: Organisation, kind: str, raw_id: str) -> Any:
        """A job, packGroup, delivery or shipment of the organisation by its id (text), or None."""
        object_id = as_id(raw_id)
        lookups = {
            "job": org.job,
            "packGroup": org.pack_group,
            "delivery": org.delivery,
            "shipment": org.shipment,
        }
        if kind not in lookups:
            raise UnknownResource(f"resource must be one of {sorted(lookups)}, not {kind!r}")
        return lookups[kind](object_id)

    def force(self, org: Organisation, resource: str, raw_id: str, state: str, reason: str | None) -> Any:
        found = self.find(org, resource, raw_id)
        if found is None:
            raise UnknownResource(f"no {resource} {raw_id!r} in this organisation")
        if resource == "job":
            self.jobs.force(org, found, state, reason)
        elif resource == "packGroup":
            self.jobs.force_pack_group(org, found, state, reason)
        elif resource == "delivery":
            self.deliveries.force_delivery(org, found, state, reason)
        else:
            self.deliveries.move(org, found, state, reason)
        return found
