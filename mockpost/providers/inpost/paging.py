"""ShipX collections: `page`, `per_page`, `sort_by` (a whitelist per resource), `sort_order`.

An unknown `sort_by`, a `sort_order` other than asc/desc, or a page/per_page that is not a positive
integer is 400 `invalid_parameter` naming the parameter. `per_page` above the cap is clamped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mockpost.core.numbers import parse_int
from mockpost.providers.inpost.errors import InvalidParameter

T = TypeVar("T")
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int
    sort_by: str
    descending: bool


def positive_int(query: Mapping[str, str], name: str, default: int, cap: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    number = parse_int(raw.strip(), max_digits=9)
    if number is None or number < 1:
        raise InvalidParameter(name, "invalid_value", value=raw[:100])
    return min(number, cap)


def page_request(
    query: Mapping[str, str], sortable: Sequence[str], default_sort: str, default_per_page: int = 30
) -> PageRequest:
    page = positive_int(query, "page", 1, MAX_PAGE)
    per_page = positive_int(query, "per_page", default_per_page, MAX_PER_PAGE)
    sort_by = query.get("sort_by") or default_sort
    if sort_by not in sortable:
        raise InvalidParameter("sort_by", "invalid_value", allowed=list(sortable))
    order = (query.get("sort_order") or "asc").lower()
    if order not in ("asc", "desc"):
        raise InvalidParameter("sort_order", "invalid_value", allowed=["asc", "desc"])
    return PageRequest(page, per_page, sort_by, order == "desc")


def sort_and_page(
    items: list[T], request: PageRequest, keys: Mapping[str, Callable[[T], Any]]
) -> tuple[list[T], int]:
    """The requested page of `items` sorted by the request's key (ties by insertion), and the count."""
    key = keys[request.sort_by]
    ordered = sorted(items, key=lambda item: _sortable(key(item)), reverse=request.descending)
    start = (request.page - 1) * request.per_page
    return ordered[start : start + request.per_page], len(items)


def _sortable(value: Any) -> tuple[int, Any]:
    """None sorts first (ascending); mixed types never compare."""
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (2, value.lower())
    return (1, value)


ARRAY_KEY = re.compile(r"^(.+)\[\d*\]$")


def query_filters(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Filters by name. PHP clients send arrays as `id[]=1&id[]=2` (or, through http_build_query,
    `id[0]=1&id[1]=2`): those become the comma list ShipX documents (`id=1,2`); a repeated plain
    name keeps its last value."""
    filters: dict[str, str] = {}
    arrays: dict[str, list[str]] = {}
    for key, value in pairs:
        array = ARRAY_KEY.match(key)
        if array:
            arrays.setdefault(array.group(1), []).append(value)
        else:
            filters[key] = value
    for name, values in arrays.items():
        filters[name] = ",".join(filter(None, [filters.get(name, ""), *values]))
    return filters


def query_list(pairs: Iterable[tuple[str, str]], name: str) -> list[str]:
    """The values of one array parameter: `name[]`, `name[0]`, or a comma list in `name`."""
    return [part for part in query_filters(pairs).get(name, "").split(",") if part]


def collection(href: str, request: PageRequest, items: list[Any], count: int, **extra: Any) -> dict[str, Any]:
    return {
        "href": href,
        "count": count,
        "page": request.page,
        "per_page": request.per_page,
        "items": items,
        **extra,
    }
