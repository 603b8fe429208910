"""Comparing an expected value (with matchers) to what came back.

Plain values compare exactly; a mapping checks only the keys it lists (extra keys in the response
are fine, so an expectation says what matters); a list checks every item, in order. Matchers are
YAML tags:

    id: !uuid                 created_at: !date            anything: !any
    name: !regex '^March'     count: !type integer         gone: !absent
    envelopes: !length 2      items: !contains {state: posted}
    body: !exact {a: 1}       (every key, nothing more)
    events: !unordered [{state: a}, {state: b}]   (these items, in any order)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MISSING = object()
TYPE_NAMES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
TYPE_ALIASES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "list": "array"}
TYPE_ALIASES |= {"dict": "object", "none": "null"}


@dataclass
class Mismatch:
    path: str
    expected: str
    actual: Any

    def lines(self) -> list[str]:
        shown = "(missing)" if self.actual is MISSING else _short(self.actual)
        return [f"- expected {self.path}: {self.expected}", f"+ actual   {self.path}: {shown}"]


@dataclass
class Comparison:
    mismatches: list[Mismatch] = field(default_factory=list)

    def fail(self, path: str, expected: str, actual: Any) -> None:
        self.mismatches.append(Mismatch(path, expected, actual))


class Matcher:
    """A YAML-tagged expectation. `inner` is whatever followed the tag (templated like any value):
    it must be one of `takes`, else `usage` says what to write. A matcher that takes text gets a
    YAML scalar as written (`!regex 123` is the pattern "123", not a number)."""

    tag = "!"
    takes: type | tuple[type, ...] = object
    usage = ""

    def __init__(self, inner: Any = None) -> None:
        if not isinstance(inner, self.takes):
            raise ValueError(self.usage)
        self.inner: Any = inner

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.tag} {_short(self.inner)}" if self.inner is not None else self.tag

    def map(self, render: Callable[[Any], Any]) -> Matcher:
        """The same matcher with `{{ variables }}` in its argument filled in."""
        return type(self)(render(self.inner))

    def to_plain(self) -> Any:
        return {"matcher": self.tag, "value": self.inner}

    def __repr__(self) -> str:
        return self.describe()


class AnyValue(Matcher):
    tag = "!any"

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        if actual is MISSING:
            result.fail(path, "any value", actual)


class Absent(Matcher):
    tag = "!absent"

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        if actual is not MISSING:
            result.fail(path, "no such key", actual)


class TypeOf(Matcher):
    tag = "!type"
    takes = str

    def __init__(self, inner: Any = None) -> None:
        name = TYPE_ALIASES.get(str(inner).lower(), str(inner).lower())
        if name not in TYPE_NAMES:
            raise ValueError(f"unknown type {inner!r}; use one of {sorted(TYPE_NAMES)}")
        super().__init__(name)

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        types = TYPE_NAMES[self.inner]
        is_bool = isinstance(actual, bool)
        if not isinstance(actual, types) or (is_bool and self.inner in ("integer", "number")):
            result.fail(path, f"a value of type {self.inner}", actual)


class Regex(Matcher):
    tag = "!regex"
    takes = str
    usage = "give a regular expression, e.g. !regex '^RR[0-9]{9}SE$'"

    def __init__(self, inner: Any = None) -> None:
        super().__init__(inner)
        try:
            self.pattern = re.compile(inner)
        except re.error as exc:
            raise ValueError(f"bad regular expression {inner!r}: {exc}") from None

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        if not isinstance(actual, str) or self.pattern.search(actual) is None:
            result.fail(path, f"text matching /{self.inner}/", actual)


class Parsed(Matcher):
    """Text that reads as a value of some kind: `reads(text)` says whether it does (a ValueError
    says it does not), `expected` what the mismatch says was expected."""

    expected = ""

    def reads(self, text: str) -> bool:
        raise NotImplementedError

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        try:
            ok = isinstance(actual, str) and self.reads(actual)
        except ValueError:
            ok = False
        if not ok:
            result.fail(path, self.expected, actual)


class Uuid(Parsed):
    tag = "!uuid"
    expected = "a UUID"

    def reads(self, text: str) -> bool:
        return str(uuid.UUID(text)) == text.lower()


class IsoDate(Parsed):
    tag = "!date"
    expected = "an ISO-8601 date"

    def reads(self, text: str) -> bool:
        text = re.sub(r"(\.\d{6})\d+", r"\1", text.strip())
        datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        return True


class Length(Matcher):
    tag = "!length"

    def __init__(self, inner: Any = None) -> None:
        super().__init__(inner)
        if isinstance(inner, dict):
            unknown = set(inner) - {"min", "max"}
            if unknown:
                raise ValueError(f"give a number or {{min, max}}, not {sorted(unknown)}")
        elif not isinstance(inner, int | str) or isinstance(inner, bool):  # str: a {{ variable }}
            raise ValueError("give a number (!length 2) or a range (!length {min: 1, max: 3})")

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        if not isinstance(actual, list | dict | str):
            result.fail(path, f"something with a length ({self.describe()})", actual)
            return
        size = len(actual)
        if isinstance(self.inner, dict):
            low, high = self.inner.get("min"), self.inner.get("max")
            ok = (low is None or size >= int(low)) and (high is None or size <= int(high))
        else:
            ok = size == int(self.inner)
        if not ok:
            result.fail(path, f"length {_short(self.inner)}", f"length {size}: {_short(actual)}")


class Contains(Matcher):
    tag = "!contains"

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        if isinstance(actual, str) and isinstance(self.inner, str):
            ok = self.inner in actual
        elif isinstance(actual, list):
            ok = any(not compare(self.inner, item).mismatches for item in actual)
        elif isinstance(actual, dict):
            ok = not compare(self.inner, actual).mismatches
        else:
            ok = False
        if not ok:
            result.fail(path, f"something containing {_short(self.inner)}", actual)


class Unordered(Matcher):
    """A list with exactly these items, in any order (lists whose order the API does not fix)."""

    tag = "!unordered"
    takes = list
    usage = "give a list of the items expected in any order, e.g. !unordered [a, b]"

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        if not isinstance(actual, list) or len(actual) != len(self.inner):
            result.fail(path, f"a list of {len(self.inner)} items in any order: {_short(self.inner)}", actual)
            return
        fits = [
            {i for i, item in enumerate(actual) if not compare(expected, item).mismatches}
            for expected in self.inner
        ]
        if not _assign(fits, 0, set()):
            result.fail(path, f"these items in any order: {_short(self.inner)}", actual)


def _assign(fits: list[set[int]], index: int, taken: set[int]) -> bool:
    """Each expected item gets an actual item of its own (backtracking; lists here are short)."""
    if index == len(fits):
        return True
    return any(_assign(fits, index + 1, taken | {i}) for i in fits[index] - taken)


class Exact(Matcher):
    tag = "!exact"

    def check(self, actual: Any, path: str, result: Comparison) -> None:
        _compare(self.inner, actual, path, result, strict=True)


TAGS: dict[str, type[Matcher]] = {
    cls.tag: cls
    for cls in (AnyValue, Absent, TypeOf, Regex, Uuid, IsoDate, Length, Contains, Unordered, Exact)
}


def compare(expected: Any, actual: Any, path: str = "$") -> Comparison:
    """Every way `actual` differs from `expected`, each with its JSONPath."""
    result = Comparison()
    _compare(expected, actual, path, result, strict=False)
    return result


def _compare(expected: Any, actual: Any, path: str, result: Comparison, strict: bool) -> None:
    if isinstance(expected, Matcher):
        expected.check(actual, path, result)
    elif isinstance(expected, dict):
        if not isinstance(actual, dict):
            result.fail(path, f"an object {_short(expected)}", actual)
            return
        for key, value in expected.items():
            _compare(value, actual.get(key, MISSING), _child(path, key), result, strict)
        if strict:
            for key in actual.keys() - expected.keys():
                result.fail(_child(path, key), "no such key", actual[key])
    elif isinstance(expected, list):
        if not isinstance(actual, list):
            result.fail(path, f"an array {_short(expected)}", actual)
            return
        if len(actual) != len(expected):
            result.fail(path, f"{len(expected)} items {_short(expected)}", actual)
            return
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _compare(want, got, f"{path}[{index}]", result, strict)
    elif actual is MISSING or not _same(expected, actual):
        result.fail(path, _short(expected), actual)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def _child(path: str, key: Any) -> str:
    text = str(key)
    return f"{path}.{text}" if re.fullmatch(r"[A-Za-z_][\w-]*", text) else f"{path}[{text!r}]"


def _short(value: Any, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: Any) -> Any:
    """A value with matchers written out, for showing an expectation as data."""
    if isinstance(value, Matcher):
        return value.describe()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
