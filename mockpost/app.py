"""create_app(settings) -> the Starlette app: every provider under its mount, plus /_mockpost."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mockpost.config import Settings
from mockpost.control.console import ASSET_PREFIX, FAVICON, console_asset, console_page, favicon
from mockpost.control.guard import ControlGuard
from mockpost.control.routes import ControlPlane
from mockpost.core.control import ControlError
from mockpost.core.heap import settle_heap
from mockpost.core.middleware import SandboxMiddleware
from mockpost.providers import PROVIDERS
from mockpost.sandbox import Sandbox


def create_app(settings: Settings | None = None, sandbox: Sandbox | None = None) -> Starlette:
    settings = settings or Settings()
    sandbox = sandbox or Sandbox(settings, PROVIDERS)
    persistence = None
    if settings.data_dir is not None or settings.snapshot is not None:
        from mockpost.persist.start import open_persistence  # only then: start-up stays lean without

        persistence = open_persistence(sandbox, settings)
        sandbox.persistence = persistence
    control = ControlPlane(sandbox)

    def error_body(provider: str, status: int, message: str) -> tuple[Any, dict[str, str]]:
        error = sandbox.providers[provider].error(status, message)
        return error.body(), dict(error.headers or {})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import asyncio

        ticker = asyncio.create_task(sandbox.ticker())
        warming = asyncio.create_task(warm_up_soon(sandbox))
        flusher = asyncio.create_task(persistence.run()) if persistence is not None else None
        try:
            yield
        finally:
            for task in (ticker, flusher):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
            with contextlib.suppress(BaseException):
                await warming
            if persistence is not None:
                await persistence.close()  # a graceful stop writes what the last second changed
            await sandbox.aclose()
            control.page_images.close()

    def unmatched(request: Request, exc: Exception) -> Response:
        """Paths no mount matched (e.g. an encoded newline): answer in the prefix owner's envelope."""
        assert isinstance(exc, HTTPException)
        path = request.url.path
        message = f"No such route: {request.method} {path}"
        owner, _ = sandbox.providers.owner_of(path)
        if owner:
            return sandbox.providers[owner].error(exc.status_code, message).response()
        return ControlError(exc.status_code, message).response()

    provider_apps: dict[str, ASGIApp] = {}
    for entry in sandbox.providers.entries():
        provider_apps[entry.name] = provider_app(sandbox, entry.name, provider_apps)
    routes = [
        Route("/", console_page(sandbox), methods=["GET"]),
        Route(FAVICON, favicon, methods=["GET"]),
        Route(ASSET_PREFIX + "{name}", console_asset, methods=["GET"]),
        Mount("/_mockpost", app=control.asgi_app()),
        *[Mount(entry.mount, app=provider_apps[entry.name]) for entry in sandbox.providers.entries()],
    ]
    guard = []
    if settings.control_token:

        def is_provider_path(path: str) -> bool:
            return bool(sandbox.providers.owner_of(path)[0])

        guard = [Middleware(ControlGuard, token=settings.control_token, is_provider_path=is_provider_path)]
    app = SandboxApp(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: unmatched},
        middleware=[
            *cors_middleware(settings),
            *guard,
            Middleware(
                SandboxMiddleware,
                clock=sandbox.clock,
                scheduler=sandbox.scheduler,
                journal=sandbox.journal,
                faults=sandbox.faults,
                owner_of=sandbox.providers.owner_of,
                provider_apps=provider_apps,
                error_body=error_body,
                events=sandbox.events,
                max_header_bytes=settings.max_header_bytes,
            ),
        ],
    )
    app.state.sandbox = sandbox
    app.state.persistence = persistence
    sandbox.app = app
    return app


class SandboxApp(Starlette):
    """Starlette with the user middleware outside its own: the sandbox middleware sends provider
    requests straight to their provider's app, whose boundary answers every error in the provider's
    envelope, so Starlette's outermost 500 layer (and its send wrapper) only wraps the rest."""

    def build_middleware_stack(self) -> ASGIApp:
        outer, self.user_middleware = self.user_middleware, []
        try:
            app = super().build_middleware_stack()  # the 500 layer, exception handlers, router
        finally:
            self.user_middleware = outer
        for cls, args, kwargs in reversed(outer):
            app = cls(app, *args, **kwargs)
        return app


def cors_middleware(settings: Settings) -> list[Middleware]:
    """With --cors-origin, browsers on those origins may call every mount: preflights are answered
    here, before the journal (they are the browser's, not the app's), and answers expose every
    header (x-page, x-count, ...) to the page. Off by default, and then not in the path at all."""
    if not settings.cors_origin:
        return []
    from starlette.middleware.cors import CORSMiddleware

    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["*"],
            allow_private_network=True,
        )
    ]


WARM_UP_DELAY = 0.25  # seconds: the first health probe is answered before warming competes with it


async def warm_up_soon(sandbox: Sandbox) -> None:
    """Load and warm every provider in a thread shortly after the server starts answering."""
    import asyncio

    await asyncio.sleep(WARM_UP_DELAY)
    await asyncio.to_thread(sandbox.warm_up)
    settle_heap()  # the providers just loaded are long-lived too


def provider_app(sandbox: Sandbox, name: str, apps: dict[str, ASGIApp] | None = None) -> ASGIApp:
    """A provider's ASGI app, built (and the provider loaded) on its first request; once built, it
    takes this stand-in's place in `apps` (the table requests are sent by)."""
    built: list[ASGIApp] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if not built:
            built.append(sandbox.providers[name].asgi_app())
            if apps is not None:
                apps[name] = built[0]
        await built[0](scope, receive, send)

    return app
