"""Whole numbers from what a client sends: ASCII decimal digits, nothing else.

`str.isdigit()` accepts "²" (which `int()` then refuses) and `int()` accepts "٣", "1_000" and " 7 ":
neither is the rule of any provider's API. Every integer read from a path, a query, a header or a
body string goes through `parse_int`, so one rule decides what a number is.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
_SIGNED_DIGITS = re.compile(r"-?[0-9]+")


def parse_int(text: object, *, max_digits: int = 18, signed: bool = False) -> int | None:
    """The integer `text` spells in ASCII digits (with one leading "-" when `signed`), or None:
    not a string, empty, any other character (spaces included), or more than `max_digits` digits."""
    if not isinstance(text, str):
        return None
    pattern = _SIGNED_DIGITS if signed else _DIGITS
    if pattern.fullmatch(text) is None or len(text.lstrip("-")) > max_digits:
        return None
    return int(text)


def is_digits(text: object, *, max_digits: int = 18) -> bool:
    """Whether `text` is made of ASCII digits only (one at least, at most `max_digits`): for codes
    whose leading zeros count, such as a six-digit one-time password."""
    return parse_int(text, max_digits=max_digits) is not None
