"""`with mock.intercept():` the providers' real hosts, answered by the in-process sandbox.

Code under test that calls `https://sandbox-api-shipx-pl.easypack24.net/v1/shipments` with its own
httpx (sync or async) or requests client reaches `/inpost/v1/shipments` of the sandbox instead, with
no change to the code: like a reverse proxy, the real base URL maps to the provider's mount, and
URLs in the answers (an `href`, an upload or download URL) are written back onto the real base, so
following them is intercepted too. `http://mockpost/...`, the in-process clients' own base, is
always served. Any other host is refused with an error naming it, unless it is let through
(`passthrough=[...]`).

The hosts are each provider's data (`providers/<name>/data/hosts.txt`, from its documentation);
`hosts={URL or host: provider}` adds more. httpx is hooked at its two transports
(`HTTPTransport.handle_request`, `AsyncHTTPTransport.handle_async_request`): what a sync call does
must run on the sandbox's own loop and what an async call does on the caller's, which a hook on each
says without guessing. requests is hooked through the `responses` library (the `intercept` extra),
which builds real `requests.Response` objects (raw stream, cookies, history).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar
from unittest import mock as patching
from urllib.parse import urlsplit

import httpx

from mockpost.core.asgi import DIRECT

if TYPE_CHECKING:
    from mockpost.core.registry import ProviderEntry
    from mockpost.inprocess import Mockpost

F = TypeVar("F", bound=Callable[..., Any])
ROOT = "/"  # `hosts={"mockpost.test": "/"}`: the whole sandbox (control plane included)
HOSTS_FILE = "data/hosts.txt"
TEXT_TYPES = ("json", "text/", "xml", "javascript", "html")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Route:
    """Requests to `host` (any port, unless `port` is given) below `prefix` go to `mount`."""

    host: str
    port: int | None
    prefix: str
    mount: str

    @classmethod
    def parse(cls, target: str, mount: str) -> Route:
        """`target`: a base URL (`https://api.example.com/api`) or a bare host (`api.example.com`)."""
        parts = urlsplit(target if "://" in target else f"//{target}")
        if not parts.hostname:
            raise ValueError(f"intercept: {target!r} names no host")
        return cls(parts.hostname.lower(), parts.port, parts.path.rstrip("/"), mount.rstrip("/"))

    def serves(self, host: str, port: int | None, path: str) -> bool:
        if host != self.host or (self.port is not None and port != self.port):
            return False
        return not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")


def provider_hosts(entry: ProviderEntry) -> list[str]:
    """The base URLs a provider's documentation names (its `data/hosts.txt`)."""
    try:
        text = resources.files(entry.package).joinpath(HOSTS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return []
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def default_routes(entries: Iterable[ProviderEntry], in_process_host: str) -> list[Route]:
    routes = [Route(in_process_host, None, "", "")]
    for entry in entries:
        routes.extend(Route.parse(url, entry.mount) for url in provider_hosts(entry))
    return routes


class Interceptor:
    """The hooks of one `intercept()`: a context manager, and a decorator (sync or async)."""

    def __init__(
        self,
        mock: Mockpost,
        hosts: Mapping[str, str] | None = None,
        passthrough: Iterable[str] = (),
    ) -> None:
        from mockpost.inprocess import BASE_URL

        self.mock = mock
        mounts = mock.mounts()
        self.routes = default_routes(mock.sandbox.providers.entries(), httpx.URL(BASE_URL).host)
        for target, provider in (hosts or {}).items():
            mount = "" if provider == ROOT else mounts.get(provider)
            if mount is None:
                raise ValueError(
                    f"intercept: unknown provider {provider!r} for {target!r}; known: {sorted(mounts)}, "
                    f"or {ROOT!r} for the whole sandbox"
                )
            self.routes.insert(0, Route.parse(target, mount))  # given hosts come first
        self.passthrough = [Route.parse(target, "") for target in passthrough]
        self._stack: ExitStack | None = None

    # -- where a request goes -------------------------------------------------------------------------
    def route(self, url: httpx.URL) -> Route | None:
        """The route serving `url` (the longest prefix wins), or None."""
        host, port, path = url.host.lower(), url.port, url.path
        found = [route for route in self.routes if route.serves(host, port, path)]
        return max(found, key=lambda route: len(route.prefix)) if found else None

    def passes(self, url: httpx.URL) -> bool:
        return any(route.serves(url.host.lower(), url.port, url.path) for route in self.passthrough)

    def refusal(self, url: httpx.URL | str) -> str:
        netloc = httpx.URL(str(url)).netloc.decode()
        return (
            f"mockpost intercept: {netloc} is not intercepted, so {url} was refused; serve it with "
            f"intercept(hosts={{{netloc!r}: PROVIDER}}) or let it through with "
            f"intercept(passthrough=[{netloc!r}])"
        )

    def inward(self, request: httpx.Request, route: Route) -> httpx.Request:
        """The request as the sandbox takes it: the real base path replaced by the mount."""
        raw_path = request.url.raw_path
        rest = raw_path[len(route.prefix.encode()) :] if route.prefix else raw_path
        url = request.url.copy_with(raw_path=route.mount.encode() + rest)
        return httpx.Request(request.method, url, headers=request.headers, content=request.read())

    def outward(self, answer: httpx.Response, request: httpx.Request, route: Route) -> httpx.Response:
        """The answer as the real host would give it: URLs on the mount written back onto the
        real base, in textual bodies and in the Location header."""
        headers = httpx.Headers(answer.headers)
        body = answer.content
        if route.mount != route.prefix:
            origin = f"{request.url.scheme}://{request.url.netloc.decode()}"
            pattern = re.compile(re.escape(origin + route.mount) + r"(?=[/?#\"'\s<]|$)")
            real = origin + route.prefix
            if any(kind in headers.get("content-type", "") for kind in TEXT_TYPES):
                text = body.decode("utf-8", "surrogateescape")
                written = pattern.sub(lambda _: real, text).encode("utf-8", "surrogateescape")
                if written != body:
                    body = written
                    headers["content-length"] = str(len(body))
            if "location" in headers:
                headers["location"] = pattern.sub(lambda _: real, headers["location"])
        return httpx.Response(answer.status_code, headers=headers, content=body, request=request)

    # -- the hooks --------------------------------------------------------------------------------------
    def __enter__(self) -> Interceptor:
        from mockpost.inprocess import answer

        interceptor = self
        sync_send = httpx.HTTPTransport.handle_request
        async_send = httpx.AsyncHTTPTransport.handle_async_request

        def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            route = interceptor.decide(request)
            if route is None:
                return sync_send(transport, request)
            inner = interceptor.inward(request, route)
            return interceptor.outward(interceptor.mock.run(answer(interceptor.mock, inner)), request, route)

        async def handle_async_request(
            transport: httpx.AsyncHTTPTransport, request: httpx.Request
        ) -> httpx.Response:
            route = interceptor.decide(request)
            if route is None:
                return await async_send(transport, request)
            await request.aread()
            inner = interceptor.inward(request, route)
            return interceptor.outward(await answer(interceptor.mock, inner), request, route)

        stack = ExitStack()
        stack.enter_context(patching.patch.object(httpx.HTTPTransport, "handle_request", handle_request))
        stack.enter_context(
            patching.patch.object(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)
        )
        requests_hook = self._requests_hook()
        if requests_hook is not None:
            stack.enter_context(requests_hook)
        self._stack = stack
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    def decide(self, request: httpx.Request) -> Route | None:
        """The route to serve `request` by, None to send it for real; a ConnectError naming the
        host when it is neither served nor let through."""
        if request.extensions.get(DIRECT):  # a handle's own control traffic, the sandbox's webhooks
            return None
        route = self.route(request.url)
        if route is not None:
            return route
        if self.passes(request.url):
            return None
        raise httpx.ConnectError(self.refusal(request.url), request=request)

    def _requests_hook(self) -> Any:
        """requests' calls, through `responses` (None when requests is not installed)."""
        try:
            import requests  # noqa: F401
        except ImportError:
            return None
        try:
            import responses
        except ImportError:
            raise ImportError(
                "intercept() hooks requests through the 'responses' package: "
                "pip install 'mockpost[intercept]'"
            ) from None
        hook = responses.RequestsMock(assert_all_requests_are_fired=False)
        everything_but_passthrough = re.compile(
            "^(?!" + "|".join(_url_pattern(route) for route in self.passthrough) + ")"
            if self.passthrough
            else "^"
        )
        for method in METHODS:
            hook.add_callback(method, everything_but_passthrough, self._requests_answer, content_type=None)
        for route in self.passthrough:  # what no callback matches is sent for real when it is here
            hook.add_passthru(re.compile(_url_pattern(route)))
        return hook

    def _requests_answer(self, prepared: Any) -> Any:
        import requests

        from mockpost.inprocess import answer

        body = prepared.body
        request = httpx.Request(
            prepared.method,
            prepared.url,
            headers=list(prepared.headers.items()),
            content=body.encode() if isinstance(body, str) else body or b"",
        )
        route = self.route(request.url)
        if route is None:
            raise requests.ConnectionError(self.refusal(request.url), request=prepared)
        inner = self.inward(request, route)
        answered = self.outward(self.mock.run(answer(self.mock, inner)), request, route)
        headers = [
            (name, value)
            for name, value in answered.headers.multi_items()
            if name.lower() not in ("content-length", "content-encoding", "transfer-encoding")
        ]
        return answered.status_code, headers, answered.content

    # -- as a decorator -----------------------------------------------------------------------------------
    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]

    def hosts(self) -> Iterator[str]:
        """Every host served, as `host[:port][/prefix] -> mount`."""
        for route in self.routes:
            port = f":{route.port}" if route.port is not None else ""
            yield f"{route.host}{port}{route.prefix} -> {route.mount or ROOT}"


def _url_pattern(route: Route) -> str:
    port = f":{route.port}" if route.port is not None else r"(?::\d+)?"
    return rf"https?://{re.escape(route.host)}{port}{re.escape(route.prefix)}(?:[/?#]|$)"
