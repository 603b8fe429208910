"""InPost ids on the wire: whole numbers, sent as numbers or as their digits in a path or a query."""

from __future__ import annotations

from mockpost.core.numbers import parse_int

ID_DIGITS = 12  # more digits than any id the mock hands out


def as_id(raw: object) -> int | None:
    """An id from the wire: a whole number, or its digits as text; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw < 10**ID_DIGITS else None
    return parse_int(raw, max_digits=ID_DIGITS)
