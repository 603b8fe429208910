"""One API for a sandbox wherever it runs: in this process (`mockpost.inprocess.Mockpost`) or behind
a URL (`mockpost.remote.RemoteMockpost`: `mockpost serve`, the live-server fixture, a container).
A test written against `Handle` runs unchanged against each of them.

Each implementation says how it reaches the sandbox. What they have in common is written here
once: the argument checks, and the operations that are HTTP calls to the control plane in every
implementation (a forced transition, an account's state, snapshots), described as `Call`s that
each handle sends its own way (the async twin awaits the same calls).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

import httpx

from mockpost.core.clock import parse_duration, parse_instant

T = TypeVar("T")
CONTROL = "/_mockpost"
Snapshot = dict[str, Any] | bytes | str | Path  # a document, its JSON text, or a file holding it


class Refused(ValueError):
    """The sandbox refused a control operation; `status`, `error` and `detail` are its answer."""

    def __init__(self, status: int, error: str, detail: Any = None) -> None:
        shown = f"{error} ({status})" + (f": {detail}" if detail not in (None, "", [], {}) else "")
        super().__init__(shown)
        self.status, self.error, self.detail = status, error, detail


class NotFound(Refused, LookupError):
    """The provider, account, kind or object asked about does not exist (404)."""


# -- arguments, the same for every handle ----------------------------------------------------------
def instant(at: datetime | str) -> datetime:
    return parse_instant(at) if isinstance(at, str) else at


def seconds_of(seconds: float | None, duration: str | None) -> float:
    """`advance(seconds)` or `advance(duration="2h30m")`: exactly one of them."""
    if (seconds is None) == (duration is None):
        raise ValueError("give seconds or duration (e.g. duration='2h30m')")
    return seconds if seconds is not None else parse_duration(duration or "").total_seconds()


def mount_in(mounts: dict[str, str], provider: str) -> str:
    if provider not in mounts:
        raise ValueError(f"unknown provider {provider!r}; known: {sorted(mounts)}")
    return mounts[provider]


def snapshot_bytes(snapshot: Snapshot) -> bytes:
    """A snapshot as the JSON bytes `POST /_mockpost/snapshot` takes."""
    if isinstance(snapshot, Path):
        return snapshot.read_bytes()
    if isinstance(snapshot, str):
        return snapshot.encode()
    if isinstance(snapshot, bytes):
        return snapshot
    return json.dumps(snapshot).encode()


# -- control-plane calls, described once and sent by each handle its own way -------------------------
@dataclass(frozen=True)
class Call(Generic[T]):
    """One control-plane request (path below /_mockpost) and how its JSON answer becomes the result."""

    method: str
    path: str
    read: Callable[[Any], T]
    params: dict[str, Any] | None = None
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] | None = None

    def request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        params = {k: v for k, v in (self.params or {}).items() if v is not None}
        return client.build_request(
            self.method,
            CONTROL + self.path,
            params=params or None,
            json=self.json,
            content=self.content,
            headers=self.headers,
        )

    def answer(self, response: httpx.Response) -> T:
        """The result, or Refused (NotFound for a 404) carrying the control plane's own words."""
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"error": response.text[:300] or response.reason_phrase}
            if not isinstance(body, dict):
                body = {"error": body}
            error, detail = body.get("error"), body.get("detail")
            refused = NotFound if response.status_code == 404 else Refused
            raise refused(response.status_code, str(error), detail)
        return self.read(response.json() if response.content else None)


