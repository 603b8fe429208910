"""Structural comparison of an answer with a documented example, and the scores the suite prints.

A documented example is compared with the sandbox's answer to the operation that produces it:
- every documented key is present, with a value of a compatible type: a placeholder names the type
  and format (`"string (uuid)"`, `"integer"`, `"boolean"` ...), a real example value its JSON type;
  a documented scalar may answer `null` (a moment not reached yet), an object or a list may not;
- a field with a documented enum holds one of its values;
- lists are compared element by element, every answered element against the documented one.
Keys the example does not show are allowed.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$")
PLACEHOLDER = re.compile(r"^(string|integer|number|boolean|object|file)(?: \(([\w-]+)\))?$")
FORMATS = {
    "uuid": UUID.match,
    "date-time": DATE_TIME.match,
    "datetime": DATE_TIME.match,
    "date": DATE.match,
    "url": URL.match,
}


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        return False
    return True


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def scalar_problem(documented: Any, value: Any, formats: dict[str, str] | None = None) -> str | None:
    """Why `value` does not fit a documented scalar (a placeholder or a real example value)."""
    text = documented if isinstance(documented, str) else None
    placeholder = PLACEHOLDER.match(text) if text is not None else None
    if placeholder is None:
        wanted = _kind(documented)
        if wanted != "null" and _kind(value) != wanted:
            return f"{_kind(value)} {value!r}, documented {wanted} ({documented!r})"
        return None
    kind, fmt = placeholder[1], placeholder[2]
    if kind == "file":
        return None
    if kind == "object":
        return None if isinstance(value, dict | list) else f"{value!r} is not an object"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"{value!r} is not a boolean"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not an integer"
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else f"{value!r} is not a number"
    if not isinstance(value, str):
        return f"{value!r} is not a string"
    if fmt == "base64":
        return None if _is_base64(value) else f"{value!r} is not base64"
    check = FORMATS.get(fmt or "")
    if check is not None and not check(value):
        return f"{value!r} is not a {fmt}"
    return None


@dataclass
class Comparison:
    """One example against one answer: the problems found, by JSON path."""

    enums: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # path -> the field table's placeholder
    problems: list[str] = field(default_factory=list)
    checked: int = 0  # documented fields compared
    empty: list[str] = field(default_factory=list)  # documented lists answered empty

    def compare(self, documented: Any, value: Any, path: str = "") -> Comparison:
        where = path or "$"
        if isinstance(documented, dict):
            if not isinstance(value, dict):
                self.problems.append(f"{where}: {_kind(value)} {str(value)[:80]}, documented an object")
                return self
            for key, item in documented.items():
                inner = f"{path}.{key}" if path else key
                if key not in value:
                    self.problems.append(f"{inner}: missing")
                    continue
                self.compare(item, value[key], inner)
            return self
        if isinstance(documented, list):
            if not isinstance(value, list):
                self.problems.append(f"{where}: {_kind(value)} {str(value)[:80]}, documented a list")
                return self
            if documented and not value:
                self.empty.append(where)
            for index, item in enumerate(value):
                shape = documented[min(index, len(documented) - 1)] if documented else None
                if shape is not None:
                    self.compare(shape, item, f"{path}[]")
            return self
        self.checked += 1
        if value is None:
            return self
        problem = scalar_problem(self.types.get(path, documented), value)
        if problem:
            self.problems.append(f"{where}: {problem}")
        allowed = self.enums.get(path)
        if (
            allowed is not None
            and str(value) not in allowed
            and not (isinstance(value, bool) and str(value).lower() in allowed)
        ):
            self.problems.append(f"{where}: {value!r} is not one of the documented {allowed}")
        return self


# The type words of the references' field tables, as the placeholders `Comparison` checks.
DOC_TYPES = {
    "Guid": "string (uuid)",
    "Int": "integer",
    "integer": "integer",
    "Boolean": "boolean",
    "boolean": "boolean",
    "String": "string",
    "string": "string",
}
MOMENT_TYPES = frozenset({"Date", "datetime"})


def field_types(tables: dict[str, list[list[Any]]], compared: Any) -> dict[str, str]:
    """A field table's types by the comparison's paths (`[].id`, `address.name`, `signers[].email`).

    `tables` maps where a table applies (`""` the compared object itself, `address` the object in
    its `address` field) to its rows `[line, field, type]`; a field's path follows the compared
    example into lists. A moment is a date or a date-time as the example shows it.
    """
    found: dict[str, str] = {}
    top = "[]." if isinstance(compared, list) else ""
    sample = compared[0] if isinstance(compared, list) and compared else compared
    for name, rows in tables.items():
        for _, field_name, doc_type in rows:
            value, parts = sample, []
            for step in f"{name}.{field_name}".strip(".").split("."):
                value = value.get(step) if isinstance(value, dict) else None
                if isinstance(value, list):
                    value = value[0] if value else None
                    step += "[]"
                parts.append(step)
            placeholder = DOC_TYPES.get(doc_type)
            if doc_type in MOMENT_TYPES and isinstance(value, str):
                placeholder = "string (date)" if DATE.match(value) else "string (date-time)"
            if placeholder:
                found[top + ".".join(parts)] = placeholder
    return found


@dataclass
class Score:
    """How many documented examples the sandbox answers in their documented structure."""

    provider: str
    total: int = 0
    passed: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)  # answered an empty list: no element to compare

    def record(self, name: str, problems: list[str], empty: bool = False) -> None:
        self.total += 1
        if empty:
            self.empty.append(name)
        if problems:
            self.failures[name] = problems
        else:
            self.passed += 1

    @property
    def percent(self) -> float:
        return 100.0 * self.passed / self.total if self.total else 0.0

    def line(self) -> str:
        line = (
            f"{self.provider}: {self.passed}/{self.total} documented examples conform ({self.percent:.1f} %)"
        )
        return line + (f"; {len(self.empty)} answered an empty list" if self.empty else "")

    def assert_complete(self, examples: int) -> None:
        """Every example was compared, and every one conforms."""
        assert self.total == examples, f"{self.total} of {examples} examples compared"
        assert self.percent == 100.0, self.report()

    def report(self, limit: int = 500) -> str:
        rows = [f"{name}: {'; '.join(problems[:4])}" for name, problems in self.failures.items()]
        return self.line() + "\n" + "\n".join(rows[:limit])


SCORES: dict[str, Score] = {}


def score(provider: str) -> Score:
    """The provider's score, created empty the first time (printed at the end of the run)."""
    return SCORES.setdefault(provider, Score(provider))
