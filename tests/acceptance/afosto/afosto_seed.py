"""A small, independent reader of the Afosto API reference (the rendered swagger text).

It extracts, per documented `METHOD /path` block: the success status(es), the request example, the
success response example and its top-level shape, the documented success response headers, the
parameters, and which error statuses show the envelope wrapped in a JSON array. `"#/definitions/X"`
strings are resolved from the "Schema Definitions" section far enough to know a shape.

The reference text is not part of the repository, so the walk reads `afosto_endpoints.json`, which
`python tests/acceptance/afosto/afosto_seed.py SEED` writes; a test regenerates it when the reference
is present next to the repository and fails when it is stale.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ENDPOINTS = HERE / "afosto_endpoints.json"
SEED_NAME = "003_cd8b5ca7f1e1be08.txt"
SEED_CANDIDATES = (HERE.parents[2].parent / "shared" / "seeds" / SEED_NAME,)

PATTERN = {
    name: re.compile(text)
    for name, text in {
        "method": r"^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)$",
        "status": r"^(\d{3}) [A-Z][A-Za-z ]*$",
        "example": r"^Response Example \((\d{3})[^)]*\)$",
        "headers": r"^Response Headers \((\d{3})[^)]*\)$",
        "param": r"^([A-Za-z_][\w.\-\[\]]*): (.+)$",
        "in": r"^in (header|query|path|formData)$",
        "header name": r"^[A-Za-z][A-Za-z0-9-]*$",
        "schema": r"^([A-Z]\w*):( object| array)?$",
    }.items()
}
DEFINITION = "#/definitions/"


def _decode(text: str, lines: list[str], index: int) -> Any:
    """The JSON value starting on line `index` (its end is not marked, so decode greedily)."""
    rest = "\n".join(lines[index : index + 4000])
    value, _ = json.JSONDecoder().raw_decode(rest)
    return value


def _schemas(lines: list[str]) -> dict[str, Any]:
    """Schema name -> its example, from the trailing "Schema Definitions" section."""
    start = lines.index("Schema Definitions")
    found: dict[str, Any] = {}
    name: str | None = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        head = PATTERN["schema"].match(line)
        if head and (i == 0 or lines[i - 1] == "") and (i + 1 < len(lines) and lines[i + 1] == ""):
            name = head.group(1)
        elif line == "Example" and name is not None:
            found[name] = _decode("", lines, i + 1)
            name = None
    return found


def _resolve(value: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    if isinstance(value, str) and value.startswith(DEFINITION):
        name = value[len(DEFINITION) :]
        if name in seen or name not in schemas:
            return "object"
        return _resolve(schemas[name], schemas, seen | {name})
    if isinstance(value, dict):
        return {key: _resolve(item, schemas, seen) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, schemas, seen) for item in value]
    return value


def _spec(text: str) -> dict[str, Any]:
    """`string 1, 0 0` -> type, enum, default (a lone trailing word is read as a default)."""
    parts = text.split(" ", 1)
    spec: dict[str, Any] = {"type": parts[0]}
    rest = parts[1] if len(parts) > 1 else ""
    if rest.startswith("("):
        fmt, _, rest = rest[1:].partition(")")
        spec["format"] = fmt
        rest = rest.strip()
    if "," in rest:
        values = [v.strip() for v in rest.split(",")]
        last = values[-1].split(" ")
        if len(last) == 2:
            values[-1] = last[0]
            spec["default"] = last[1]
        spec["enum"] = values
    elif rest:
        spec["default"] = rest
    return spec


def shape(example: Any) -> dict[str, Any]:
    """The top-level shape of an example: JSON type, and keys of an object or of an array's items."""
    if isinstance(example, dict):
        return {"type": "object", "keys": sorted(example)}
    if isinstance(example, list):
        first = example[0] if example else None
        keys = sorted(first) if isinstance(first, dict) else []
        return {"type": "array", "keys": keys}
    if example == "file":
        return {"type": "binary", "keys": []}
    if example == "object":
        return {"type": "any", "keys": []}
    return {"type": "scalar", "keys": []}


