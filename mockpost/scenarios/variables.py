"""`{{ name }}` in any string of a step, filled from saved values.

A string that is exactly one placeholder takes the saved value as it is (a number stays a number,
a list stays a list); a placeholder inside longer text is written into it. `{{ name.key }}` and
`{{ name[0] }}` reach into a saved object. Unknown names are an error that lists the known ones.
"""

from __future__ import annotations

import re
from typing import Any

from mockpost.scenarios.jsonpath import JSONPathError
from mockpost.scenarios.jsonpath import parse as parse_path
from mockpost.scenarios.matchers import Matcher

BUILTIN_VARIABLES = ("mockpost_url",)  # set by the target before the first step (targets.py)
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w]*)((?:\.[\w$-]+|\[-?\d+\])*)\s*\}\}")


class UnknownVariable(KeyError):
    def __init__(self, name: str, known: list[str]) -> None:
        self.name, self.known = name, known
        super().__init__(name)

    def __str__(self) -> str:
        shown = ", ".join(self.known) or "none yet"
        return f"no variable {{{{ {self.name} }}}} (saved so far: {shown})"


def render(value: Any, variables: dict[str, Any]) -> Any:
    """The value with every placeholder filled in (recursively through lists, maps and matchers)."""
    if isinstance(value, str):
        return _render_text(value, variables)
    if isinstance(value, Matcher):
        return value.map(lambda inner: render(inner, variables))
    if isinstance(value, dict):
        return {render(k, variables): render(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [render(item, variables) for item in value]
    return value


def placeholders(value: Any) -> set[str]:
    """The variable names a value uses (for dry runs and checks)."""
    if isinstance(value, str):
        return {m.group(1) for m in _PLACEHOLDER.finditer(value)}
    if isinstance(value, Matcher):
        return placeholders(value.inner)
    if isinstance(value, dict):
        return set().union(*(placeholders(k) | placeholders(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(placeholders(item) for item in value))
    return set()


def _lookup(match: re.Match[str], variables: dict[str, Any]) -> Any:
    name, tail = match.group(1), match.group(2)
    if name not in variables:
        raise UnknownVariable(name, sorted(variables))
    value = variables[name]
    if tail:
        try:
            found = parse_path("$" + tail).find(value)
        except JSONPathError:
            found = []
        if not found:
            raise UnknownVariable(name + tail, sorted(variables))
        value = found[0]
    return value


def _render_text(text: str, variables: dict[str, Any]) -> Any:
    whole = _PLACEHOLDER.fullmatch(text.strip())
    if whole is not None and text.strip() == text:
        return _lookup(whole, variables)

    def fill(match: re.Match[str]) -> str:
        value = _lookup(match, variables)
        return value if isinstance(value, str) else _as_text(value)

    return _PLACEHOLDER.sub(fill, text)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)
