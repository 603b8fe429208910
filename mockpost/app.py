"""create_app(settings) -> the Starlette app: every provider under its mount, plus /_mockpost."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mockpost.config import Settings
from mockpost.control.dashboard import render_dashboard
from mockpost.control.routes import ControlPlane
from mockpost.core.control import ControlError
from mockpost.core.heap import settle_heap
from mockpost.core.middleware import SandboxMiddleware
from mockpost.providers import PROVIDERS
from mockpost.sandbox import Sandbox


def create_app(settings: Settings | None = None, sandbox: Sandbox | None = None) -> Starlette:
    settings = settings or Settings()
    sandbox = sandbox or Sandbox(settings, PROVIDERS)
    control = ControlPlane(sandbox)

    def error_body(provider: str, status: int, message: str) -> tuple[Any, dict[str, str]]:
        error = sandbox.providers[provider].error(status, message)
        return error.body(), dict(error.headers or {})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import asyncio

        ticker = asyncio.create_task(sandbox.ticker())
        warming = asyncio.create_task(warm_up_soon(sandbox))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(BaseException):
                await ticker
            with contextlib.suppress(BaseException):
                await warming
            await sandbox.aclose()

    def unmatched(request: Request, exc: Exception) -> Response:
        """Paths no mount matched (e.g. an encoded newline): answer in the prefix owner's envelope."""
        assert isinstance(exc, HTTPException)
        path = request.url.path
        message = f"No such route: {request.method} {path}"
        owner, _ = sandbox.providers.owner_of(path)
        if owner:
            return sandbox.providers[owner].error(exc.status_code, message).response()
        return ControlError(exc.status_code, message).response()

    async def index(request: Request) -> Response:
        return HTMLResponse(render_dashboard(sandbox, str(request.base_url).rstrip("/")))

    provider_apps = {entry.name: provider_app(sandbox, entry.name) for entry in sandbox.providers.entries()}
    routes = [
        Route("/", index, methods=["GET"]),
        Mount("/_mockpost", app=control.asgi_app()),
        *[Mount(entry.mount, app=provider_apps[entry.name]) for entry in sandbox.providers.entries()],
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: unmatched},
        middleware=[
            Middleware(
                SandboxMiddleware,
                clock=sandbox.clock,
                scheduler=sandbox.scheduler,
                journal=sandbox.journal,
                faults=sandbox.faults,
                owner_of=sandbox.providers.owner_of,
                provider_apps=provider_apps,
                error_body=error_body,
                max_header_bytes=settings.max_header_bytes,
            )
        ],
    )
    app.state.sandbox = sandbox
    sandbox.app = app
    return app


WARM_UP_DELAY = 0.25  # seconds: the first health probe is answered before warming competes with it


async def warm_up_soon(sandbox: Sandbox) -> None:
    """Load and warm every provider in a thread shortly after the server starts answering."""
    import asyncio

    await asyncio.sleep(WARM_UP_DELAY)
    await asyncio.to_thread(sandbox.warm_up)
    settle_heap()  # the providers just loaded are long-lived too


def provider_app(sandbox: Sandbox, name: str) -> ASGIApp:
    """A provider's ASGI app, built (and the provider loaded) on its first request."""
    built: list[ASGIApp] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if not built:
            built.append(sandbox.providers[name].asgi_app())
        await built[0](scope, receive, send)

    return app
