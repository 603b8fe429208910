"""Values from the wire: ids in paths and parameters, the `parameters` part of POST /jobs, the body
of a packGroup edit. Each either gives a clean Python value or a 400 saying what to send."""

from __future__ import annotations

from typing import Any

import orjson

from mockpost.core.numbers import parse_int
from mockpost.providers.nirva.errors import BadRequest


def as_id(value: Any) -> int | None:
    """An id: a non-negative whole number, or its digits as text; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**63 else None
    return parse_int(value, max_digits=18)


def parse_parameters(raw: Any) -> dict[str, Any]:
    if raw is None:
        raise BadRequest("the multipart part 'parameters' (JobCreationParameter JSON) is missing")
    try:
        params = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the 'parameters' part is not valid JSON") from None
    if not isinstance(params, dict):
        raise BadRequest("the 'parameters' part must be a JSON object (JobCreationParameter)")
    return params


EDIT_LISTS = ("requirements", "fields", "values", "raw", "RAW")
RAW_KEYS = ("raw", "rawValue", "RAW", "value")
ONLY_REQUIREMENT = ""  # an edit naming no requirement: the packGroup's only one


def parse_edits(body: Any) -> dict[str, str]:
    """The RAW values to set, by requirement name. Accepted: `{"requirements": [{"name", "raw"}]}`
    (also under `fields`, `values`, `raw`), a bare list of those, one `{"name", "raw"}`,
    `{"NAME": "raw"}`, `{"NAME": {"raw": ...}}`, and `{"raw": "..."}` for a packGroup with one
    requirement; `rawValue`, `RAW` or `value` may stand for `raw`."""
    items: Any = body
    if isinstance(body, dict):
        container = next((key for key in EDIT_LISTS if key in body), None)
        if container is not None and not isinstance(body[container], str):
            items = body[container]
        elif isinstance(body.get("name"), str) or container is not None:
            items = [body]
    if isinstance(items, dict):
        items = [
            {"name": key, **value} if isinstance(value, dict) else {"name": key, "raw": value}
            for key, value in items.items()
        ]
    if not isinstance(items, list) or not items:
        raise BadRequest('send {"requirements": [{"name": "ADDRESS", "raw": "new value"}]}')
    edits: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("each edit needs a requirement name and its new raw value")
        name = item.get("name", ONLY_REQUIREMENT)
        if not isinstance(name, str):
            raise BadRequest("each edit needs a requirement name and its new raw value")
        raw = next((item[key] for key in RAW_KEYS if key in item), None)
        if not isinstance(raw, str):
            raise BadRequest(f"the raw value of {name or 'the requirement'!r} must be a string")
        edits[name] = raw
    return edits
