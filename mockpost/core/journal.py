"""Every request and its response, in a ring buffer bounded by count and by bytes.

Bodies are kept up to BODY_LIMIT bytes and a marker saying how much was cut; a large header block
keeps its first HEADERS_KEPT headers, each value clipped. Past `capacity` entries or `max_bytes`
(bodies, headers and a fixed cost per entry), the oldest entries fall off.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from mockpost.core.clip import MARKER_ROOM, clip, clip_text
from mockpost.core.clock import iso_utc

BODY_LIMIT = 4096
HEADERS_KEPT = 30  # headers kept from a large header block
HEADER_VALUE_LIMIT = 512  # bytes kept of each of those headers' values
HEADER_BLOCK_KEPT = 8 * 1024  # a header block up to this size is kept whole
ENTRY_OVERHEAD = 400  # bytes an entry costs besides its bodies, headers, path and query
# a response header is counted at this (they are the mock's own, short ones; counting each costs
# more than the estimate is off by)
RESPONSE_HEADER_BYTES = 64
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


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
            "request_body": truncate(self.request_body, BODY_LIMIT + MARKER_ROOM),
            "response_headers": safe_headers(self.response_headers),
            "response_body": truncate(self.response_body, BODY_LIMIT + MARKER_ROOM),
            "fault": self.fault,
        }


class Journal:
    def __init__(self, capacity: int = 10_000, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=capacity)  # plain tuples: GC-untracked
        self._sizes: deque[int] = deque(maxlen=capacity)  # each entry's bytes, in step with _entries
        self._bytes = 0
        self.max_bytes = max_bytes
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[Entry], None]] = []

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    @property
    def nbytes(self) -> int:
        """The bytes the kept entries are counted at (see entry_size)."""
        return self._bytes

    def next_id(self) -> int:
        return next(self._ids)

    def resume_after(self, last_id: int) -> None:
        """Hand out ids after `last_id` from now on (a restored journal goes on numbering)."""
        self._ids = itertools.count(last_id + 1)

    def record(self, entry: Entry) -> None:
        """Keep an entry, its bodies and headers cut to the journal's bounds first."""
        self.record_row(
            tuple(
                entry._replace(
                    request_headers=kept_headers(entry.request_headers),
                    request_body=clip(entry.request_body, BODY_LIMIT),
                    response_body=clip(entry.response_body, BODY_LIMIT),
                )
            )
        )

    def record_row(self, row: tuple[Any, ...], headers_size: int | None = None) -> None:
        """An entry as a plain tuple in Entry's field order, already cut to the journal's bounds
        (the request path's cheaper form); `headers_size`: its request headers' bytes, when counted."""
        size = entry_size(row, headers_size)
        if len(self._entries) == self._entries.maxlen:
            self._bytes -= self._sizes[0]  # the append below drops the oldest from both
        self._entries.append(row)
        self._sizes.append(size)
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._entries) > 1:
            self._entries.popleft()
            self._bytes -= self._sizes.popleft()
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
        self._sizes.clear()
        self._bytes = 0

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

    def get(self, entry_id: int) -> Entry | None:
        """One entry by id, while it is still kept (ids grow: a bisection finds it)."""
        low, high = 0, len(self._entries)
        while low < high:
            middle = (low + high) // 2
            found = self._entries[middle][0]
            if found == entry_id:
                return Entry._make(self._entries[middle])
            if found < entry_id:
                low = middle + 1
            else:
                high = middle
        return None

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
    """A kept body as text for a reader, cut to `limit` characters with a marker."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    return clip_text(text, limit)


def header_bytes(headers: Iterable[tuple[bytes, bytes]]) -> int:
    """The bytes of the headers' names and values. Runs on every request: a plain loop is the
    fastest form on CPython 3.11 (a generator or map/chain costs two to four times as much)."""
    size = 0
    for name, value in headers:
        size += len(name) + len(value)
    return size


def kept_headers(headers: Iterable[tuple[bytes, bytes]], size: int | None = None) -> tuple[Any, ...]:
    """Request headers as the journal keeps them: a block of up to HEADER_BLOCK_KEPT bytes (`size`,
    when the caller has counted it) whole; a larger one as its first HEADERS_KEPT headers, each
    value clipped to HEADER_VALUE_LIMIT bytes."""
    headers = tuple(headers)
    if (header_bytes(headers) if size is None else size) <= HEADER_BLOCK_KEPT:
        return headers
    return tuple(
        (name[:HEADER_VALUE_LIMIT], clip(value, HEADER_VALUE_LIMIT))
        for name, value in itertools.islice(headers, HEADERS_KEPT)
    )


def entry_size(row: tuple[Any, ...], headers_size: int | None = None) -> int:
    """What an entry (a row in Entry's field order) is counted at against the byte budget;
    `headers_size`: the request headers' bytes, when known."""
    headers = header_bytes(row[9]) if headers_size is None else headers_size
    responses = RESPONSE_HEADER_BYTES * len(row[13]) if len(row) > 13 else 0
    return ENTRY_OVERHEAD + len(row[5]) + len(row[6]) + headers + len(row[10]) + len(row[11]) + responses


def safe_headers(headers: Iterable[tuple[bytes, bytes]], limit: int = HEADERS_KEPT) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in itertools.islice(headers, limit):
        out[raw_name.decode("latin-1").lower()] = truncate(
            raw_value.decode("latin-1"), HEADER_VALUE_LIMIT + MARKER_ROOM
        )
    return out
