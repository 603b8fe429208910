"""The Afosto reference's example responses and the field tables that govern them, read from the text.

Per unique `METHOD /path` with a 2xx `Response Example`: the example (`"#/definitions/X"` resolved),
its status and the line it starts on, and the enums of its fields. The reference writes enums only in
its "Schema Definitions" section (`type: string cart, order, backorder, wishlist`), so every object of
an example is matched to the schema it renders: the schema a parent property names
(`state: OdrOrderState`) when its fields fit, else the schema whose fields fit best (at least half in
common). Ties keep the values of every tied schema. Request examples get the same tables, so a client
can send documented values.

The reference text is not part of the repository: `afosto_examples.json` is this reader's output,
and a test regenerates it (and fails when stale) whenever the text sits next to the checkout.
Run `python tests/conformance/afosto_examples.py [SEED]` to rewrite it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samples import Extract

METHOD = re.compile(r"^(GET|POST|PUT|DELETE|PATCH) (/\S*)$")
EXAMPLE = re.compile(r"^Response Example \((2\d\d)[^)]*\)$")
HEADING = re.compile(r"^([A-Z]\w*):(?: object| array)?$")
PROPERTY = re.compile(r"^([A-Za-z_][\w-]*): (.+)$")
TYPES = ("string", "integer", "number", "boolean", "object", "array", "file")
DEFINITION = "#/definitions/"
FIT = 0.5  # the share of fields an object must have in common with a schema to be read as it


@dataclass
class Schema:
    name: str
    enums: dict[str, list[str]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    fields: frozenset[str] = frozenset()
    example: Any = None
    objects: list[str] = field(default_factory=list)  # properties typed `object`, in order
    listed: list[tuple[str, str, str | None]] = field(default_factory=list)  # name, object above, enum

    def nest(self) -> list[Schema]:
        """The text lists an inline object's fields right after it (IntApp: `authentication: object`
        then `type: string redirect, post`): fields the example shows inside the object, not beside
        it, belong to a schema of that object (`IntApp.authentication`)."""
        example = self.example if isinstance(self.example, dict) else {}
        inner: dict[str, Schema] = {}
        for name, above, values in self.listed:
            holder = example.get(above) if above else None
            if isinstance(holder, dict) and name in holder and name not in example:
                sub = inner.setdefault(above, Schema(f"{self.name}.{above}", example=holder))  # type: ignore[arg-type]
                sub.fields |= {name}
                if values:
                    sub.enums[name] = values.split(", ")
                self.fields -= {name}
                self.enums.pop(name, None)
        for above, sub in inner.items():
            self.refs[above] = sub.name
            sub.fields |= set(sub.example)
        return list(inner.values())


def decode(lines: list[str], index: int) -> Any:
    """The JSON value starting on line `index` (its end is not marked: decode as far as it goes)."""
    return json.JSONDecoder().raw_decode("\n".join(lines[index : index + 3000]))[0]


def enum_of(spec: str) -> list[str] | None:
    """`string a, b, c` -> [a, b, c]; `string a, b c` -> [a, b] (the last word is the default)."""
    words = spec.split(" ", 1)
    if len(words) < 2 or "," not in words[1] or words[1].startswith("("):
        return None
    values = words[1].split(", ")
    values[-1] = values[-1].split(" ")[0]
    return values


def read_schemas(lines: list[str]) -> dict[str, Schema]:
    schemas: dict[str, Schema] = {}
    current: Schema | None = None
    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        blank_around = not lines[index - 1].strip() and not "".join(lines[index + 1 : index + 2]).strip()
        if heading and index > 0 and blank_around:
            current = schemas[heading[1]] = Schema(heading[1])
            continue
        if current is None:
            continue
        if line == "Example":
            current.example = decode(lines, index + 1)
            continue
        prop = PROPERTY.match(line)
        if not prop:
            continue
        name, spec = prop[1], prop[2].strip()
        values = None
        if re.fullmatch(r"[A-Z]\w*", spec):
            current.refs[name] = spec
        elif spec.split(" ")[0].rstrip("[]") in TYPES:
            values = enum_of(spec)
            if values:
                current.enums[name] = values
        else:
            continue  # a description paragraph that happens to contain a colon
        current.fields |= {name}
        above = current.objects[-1] if current.objects else None
        current.listed.append((name, above, ", ".join(values) if values else None))
        if spec == "object":
            current.objects.append(name)
    for schema in list(schemas.values()):
        if isinstance(schema.example, dict):
            schema.fields |= set(schema.example)
        schemas.update({sub.name: sub for sub in schema.nest()})
    return schemas


def resolve(value: Any, schemas: dict[str, Schema], seen: frozenset[str] = frozenset()) -> Any:
    if isinstance(value, str) and value.startswith(DEFINITION):
        name = value[len(DEFINITION) :]
        schema = schemas.get(name)
        if schema is None or schema.example is None or name in seen:
            return "object"
        return resolve(schema.example, schemas, seen | {name})
    if isinstance(value, dict):
        return {key: resolve(item, schemas, seen) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, schemas, seen) for item in value]
    return value


class FieldTable:
    """The enums of an example's fields, by path (`state.type`, `items[].type`, `[].status`)."""

    def __init__(self, schemas: dict[str, Schema]) -> None:
        self.schemas = schemas

    def of(self, example: Any) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        self._walk(example, None, "", found)
        return found

    def _walk(self, value: Any, hint: str | None, path: str, found: dict[str, list[str]]) -> None:
        if isinstance(value, list):
            for item in value[:1]:
                self._walk(item, hint, f"{path}[]", found)
            return
        if not isinstance(value, dict):
            return
        fitting = self.fitting(frozenset(value), hint)
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            values: list[str] = []
            for schema in fitting:
                values += [v for v in schema.enums.get(key, []) if v not in values]
            if values:
                found[where] = values
            refs = [s.refs[key] for s in fitting if key in s.refs]
            self._walk(item, refs[0] if refs else None, where, found)

    def fitting(self, keys: frozenset[str], hint: str | None) -> list[Schema]:
        named = self.schemas.get(hint or "")
        if named is not None and share(keys, named.fields) >= FIT:
            return [named]
        scored = [(share(keys, s.fields), s) for s in self.schemas.values() if s.fields and "." not in s.name]
        best = max((score for score, _ in scored), default=0.0)
        return [s for score, s in scored if score == best] if best >= FIT else []


