"""The handle for a mockpost behind a URL (`mockpost serve`, the live-server fixture, a container):
`Mockpost.connect(url)`, and its async twin `Mockpost.connect_async(url)`. Every operation is the
control plane's own call (`mockpost.handle.Calls`), sent with the control token when one is given.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Self, TypeVar

import httpx

from mockpost.control.guard import control_headers
from mockpost.core.asgi import DIRECT
from mockpost.handle import (
    CONTROL,
    Call,
    Calls,
    Clock,
    Faults,
    Handle,
    Snapshot,
    instant,
    mount_in,
    seconds_of,
)
from mockpost.providers import PROVIDERS

T = TypeVar("T")
TIMEOUT = 30.0


class _Address:
    """Where a remote mockpost is, how it knows itself, and the token its control plane needs."""

    def __init__(
        self,
        url: str,
        control_token: str | None = None,
        self_url: str | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.base = url.rstrip("/")
        self.self_url = (self_url or self.base).rstrip("/")
        self.control_token = control_token
        self.timeout = timeout
        self._open()

    def _open(self) -> None:
        """Make the handle's clock, faults and control-plane client."""
        raise NotImplementedError

    def url(self, path: str = "") -> str:
        return self.base + path

    @property
    def control_headers(self) -> dict[str, str]:
        return control_headers(self.control_token)

    def mounts(self) -> dict[str, str]:
        """Provider name -> mount: the same in every mockpost of this version."""
        return {entry.name: entry.mount for entry in PROVIDERS}

    def inbox_url(self, name: str) -> str:
        """The URL of a test inbox, as the sandbox sends webhooks to it."""
        return f"{self.self_url}{CONTROL}/inbox/{name}"

    def _base_url(self, provider: str | None) -> str:
        return self.base + (mount_in(self.mounts(), provider) if provider else "")

    def _journal_secrets(self) -> bool:
        """Credential headers shown as the in-process journal shows them, where the server may."""
        return self.control_token is not None

    def _control_request(self, call: Call[Any], client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        request = call.request(client)
        request.extensions[DIRECT] = True
        return request


class RemoteClock(Clock):
    def __init__(self, mock: RemoteMockpost) -> None:
        self._send = mock.send

    def _read(self) -> tuple[datetime, bool]:
        return self._send(Calls.clock())

    def _freeze(self, at: datetime | None) -> datetime:
        return self._send(Calls.freeze(at))

    def _unfreeze(self) -> datetime:
        return self._send(Calls.unfreeze())

    def _set(self, at: datetime) -> datetime:
        return self._send(Calls.set_clock(at))

    def _advance(self, seconds: float) -> datetime:
        return self._send(Calls.advance(seconds))


class RemoteFaults(Faults):
    def __init__(self, mock: RemoteMockpost) -> None:
        self._send = mock.send

    def add(self, **spec: Any) -> dict[str, Any]:
        return self._send(Calls.add_fault(spec))

    def list(self) -> list[dict[str, Any]]:
        return self._send(Calls.faults())

    def remove(self, fault_id: str) -> bool:
        return self._send(Calls.remove_fault(fault_id))

    def clear(self) -> None:
        self._send(Calls.clear_faults())


class RemoteMockpost(_Address, Handle):
    """A running mockpost at `url`, with the in-process handle's API."""

    def _open(self) -> None:
        self.clock, self.faults = RemoteClock(self), RemoteFaults(self)
        self._http = httpx.Client(base_url=self.base, headers=self.control_headers, timeout=self.timeout)
        self._clients: list[httpx.Client] = []

    def send(self, call: Call[T]) -> T:
        return call.answer(self._http.send(self._control_request(call, self._http)))

    def client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Client:
        kwargs.setdefault("timeout", self.timeout)
        client = httpx.Client(base_url=self._base_url(provider), headers=headers, **kwargs)
        self._clients.append(client)
        return client

    def async_client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.AsyncClient:
        kwargs.setdefault("timeout", self.timeout)
        return httpx.AsyncClient(base_url=self._base_url(provider), headers=headers, **kwargs)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._http.close()

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        self.send(Calls.reset(provider, tenant))

    def inbox(self, name: str) -> list[dict[str, Any]]:
        return self.send(Calls.inbox(name))

    def clear_inbox(self, name: str) -> None:
        self.send(Calls.clear_inbox(name))

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        return self.send(Calls.journal(filters, self._journal_secrets()))

    def har(self, secrets: bool = False, **filters: Any) -> dict[str, Any]:
        return self.send(Calls.har(filters, secrets))

    def deliveries(self, provider: str | None = None) -> list[dict[str, Any]]:
        return self.send(Calls.deliveries(provider))

    def accounts(self, provider: str | None = None) -> list[dict[str, Any]]:
        return self.send(Calls.accounts(provider))

    def objects(
        self, provider: str, account: str, kind: str | None = None, state: str | None = None
    ) -> list[dict[str, Any]]:
        return self.send(Calls.objects(provider, account, kind, state))

    def object(self, provider: str, account: str, kind: str, id: str) -> dict[str, Any]:
        return self.send(Calls.object(provider, account, kind, id))

    def timers(self) -> list[dict[str, Any]]:
        return self.send(Calls.timers())


# -- the async twin ---------------------------------------------------------------------------------
class AsyncClock:
    """`await mock.clock.advance(duration="2d")`: the Clock's operations, awaited."""

    def __init__(self, mock: AsyncRemoteMockpost) -> None:
        self._send = mock.send

    async def now(self) -> datetime:
        return (await self._send(Calls.clock()))[0]

    @property
    def frozen(self) -> Awaitable[bool]:
        async def read() -> bool:
            return (await self._send(Calls.clock()))[1]

        return read()

    async def freeze(self, at: datetime | str | None = None) -> datetime:
        return await self._send(Calls.freeze(instant(at) if at is not None else None))

    async def unfreeze(self) -> datetime:
        return await self._send(Calls.unfreeze())

    async def set(self, at: datetime | str) -> datetime:
        return await self._send(Calls.set_clock(instant(at)))

    async def advance(self, seconds: float | None = None, *, duration: str | None = None) -> datetime:
        return await self._send(Calls.advance(seconds_of(seconds, duration)))


class AsyncFaults:
    def __init__(self, mock: AsyncRemoteMockpost) -> None:
        self._send = mock.send

    async def add(self, **spec: Any) -> dict[str, Any]:
        return await self._send(Calls.add_fault(spec))

    async def list(self) -> list[dict[str, Any]]:
        return await self._send(Calls.faults())

    async def remove(self, fault_id: str) -> bool:
        return await self._send(Calls.remove_fault(fault_id))

    async def clear(self) -> None:
        await self._send(Calls.clear_faults())


class AsyncRemoteMockpost(_Address):
    """`Mockpost.connect_async(url)`: the same operations as `RemoteMockpost`, each awaited; its
    clients are httpx.AsyncClients. Use with `async with`, or `await aclose()`."""

    def _open(self) -> None:
        self.clock, self.faults = AsyncClock(self), AsyncFaults(self)
        self._http = httpx.AsyncClient(base_url=self.base, headers=self.control_headers, timeout=self.timeout)
        self._clients: list[httpx.AsyncClient] = []

    async def send(self, call: Call[T]) -> T:
        return call.answer(await self._http.send(self._control_request(call, self._http)))

    def client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.AsyncClient:
        kwargs.setdefault("timeout", self.timeout)
        client = httpx.AsyncClient(base_url=self._base_url(provider), headers=headers, **kwargs)
        self._clients.append(client)
        return client

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        await self.send(Calls.reset(provider, tenant))

    async def inbox(self, name: str) -> list[dict[str, Any]]:
        return await self.send(Calls.inbox(name))

    async def clear_inbox(self, name: str) -> None:
        await self.send(Calls.clear_inbox(name))

    async def journal(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.send(Calls.journal(filters, self._journal_secrets()))

    async def har(self, secrets: bool = False, **filters: Any) -> dict[str, Any]:
        return await self.send(Calls.har(filters, secrets))

    async def deliveries(self, provider: str | None = None) -> list[dict[str, Any]]:
        return await self.send(Calls.deliveries(provider))

    async def accounts(self, provider: str | None = None) -> list[dict[str, Any]]:
        return await self.send(Calls.accounts(provider))

    async def objects(
        self, provider: str, account: str, kind: str | None = None, state: str | None = None
    ) -> list[dict[str, Any]]:
        return await self.send(Calls.objects(provider, account, kind, state))

    async def object(self, provider: str, account: str, kind: str, id: str) -> dict[str, Any]:
        return await self.send(Calls.object(provider, account, kind, id))

    async def timers(self) -> list[dict[str, Any]]:
        return await self.send(Calls.timers())

    async def transition(self, provider: str, headers: dict[str, str], **request: Any) -> dict[str, Any]:
        return await self.send(Calls.transition(provider, headers, request))

    async def state(self, provider: str, headers: dict[str, str]) -> dict[str, Any]:
        return await self.send(Calls.state(provider, headers))

    async def snapshot(self, provider: str | None = None, account: str | None = None) -> dict[str, Any]:
        return await self.send(Calls.snapshot(provider, account))

    async def restore(self, snapshot: Snapshot, merge: bool = False) -> dict[str, Any]:
        return await self.send(Calls.restore(snapshot, merge))
