"""Compile the Afosto API reference (a rendered swagger text) into the catalog the engine serves.

A build-time tool, not part of the installed package: the provider only loads what it writes. Run
`python tools/compile_afosto_catalog.py [SEED] [OUT]` from the repository root. Without arguments
it reads the seed from ../shared/seeds/ next to the repository and writes the provider's package
data, mockpost/providers/afosto/data/catalog.json.gz. The output is deterministic (sorted keys,
fixed gzip mtime), so a test can recompile and compare bytes.

The text's layout (see docs/afosto.md): a block per endpoint — title, `METHOD /path`, description,
parameters (`name: spec` then `in <location>` on the very next line), `Request Example` + JSON,
status lines, `Response Example (NNN ...)` + JSON, `Response Headers (NNN ...)` as name/description/
type triples — then a trailing "Schema Definitions" section whose examples resolve the
`"#/definitions/Name"` strings found inside endpoint examples.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

METHOD_LINE = re.compile(r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)$")
LOCATION_LINE = re.compile(r"^in (header|query|path|formData)$")
PARAM_LINE = re.compile(r"^([A-Za-z_][\w.\-\[\]]*): (.+)$")
STATUS_LINE = re.compile(r"^([1-5]\d\d) ([A-Z][A-Za-z \-']+)$")
EXAMPLE_LINE = re.compile(r"^Response Example \((\d{3})[^)]*\)$")
HEADERS_LINE = re.compile(r"^Response Headers \((\d{3})[^)]*\)$")
SCHEMA_HEADING = re.compile(r"^([A-Z][A-Za-z0-9_]*):(?: (object|array))?$")
SCHEMA_PROPERTY = re.compile(r"^([A-Za-z_][\w\-]*): (.+)$")
DEFINITION_REF = re.compile(r"^#/definitions/([A-Za-z0-9_]+)$")
SPEC = re.compile(r"^(?P<type>[a-z]+(?:\[\])?)(?: \((?P<format>[^)]+)\))?(?: (?P<rest>.+))?$")
SCHEMA_REF = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
SCHEMA_TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array", "file"})
SCHEMA_SECTION = "Schema Definitions"
SCOPES_START = "scopes"

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEED = REPO_ROOT / ".." / "shared" / "seeds" / "003_cd8b5ca7f1e1be08.txt"
DEFAULT_OUT = REPO_ROOT / "mockpost" / "providers" / "afosto" / "data" / "catalog.json.gz"
_decoder = json.JSONDecoder()


class Lines(list[str]):
    """The document's lines, plus the joined text so a JSON example decodes in place (no copies)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)
        self.text = "\n".join(lines)
        self.offsets = [0]
        for line in lines:
            self.offsets.append(self.offsets[-1] + len(line) + 1)


def decode_json_at(lines: list[str], start: int) -> tuple[Any, int]:
    """The JSON value starting at `lines[start]`, and the index of the first line after it."""
    if not isinstance(lines, Lines):
        lines = Lines(lines[start:])
        value, start_after = decode_json_at(lines, 0)
        return value, start + start_after
    value, end = _decoder.raw_decode(lines.text, lines.offsets[start])
    return value, bisect.bisect_right(lines.offsets, end)


def parse_spec(spec: str) -> dict[str, Any]:
    """`integer 25`, `string 1, 0 0`, `string (uuid)`: type, format, enum and default.

    A single trailing word is a default (the text cannot tell a one-value enum from a default);
    a comma list is an enum, optionally followed by a space and the default.
    """
    match = SPEC.match(spec.strip())
    if not match:
        return {"type": "string", "raw": spec}
    out: dict[str, Any] = {"type": match["type"]}
    if match["format"]:
        out["format"] = match["format"]
    rest = match["rest"]
    if rest:
        if ", " in rest:
            values = rest.split(", ")
            last, _, default = values[-1].partition(" ")
            values[-1] = last
            out["enum"] = values
            if default:
                out["default"] = default
        else:
            out["default"] = rest
    return out


def split_sections(lines: list[str]) -> tuple[list[str], list[str]]:
    for index, line in enumerate(lines):
        if line == SCHEMA_SECTION:
            return lines[:index], lines[index + 1 :]
    return lines, []


