"""The control token: with `--control-token` set, the control plane and the console need it.

Everything that is not a provider mount (the `/_mockpost` control plane, the console at `/` and
its event stream) answers `401` without the token; provider mounts keep their own auth,
`/_mockpost/health` stays open for probes, and so do the console's script, style and icon (they
hold no data; the login form uses them). The token is accepted as `Authorization: Bearer
TOKEN`, as `X-Mockpost-Token: TOKEN` (for the tenant routes, whose `Authorization` header is the
provider's), or as the console's cookie, which the console's login form sets. Requests the sandbox
makes to itself (webhooks to its own inbox) carry the INTERNAL scope flag instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from mockpost.control.console import ASSET_PREFIX, FAVICON, render_login
from mockpost.core.asgi import INTERNAL
from mockpost.core.control import ControlError
from mockpost.core.secrets import same_secret

TOKEN_HEADER = b"x-mockpost-token"
COOKIE = "mockpost_console"
OPEN_PATHS = frozenset({"/_mockpost/health", FAVICON})  # probes need no token
CONTROL_PREFIX = "/_mockpost"
LOGIN_PATH = "/"
MAX_LOGIN_BODY = 8 * 1024
SECURITY_SCHEMES = {
    "controlToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The server's --control-token (MOCKPOST_CONTROL_TOKEN), when it has one",
    },
    "controlTokenHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Mockpost-Token",
        "description": "The control token, where Authorization carries the provider's credentials",
    },
}
UNAUTHORIZED = "the control plane needs the control token"


def control_headers(token: str | None) -> dict[str, str]:
    """The token as the header that never collides with a provider's own `Authorization` (a client
    of the control plane sends these; nothing when there is no token)."""
    return {"X-Mockpost-Token": token} if token else {}


def console_cookie(token: str) -> str:
    """The console's cookie value: derived from the token, so the token itself is never stored."""
    return hmac.new(token.encode("utf-8", "surrogatepass"), b"mockpost console", hashlib.sha256).hexdigest()


class ControlGuard:
    """ASGI middleware in front of the whole app; `is_provider_path` says which paths to leave alone."""

    def __init__(self, app: ASGIApp, *, token: str, is_provider_path: Callable[[str], bool]) -> None:
        self.app = app
        self.token = token
        self.cookie = console_cookie(token)
        self.is_provider_path = is_provider_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get(INTERNAL):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in OPEN_PATHS or path.startswith(ASSET_PREFIX) or self.is_provider_path(path):
            await self.app(scope, receive, send)
        elif scope["type"] == "http" and path == LOGIN_PATH and scope["method"] == "POST":
            await self.login(scope, receive, send)
        elif self.authorized(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        elif path.startswith(CONTROL_PREFIX):
            await refusal()(scope, receive, send)
        else:
            query = scope.get("query_string", b"").decode("latin-1")
            await login_page(path + (f"?{query}" if query else ""), "")(scope, receive, send)

    def authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == TOKEN_HEADER and same_secret(value, self.token):
                return True
            if name == b"authorization":
                scheme, _, given = value.strip().partition(b" ")
                if scheme.lower() == b"bearer" and same_secret(given.strip(), self.token):
                    return True
            if name == b"cookie" and same_secret(cookie_value(value), self.cookie):
                return True
        return False

    async def login(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The console's form: the right token sets the cookie and goes back to the page."""
        fields = parse_qs((await read_small_body(receive)).decode("utf-8", "replace"))
        given = (fields.get("token") or [""])[0]
        back = safe_next((fields.get("next") or [LOGIN_PATH])[0])
        if not same_secret(given, self.token):
            await login_page(back, "That is not the control token.")(scope, receive, send)
            return
        response = RedirectResponse(back, status_code=303)
        response.set_cookie(
            COOKIE,
            self.cookie,
            httponly=True,
            samesite="strict",
            secure=scope.get("scheme") == "https",
            path="/",
        )
        await response(scope, receive, send)


def refusal() -> Response:
    """401 in the control plane's envelope."""
    error = ControlError(
        401, UNAUTHORIZED, "send Authorization: Bearer TOKEN, or X-Mockpost-Token: TOKEN on the tenant routes"
    )
    error.headers = {"www-authenticate": 'Bearer realm="mockpost"'}
    return error.response()


def cookie_value(header: bytes) -> str | None:
    try:
        morsel = SimpleCookie(header.decode("latin-1")).get(COOKIE)
    except CookieError:
        return None
    return morsel.value if morsel is not None else None


async def read_small_body(receive: Receive) -> bytes:
    """The request body, at most MAX_LOGIN_BODY bytes (a login form is a few dozen)."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_LOGIN_BODY:
            chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks) if size <= MAX_LOGIN_BODY else b""


def safe_next(target: str) -> str:
    """A path on this server to go back to after login (never another site)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return target
    return LOGIN_PATH


def login_page(next_path: str, problem: str) -> Response:
    """The console's small login form (401, so nothing caches it as the page)."""
    page = render_login(LOGIN_PATH, safe_next(next_path), problem)
    return HTMLResponse(page, status_code=401, headers={"cache-control": "no-store"})