def share(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def parse(text: str) -> list[dict[str, Any]]:
    lines = text.split("\n")
    stop = lines.index("Schema Definitions")
    schemas = read_schemas(lines[stop + 1 :])
    table = FieldTable(schemas)
    starts = [i for i, line in enumerate(lines[:stop]) if METHOD.match(line)]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else stop
        method, path = METHOD.match(lines[start]).groups()  # type: ignore[union-attr]
        if (method, path) in found:
            continue  # the reference repeats 21 blocks byte for byte
        request: Any = None
        examples: list[tuple[int, int, Any]] = []
        for index in range(start, end):
            if lines[index] == "Request Example":
                request = resolve(decode(lines, index + 1), schemas)
            example = EXAMPLE.match(lines[index])
            if example:
                examples.append((int(example[1]), index + 1, resolve(decode(lines, index + 1), schemas)))
        if not examples:
            continue
        status, line, example = min(examples)
        found[(method, path)] = {
            "method": method,
            "path": path,
            "status": status,
            "line": line,
            "example": example,
            "enums": table.of(example),
            "request_enums": table.of(request),
        }
    return list(found.values())


EXTRACT = Extract(Path(__file__).with_suffix(".json"), "003_cd8b5ca7f1e1be08.txt", parse)
load = EXTRACT.load

if __name__ == "__main__":
    EXTRACT.main(sys.argv[1:])