def parse_scopes(lines: list[str]) -> dict[str, str]:
    """The global OAuth2 scheme's scope list: `name`, blank, `description`, until the first tag."""
    scopes: dict[str, str] = {}
    try:
        index = lines.index(SCOPES_START) + 1
    except ValueError:
        return scopes
    while index < len(lines):
        name = lines[index].strip()
        if not name:
            index += 1
            continue
        if not re.fullmatch(r"[a-z]+(:[a-z0-9]+:[a-z]+)?", name) or index + 2 >= len(lines):
            break
        scopes[name] = lines[index + 2].strip()
        index += 3
    return scopes


def parse_endpoints(lines: list[str]) -> list[dict[str, Any]]:
    starts = [i for i, line in enumerate(lines) if METHOD_LINE.match(line)]
    endpoints = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        title_index = start - 1
        while title_index > 0 and not lines[title_index].strip():
            title_index -= 1
        # The next block's title (and any tag heading) sits before its METHOD line; the section
        # parsers below stop at anything they do not recognise, so the tail is ignored safely.
        endpoints.append(parse_block(lines, start, end, lines[title_index].strip()))
    return endpoints


def parse_block(lines: list[str], start: int, end: int, title: str) -> dict[str, Any]:
    match = METHOD_LINE.match(lines[start])
    assert match is not None
    method, path = match.groups()
    entry: dict[str, Any] = {
        "method": method,
        "path": path,
        "title": title,
        "description": "",
        "parameters": [],
        "request": None,
        "statuses": {},
        "examples": {},
        "headers": {},
        "content_types": {},
        "line": start + 1,
    }
    index = start + 1
    while index < end and not lines[index].strip():
        index += 1
    starts_with_parameter = index + 1 < end and LOCATION_LINE.match(lines[index + 1])
    if index < end and not starts_with_parameter and not lines[index].startswith("Request Example"):
        entry["description"] = lines[index].strip()
        index += 1
    pending_status: str | None = None
    while index < end:
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
            continue
        param = PARAM_LINE.match(line)
        if param and index + 1 < end and LOCATION_LINE.match(lines[index + 1]):
            location = LOCATION_LINE.match(lines[index + 1])
            assert location is not None
            description = lines[index + 3].strip() if index + 3 < end else ""
            spec = parse_spec(param[2])
            entry["parameters"].append(
                {
                    "name": param[1],
                    "in": location[1],
                    **spec,
                    "description": "" if description == "(no description)" else description,
                }
            )
            index += 4
            continue
        if stripped == "Request Example":
            entry["request"], index = decode_json_at(lines, index + 1)
            continue
        example = EXAMPLE_LINE.match(stripped)
        if example:
            entry["examples"][example[1]], index = decode_json_at(lines, index + 1)
            continue
        headers = HEADERS_LINE.match(stripped)
        if headers:
            entry["headers"][headers[1]], index = parse_header_triples(lines, index + 1, end)
            continue
        if stripped.startswith(("Request Content-Types:", "Response Content-Types:")):
            kind, _, value = stripped.partition(":")
            entry["content_types"][kind.split()[0].lower()] = [v.strip() for v in value.split(",")]
            index += 1
            continue
        status = STATUS_LINE.match(stripped)
        if status:
            pending_status = status[1]
            index += 1
            while index < end and not lines[index].strip():
                index += 1
            description = lines[index].strip() if index < end else ""
            if STATUS_LINE.match(description) or description.startswith("Response Example"):
                description = ""
            else:
                index += 1
            entry["statuses"][pending_status] = description
            continue
        index += 1
    entry["success"] = success_status(entry)
    return entry


def parse_header_triples(lines: list[str], index: int, end: int) -> tuple[list[dict[str, str]], int]:
    found = []
    while index < end:
        words: list[tuple[int, str]] = []
        probe = index
        while probe < end and len(words) < 3:
            if lines[probe].strip():
                words.append((probe, lines[probe].strip()))
            probe += 1
        if len(words) < 3 or not re.fullmatch(r"[A-Za-z]+(-[A-Za-z]+)+", words[0][1]):
            break
        if words[0][1].startswith(("Response", "Request")):
            break
        name, description, kind = (w for _, w in words)
        found.append(
            {"name": name, "description": "" if description == "undefined" else description, "type": kind}
        )
        index = words[2][0] + 1
    return found, index


