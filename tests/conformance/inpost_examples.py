"""The InPost ShipX Organization page's samples, with the attribute tables that govern them.

The page is a rendered version comparison: each attribute row reads name, then its type (`integer`,
`string`, `datetime`, `Array[String]`, `Address`), then the type once more in the other version, then
the description, each on a line of its own. `SAMPLES` names each sample by the line its JSON starts
on and the operation that produces it; this reader takes the JSON (the list sample elides lines with
`... omitted for brevity ...`: the repairs applied are recorded) and the tables' rows as
`[line, field, type]`. `inpost_examples.json` is its output; a test regenerates it whenever the page
sits next to the checkout. Run `python tests/conformance/inpost_examples.py [SEED]` to rewrite it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from samples import Extract, decode, json_lines

TYPE = re.compile(r"^(integer|string|datetime|Array\[String\]|Address)")
NAME = re.compile(r"^([a-z_0-9]+)\s*$")
GLUED = re.compile(r"^([a-z_]+?)(integer|string|datetime)[A-Z]")  # `hrefstringAbsolute URL ...`
ORGANIZATION, ADDRESS = (52, 134), (138, 216)  # the two tables: header line, the line after the last row

SAMPLES = [
    ("Organization resource", "organization", 226, {"": ORGANIZATION, "address": ADDRESS}),
    ("GET /v1/organizations", "organizations", 333, {"items": ORGANIZATION}),
    ("GET /v1/organizations/:organization_id/statistics", "statistics", 379, {}),
    ("GET /v1/organizations/:id", "organization", 393, {"": ORGANIZATION, "address": ADDRESS}),
    ("Organization statistics", "statistics", 507, {}),
]


def table(lines: list[str], bounds: tuple[int, int]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    numbers = [n for n in range(bounds[0] + 1, bounds[1]) if lines[n - 1].strip()]
    for index, number in enumerate(numbers):
        glued = GLUED.match(lines[number - 1])
        if glued:
            rows.append([number, glued[1], glued[2]])
            continue
        name = NAME.match(lines[number - 1])
        following = lines[numbers[index + 1] - 1] if index + 1 < len(numbers) else ""
        kind = TYPE.match(following)
        if name and kind:
            rows.append([number, name[1], kind[1]])
    return rows


def parse(text: str) -> list[dict[str, Any]]:
    lines = text.split("\n")
    found = []
    for name, operation, line, tables in SAMPLES:
        raw = json_lines(lines, line - 1)
        example, repairs = decode(raw)
        entry = {"name": name, "operation": operation, "line": line, "raw": raw}
        entry.update(json=example, repairs=repairs, tables={k: table(lines, v) for k, v in tables.items()})
        found.append(entry)
    return found


EXTRACT = Extract(Path(__file__).with_suffix(".json"), "004_c2f370215c588bc9.txt", parse)
load = EXTRACT.load

if __name__ == "__main__":
    EXTRACT.main(sys.argv[1:])
