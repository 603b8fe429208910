"""What every provider implements, and what the sandbox hands it.

The sandbox builds one `ProviderContext` per provider (its clock, scheduler, outbox, id stream,
fake-data factory) and mounts the provider's Starlette sub-app. A provider never reaches another
provider, and core never imports a provider.

The plumbing every provider needs is written here once: resolving the caller (credentials ->
account -> state, with the request tagged for the journal), planning timed work for an account's
objects (timers are data; a reset drops an account's timers with it), moving an object through its
lifecycle (recorded in its history and published as an event), and changing the timeline.
"""

from __future__ import annotations

import functools
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypedDict

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockpost.core.api import Endpoint, build_routes, openapi_document
from mockpost.core.clock import Clock, iso_utc
from mockpost.core.events import Events
from mockpost.core.fake import make_faker, reseed_faker
from mockpost.core.http import JSON, ApiError, BadJSON, BodyTooLarge
from mockpost.core.ids import Ids, derive_seed, rng_state, set_rng_state
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.middleware import TENANT_KEY
from mockpost.core.resources import Change, Document, ResourceKind, acting_as
from mockpost.core.routing import IndexedRouter
from mockpost.core.scheduler import Scheduler, Timer
from mockpost.core.store import Store
from mockpost.core.tenancy import Tenancy, tenant_id_for
from mockpost.core.webhooks import DELIVERY, Outbox

if TYPE_CHECKING:
    from faker import Faker

logger = logging.getLogger("mockpost")
TimerAction = Callable[[Any, Any], Awaitable[None] | None]  # (account state, object) -> work


class TimelineClass(Protocol):
    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Any: ...


def tag(request: Request, tenant: str) -> None:
    """Record the calling account on the request (the journal and its filters read it)."""
    request.scope[TENANT_KEY] = tenant


class Fresh(TypedDict):
    """How a new object begins: a fresh id, made and last changed at the same instant."""

    id: str
    created_at: datetime
    updated_at: datetime


