"""Values from the wire: ids in paths and parameters, the JSON of the `parameters` part of POST /jobs.
Each either gives a clean Python value or a 400 saying what to send."""

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


def parse_parameters(raw: Any) -> Any:
    """The JSON of the `parameters` part (its shape is JobCreationParameter's to check)."""
    if raw is None:
        raise BadRequest("the multipart part 'parameters' (JobCreationParameter JSON) is missing")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the 'parameters' part is not valid JSON") from None
