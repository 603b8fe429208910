"""Samples printed in a reference text, read back as JSON: where a sample starts and ends, the repairs
that make a sample JSON when it is not as printed (each applied repair is recorded with it), and the
one-sample-per-line extract files the conformance tests read."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"  # next to the checkout


def seed_file(name: str) -> Path | None:
    """The reference text `name`: in $MOCKPOST_SEEDS when set, else in ../shared/seeds; None when absent."""
    folder = Path(os.environ["MOCKPOST_SEEDS"]) if os.environ.get("MOCKPOST_SEEDS") else SEEDS
    found = folder / name
    return found if found.is_file() else None


# Repairs of samples that are not JSON as printed, tried in order; each one applied is recorded.
def _fragment(text: str) -> str:
    """`"transaction" : {...}` is a member, not a value: the object it belongs to."""
    return "{" + text + "}" if text.lstrip().startswith('"') else text


def _bare_values(text: str) -> str:
    """`"track_url": https://...,` and `"parcel_no":  RRXXXXXXXXSE "`: the text, quoted."""
    pattern = re.compile(
        r'^(\s*"[^"]+"\s*:\s*)(?!true\b|false\b|null\b|-?\d)([^"\s{\[][^,"]*?)\s*"?\s*(,?)\s*$'
    )
    return "\n".join(pattern.sub(r'\1"\2"\3', line) for line in text.split("\n"))


def _missing_commas(text: str) -> str:
    """A member ending its line right before the next member's quoted name, without a comma."""
    return re.sub(r'("|\d|true|false|null|[}\]])(\s*\n\s*")', r"\1,\2", text)


def _trailing_commas(text: str) -> str:
    return re.sub(r",(\s*[}\]])", r"\1", text)


def _elisions(text: str) -> str:
    """`... other organization's attributes omitted for brevity ...`: lines the page left out."""
    return "\n".join(line for line in text.split("\n") if not re.match(r"^\s*\.\.\..*\.\.\.\s*,?\s*$", line))


REPAIRS: list[tuple[str, Callable[[str], str]]] = [
    ("non-breaking spaces read as spaces", lambda text: text.replace("\xa0", " ")),
    ("elided lines dropped", _elisions),
    ("a member, not a value: wrapped in an object", _fragment),
    ("unquoted text values quoted", _bare_values),
    ("missing commas between members added", _missing_commas),
    ("trailing commas removed", _trailing_commas),
]


def decode(raw: list[str]) -> tuple[Any, list[str]]:
    text = "\n".join(raw)
    repairs: list[str] = []
    for name, repair in [("", lambda t: t), *REPAIRS]:
        repaired = repair(text)
        if repaired != text:
            repairs.append(name)
            text = repaired
        try:
            return json.loads(text), repairs
        except ValueError:
            continue
    raise ValueError(f"cannot read the sample {raw[:2]}")


def json_lines(lines: list[str], start: int) -> list[str]:
    """The lines of the JSON value starting at `lines[start]`, by counting brackets."""
    depth, taken = 0, []
    for line in lines[start:]:
        taken.append(line)
        depth += sum(line.count(c) for c in "{[") - sum(line.count(c) for c in "}]")
        if depth <= 0 and any(c in line for c in "}]"):
            return taken
    raise ValueError(f"unbalanced sample at line {start + 1}")


def dump(samples: list[dict[str, Any]]) -> str:
    """One sample per line, so a change to the reference reads as a small diff."""
    rows = ",\n".join(
        json.dumps(s, sort_keys=True, ensure_ascii=False, separators=(",", ":")) for s in samples
    )
    return "[\n" + rows + "\n]\n"


class Extract:
    """A reader's output: the file the tests read, the reference text it is made from, and the reader."""

    def __init__(self, path: Path, seed_name: str, parse: Callable[[str], list[dict[str, Any]]]) -> None:
        self.path = path
        self.seed_name = seed_name
        self.parse = parse

    def load(self) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    def fresh(self) -> str | None:
        """What the reader makes of the reference text now; None when the text is not at hand."""
        seed = seed_file(self.seed_name)
        return dump(self.parse(seed.read_text(encoding="utf-8"))) if seed else None

    def main(self, argv: list[str]) -> None:
        """`python <reader>.py [SEED]`: write the extract again."""
        source = Path(argv[0]) if argv else seed_file(self.seed_name)
        if source is None:
            raise SystemExit(f"usage: {self.path.stem}.py {self.seed_name}")
        self.path.write_text(dump(self.parse(source.read_text(encoding="utf-8"))), encoding="utf-8")