@dataclass
class ProviderContext:
    name: str
    clock: Clock
    scheduler: Scheduler
    outbox: Outbox
    tenancy: Tenancy
    store: Store
    seed: int | None
    options: dict[str, Any] = field(default_factory=dict)  # provider-specific settings (timelines, ...)
    max_body: int = 32 * 1024 * 1024  # largest request body, in bytes
    events: Events = field(default_factory=Events)
    timeline: Any = None  # the provider's Timeline; read each time a step is planned
    ids: Ids = field(init=False)
    rng: random.Random = field(init=False)
    _fakers: dict[str, Faker] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        # the outbox's `send` with this provider's name bound: (tenant, event, url, body, headers,
        # policy, schedule=True) -> Delivery, checked by mypy as the method itself
        self.send_webhook = functools.partial(self.outbox.send, self.name)
        self.reseed()

    def reseed(self) -> None:
        """Restart the id and random streams, so a reset sandbox repeats the ids of a fresh one."""
        self.ids = Ids(self.seed, self.name)
        derived = derive_seed(self.seed, f"rng:{self.name}")
        self.rng = random.Random(derived) if derived is not None else random.Random()
        for locale, faker in self._fakers.items():
            reseed_faker(faker, self.seed, f"{self.name}:{locale}")  # the instance stays: rebuilding costs ms

    def faker(self, locale: str) -> Faker:
        faker = self._fakers.get(locale)
        if faker is None:
            # setdefault: the warm-up thread and a request may race; both then use one instance
            faker = self._fakers.setdefault(locale, make_faker(locale, self.seed, f"{self.name}:{locale}"))
        return faker

    def now(self) -> datetime:
        return self.clock.now()

    def fresh(self, at: datetime | None = None) -> Fresh:
        """A new object's id (a UUID from the id stream) and times (`at`, or now): spread into its
        constructor, `Job(**ctx.fresh(now), name=...)`, before any other argument draws an id."""
        at = self.now() if at is None else at
        return {"id": self.ids.uuid4(), "created_at": at, "updated_at": at}

    # -- saving ------------------------------------------------------------------------
    def streams(self) -> dict[str, Any] | None:
        """Where the seeded id, random and fake-data streams stand, so that a restored sandbox hands
        out the ids it would have without the restart. None without a seed: nothing to continue."""
        if self.seed is None:
            return None
        return {
            "ids": rng_state(self.ids.rng),
            "rng": rng_state(self.rng),
            "fakers": {locale: rng_state(faker.random) for locale, faker in self._fakers.items()},
        }

    def restore_streams(self, saved: dict[str, Any]) -> None:
        """Continue the streams from `streams()` (a sandbox without a seed keeps its own)."""
        if self.seed is None:
            return
        set_rng_state(self.ids.rng, saved["ids"])
        set_rng_state(self.rng, saved["rng"])
        for locale, state in saved.get("fakers", {}).items():
            set_rng_state(self.faker(locale).random, state)

    # -- timed work: data, run by the provider's `timer_actions` -------------------------
    def schedule(self, account: str, kind: str, id: str, due: datetime, action: str) -> Timer:
        """At `due`, do `action` to the `kind` object `id` of `account` (never earlier than now)."""
        return self.scheduler.schedule(max(due, self.now()), self.name, account, kind, id, action)

    def cancel(self, account: str, kind: str, id: str, action: str | None = None) -> int:
        """Drop an object's pending timed work (of one action, if given)."""
        return self.scheduler.cancel(self.name, account, kind, id, action)

    def timers(self, account: str, kind: str, id: str) -> list[Timer]:
        return self.scheduler.timers_of(self.name, account, kind, id)

    # -- lifecycles ------------------------------------------------------------------------
    def move(
        self, account: str, lifecycle: Lifecycle, obj: Any, to: str, reason: str | None = None
    ) -> Change:
        """Move an object through its lifecycle now: checked, recorded, published."""
        change = lifecycle.move(obj, to, at=self.now(), reason=reason)
        self._published(account, lifecycle.resource, obj, change)
        return change

    def begin(self, account: str, lifecycle: Lifecycle, obj: Any, at: datetime | None = None) -> Change:
        """Record a new object's first state, entered `at` (its creation instant; now if not given)."""
        change = lifecycle.begin(obj, at=self.now() if at is None else at)
        self._published(account, lifecycle.resource, obj, change)
        return change

    def _published(self, account: str, kind: str, obj: Any, change: Change) -> None:
        if self.events:
            self.events.publish(
                "transition",
                {
                    "provider": self.name,
                    "account": account,
                    "kind": kind,
                    "id": str(obj.id),
                    **change.as_dict(),
                },
            )


