"""What the OpenAPI-driven fuzz suites share: JSON-value builders, JSON types as OpenAPI names them,
and the grouping of generated cases into test items (a known bug's inputs become one strict xfail)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest


def route_key(route: tuple[str, str]) -> str:
    return f"{route[0]} {route[1]}"


def jbody(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False).encode()


def deep_array(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def deep_object(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"k": value}
    return value


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def accepts(types: set[str], value: Any) -> bool:
    kind = json_type(value)
    return kind in types or (kind == "integer" and "number" in types)


def group_cases(
    cases: Iterable[Any], known_bugs: dict[tuple[str, str, str], str]
) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """Cases per route and category; a known bug's cases form their own group, with its reason."""
    groups: dict[str, list[Any]] = {}
    reasons: dict[str, str] = {}
    for case in cases:
        if case.key in known_bugs:
            # one xfail item per bug, route and category: all its inputs fail for the same reason
            reason = known_bugs[case.key]
            gid = f"{case.key[0]}::{case.category}::{reason.split(':')[0]}"
            groups.setdefault(gid, []).append(case)
            reasons[gid] = reason
        else:
            groups.setdefault(f"{case.key[0]}::{case.category}", []).append(case)
    return groups, reasons


def group_params(groups: dict[str, list[Any]], reasons: dict[str, str]) -> list[Any]:
    """One pytest param per group; known-bug groups are strict xfails."""
    out = []
    for gid in groups:
        marks = [pytest.mark.xfail(strict=True, reason=reasons[gid])] if gid in reasons else []
        out.append(pytest.param(gid, marks=marks, id=gid.replace(" ", "_")))
    return out
