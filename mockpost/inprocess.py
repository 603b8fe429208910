"""The in-process handle: the app runs on a private event loop in the calling thread.

httpx clients talk to it through a synchronous ASGI transport, so a test makes real HTTP-shaped
calls with no socket, no thread and no sleep. Work that falls due (webhook deliveries, timed
transitions in real-time mode) is applied before and after every call, and clock moves return
only once everything they caused has happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import orjson

from mockpost import __version__, handle, inventory
from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.control.guard import control_headers
from mockpost.core.asgi import call_asgi
from mockpost.core.faults import FaultSpec
from mockpost.core.har import har_log
from mockpost.core.middleware import ConnectionDropped
from mockpost.core.secrets import mask_credential
from mockpost.sandbox import Sandbox

if TYPE_CHECKING:
    from mockpost.intercept import Interceptor
    from mockpost.remote import AsyncRemoteMockpost, RemoteMockpost

T = TypeVar("T")
BASE_URL = "http://mockpost"


async def answer(mock: Mockpost, request: httpx.Request) -> httpx.Response:
    """The in-process app's answer to an httpx request: due work (webhooks, timed transitions in
    real-time mode) is applied before and after it, as a server's ticker would."""
    sandbox = mock.sandbox
    url = request.url
    if sandbox.scheduler.has_due():
        await sandbox.run_due()
    try:
        answered = await call_asgi(
            mock.app,
            request.method,
            url.raw_path.split(b"?", 1)[0],
            url.query,
            [(name.lower(), value) for name, value in request.headers.raw],
            request.read(),
            host=url.host,
            port=url.port or (443 if url.scheme == "https" else 80),
            scheme=url.scheme,
        )
    except ConnectionDropped as exc:
        raise httpx.RemoteProtocolError(str(exc), request=request) from None
    if sandbox.scheduler.has_due():
        await sandbox.run_due()
    return httpx.Response(answered.status, headers=answered.headers, content=answered.body, request=request)


class _SyncASGITransport(httpx.BaseTransport):
    def __init__(self, handle: Mockpost) -> None:
        self.handle = handle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle.run(answer(self.handle, request))


class _AnswerCookies(httpx.Cookies):
    """Reads cookies only from answers that set one: httpx otherwise builds two urllib objects per
    answer to look for them, which costs more than the mock's own work on a typical call."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


def _joinable(base_url: httpx.URL) -> str:
    """The base URL as text ending in one "/", ready for a path without its leading "/"."""
    return str(base_url).rstrip("/") + "/"


class InProcessClient(httpx.Client):
    """An httpx.Client tuned for the in-process mock: a path is joined to the base URL by
    concatenation (one parse instead of three) and cookies are read only from answers that set
    one. Everything else is httpx's own behaviour."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cookies = _AnswerCookies(self._cookies)
        self._base_text = _joinable(self._base_url)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._cookies = _AnswerCookies(cookies)

    @property
    def base_url(self) -> httpx.URL:
        return self._base_url

    @base_url.setter
    def base_url(self, url: httpx.URL | str) -> None:
        self._base_url = self._enforce_trailing_slash(httpx.URL(url))
        self._base_text = _joinable(self._base_url)

    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
            return httpx.URL(self._base_text + url[1:])
        return super()._merge_url(url)


class Clock(handle.Clock):
    """`mockpost.clock`: the sandbox's own clock, moved on the handle's event loop."""

    def __init__(self, mock: Mockpost) -> None:
        self._mock = mock

    def _read(self) -> tuple[datetime, bool]:
        clock = self._mock.sandbox.clock
        return clock.now(), clock.frozen

    def _freeze(self, at: datetime | None) -> datetime:
        self._mock.run(self._mock.sandbox.freeze(at))
        return self.now()

    def _unfreeze(self) -> datetime:
        self._mock.sandbox.unfreeze()
        return self.now()

    def _set(self, at: datetime) -> datetime:
        self._mock.run(self._mock.sandbox.set_clock(at))
        return self.now()

    def _advance(self, seconds: float) -> datetime:
        return self._mock.run(self._mock.sandbox.advance(seconds))


