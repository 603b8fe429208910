"""Every request and its response, in a bounded ring buffer.

Bodies are truncated to a bound so a soak test cannot grow memory; the oldest entries fall off.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from typing import Any

BODY_LIMIT = 4096


@dataclass(slots=True)
class Entry:
    id: int
    at: str
    provider: str
    tenant: str | None
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = ""
    response_body: str = ""
    fault: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Journal:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._ids = itertools.count(1)

    @property
    def capacity(self) -> int:
        return self._entries.maxlen or 0

    def next_id(self) -> int:
        return next(self._ids)

    def record(self, entry: Entry) -> None:
        self._entries.append(entry)

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
        found = [e for e in self._entries if _matches(e, provider, method, path, status, tenant)]
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
