"""Client input checked against what the reference documents: parameters, bodies, search constraints.

A body is compared with the documented request example, once, for every endpoint, before any
handler runs (`check_request`, called by the engine): its top-level JSON type must match, and every
documented field it carries must have the documented type (placeholders name the type). Fields the
example does not show are accepted and kept. Failures name the fields in the error envelope. The
hand-modelled endpoints add only their rules (a field they need, a value in range) on top.
"""

from __future__ import annotations

from typing import Any

from mockpost.core.numbers import parse_int
from mockpost.providers.afosto.catalog import Operation
from mockpost.providers.afosto.errors import bad_request
from mockpost.providers.afosto.synth import is_placeholder

OPERATORS = frozenset({"in", "nin", "eq", "gte", "lte", "gt", "lt", "like"})
PAGE_SIZE_MAX = 1000
BODY_PATTERNS = frozenset({"create", "update", "upsert", "singleton", "action"})
INTEGER_DIGITS = 19  # a 64-bit integer


def check_parameters(op: Operation, query: dict[str, str], headers: dict[str, str]) -> None:
    invalid = []
    for param in op.parameters:
        source = query if param["in"] == "query" else headers if param["in"] == "header" else None
        if source is None:
            continue
        value = source.get(param["name"].lower() if param["in"] == "header" else param["name"])
        if value is None or value == "":
            continue
        if not acceptable(param, value):
            invalid.append(param["name"])
    if invalid:
        raise bad_request(f"invalid parameter value: {', '.join(invalid)}", invalid=invalid)


def acceptable(param: dict[str, Any], value: str) -> bool:
    """A documented enum holds the value (Accept is content negotiation, not an enum); integers parse."""
    if param.get("enum") and value not in param["enum"] and param["name"].lower() != "accept":
        return False
    return param["type"] != "integer" or parse_int(value, signed=True, max_digits=INTEGER_DIGITS) is not None


def paging(headers: dict[str, str]) -> tuple[int, int]:
    """`x-page` (1-based, or the cursor this mock handed out: the same number) and `x-page-size`."""
    raw_page = headers.get("x-page") or "1"
    raw_size = headers.get("x-page-size") or "25"
    page, size = parse_int(raw_page), parse_int(raw_size)
    invalid = []
    if page is None or page < 1:
        invalid.append("x-page")
    if size is None or not 1 <= size <= PAGE_SIZE_MAX:
        invalid.append("x-page-size")
    if invalid:
        raise bad_request(
            f"x-page must be a page number from 1, x-page-size a number from 1 to {PAGE_SIZE_MAX}",
            invalid=invalid,
        )
    assert page is not None and size is not None
    return page, size


def check_request(op: Operation, body: Any) -> None:
    """Every request body is checked here, once, before any handler sees it: against the documented
    request example of its endpoint (searches: their fields besides `constraints`, which
    `constraints_of` reads)."""
    if op.pattern == "search":
        check_search_fields(op, body)
    elif op.pattern in BODY_PATTERNS and not (op.pattern == "singleton" and op.method == "GET"):
        check_body(op, body)


def check_body(op: Operation, body: Any) -> None:
    example = op.request
    if example is None or example == "object":
        return
    if body is None:
        raise bad_request("this endpoint needs a JSON body", required=["body"])
    invalid: list[str] = []
    _compare(example, body, "", invalid)
    if invalid:
        raise bad_request(f"invalid value for {', '.join(invalid[:20])}", invalid=invalid[:50])


def require_fields(body: Any, fields: tuple[str, ...], message: str) -> Any:
    """The body carries `fields`, not empty, in the object it is or in every object of the list it
    is; else a 400 naming the missing ones. The reference marks no field required: a rule that needs
    one says so with this, after `check_request` has checked the types. Returns the body."""
    objects = body if isinstance(body, list) else [body]
    missing = [f for f in fields if any(not isinstance(o, dict) or o.get(f) in (None, "") for o in objects)]
    if missing:
        raise bad_request(message, required=missing)
    return body


def check_search_fields(op: Operation, body: Any) -> None:
    """A search body's documented fields other than `constraints` (checked by `constraints_of`,
    which also takes `value` for `values` and numbers for strings) have their documented types."""
    example = op.request
    if not isinstance(example, dict) or not isinstance(body, dict):
        return
    invalid: list[str] = []
    _compare({k: v for k, v in example.items() if k != "constraints"}, body, "", invalid)
    if invalid:
        raise bad_request(f"invalid value for {', '.join(invalid[:20])}", invalid=invalid[:50])


