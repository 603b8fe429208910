"""The console at `/`: one HTML page, its script and style, and the favicon, all shipped in the
package (no CDN, no build step). The page reads everything from the control plane's JSON API and
its event stream (`/_mockpost/events`), so it shows only what any client of the API could see.

The shell is rendered with the path the app is mounted at (`root_path`, from a proxy's prefix) as
its `<base>`, and every URL the page uses is relative to it: the console works under a prefix.
Providers and their base URLs are written into the shell, so the page says where to point a client
before its script has loaded.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from functools import cache
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mockpost import __version__
from mockpost.sandbox import Sandbox

ASSET_PREFIX = "/_mockpost/console/"
FAVICON = "/favicon.ico"
ASSETS = {
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


@cache
def asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("data", name).read_bytes()


def base_path(request: Request) -> str:
    """Where the app is mounted, as the browser sees it, ending in `/`."""
    return request.scope.get("root_path", "").rstrip("/") + "/"


def render_console(sandbox: Sandbox, request: Request) -> str:
    e = html.escape
    base = base_path(request)
    origin = str(request.base_url).rstrip("/")
    providers = "".join(
        f'<li><strong>{e(p.title)}</strong> <code>{e(origin + p.mount)}</code> '
        f'<a href="{e(p.mount.lstrip("/"))}/openapi.json">openapi.json</a></li>'
        for p in sandbox.providers.values()
    )
    mode = "strict (accounts file)" if sandbox.tenancy.strict else "open: every credential is its own account"
    page = asset("console.html").decode()
    for key, value in {
        "{{base}}": e(base),
        "{{version}}": e(__version__),
        "{{providers}}": providers,
        "{{mode}}": e(mode),
        "{{guarded}}": "true" if sandbox.settings.control_token else "false",
    }.items():
        page = page.replace(key, value)
    return page


async def console_asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return Response(b"no such asset", status_code=404, media_type="text/plain")
    return Response(asset(name), media_type=ASSETS[name], headers={"cache-control": "no-cache"})


async def favicon(request: Request) -> Response:
    return Response(
        asset("favicon.svg"), media_type=ASSETS["favicon.svg"], headers={"cache-control": "max-age=86400"}
    )


def console_page(sandbox: Sandbox) -> Callable[[Request], Awaitable[Response]]:
    async def index(request: Request) -> Response:
        return HTMLResponse(render_console(sandbox, request), headers={"cache-control": "no-store"})

    return index


def render_login(action: str, next_path: str, problem: str) -> str:
    """The console's login form: the control token, POSTed to `action`, then back to `next_path`."""
    e = html.escape
    message = f'<p class="bad" role="alert">{e(problem)}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mockpost: control token</title><link rel="icon" href="{e(ASSET_PREFIX)}favicon.svg">
<style>body{{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1d2330}}
code{{background:#eef1f6;padding:0 .2rem}}.bad{{color:#b00020}}
input{{font:inherit;padding:.45rem;width:100%;box-sizing:border-box;margin:.3rem 0}}
button{{font:inherit;padding:.45rem 1rem;margin-top:.5rem}}</style>
</head><body><h1>mockpost {__version__}</h1>
<p>This sandbox's console and control plane need its control token
(<code>--control-token</code>, <code>MOCKPOST_CONTROL_TOKEN</code>).</p>{message}
<form method="post" action="{e(action)}">
<label for="token">Control token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{e(next_path)}">
<button type="submit">Open the console</button>
</form></body></html>"""