def _items(body: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = body["items"]
    return items


def _same(body: Any) -> Any:
    return body


def _clock(body: Any) -> datetime:
    return parse_instant(body["now"])


class Calls:
    """What each control operation sends (the control plane's OpenAPI document is the contract)."""

    @staticmethod
    def clock() -> Call[tuple[datetime, bool]]:
        return Call("GET", "/clock", lambda body: (parse_instant(body["now"]), bool(body["frozen"])))

    @staticmethod
    def freeze(at: datetime | None) -> Call[datetime]:
        return Call("POST", "/clock/freeze", _clock, json={"at": at.isoformat()} if at else {})

    @staticmethod
    def unfreeze() -> Call[datetime]:
        return Call("POST", "/clock/unfreeze", _clock)

    @staticmethod
    def set_clock(at: datetime) -> Call[datetime]:
        return Call("POST", "/clock/set", _clock, json={"at": at.isoformat()})

    @staticmethod
    def advance(seconds: float) -> Call[datetime]:
        return Call("POST", "/clock/advance", _clock, json={"seconds": seconds})

    @staticmethod
    def add_fault(spec: dict[str, Any]) -> Call[dict[str, Any]]:
        return Call("POST", "/faults", _same, json=spec)

    @staticmethod
    def faults() -> Call[list[dict[str, Any]]]:
        return Call("GET", "/faults", _items)

    @staticmethod
    def remove_fault(fault_id: str) -> Call[bool]:
        return Call("DELETE", f"/faults/{fault_id}", lambda body: True)

    @staticmethod
    def clear_faults() -> Call[None]:
        return Call("DELETE", "/faults", lambda body: None)

    @staticmethod
    def reset(provider: str | None, tenant: str | None) -> Call[None]:
        return Call("POST", "/reset", lambda body: None, params={"provider": provider, "tenant": tenant})

    @staticmethod
    def inbox(name: str) -> Call[list[dict[str, Any]]]:
        return Call("GET", f"/inbox/{name}", _items)

    @staticmethod
    def clear_inbox(name: str) -> Call[None]:
        return Call("DELETE", f"/inbox/{name}", lambda body: None)

    @staticmethod
    def journal(filters: dict[str, Any], secrets: bool) -> Call[list[dict[str, Any]]]:
        return Call("GET", "/journal", _items, params={**filters, "secrets": "show" if secrets else None})

    @staticmethod
    def har(filters: dict[str, Any], secrets: bool) -> Call[dict[str, Any]]:
        shown = "show" if secrets else None
        return Call("GET", "/journal", _same, params={**filters, "format": "har", "secrets": shown})

    @staticmethod
    def deliveries(provider: str | None) -> Call[list[dict[str, Any]]]:
        return Call("GET", "/webhooks/deliveries", _items, params={"provider": provider})

    @staticmethod
    def accounts(provider: str | None) -> Call[list[dict[str, Any]]]:
        return Call("GET", "/accounts", _items, params={"provider": provider})

    @staticmethod
    def objects(
        provider: str, account: str, kind: str | None, state: str | None
    ) -> Call[list[dict[str, Any]]]:
        path = f"/accounts/{provider}/{account}/objects"
        return Call("GET", path, _items, params={"kind": kind, "state": state})

    @staticmethod
    def object(provider: str, account: str, kind: str, id: str) -> Call[dict[str, Any]]:
        return Call("GET", f"/accounts/{provider}/{account}/objects/{kind}/{id}", _same)

    @staticmethod
    def timers() -> Call[list[dict[str, Any]]]:
        return Call("GET", "/timers", _items)

    @staticmethod
    def providers() -> Call[dict[str, str]]:
        return Call("GET", "/providers", lambda body: {p["name"]: p["mount"] for p in body["items"]})

    @staticmethod
    def transition(provider: str, headers: dict[str, str], request: dict[str, Any]) -> Call[dict[str, Any]]:
        return Call("POST", f"/{provider}/transition", _same, json=request, headers=headers)

    @staticmethod
    def state(provider: str, headers: dict[str, str]) -> Call[dict[str, Any]]:
        return Call("GET", f"/state/{provider}", lambda body: body["state"], headers=headers)

    @staticmethod
    def snapshot(provider: str | None, account: str | None) -> Call[dict[str, Any]]:
        return Call("GET", "/snapshot", _same, params={"provider": provider, "account": account})

    @staticmethod
    def restore(snapshot: Snapshot, merge: bool) -> Call[dict[str, Any]]:
        return Call(
            "POST",
            "/snapshot",
            _same,
            params={"merge": "true" if merge else None},
            content=snapshot_bytes(snapshot),
            headers={"content-type": "application/json"},
        )


# -- the API --------------------------------------------------------------------------------------
class Clock(ABC):
    """`mockpost.clock`: read and move the sandbox's virtual time."""

    def now(self) -> datetime:
        return self._read()[0]

    @property
    def frozen(self) -> bool:
        return self._read()[1]

    def freeze(self, at: datetime | str | None = None) -> datetime:
        """Stop time (at an instant: moving there first, due work applied on the way)."""
        return self._freeze(instant(at) if at is not None else None)

    def unfreeze(self) -> datetime:
        return self._unfreeze()

    def set(self, at: datetime | str) -> datetime:
        """Jump to an instant: forward applies due work on the way, backward just jumps."""
        return self._set(instant(at))

    def advance(self, seconds: float | None = None, *, duration: str | None = None) -> datetime:
        """Move forward; every due transition is applied and its webhooks delivered first."""
        return self._advance(seconds_of(seconds, duration))

    @abstractmethod
    def _read(self) -> tuple[datetime, bool]: ...

    @abstractmethod
    def _freeze(self, at: datetime | None) -> datetime: ...

    @abstractmethod
    def _unfreeze(self) -> datetime: ...

    @abstractmethod
    def _set(self, at: datetime) -> datetime: ...

    @abstractmethod
    def _advance(self, seconds: float) -> datetime: ...


class Faults(ABC):
    """`mockpost.faults`: add, list and clear fault rules (`add` takes a FaultSpec's fields)."""

    @abstractmethod
    def add(self, **spec: Any) -> dict[str, Any]: ...

    @abstractmethod
    def list(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def remove(self, fault_id: str) -> bool: ...

    @abstractmethod
    def clear(self) -> None: ...


class Handle(ABC):
    """A sandbox to drive from a test: its clients, clock, faults, journal, inboxes, webhook
    deliveries, forced transitions and resource model. Use as a context manager, or `close()`."""

    clock: Clock
    faults: Faults
    self_url: str  # the address the sandbox knows itself by (webhooks to its inboxes stay inside)

    # -- how this handle reaches the sandbox --------------------------------------------------------
    @abstractmethod
    def url(self, path: str = "") -> str:
        """An absolute URL on the sandbox, as a client reaches it."""

    @abstractmethod
    def client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Client:
        """A synchronous httpx client at a provider's mount (or the root when no provider)."""

    @abstractmethod
    def async_client(
        self, provider: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.AsyncClient:
        """An httpx.AsyncClient at a provider's mount (or the root), for async tests."""

    @property
    @abstractmethod
    def control_headers(self) -> dict[str, str]:
        """What a call to /_mockpost sends when the sandbox has a control token (else nothing)."""

    @abstractmethod
    def send(self, call: Call[T]) -> T:
        """One control-plane call, with the control token."""

    @abstractmethod
    def close(self) -> None: ...

    # -- operations (the same as /_mockpost) ----------------------------------------------------------
    @abstractmethod
    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        """Empty state: all of it, one provider's, or one account's."""

    @abstractmethod
    def inbox(self, name: str) -> list[dict[str, Any]]:
        """The requests an inbox received, oldest first (due deliveries made first)."""

    @abstractmethod
    def clear_inbox(self, name: str) -> None: ...

    @abstractmethod
    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Recorded requests, oldest first: provider, method, path (a glob), status, tenant, limit."""

    @abstractmethod
    def har(self, secrets: bool = False, **filters: Any) -> dict[str, Any]:
        """The journal (filtered like `journal`) as an HTTP Archive (HAR 1.2)."""

    @abstractmethod
    def deliveries(self, provider: str | None = None) -> list[dict[str, Any]]:
        """Every webhook delivery attempt, oldest first."""

    @abstractmethod
    def accounts(self, provider: str | None = None) -> list[dict[str, Any]]:
        """Every account holding state: `{provider, account, label, objects: {kind: count}}`."""

    @abstractmethod
    def objects(
        self, provider: str, account: str, kind: str | None = None, state: str | None = None
    ) -> list[dict[str, Any]]:
        """An account's objects (account: its id, label or credential): `{kind, id, state, ...}`."""

    @abstractmethod
    def object(self, provider: str, account: str, kind: str, id: str) -> dict[str, Any]:
        """One object with its wire JSON, history and pending timers."""

    @abstractmethod
    def timers(self) -> list[dict[str, Any]]:
        """Every pending timer, by due time."""

    @abstractmethod
    def mounts(self) -> dict[str, str]:
        """Provider name -> its mount (`/ekopost`)."""

    # -- written once ---------------------------------------------------------------------------------
    def mount(self, provider: str) -> str:
        return mount_in(self.mounts(), provider)

    def inbox_url(self, name: str) -> str:
        """The URL of a test inbox, as the sandbox sends webhooks to it."""
        return f"{self.self_url}{CONTROL}/inbox/{name}"

    def transition(self, provider: str, headers: dict[str, str], **request: Any) -> dict[str, Any]:
        """Force a resource into a state (`resource=`, `id=`, `state=`, `reason=`), as
        `POST /_mockpost/{provider}/transition` with the account's credentials in `headers`."""
        return self.send(Calls.transition(provider, headers, request))

    def state(self, provider: str, headers: dict[str, str]) -> dict[str, Any]:
        """The state of the account `headers` authenticate, as `GET /_mockpost/state/{provider}`."""
        return self.send(Calls.state(provider, headers))

    def snapshot(self, provider: str | None = None, account: str | None = None) -> dict[str, Any]:
        """The sandbox (or one provider, or one account of it) as a snapshot document."""
        return self.send(Calls.snapshot(provider, account))

    def restore(self, snapshot: Snapshot, merge: bool = False) -> dict[str, Any]:
        """Put a snapshot back: replaces what it covers, or with merge=True adds to what is there."""
        return self.send(Calls.restore(snapshot, merge))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