def _block(lines: list[str], start: int, end: int, schemas: dict[str, Any]) -> dict[str, Any]:
    method, path = PATTERN["method"].match(lines[start]).groups()  # type: ignore[union-attr]
    title = next(lines[i] for i in range(start - 1, 0, -1) if lines[i].strip())
    params: list[dict[str, Any]] = []
    statuses: list[int] = []
    request: Any = None
    has_request = False
    examples: dict[int, Any] = {}
    headers: dict[int, list[str]] = {}
    i = start + 1
    while i < end:
        line = lines[i]
        param = PATTERN["param"].match(line)
        if param and i + 1 < end and PATTERN["in"].match(lines[i + 1]):
            where = PATTERN["in"].match(lines[i + 1]).group(1)  # type: ignore[union-attr]
            params.append({"name": param.group(1), "in": where, **_spec(param.group(2))})
            i += 2
            continue
        if line == "Request Example":
            request, has_request = _resolve(_decode("", lines, i + 1), schemas), True
        elif PATTERN["status"].match(line) and i + 2 < end and lines[i + 1] == "":
            statuses.append(int(line[:3]))
        elif PATTERN["example"].match(line):
            code = int(PATTERN["example"].match(line).group(1))  # type: ignore[union-attr]
            examples[code] = _resolve(_decode("", lines, i + 1), schemas)
        elif PATTERN["headers"].match(line):
            code = int(PATTERN["headers"].match(line).group(1))  # type: ignore[union-attr]
            words = [w for w in lines[i + 1 : i + 40] if w.strip()]
            names: list[str] = []
            for n in range(0, len(words) - 2, 3):
                name, kind = words[n], words[n + 2]
                if not PATTERN["header name"].match(name) or kind.split(" ")[0] not in {"string", "integer"}:
                    break
                names.append(name.lower())
            headers[code] = names
        i += 1
    documented = sorted({s for s in statuses if s < 400} | {c for c in examples if c < 400})
    lined = [s for s in statuses if s < 400]
    if lined == [302] and 200 in examples:
        success = 200  # "302 Found" beside a 200 example: the example decides
    elif lined:
        success = lined[0]
    else:
        success = min(c for c in examples if c < 400)
    example = examples.get(success)
    wrapped = sorted(c for c, e in examples.items() if c >= 400 and isinstance(e, list))
    return {
        "method": method,
        "path": path,
        "title": title,
        "success": success,
        "successes": documented,
        "params": params,
        "has_request": has_request,
        "request": request,
        "shape": shape(example) if success != 204 and example is not None else {"type": "none", "keys": []},
        "headers": headers.get(success, []),
        "wrapped_errors": wrapped,
    }


def parse(text: str) -> list[dict[str, Any]]:
    """Every unique documented endpoint, in file order."""
    lines = text.split("\n")
    schemas = _schemas(lines)
    starts = [i for i, line in enumerate(lines) if PATTERN["method"].match(line)]
    stop = lines.index("Schema Definitions")
    endpoints: dict[tuple[str, str], dict[str, Any]] = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] - 1 if n + 1 < len(starts) else stop
        entry = _block(lines, start, end, schemas)
        endpoints.setdefault((entry["method"], entry["path"]), entry)
    return list(endpoints.values())


def dump(endpoints: list[dict[str, Any]]) -> str:
    """One endpoint per line, so a change to the reference reads as a small diff."""
    rows = ",\n".join(json.dumps(e, sort_keys=True, separators=(",", ":")) for e in endpoints)
    return "[\n" + rows + "\n]\n"


def seed_path() -> Path | None:
    return next((p for p in SEED_CANDIDATES if p.is_file()), None)


def load() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(ENDPOINTS.read_text(encoding="utf-8"))
    return data


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else seed_path()
    if source is None:
        raise SystemExit(f"usage: afosto_seed.py {SEED_NAME}")
    ENDPOINTS.write_text(dump(parse(source.read_text(encoding="utf-8"))), encoding="utf-8")
