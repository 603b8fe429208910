"""Keyset paging: the cost of a page is independent of how many items come before it.

A `KeysetIndex` keeps a collection's ids ordered by `(sort value, id)` in a plain sorted list of
keys, with a dict from id to key beside it. A page is: look up the cursor's key in the dict (O(1)),
find its position by bisection (O(log n)), then walk forward (or backward) until the page is full
(O(page), or O(items skipped by a filter)). Nothing before the cursor is ever touched, so paging a
tenant holding a million items costs the same per page as one holding a hundred, by construction.

Why a plain list and `bisect` rather than a balanced tree (`sortedcontainers.SortedList`): the
collections this serves are filled mostly in key order (creation time only grows), so an insert is
an append after an O(log n) search; an out-of-order insert or a removal is one `memmove` of
pointers (about a millisecond at a million items), paid on the write, never on a read. That keeps
the read path, the one the benchmark measures, at bisect + slice, with no new dependency.

Ties on the sort value are broken by id, so the order is total and stable and the cursor (the id
of the last item of the previous page) is unambiguous. A removed item leaves a tombstone of its key,
so a client paging with the id of an item deleted meanwhile still gets the next page.

`page_params` validates the usual `maxItems` / `after` query parameters and returns the problems
as messages naming the parameter, for the provider to render in its own error envelope.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

from mockpost.core.numbers import parse_int

Key = tuple[Any, str]  # (sort value, id)


class UnknownCursor(LookupError):
    """`after` named an id this collection never held."""


class KeysetIndex:
    """Ids ordered by (sort value, id), paged by keyset."""

    def __init__(self) -> None:
        self._keys: list[Key] = []
        self._key_of: dict[str, Key] = {}
        self._gone: dict[str, Key] = {}  # tombstones: removed ids keep their place for cursors

    # -- writing ---------------------------------------------------------------------------
    def add(self, item_id: str, value: Any) -> None:
        if item_id in self._key_of:
            self.remove(item_id)
        key: Key = (value, item_id)
        keys = self._keys
        if not keys or keys[-1] < key:
            keys.append(key)  # the usual case: creation order
        else:
            bisect.insort(keys, key)
        self._key_of[item_id] = key
        self._gone.pop(item_id, None)

    def remove(self, item_id: str) -> None:
        key = self._key_of.pop(item_id, None)
        if key is None:
            return
        position = bisect.bisect_left(self._keys, key)
        if position < len(self._keys) and self._keys[position] == key:
            del self._keys[position]
        self._gone[item_id] = key

    def move(self, item_id: str, value: Any) -> None:
        """The item's sort value changed (e.g. lastModifiedAt)."""
        self.add(item_id, value)

    def clear(self) -> None:
        self._keys.clear()
        self._key_of.clear()
        self._gone.clear()

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._key_of

    def __iter__(self) -> Iterator[str]:
        return (key[1] for key in self._keys)

    def value_of(self, item_id: str) -> Any:
        return self._key_of[item_id][0]

    def page(
        self,
        limit: int,
        after: str | None = None,
        *,
        descending: bool = False,
        lower: Any = None,
        upper: Any = None,
        accept: Callable[[str], bool] | None = None,
    ) -> list[str]:
        """Up to `limit` ids following the item `after` (exclusive) in the chosen direction, whose
        sort value lies within [lower, upper] (inclusive, either may be None) and that `accept`
        lets through. Raises UnknownCursor when `after` is not an id this index ever held."""
        keys = self._keys
        start = bisect.bisect_left(keys, lower, key=_value) if lower is not None else 0
        stop = bisect.bisect_right(keys, upper, key=_value) if upper is not None else len(keys)
        if after is not None:
            cursor = self._key_of.get(after) or self._gone.get(after)
            if cursor is None:
                raise UnknownCursor(after)
            if descending:
                stop = min(stop, bisect.bisect_left(keys, cursor))
            else:
                start = max(start, bisect.bisect_right(keys, cursor))
        found: list[str] = []
        if limit <= 0 or start >= stop:
            return found
        if descending:
            positions: Iterator[int] | range = range(stop - 1, start - 1, -1)
        else:
            positions = range(start, stop)
        for position in positions:
            item_id = keys[position][1]
            if accept is None or accept(item_id):
                found.append(item_id)
                if len(found) >= limit:
                    break
        return found


    # -- saving (a KeysetIndex in an account's state is saved with it) ---------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Saved as `{"keys": [[value, id], ...], "gone": {id: value}}`; a datetime value as
        `{"at": ISO-8601}`, so that it comes back a datetime and keeps its place in the order."""
        return core_schema.no_info_plain_validator_function(
            cls._from_saved,
            serialization=core_schema.plain_serializer_function_ser_schema(cls._to_saved, when_used="json"),
        )

    def _to_saved(self) -> dict[str, Any]:
        return {
            "keys": [[_saved_value(value), item_id] for value, item_id in self._keys],
            "gone": {item_id: _saved_value(key[0]) for item_id, key in self._gone.items()},
        }

    @classmethod
    def _from_saved(cls, saved: Any) -> KeysetIndex:
        if isinstance(saved, KeysetIndex):
            return saved
        if not isinstance(saved, dict):
            raise ValueError("a keyset index is saved as {keys, gone}")
        index = cls()
        try:
            index._keys = [(_loaded_value(value), str(item_id)) for value, item_id in saved.get("keys", [])]
            index._gone = {str(i): (_loaded_value(v), str(i)) for i, v in saved.get("gone", {}).items()}
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a saved keyset index: {exc}") from None
        index._keys.sort()
        index._key_of = {key[1]: key for key in index._keys}
        return index


def _saved_value(value: Any) -> Any:
    return {"at": value.isoformat()} if isinstance(value, datetime) else value


def _loaded_value(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.fromisoformat(value["at"])
    return value


def _value(key: Key) -> Any:
    return key[0]


# -- query parameters ---------------------------------------------------------------------------
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: str | None


def page_params(
    query: Mapping[str, str],
    *,
    size_name: str = "maxItems",
    cursor_name: str = "after",
    default: int = DEFAULT_PAGE_SIZE,
    maximum: int = MAX_PAGE_SIZE,
) -> tuple[PageParams, list[str]]:
    """The page size and cursor from a query string, and the problems found (empty when valid).

    Messages name the parameter, in the wording of class-validator (NestJS), which the providers
    that page by keyset use: 'maxItems must not be greater than 100'."""
    problems: list[str] = []
    limit = default
    raw = query.get(size_name)
    if raw is not None:
        number = parse_int(raw.strip(), signed=True, max_digits=12)
        if number is None:
            problems.append(f"{size_name} must be an integer number")
        else:
            limit = number
            if limit < 1:
                problems.append(f"{size_name} must not be less than 1")
            elif limit > maximum:
                problems.append(f"{size_name} must not be greater than {maximum}")
    after = query.get(cursor_name)
    if after is not None:
        if not after.strip():
            problems.append(f"{cursor_name} should not be empty")
        elif len(after) > 200:
            problems.append(f"{cursor_name} must be shorter than or equal to 200 characters")
    return PageParams(limit, after if after and after.strip() else None), problems