class Faults(handle.Faults):
    """`mockpost.faults`: the sandbox's fault rules."""

    def __init__(self, mock: Mockpost) -> None:
        self._mock = mock

    def add(self, **spec: Any) -> dict[str, Any]:
        return self._mock.sandbox.faults.add(FaultSpec(**spec)).model_dump()

    def list(self) -> list[dict[str, Any]]:
        return [rule.model_dump() for rule in self._mock.sandbox.faults.list()]

    def remove(self, fault_id: str) -> bool:
        return self._mock.sandbox.faults.remove(fault_id)

    def clear(self) -> None:
        self._mock.sandbox.faults.clear()


class Mockpost(handle.Handle):
    """An in-process sandbox. Use as a context manager, or call `close()`.

    `Mockpost.connect(url)` is the same API for a sandbox behind a URL (`mockpost serve`, the
    live-server fixture, a container)."""

    self_url = BASE_URL

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        self.loop = asyncio.new_event_loop()
        self.app = create_app(self.settings)
        self.sandbox: Sandbox = self.app.state.sandbox
        self.clock = Clock(self)
        self.faults = Faults(self)
        self._clients: list[httpx.Client] = []
        self._control: InProcessClient | None = None

    @staticmethod
    def connect(url: str, control_token: str | None = None, self_url: str | None = None) -> RemoteMockpost:
        """The same API for a mockpost at `url` (`self_url`: the address it knows itself by,
        when that differs, e.g. inside a container)."""
        from mockpost.remote import RemoteMockpost

        return RemoteMockpost(url, control_token=control_token, self_url=self_url)

    @staticmethod
    def connect_async(
        url: str, control_token: str | None = None, self_url: str | None = None
    ) -> AsyncRemoteMockpost:
        """`connect`'s async twin: every operation is awaited (`await mock.clock.advance(60)`)."""
        from mockpost.remote import AsyncRemoteMockpost

        return AsyncRemoteMockpost(url, control_token=control_token, self_url=self_url)

    # -- plumbing -----------------------------------------------------------------
    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the handle's own loop. Called from a thread whose loop is running
        (an async test using the synchronous API), it runs in a helper thread meanwhile."""
        if _running_loop() is None:
            return self.loop.run_until_complete(coroutine)
        with ThreadPoolExecutor(1, thread_name_prefix="mockpost") as pool:
            return pool.submit(self.loop.run_until_complete, coroutine).result()

    def close(self) -> None:
        for client in self._clients:
            client.close()
        persistence = self.app.state.persistence
        if persistence is not None:  # calls made here bypass HTTP, so everything is written once
            persistence.save_everything()
            self.run(persistence.close())
        self.run(self.sandbox.aclose())
        self.loop.close()

    def send(self, call: handle.Call[T]) -> T:
        if self._control is None:
            self._control = self.client(headers=self.control_headers)
        return call.answer(self._control.send(call.request(self._control)))

    # -- clients ------------------------------------------------------------------
    def url(self, path: str = "") -> str:
        """An absolute URL on the in-process mock, e.g. for a webhook pointing at an inbox."""
        return BASE_URL + path

    def client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> InProcessClient:
        """A synchronous httpx client at a provider's mount (or the root when no provider)."""
        base = BASE_URL + (self.mount(provider) if provider else "")
        client = InProcessClient(transport=_SyncASGITransport(self), base_url=base, headers=headers, **kwargs)
        self._clients.append(client)
        return client

    def async_client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.AsyncClient:
        """An httpx.AsyncClient for async tests (runs on the caller's event loop)."""
        base = BASE_URL + (self.mount(provider) if provider else "")
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url=base, headers=headers, **kwargs
        )

    def mounts(self) -> dict[str, str]:
        return {entry.name: entry.mount for entry in self.sandbox.providers.entries()}

    def intercept(
        self, hosts: Mapping[str, str] | None = None, passthrough: Iterable[str] = ()
    ) -> Interceptor:
        """`with mock.intercept():` (or `@mock.intercept()`): httpx and requests calls to each
        provider's real hosts reach this sandbox; URLs it hands out are reachable the same way.
        `hosts={"https://eko.example.com/api": "ekopost"}` serves more; any other host is refused
        with an error naming it, unless it is in `passthrough` (`["localhost:9000"]`)."""
        from mockpost.intercept import Interceptor

        return Interceptor(self, hosts, passthrough)

    # -- control operations (the same as /_mockpost) ----------------------------------
    @property
    def control_headers(self) -> dict[str, str]:
        """What a call to /_mockpost sends when the sandbox has a control token (else nothing):
        `mockpost.client(headers=mockpost.control_headers)` is a client for the control plane."""
        return control_headers(self.settings.control_token)

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        self.sandbox.reset(provider, tenant)

    def inbox(self, name: str) -> list[dict[str, Any]]:
        self.run(self.sandbox.run_due())
        return self.sandbox.inboxes.items(name)

    def clear_inbox(self, name: str) -> None:
        self.sandbox.inboxes.clear(name)

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        return [entry.as_dict() for entry in self.sandbox.journal.query(**filters)]

    def har(self, secrets: bool = False, **filters: Any) -> dict[str, Any]:
        """The journal (filtered like `journal`) as an HTTP Archive (HAR 1.2), credentials masked
        as `GET /_mockpost/journal?format=har` answers (`secrets=True`: shown)."""
        entries = self.sandbox.journal.query(**filters)
        return har_log(entries, __version__, mask=None if secrets else mask_credential)

    def deliveries(self, provider: str | None = None) -> list[dict[str, Any]]:
        """Every webhook delivery attempt, oldest first."""
        self.run(self.sandbox.run_due())
        return inventory.delivery_attempts(self.sandbox, provider)

    # -- the resource model (the same as /_mockpost/accounts and /_mockpost/timers) ----------
    def accounts(self, provider: str | None = None) -> list[dict[str, Any]]:
        """Every account holding state: `{provider, account, label, objects: {kind: count}}`."""
        return inventory.accounts(self.sandbox, provider)

    def objects(
        self, provider: str, account: str, kind: str | None = None, state: str | None = None
    ) -> list[dict[str, Any]]:
        """An account's objects (account: its id, label or credential): `{kind, id, state, ...}`."""
        return inventory.objects(self.sandbox, provider, account, kind, state)

    def object(self, provider: str, account: str, kind: str, id: str) -> dict[str, Any]:
        """One object with its wire JSON, history and pending timers."""
        return inventory.describe(self.sandbox, provider, account, kind, id)

    def timers(self) -> list[dict[str, Any]]:
        """Every pending timer, by due time."""
        return inventory.timers(self.sandbox)

    # -- snapshots: straight to the sandbox (no body limit, no JSON text in between) -------------
    def snapshot(self, provider: str | None = None, account: str | None = None) -> dict[str, Any]:
        """The sandbox (or one provider, or one account of it) as a snapshot document: build a
        world once, then `restore` it at the start of every test."""
        try:
            raw = self.sandbox.snapshots.export(provider, account)
        except inventory.NotFound as exc:
            raise handle.NotFound(404, str(exc)) from None
        document: dict[str, Any] = orjson.loads(raw)
        return document

    def restore(self, snapshot: handle.Snapshot, merge: bool = False) -> dict[str, Any]:
        """Put a snapshot back: replaces what it covers, or with merge=True adds to what is there.
        A document with any problem changes nothing: Refused (400) names each field."""
        from mockpost.persist.restore import SnapshotError

        raw = orjson.dumps(snapshot) if isinstance(snapshot, dict) else handle.snapshot_bytes(snapshot)
        try:
            return self.sandbox.snapshots.restore(raw, merge=merge)
        except SnapshotError as exc:
            raise handle.Refused(400, f"invalid snapshot: {exc}", exc.details()) from None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