def success_status(entry: dict[str, Any]) -> int:
    """The documented success code: the lowest 2xx status line, else the 2xx example's code.

    `302` alone with a 200 example (sla numbers) is a copy-paste error in the text: answer 200.
    """
    lines = sorted(int(code) for code in entry["statuses"] if code.startswith("2"))
    if lines:
        return lines[0]
    examples = sorted(int(code) for code in entry["examples"] if code.startswith("2"))
    return examples[0] if examples else 200


def parse_schemas(lines: list[str]) -> dict[str, dict[str, Any]]:
    schemas: dict[str, dict[str, Any]] = {}
    index = 0
    current: dict[str, Any] | None = None
    while index < len(lines):
        line = lines[index].strip()
        heading = SCHEMA_HEADING.match(line)
        blank_before = index == 0 or not lines[index - 1].strip()
        blank_after = index + 1 >= len(lines) or not lines[index + 1].strip()
        if heading and blank_before and blank_after:
            current = schemas[heading[1]] = {"properties": {}, "listed": [], "example": None}
            index += 1
            continue
        if current is not None and line == "Example":
            current["example"], index = decode_json_at(lines, index + 1)
            continue
        prop = SCHEMA_PROPERTY.match(line)
        if current is not None and prop:
            text = prop[2].strip()
            if SCHEMA_REF.match(text):  # `state: OdrOrderState`: the field is that schema
                current["listed"].append((prop[1], {"ref": text}))
            elif text.split(" ")[0].removesuffix("[]") in SCHEMA_TYPES:  # not a description's colon
                spec = parse_spec(text)
                kept = {k: v for k, v in spec.items() if k in ("type", "format", "enum", "default")}
                current["listed"].append((prop[1], kept))
        index += 1
    for name, schema in list(schemas.items()):
        schemas.update(place_properties(name, schema))
    return schemas


def place_properties(name: str, schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A schema's listed properties, each on the object it belongs to.

    The text lists an inline object's own fields right after it (IntApp: `authentication: object`,
    then `type: string redirect, post` and `schema: string`, the fields of `authentication` in its
    example). Such fields become a schema of their own, `IntApp.authentication`, that the object's
    property names; the new schemas are returned.
    """
    listed = schema.pop("listed")
    example = schema["example"] if isinstance(schema["example"], dict) else {}
    owner = ""  # the inline object whose fields may follow
    inner: dict[str, dict[str, Any]] = {}
    for prop, spec in listed:
        nested = example.get(owner) if owner else None
        placed = prop in schema["properties"]
        if isinstance(nested, dict) and prop in nested and (prop not in example or placed):
            inner.setdefault(owner, {})[prop] = spec
            continue
        schema["properties"][prop] = spec
        owner = prop if spec.get("type") == "object" and isinstance(example.get(prop), dict) else ""
    made = {}
    for field, properties in inner.items():
        made[f"{name}.{field}"] = {"properties": properties, "example": example[field]}
        schema["properties"][field] = {"ref": f"{name}.{field}"}
    return made


def resolve(value: Any, schemas: dict[str, dict[str, Any]], seen: tuple[str, ...] = ()) -> Any:
    """Replace `"#/definitions/Name"` strings with that schema's example (cycles stay `"object"`)."""
    if isinstance(value, dict):
        return {key: resolve(item, schemas, seen) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, schemas, seen) for item in value]
    if isinstance(value, str):
        ref = DEFINITION_REF.match(value)
        if ref:
            name = ref[1]
            schema = schemas.get(name)
            if schema is None or name in seen or schema["example"] is None:
                return "object"
            return resolve(schema["example"], schemas, (*seen, name))
    return value


