"""The list endpoints' query parameters (paging, time windows, enumerations) read the way every
EasyPost Connect list reads them; a bad one is a class-validator 400 naming the parameter."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.core.paging import KeysetIndex, PageParams, UnknownCursor, page_params
from mockpost.providers.easypost_connect.errors import Invalid


def page(query: Mapping[str, str]) -> PageParams:
    params, problems = page_params(query)
    if problems:
        raise Invalid(problems)
    return params


def instant_param(query: Mapping[str, str], name: str, end_of_day: bool = False) -> datetime | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = parse_instant(raw)
    except (ValueError, TypeError, OverflowError):
        raise Invalid([f"{name} must be a valid ISO 8601 date string"]) from None
    if end_of_day and len(raw.strip()) == 10:
        with contextlib.suppress(OverflowError):
            value += timedelta(days=1) - timedelta(milliseconds=1)
    return value


def window(query: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """`from` and `until` (a bare date as `until` covers that whole day)."""
    problems: list[str] = []
    values: list[datetime | None] = []
    for name, end in (("from", False), ("until", True)):
        try:
            values.append(instant_param(query, name, end))
        except Invalid as exc:
            problems += list(exc.message)
            values.append(None)
    if problems:
        raise Invalid(problems)
    start, stop = values
    if start is not None and stop is not None and start > stop:
        raise Invalid(["from must be before or equal to until"])
    return start, stop


def choice_param(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise Invalid([f"{name} must be one of the following values: {', '.join(allowed)}"])
    return raw


def keyset(
    index: KeysetIndex,
    params: PageParams,
    *,
    descending: bool = False,
    lower: Any = None,
    upper: Any = None,
    accept: Callable[[str], bool] | None = None,
) -> list[str]:
    """One page of ids; `after` must be an id this list held."""
    try:
        return index.page(
            params.limit, params.after, descending=descending, lower=lower, upper=upper, accept=accept
        )
    except UnknownCursor:
        shown = params.after[:100] if params.after else ""
        raise Invalid([f"after must be the id of an item of this list ('{shown}' is not)"]) from None


def stateful_page(
    index: KeysetIndex,
    items: Mapping[str, Any],
    params: Mapping[str, str],
    state_param: str,
    states: tuple[str, ...],
    equal: Mapping[str, str],
) -> list[str]:
    """A page of ids of jobs or SendingEvents, in `from`..`until`: `state_param` filters on the state,
    each query name of `equal` on the attribute it names."""
    paging = page(params)
    state = choice_param(params, state_param, states)
    start, stop = window(params)
    wanted = {attribute: params[name] for name, attribute in equal.items() if params.get(name)}

    def accept(item_id: str) -> bool:
        item = items[item_id]
        return (state is None or item.state == state) and all(
            getattr(item, attribute) == value for attribute, value in wanted.items()
        )

    filtered = state is not None or bool(wanted)
    return keyset(index, paging, lower=start, upper=stop, accept=accept if filtered else None)
