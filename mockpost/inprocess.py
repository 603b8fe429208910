"""The in-process handle: the app runs on a private event loop in the calling thread.

httpx clients talk to it through a synchronous ASGI transport, so a test makes real HTTP-shaped
calls with no socket, no thread and no sleep. Work that falls due (webhook deliveries, timed
transitions in real-time mode) is applied before and after every call, and clock moves return
only once everything they caused has happened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

import httpx

from mockpost import __version__, inventory
from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.control.guard import control_headers
from mockpost.core.asgi import call_asgi
from mockpost.core.clock import parse_duration, parse_instant
from mockpost.core.faults import FaultSpec
from mockpost.core.har import har_log
from mockpost.core.middleware import ConnectionDropped
from mockpost.core.secrets import mask_credential
from mockpost.sandbox import Sandbox

T = TypeVar("T")
BASE_URL = "http://mockpost"


class _SyncASGITransport(httpx.BaseTransport):
    def __init__(self, handle: Mockpost) -> None:
        self.handle = handle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sandbox = self.handle.sandbox
        url = request.url

        async def call() -> httpx.Response:
            if sandbox.scheduler.has_due():
                await sandbox.run_due()
            try:
                answer = await call_asgi(
                    self.handle.app,
                    request.method,
                    url.raw_path.split(b"?", 1)[0],
                    url.query,
                    [(name.lower(), value) for name, value in request.headers.raw],
                    request.read(),
                    host=url.host,
                    port=url.port or 80,
                    scheme=url.scheme,
                )
            except ConnectionDropped as exc:
                raise httpx.RemoteProtocolError(str(exc), request=request) from None
            if sandbox.scheduler.has_due():
                await sandbox.run_due()
            return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)

        return self.handle.run(call())


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


class Clock:
    """`mockpost.clock`: read and move the sandbox's virtual time."""

    def __init__(self, handle: Mockpost) -> None:
        self._handle = handle

    def now(self) -> datetime:
        return self._handle.sandbox.clock.now()

    @property
    def frozen(self) -> bool:
        return self._handle.sandbox.clock.frozen

    def freeze(self, at: datetime | str | None = None) -> datetime:
        self._handle.run(self._handle.sandbox.freeze(_instant(at) if at is not None else None))
        return self.now()

    def unfreeze(self) -> datetime:
        self._handle.sandbox.unfreeze()
        return self.now()

    def set(self, at: datetime | str) -> datetime:
        self._handle.run(self._handle.sandbox.set_clock(_instant(at)))
        return self.now()

    def advance(self, seconds: float | None = None, *, duration: str | None = None) -> datetime:
        """Move forward; every due transition is applied and its webhooks delivered first."""
        if (seconds is None) == (duration is None):
            raise ValueError("give seconds or duration (e.g. duration='2h30m')")
        total = seconds if seconds is not None else parse_duration(duration or "").total_seconds()
        return self._handle.run(self._handle.sandbox.advance(total))


class Faults:
    """`mockpost.faults`: add, list and clear fault rules."""

    def __init__(self, handle: Mockpost) -> None:
        self._handle = handle

    def add(self, **spec: Any) -> dict[str, Any]:
        return self._handle.sandbox.faults.add(FaultSpec(**spec)).model_dump()

    def list(self) -> list[dict[str, Any]]:
        return [rule.model_dump() for rule in self._handle.sandbox.faults.list()]

    def remove(self, fault_id: str) -> bool:
        return self._handle.sandbox.faults.remove(fault_id)

    def clear(self) -> None:
        self._handle.sandbox.faults.clear()


class Mockpost:
    """An in-process sandbox. Use as a context manager, or call `close()`."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        self.loop = asyncio.new_event_loop()
        self.app = create_app(self.settings)
        self.sandbox: Sandbox = self.app.state.sandbox
        self.clock = Clock(self)
        self.faults = Faults(self)
        self._clients: list[httpx.Client] = []

    # -- plumbing -----------------------------------------------------------------
    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self.run(self.sandbox.aclose())
        self.loop.close()

    def __enter__(self) -> Mockpost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- clients ------------------------------------------------------------------
    def url(self, path: str = "") -> str:
        """An absolute URL on the in-process mock, e.g. for a webhook pointing at an inbox."""
        return BASE_URL + path

    def client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> InProcessClient:
        """A synchronous httpx client at a provider's mount (or the root when no provider)."""
        base = BASE_URL + (self._mount(provider) if provider else "")
        client = InProcessClient(transport=_SyncASGITransport(self), base_url=base, headers=headers, **kwargs)
        self._clients.append(client)
        return client

    def async_client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.AsyncClient:
        """An httpx.AsyncClient for async tests (runs on the caller's event loop)."""
        base = BASE_URL + (self._mount(provider) if provider else "")
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url=base, headers=headers, **kwargs
        )

    def _mount(self, provider: str) -> str:
        try:
            return self.sandbox.providers[provider].mount
        except KeyError:
            raise ValueError(
                f"unknown provider {provider!r}; known: {sorted(self.sandbox.providers)}"
            ) from None

    # -- control operations (the same as /_mockpost) ----------------------------------
    @property
    def control_headers(self) -> dict[str, str]:
        """What a call to /_mockpost sends when the sandbox has a control token (else nothing):
        `mockpost.client(headers=mockpost.control_headers)` is a client for the control plane."""
        return control_headers(self.settings.control_token)

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        self.sandbox.reset(provider, tenant)

    def inbox_url(self, name: str) -> str:
        return self.url(f"/_mockpost/inbox/{name}")

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
        return [
            {**d.attempt_dict(attempt), "provider": d.provider, "event": d.event, "delivery_state": d.state}
            for d in self.sandbox.outbox.deliveries(provider)
            for attempt in d.attempts
        ]

    def transition(self, provider: str, headers: dict[str, str], **request: Any) -> dict[str, Any]:
        """Force a resource into a state, as `POST /_mockpost/{provider}/transition`."""
        response = self.client().post(
            f"/_mockpost/{provider}/transition", json=request, headers={**headers, **self.control_headers}
        )
        if response.status_code != 200:
            raise AssertionError(f"transition refused ({response.status_code}): {response.text}")
        result: dict[str, Any] = response.json()
        return result

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

    def state(self, provider: str, headers: dict[str, str]) -> dict[str, Any]:
        response = self.client().get(
            f"/_mockpost/state/{provider}", headers={**headers, **self.control_headers}
        )
        response.raise_for_status()
        state: dict[str, Any] = response.json()["state"]
        return state


def _instant(at: datetime | str) -> datetime:
    return parse_instant(at) if isinstance(at, str) else at