def _compare(example: Any, value: Any, name: str, invalid: list[str]) -> None:
    label = name or "body"
    if isinstance(example, dict):
        if not isinstance(value, dict):
            invalid.append(label)
            return
        for key, item in value.items():
            if key in example and item is not None:
                _compare(example[key], item, f"{name}.{key}" if name else key, invalid)
    elif isinstance(example, list):
        if not isinstance(value, list):
            invalid.append(label)
            return
        if example:
            for item in value:
                _compare(example[0], item, name, invalid)
                if label in invalid:
                    return
    elif is_placeholder(example) and not _fits(example, value):
        invalid.append(label)


def _fits(placeholder: str, value: Any) -> bool:
    if placeholder == "boolean":
        return isinstance(value, bool)
    if placeholder.startswith("integer"):
        return isinstance(value, int) and not isinstance(value, bool)
    if placeholder.startswith("number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if placeholder == "object":
        return isinstance(value, dict | list)
    if placeholder == "file":
        return True
    return isinstance(value, str)


def constraints_of(body: Any) -> list[tuple[str, str, list[str]]]:
    """`{"constraints": [{key, operator, values | value}]}` as (key, operator, values) triples."""
    if body is None:
        return []
    if not isinstance(body, dict):
        raise bad_request("the search body must be an object", invalid=["body"])
    raw = body.get("constraints", [])
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise bad_request("constraints must be a list", invalid=["constraints"])
    found = []
    for index, constraint in enumerate(raw):
        where = f"constraints[{index}]"
        if not isinstance(constraint, dict):
            raise bad_request(f"{where} must be an object", invalid=[where])
        missing = [f"{where}.{k}" for k in ("key", "operator") if not constraint.get(k)]
        if "values" not in constraint and "value" not in constraint:
            missing.append(f"{where}.values")
        if missing:
            raise bad_request("a constraint needs key, operator and values", required=missing)
        key, operator = constraint["key"], constraint["operator"]
        values = constraint.get("values", constraint.get("value"))
        if not isinstance(values, list):
            values = [values]
        invalid = []
        if not isinstance(key, str):
            invalid.append(f"{where}.key")
        if not isinstance(operator, str) or operator not in OPERATORS:
            invalid.append(f"{where}.operator")
        if any(isinstance(v, dict | list) for v in values):
            invalid.append(f"{where}.values")
        if invalid:
            raise bad_request(f"operator must be one of {sorted(OPERATORS)}; values scalars", invalid=invalid)
        found.append((key, operator, [_text(v) for v in values]))
    return found


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def matches(item: Any, constraints: list[tuple[str, str, list[str]]]) -> bool:
    return all(_holds(item, key, operator, values) for key, operator, values in constraints)


def _holds(item: Any, key: str, operator: str, values: list[str]) -> bool:
    found = field_values(item, key)
    if operator == "nin":
        return not any(v in values for v in found)
    if operator in ("in", "eq"):
        return any(v in values for v in found)
    if operator == "like":
        return any(w.lower() in v.lower() for v in found for w in values)
    for v in found:
        for w in values:
            if _compare_order(v, w, operator):
                return True
    return False


def _compare_order(left: str, right: str, operator: str) -> bool:
    a: Any
    b: Any
    try:
        a, b = float(left), float(right)
    except ValueError:
        a, b = left, right
    return {"gte": a >= b, "lte": a <= b, "gt": a > b, "lt": a < b}[operator]


def field_values(item: Any, key: str) -> list[str]:
    """The item's values for a constraint key: `ids` reads `id`; nested objects are searched too."""
    if not isinstance(item, dict):
        return []
    names = [key]
    if key.endswith("s"):
        names.append(key[:-1])
    if key.endswith("_ids"):
        names.append(key[:-4] + "_id")
    for candidate in (item, *[v for v in item.values() if isinstance(v, dict)]):
        for name in names:
            if name in candidate:
                value = candidate[name]
                if isinstance(value, list):
                    return [_text(v) for v in value if not isinstance(v, dict | list)]
                if not isinstance(value, dict):
                    return [_text(value)]
    return []
