"""create_app(settings) -> the Starlette app: every provider under its mount, plus /_mockpost."""

from __future__ import annotations

import contextlib
import html
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

from mockpost import __version__
from mockpost.config import Settings
from mockpost.control.routes import ControlPlane
from mockpost.core.control import ControlError
from mockpost.core.middleware import SandboxMiddleware
from mockpost.core.provider import Provider
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
        warming = asyncio.create_task(asyncio.to_thread(sandbox.warm_up))  # serving already
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
        for provider in sandbox.providers.values():
            if path == provider.mount or path.startswith(provider.mount + "/"):
                return provider.error(exc.status_code, message).response()
        return ControlError(exc.status_code, message).response()

    async def index(request: Request) -> Response:
        return HTMLResponse(render_index(str(request.base_url).rstrip("/"), list(sandbox.providers.values())))

    routes = [
        Route("/", index, methods=["GET"]),
        Mount("/_mockpost", app=control.asgi_app()),
        *[Mount(provider.mount, app=provider.asgi_app()) for provider in sandbox.providers.values()],
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: unmatched},
        middleware=[
            Middleware(
                SandboxMiddleware,
                clock=sandbox.clock,
                journal=sandbox.journal,
                faults=sandbox.faults,
                mounts={provider.mount: provider.name for provider in sandbox.providers.values()},
                error_body=error_body,
            )
        ],
    )
    app.state.sandbox = sandbox
    sandbox.app = app
    return app


def render_index(base: str, providers: list[Provider]) -> str:
    rows = "\n".join(
        f"<tr><td>{html.escape(p.title)}</td><td><code>{html.escape(base + p.mount)}</code></td>"
        f'<td><a href="{html.escape(p.mount)}/openapi.json">openapi.json</a></td></tr>'
        for p in providers
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockpost {__version__}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}}
code{{background:#f4f4f4;padding:0 .2rem}}</style></head>
<body><h1>mockpost {__version__}</h1>
<p>A local, stateful sandbox of postal, hybrid-mail and logistics provider APIs.</p>
<h2>Providers</h2>
<table><tr><th>Provider</th><th>Base URL</th><th>OpenAPI</th></tr>
{rows}
</table>
<h2>Control plane</h2>
<p><code>{html.escape(base)}/_mockpost</code> &mdash;
<a href="/_mockpost/openapi.json">openapi.json</a>,
<a href="/_mockpost/clock">clock</a>, <a href="/_mockpost/journal?limit=50">journal</a>,
<a href="/_mockpost/faults">faults</a>, <a href="/_mockpost/webhooks/deliveries">webhook deliveries</a>,
<a href="/_mockpost/providers">providers and lifecycles</a>.</p>
</body></html>"""
