"""Nirva's rules put together: sign-in into an organisation, jobs, deliveries, forced transitions.
Pure Python over one organisation's state; no HTTP in here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext
from mockpost.core.tenancy import secret_admitted
from mockpost.providers.nirva.deliveries import DeliveryBackend
from mockpost.providers.nirva.errors import Unauthorized
from mockpost.providers.nirva.jobs import JobBackend
from mockpost.providers.nirva.lifecycle import Timeline
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.parsing import as_id
from mockpost.providers.nirva.sessions import PROVIDER, Sessions, credential
from mockpost.providers.nirva.state import Organisation, Session, User

DEFAULT_TENANT = "default"  # open mode: the organisation of the package's and the fixtures' users


class NirvaBackend:
    def __init__(self, ctx: ProviderContext, timeline: Timeline, catalog: OptionCatalog) -> None:
        self.ctx = ctx
        self.sessions = Sessions(ctx, timeline)
        self.deliveries = DeliveryBackend(ctx, timeline, self.timed)
        self.jobs = JobBackend(ctx, timeline, catalog, self.deliveries.create_deliveries, self.timed)

    def timed(self, org: Organisation, step: Callable[[], None]) -> Callable[[], None]:
        """A timed step that does nothing if its organisation was reset in the meantime."""

        def run() -> None:
            if self.ctx.store.existing(PROVIDER, org.tenant) is org:
                step()

        return run

    # -- sign-in ------------------------------------------------------------------------
    def sign_in(self, login: str, password: str) -> tuple[Organisation, User, Session]:
        """Strict mode: only the accounts file's users and passwords. Open mode: a user of the
        default organisation (package data, fixtures, scenario accounts) signs in there; any other
        login is the one user of its own organisation, made on its first sign-in. Either way the
        password is the user's: the first sign-in fixes one the data left empty."""
        tenancy = self.ctx.tenancy
        if tenancy.strict:
            tenant = tenancy.resolve(PROVIDER, credential(login, password))
            if tenant is None:
                raise Unauthorized("login or password is wrong")
            org: Organisation = self.ctx.store.tenant(PROVIDER, tenant)
        else:
            org = self.open_organisation(login)
        user = org.user_by_login(login)
        if user is None and not tenancy.strict:
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

    # -- forced transitions ---------------------------------------------------------------
    def force(self, org: Organisation, resource: str, raw_id: str, state: str, reason: str | None) -> Any:
        target = as_id(raw_id)
        tables: dict[str, dict[int, Any]] = {
            "job": org.jobs,
            "packGroup": org.pack_groups,
            "delivery": org.deliveries,
            "shipment": org.shipments,
        }
        if resource not in tables:
            raise UnknownResource(f"resource must be one of {sorted(tables)}, not {resource!r}")
        found = tables[resource].get(target) if target is not None else None
        if found is None:
            raise UnknownResource(f"no {resource} {raw_id!r} in this organisation")
        if resource == "job":
            self.jobs.force(org, found, state, reason)
        elif resource == "packGroup":
            self.jobs.force_pack_group(org, found, state, reason)
        elif resource == "delivery":
            self.deliveries.force_delivery(org, found, state)
        else:
            self.deliveries.move(org, found, state)
        return found