class FieldTables:
    """What the reference says about the fields of its examples, beyond their placeholders.

    Enums live only in the schema section (`type: string cart, order, backorder, wishlist`), while
    most endpoint examples are inline copies, not references. Each object of an example is read as
    the schema its parent property names (`state: OdrOrderState`) when their fields fit, else as the
    schema whose fields fit it best (at least half in common; ties keep every tied schema's values).
    An example's enums are listed by the path of their field (`[["state", "type"], [values]]`, `"[]"`
    steps into a list); a documented default comes first, as the engine generates the first value.
    A field name's format is the one its examples give it most often, where they give it one in at
    least a quarter of its occurrences (`version` is `string (uuid)` in 15 of 50), so a plain
    `string` of that name is generated in that format too.
    """

    FIT = 0.5

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self.schemas = schemas
        self.fields = {
            name: frozenset(schema["properties"])
            | frozenset(schema["example"] if isinstance(schema["example"], dict) else ())
            for name, schema in schemas.items()
        }
        self.formats: dict[str, Counter[str]] = {}

    def enums(self, example: Any) -> list[list[Any]]:
        """`[[path, values], ...]` for the example's fields that have a documented enum."""
        found: list[list[Any]] = []
        self._read(example, None, [], found)
        return found

    def _read(self, value: Any, hint: str | None, path: list[str], found: list[list[Any]]) -> None:
        if isinstance(value, list):
            for item in value[:1]:
                self._read(item, hint, [*path, "[]"], found)
            return
        if not isinstance(value, dict):
            return
        fitting = self.fitting(frozenset(value), hint)
        for key, item in value.items():
            values: list[str] = []
            for name in fitting:
                spec = self.schemas[name]["properties"].get(key, {})
                if spec.get("default") in spec.get("enum", ()):
                    values.insert(0, spec["default"])
                values += [v for v in spec.get("enum", ()) if v not in values]
            if values:
                found.append([[*path, key], values])
            if isinstance(item, str) and item.startswith("string"):
                self.formats.setdefault(key, Counter())[item] += 1
            refs = [self.schemas[n]["properties"].get(key, {}).get("ref") for n in fitting]
            self._read(item, next((r for r in refs if r), None), [*path, key], found)

    def fitting(self, keys: frozenset[str], hint: str | None) -> list[str]:
        if hint in self.fields and share(keys, self.fields[hint]) >= self.FIT:
            return [hint]
        # a schema of an inline object (`IntApp.authentication`) is that object's only, never a best fit
        scores = {n: share(keys, fields) for n, fields in self.fields.items() if fields and "." not in n}
        best = max(scores.values(), default=0.0)
        return [name for name, score in scores.items() if score == best] if best >= self.FIT else []

    def named_formats(self) -> dict[str, str]:
        formats = {}
        for name, seen in self.formats.items():
            given = [(n, f) for f, n in seen.items() if f.startswith("string (") and f != "string (string)"]
            if given and 4 * max(given)[0] >= seen.total():
                formats[name] = max(given)[1]
        return formats


def share(a: frozenset[str], b: frozenset[str]) -> float:
    """How much two sets of field names have in common (0 to 1)."""
    return len(a & b) / len(a | b) if a or b else 0.0


def compile_catalog(text: str) -> dict[str, Any]:
    lines = text.splitlines()
    head, tail = split_sections(lines)
    endpoint_lines, schema_lines = Lines(head), Lines(tail)
    schemas = parse_schemas(schema_lines)
    entries = parse_endpoints(endpoint_lines)
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    endpoints = []
    duplicates = []
    for entry in entries:
        key = (entry["method"], entry["path"])
        if key in seen:
            duplicates.append({"method": entry["method"], "path": entry["path"], "line": entry["line"]})
            continue
        entry["request"] = resolve(entry["request"], schemas)
        entry["examples"] = {code: resolve(body, schemas) for code, body in entry["examples"].items()}
        seen[key] = entry
        endpoints.append(entry)
    tables = FieldTables(schemas)
    for entry in endpoints:
        tables.enums(entry["request"])  # its formats count too
        answers = {code: body for code, body in entry["examples"].items() if code.startswith("2")}
        entry["enums"] = {code: found for code, body in answers.items() if (found := tables.enums(body))}
    return {
        "title": lines[0].strip(),
        "blocks": len(entries),
        "duplicates": duplicates,
        "schema_count": sum("." not in name for name in schemas),  # the definitions, not their inline objects
        "scopes": parse_scopes(endpoint_lines),
        "formats": tables.named_formats(),
        "endpoints": endpoints,
    }


def serialise(catalog: dict[str, Any]) -> bytes:
    raw = json.dumps(catalog, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return gzip.compress(raw, compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    seed = Path(args[0]) if args else DEFAULT_SEED
    out = Path(args[1]) if len(args) > 1 else DEFAULT_OUT
    catalog = compile_catalog(seed.read_text(encoding="utf-8"))
    data = serialise(catalog)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(
        f"{len(catalog['endpoints'])} endpoints ({catalog['blocks']} blocks, "
        f"{len(catalog['duplicates'])} duplicates), {len(catalog['scopes'])} scopes, "
        f"{catalog['schema_count']} schemas -> {out} ({len(data)} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
