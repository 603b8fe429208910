"""What every provider implements, and what the sandbox hands it.

The sandbox builds one `ProviderContext` per provider (its clock, scheduler, outbox, id stream,
fake-data factory) and mounts the provider's Starlette sub-app. A provider never reaches another
provider, and core never imports a provider.
"""

from __future__ import annotations

import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockpost.core.api import Endpoint, build_routes, openapi_document
from mockpost.core.clock import Clock
from mockpost.core.fake import make_faker, reseed_faker
from mockpost.core.http import JSON, ApiError, BadJSON, BodyTooLarge
from mockpost.core.ids import Ids, derive_seed
from mockpost.core.lifecycle import Lifecycle
from mockpost.core.routing import IndexedRouter
from mockpost.core.scheduler import Job, JobFn, Scheduler
from mockpost.core.store import Store
from mockpost.core.tenancy import Tenancy
from mockpost.core.webhooks import Delivery, Outbox, RetryPolicy

if TYPE_CHECKING:
    from faker import Faker

logger = logging.getLogger("mockpost")


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
    ids: Ids = field(init=False)
    rng: random.Random = field(init=False)
    _fakers: dict[str, Faker] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
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

    def schedule(self, due: datetime, fn: JobFn, label: str = "") -> Job:
        return self.scheduler.schedule(due, fn, label, owner=self.name)

    def send_webhook(
        self,
        tenant: str | None,
        event: str,
        url: str,
        body: bytes,
        headers: dict[str, str],
        policy: RetryPolicy,
        on_result: Callable[[int | None], None] | None = None,
    ) -> Delivery:
        return self.outbox.send(self.name, tenant, event, url, body, headers, policy, on_result)


class Provider(ABC):
    name: ClassVar[str]
    mount: ClassVar[str]
    title: ClassVar[str]
    api_version: ClassVar[str] = "1.0"
    description: ClassVar[str] = ""
    faker_locales: ClassVar[tuple[str, ...]] = ()  # built by warm_up, off the request path

    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

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
        """Extra control-plane routes, mounted at /_mockpost/<name>/..."""
        return []

    def lifecycles(self) -> list[Lifecycle]:
        return []

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

    # -- built from the above ---------------------------------------------------------
    def tenant_state(self, tenant: str) -> Any:
        return self.ctx.store.tenant(self.name, tenant)

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
        A plain Router, not a nested Starlette app: two middleware layers fewer on every request."""

        async def openapi(request: Request) -> Response:
            return JSON(self.openapi(str(request.base_url).rstrip("/")))

        routes = [Route("/openapi.json", openapi, methods=["GET"]), *build_routes(self.endpoints())]
        router = IndexedRouter(routes)

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            path = scope["path"]
            if len(path) > 1 and path.endswith("/"):
                # `POST /campaigns/` reaches `POST /campaigns`: provider samples use both, and a
                # redirect would lose the body for many clients
                scope["path"] = path[:-1]
            started = False

            async def tracked_send(message: Message) -> None:
                nonlocal started
                started = True
                await send(message)

            try:
                await router(scope, receive, tracked_send)
            except Exception as exc:
                if started:
                    raise
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
