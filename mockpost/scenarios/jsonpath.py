"""A small JSONPath subset, enough to point into a response: `$`, `.key`, `['key']` (for keys such
as `$type`), `[N]` (negative from the end) and the wildcard `[*]` / `.*`.

`$.envelopes[0].id` names one value; `$.items[*].id` names every id. No filters or recursion:
a scenario that needs more is clearer as two steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

WILDCARD = "*"
_TOKEN = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*|\*)"""
    r"""|\[(?P<index>-?\d+)\]"""
    r"""|\[(?P<star>\*)\]"""
    r"""|\[(?P<quote>['"])(?P<key>(?:(?!(?P=quote)).)*)(?P=quote)\]"""
)


class JSONPathError(ValueError):
    pass


@dataclass(frozen=True)
class JSONPath:
    text: str
    parts: tuple[str | int, ...]

    @property
    def is_multiple(self) -> bool:
        """True when the path can name several values (it has a wildcard)."""
        return WILDCARD in self.parts

    def find(self, document: Any) -> list[Any]:
        """Every value the path names in the document (empty when it names none)."""
        current = [document]
        for part in self.parts:
            following: list[Any] = []
            for node in current:
                if part == WILDCARD:
                    if isinstance(node, list):
                        following.extend(node)
                    elif isinstance(node, dict):
                        following.extend(node.values())
                elif isinstance(part, int):
                    if isinstance(node, list) and -len(node) <= part < len(node):
                        following.append(node[part])
                elif isinstance(node, dict) and part in node:
                    following.append(node[part])
            current = following
        return current


def parse(text: str) -> JSONPath:
    """`$.a.b[0]` -> JSONPath; a path the subset cannot read is a JSONPathError saying why."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise JSONPathError(f"a JSONPath starts with '$', e.g. $.id or $.items[*].id; got {text!r}")
    parts: list[str | int] = []
    position = 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise JSONPathError(
                f"cannot read JSONPath {text!r} at {text[position:]!r}; "
                "use .key, ['key'], [N] or [*] (no filters or ..)"
            )
        if match.group("name") is not None:
            parts.append(match.group("name"))
        elif match.group("index") is not None:
            parts.append(int(match.group("index")))
        elif match.group("star") is not None:
            parts.append(WILDCARD)
        else:
            parts.append(match.group("key"))
        position = match.end()
    return JSONPath(text, tuple(parts))