class Provider(ABC):
    name: ClassVar[str]
    mount: ClassVar[str]
    title: ClassVar[str]
    api_version: ClassVar[str] = "1.0"
    description: ClassVar[str] = ""
    faker_locales: ClassVar[tuple[str, ...]] = ()  # built by warm_up, off the request path
    timeline_class: ClassVar[TimelineClass | None] = None  # its `from_options` reads ctx.options
    # the class of one account's state, as its store factory makes it (saved and restored by a
    # generic codec); None: the one the factory registered with the store is declared to return
    state_class: ClassVar[type | None] = None

    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx
        if self.timeline_class is not None:
            ctx.timeline = self.timeline_class.from_options(ctx.options)
        self._kinds: dict[str, ResourceKind] | None = None

    # -- what a provider must say ----------------------------------------------------
    @abstractmethod
    def endpoints(self) -> list[Endpoint]:
        """The provider's route table, paths relative to its mount."""

    @abstractmethod
    def error(self, status: int, message: str) -> ApiError:
        """A generic error in this provider's envelope (unknown route, bad method, faults, ...)."""

    @abstractmethod
    def authenticate(self, request: Request) -> str:
        """The calling tenant's id from the provider's normal auth headers, or raise its auth error."""

    # -- optional ---------------------------------------------------------------------
    def control_endpoints(self) -> list[Endpoint]:
        """Extra control-plane routes, mounted at /_mockpost/<name>/... (documented under the
        provider's name unless an endpoint gives its own tag)."""
        return []

    def lifecycles(self) -> list[Lifecycle]:
        return []

    def resource_kinds(self) -> list[ResourceKind]:
        """The provider's kinds of stateful objects, in its own words."""
        return []

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        """(kind, action) -> what a due timer does: `fn(account state, object)`."""
        return {}

    def credentials_of(self, entry: dict[str, Any]) -> set[str]:
        """The credential keys an accounts-file entry stands for (strict mode)."""
        return set()

    def dump(self, tenant: str) -> dict[str, Any]:
        return {}

    def transition(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        raise self.error(400, f"{self.name} has no forced transitions")

    def load_fixtures(self, data: Any) -> None:
        """Seed data from a --fixtures file (the part under this provider's name)."""
        return None

    def warm_up(self) -> None:
        """Build slow things (Faker locales) ahead of the first request; runs in a thread."""
        for locale in self.faker_locales:
            self.ctx.faker(locale)

    def on_reset(self) -> None:
        """Called after this provider's state was dropped."""
        return None

    def security_schemes(self) -> dict[str, Any]:
        return {}

    def error_schema(self) -> Any:
        return None

    def credentials_refused(self) -> dict[int, tuple[str, Any]]:
        """How `authenticate` refuses missing or wrong credentials, status -> (description, body
        schema): documented on the control routes that take the provider's credentials."""
        refused = "Credentials missing or refused, in the provider's envelope"
        return {401: (refused, self.error_schema() or dict)}

    # -- built from the above ---------------------------------------------------------
    def tenant_state(self, tenant: str) -> Any:
        return self.ctx.store.tenant(self.name, tenant)

    def resolve(self, request: Request) -> Any:
        """The caller's account state: authenticate, tag the request, then the state."""
        tenant = self.authenticate(request)
        tag(request, tenant)
        return self.tenant_state(tenant)

    @property
    def kinds(self) -> dict[str, ResourceKind]:
        if self._kinds is None:
            self._kinds = {kind.name: kind for kind in self.resource_kinds()}
            if DELIVERY in self._kinds:  # the sandbox sends timers of that kind to the outbox
                raise ValueError(f"{self.name}: {DELIVERY!r} is the outbox's timer kind, not a resource kind")
        return self._kinds

    def run_timer(self, timer: Timer) -> Awaitable[None] | None:
        """A due timer of this provider: finds its account and object (gone: nothing to do)."""
        state = self.ctx.store.existing(self.name, timer.account) if timer.account is not None else None
        if state is None:
            return None
        kind = self.kinds.get(timer.kind)
        target: Any = timer.id
        if kind is not None:
            target = kind.find(state, timer.id)
            if target is None:
                return None
        action = self.timer_actions().get((timer.kind, timer.action))
        if action is None:
            logger.error("%s: no timer action %s/%s", self.name, timer.kind, timer.action)
            return None
        with acting_as("timer"):
            return action(state, target)

    def force(self, tenant: str, request: dict[str, Any]) -> dict[str, Any]:
        """A forced transition (control plane, scenario rules): recorded with cause `forced`."""
        with acting_as("forced"):
            return self.transition(tenant, request)

    def seed(self, data: Any) -> None:
        """Load fixture data: every state it sets is recorded with cause `fixture`."""
        with acting_as("fixture"):
            self.load_fixtures(data)

    def fixture_accounts(self, data: Any, needs: str) -> Iterator[tuple[int, dict[str, Any], str]]:
        """`(index, entry, tenant)` for each entry of a fixture section's `accounts:` list, the
        tenant being the one its first credential reaches (`needs` says what a credential is)."""
        if not isinstance(data, dict) or not isinstance(data.get("accounts", []), list):
            raise ValueError(f"{self.name} fixtures: expected {{accounts: [...]}}")
        for index, entry in enumerate(data.get("accounts", [])):
            credentials = self.credentials_of(entry) if isinstance(entry, dict) else set()
            if not credentials:
                raise ValueError(f"{self.name} fixtures: accounts[{index}] needs {needs}")
            credential = sorted(credentials)[0]
            tenant = self.ctx.tenancy.resolve(self.name, credential) or tenant_id_for(self.name, credential)
            yield index, entry, tenant

    def set_timeline(self, overrides: dict[str, Any]) -> None:
        """The one way to change the timeline: the server's options with these on top (empty:
        back to the server's own). Applies to every step planned from now on."""
        if self.timeline_class is None:
            if overrides:
                raise ValueError(f"{self.name} has no timeline options")
            return
        self.ctx.timeline = self.timeline_class.from_options({**self.ctx.options, **overrides})

    def account_label(self, tenant: str) -> str:
        """A readable name for an account: its accounts-file name, or its credential masked."""
        return self.ctx.tenancy.label(self.name, tenant)

    def describe_object(self, tenant: str, kind_name: str, object_id: str) -> dict[str, Any] | None:
        """`{kind, id, state, wire, history, timers, related, transitions, deletable, documents,
        address}` for the control plane, or None."""
        found = self._find_object(tenant, kind_name, object_id)
        if found is None:
            return None
        kind, state, obj = found
        return {
            **kind.summary(obj),
            "wire": kind.wire(obj),
            "history": [change.as_dict() for change in obj.history],
            "timers": [
                {"due": iso_utc(_instant(t.due)), "action": t.action}
                for t in self.ctx.timers(tenant, kind.name, kind.id_of(obj))
            ],
            "related": [{"kind": k, "id": i} for k, i in kind.related(state, obj)],
            "transitions": sorted(kind.lifecycle.transitions.get(obj.state, ())) if kind.lifecycle else [],
            "deletable": kind.delete is not None,
            "documents": [
                {"index": index, "name": doc.name, "mime": doc.mime, "role": doc.role, "size": len(doc.data)}
                for index, doc in enumerate(kind.documents(state, obj))
            ],
            "address": kind.address(state, obj),
        }

    def object_documents(self, tenant: str, kind_name: str, object_id: str) -> list[Document] | None:
        """The files an object holds or made, or None when there is no such object."""
        found = self._find_object(tenant, kind_name, object_id)
        return None if found is None else found[0].documents(found[1], found[2])

    def delete_object(self, tenant: str, kind_name: str, object_id: str) -> bool | None:
        """Delete an object as the API would: None when there is none, False when its kind cannot be
        deleted."""
        found = self._find_object(tenant, kind_name, object_id)
        if found is None:
            return None
        kind, state, obj = found
        if kind.delete is None:
            return False
        with acting_as("forced"):
            kind.delete(state, obj)
        return True

    def _find_object(
        self, tenant: str, kind_name: str, object_id: str
    ) -> tuple[ResourceKind, Any, Any] | None:
        state = self.ctx.store.existing(self.name, tenant)
        kind = self.kinds.get(kind_name)
        obj = kind.find(state, object_id) if state is not None and kind is not None else None
        if obj is None or kind is None:
            return None
        return kind, state, obj

    def openapi(self, server_url: str) -> dict[str, Any]:
        return openapi_document(
            self.title,
            self.api_version,
            self.endpoints(),
            server_url.rstrip("/") + self.mount,
            self.description,
            self.security_schemes(),
            self.error_schema(),
        )

    def asgi_app(self) -> ASGIApp:
        """The provider's routes behind one exception boundary that answers in its own envelope.
        A plain Router, not a nested Starlette app: two middleware layers fewer on every request.
        Each handler answers its own exceptions (build_routes' `on_error`); what reaches this
        boundary is the router's own 404 or 405, raised before anything was sent."""

        async def openapi(request: Request) -> Response:
            return JSON(self.openapi(str(request.base_url).rstrip("/")))

        document = Endpoint("GET", "/openapi.json", openapi, "OpenAPI document")
        router = IndexedRouter(build_routes([document, *self.endpoints()], on_error=self.error_response))

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            path = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                # `POST /campaigns/` reaches `POST /campaigns`: provider samples use both, and a
                # redirect would lose the body for many clients
                scope["path"] = path[:-1]
            try:
                await router(scope, receive, send)
            except HTTPException as exc:
                await self.error_response(scope, exc)(scope, receive, send)

        return app

    def error_response(self, scope: Scope, exc: Exception) -> Response:
        if isinstance(exc, ApiError):
            return exc.response()
        if isinstance(exc, HTTPException):
            messages = {404: "No such route", 405: "Method not allowed on this route"}
            message = f"{messages.get(exc.status_code, exc.detail)}: {scope['method']} {scope['path']}"
            error = self.error(exc.status_code, message)
            if exc.headers:
                error.headers = {**(error.headers or {}), **exc.headers}
            return error.response()
        if isinstance(exc, BodyTooLarge):
            return self.error(413, str(exc)).response()
        if isinstance(exc, BadJSON):
            return self.error(400, str(exc)).response()
        logger.exception("%s: unhandled error on %s %s", self.name, scope["method"], scope["path"])
        return self.error(500, "Internal error in the mock").response()


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
