"""Every request and its response, in a bounded ring buffer.

Bodies are truncated to a bound so a soak test cannot grow memory; the oldest entries fall off.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from mockpost.core.clock import iso_utc

BODY_LIMIT = 4096


class Entry(NamedTuple):
    """One exchange, kept raw: formatting happens when someone reads the journal, not per request.
    A tuple of atoms only, so the garbage collector stops tracking it: a full journal adds nothing
    to collection pauses."""

    id: int
    at: float  # epoch seconds on the sandbox clock
    provider: str
    tenant: str | None
    method: str
    path: str
    query: bytes
    status: int
    duration_ms: float
    request_headers: tuple[tuple[bytes, bytes], ...] = ()
    request_body: bytes = b""
    response_body: bytes = b""
    fault: str | None = None
    response_headers: tuple[tuple[bytes, bytes], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso_utc(datetime.fromtimestamp(self.at, UTC)),
            "provider": self.provider,
            "tenant": self.tenant,
            "method": self.method,
            "path": self.path,
            "query": self.query.decode("latin-1"),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "request_headers": safe_headers(self.request_headers),
            "request_body": truncate(self.request_body),
            "response_headers": safe_headers(self.response_headers),
            "response_body": truncate(self.response_body),
            "fault": self.fault,
        }


class Journal:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=capacity)  # plain tuples: GC-untracked
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[Entry], None]] = []

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def next_id(self) -> int:
        return next(self._ids)

    def record(self, entry: Entry) -> None:
        self.record_row(tuple(entry))

    def record_row(self, row: tuple[Any, ...]) -> None:
        """An entry as a plain tuple in Entry's field order (the request path's cheaper form)."""
        self._entries.append(row)
        if self._listeners:
            entry = Entry._make(row)
            for listener in list(self._listeners):
                listener(entry)

    def subscribe(self, listener: Callable[[Entry], None]) -> Callable[[], None]:
        """Call `listener` with every entry recorded from now on (after the answer was sent);
        returns what ends the subscription."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def query(
        self,
        provider: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        tenant: str | None = None,
        limit: int | None = None,
    ) -> list[Entry]:
        """Matching entries, oldest first; `path` is a glob; `limit` keeps the newest N."""
        found = [
            entry
            for entry in map(Entry._make, self._entries)
            if _matches(entry, provider, method, path, status, tenant)
        ]
        if limit is not None and limit >= 0:
            found = found[-limit:] if limit else []
        return found

    def count(self, **filters: Any) -> int:
        return len(self.query(**filters))


def _matches(
    entry: Entry,
    provider: str | None,
    method: str | None,
    path: str | None,
    status: int | None,
    tenant: str | None,
) -> bool:
    return (
        (provider is None or entry.provider == provider)
        and (method is None or entry.method == method.upper())
        and (path is None or fnmatchcase(entry.path, path))
        and (status is None or entry.status == status)
        and (tenant is None or entry.tenant == tenant)
    )


def truncate(body: bytes | str, limit: int = BODY_LIMIT) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    if len(text) <= limit:
        return text
    return text[:limit] + f"... [{len(text) - limit} more characters]"


def safe_headers(headers: Iterable[tuple[bytes, bytes]], limit: int = 30) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in itertools.islice(headers, limit):
        out[raw_name.decode("latin-1").lower()] = truncate(raw_value.decode("latin-1"), 512)
    return out
