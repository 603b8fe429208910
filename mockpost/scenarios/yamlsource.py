"""Reading scenario YAML while remembering where every value came from.

A `yaml.SafeLoader` subclass builds ordinary dicts and lists, but records the line of every key
and item, so a validation error deep in a step can name the line the user has to fix. It also
knows the scenario tags: matchers (`!uuid`, `!regex ...`) and file helpers (`!base64 FILE`,
`!filesize FILE`, `!text FILE`, `!file FILE`) resolved below the scenario's folder (see `files`).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mockpost.scenarios import matchers
from mockpost.scenarios.files import FileRefused, scenario_file

Location = tuple[str | int, ...]
FILE_TAGS = ("!base64", "!filesize", "!text", "!file")


class ScenarioError(Exception):
    """A scenario that cannot be used; each problem names the file, the line and what was expected."""

    def __init__(self, file: str, line: int | None, problem: str) -> None:
        self.file = file
        self.problems: list[tuple[int | None, str]] = [(line, problem)]
        super().__init__(file)

    @classmethod
    def several(cls, file: str, problems: list[tuple[int | None, str]]) -> ScenarioError:
        error = cls(file, problems[0][0], problems[0][1])
        error.problems = list(problems)
        return error

    @property
    def line(self) -> int | None:
        return self.problems[0][0]

    @property
    def problem(self) -> str:
        return self.problems[0][1]

    def __str__(self) -> str:
        return "\n".join(
            f"{self.file}:{line}: {problem}" if line is not None else f"{self.file}: {problem}"
            for line, problem in self.problems
        )


class ScenarioSyntaxError(ScenarioError):
    """The text is not YAML at all (or nests beyond reason), before any schema question."""


class LineDict(dict[Any, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


Problem = tuple[int | None, str]  # (line, what is wrong there)
# How to write a {{ variable }} where YAML would read "{{" as the start of a mapping.
QUOTE_PLACEHOLDER_HINT = (
    '; quote a {{ variable }} that starts a value or sits inside {...}, e.g. {path: "/campaigns/{{ id }}"}'
)


@dataclass
class Document:
    """A parsed scenario file: the data, the map back to its lines, and the problems met while
    reading it (a value that could not be read is None in `data`, so the rest is still checked)."""

    path: Path
    data: Any
    files_root: Path | None = None  # the folder its files are read from; None: it reads none
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, location: Location) -> int | None:
        """The line of the deepest node of `location` that exists in the source."""
        node, line = self.data, getattr(self.data, "line", None)
        for part in location:
            if isinstance(node, LineDict) and part in node:
                line = node.key_lines.get(part, line)
                node = node[part]
            elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
                line = node.item_lines[part]
                node = node[part]
            else:
                break
        return line


class _RecordingLoader(yaml.SafeLoader):
    """Records a value it cannot read (an unknown tag, a bad matcher, a duplicate key) and goes
    on with None in its place, so every problem of the file is reported at once."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.problems: list[Problem] = []

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        deep_before = self.deep_construct
        try:
            return super().construct_object(node, deep)
        except ScenarioError as exc:
            self.recursive_objects.pop(node, None)  # left behind by the interrupted call
            self.deep_construct = deep_before
            self.problems.extend(exc.problems)
            self.constructed_objects[node] = None
            return None


def _loader_for(path: Path, files_root: Path | None, tags: bool = True) -> type[_RecordingLoader]:
    """A loader class bound to one file, so file tags resolve below its folder (none if None).
    Without `tags`, only YAML's own: a fixtures or accounts file."""

    class Loader(_RecordingLoader):
        pass

    def construct_mapping(loader: _RecordingLoader, node: yaml.MappingNode) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.MappingNode):  # `{{ name }}` read as a mapping
                problem = "YAML reads an unquoted {{ ... }} as a mapping" + QUOTE_PLACEHOLDER_HINT
                loader.problems.append((line, problem))
                continue
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                loader.problems.append((line, "a mapping key must be plain text"))
                continue
            if key in result:
                first = result.key_lines[key]
                loader.problems.append((line, f"duplicate key {key!r} (first at line {first})"))
                continue
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
        result = LineList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    # An unquoted 2030-03-04T09:00:00Z stays the text it is: scenario values are JSON, which has
    # no date type, and the API compares the text it sent.
    Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_written)
    if not tags:
        return Loader

    def file_bytes(loader: Any, node: yaml.Node) -> bytes:
        name = str(loader.construct_scalar(node))
        try:
            target = scenario_file(files_root, name)
        except FileRefused as exc:
            raise ScenarioError(str(path), node.start_mark.line + 1, f"{node.tag}: {exc}") from None
        try:
            return target.read_bytes()
        except OSError as exc:
            raise ScenarioError(
                str(path), node.start_mark.line + 1, f"cannot read {name!r} ({target}): {exc.strerror}"
            ) from None

    Loader.add_constructor("!base64", lambda ld, n: base64.b64encode(file_bytes(ld, n)).decode())
    Loader.add_constructor("!filesize", lambda ld, n: len(file_bytes(ld, n)))
    Loader.add_constructor("!text", lambda ld, n: file_bytes(ld, n).decode("utf-8"))
    Loader.add_constructor("!file", file_bytes)  # raw bytes, e.g. a body PUT to an upload URL

    for tag, build in matchers.TAGS.items():
        Loader.add_constructor(tag, _matcher_constructor(path, tag, build))

    def unknown_tag(loader: Any, suffix: str, node: yaml.Node) -> Any:
        raise ScenarioError(
            str(path),
            node.start_mark.line + 1,
            f"unknown tag '!{suffix}'; expected a matcher ({', '.join(matchers.TAGS)}) "
            f"or a file tag ({', '.join(FILE_TAGS)})",
        )

    Loader.add_multi_constructor("!", unknown_tag)  # the tags above take precedence
    return Loader


def _as_written(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


def _plain_scalar(loader: yaml.SafeLoader, raw: str) -> Any:
    """What an untagged plain scalar would be (`2` a number, `true` a boolean, `x` text)."""
    tag = loader.resolve(yaml.ScalarNode, raw, (True, False))
    return loader.construct_object(yaml.ScalarNode(tag, raw))


def _matcher_constructor(path: Path, tag: str, build: type[matchers.Matcher]) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            raw = str(loader.construct_scalar(node))
            if build.takes is str or node.style is not None or "{{" in raw:
                value: Any = raw  # quoted, a pattern or a {{ variable }}: text as written
            else:
                value = _plain_scalar(loader, raw) if raw != "" else None  # `!length 2` is the number 2
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        try:
            return build(value)
        except ValueError as exc:
            raise ScenarioError(str(path), node.start_mark.line + 1, f"{tag}: {exc}") from None

    return construct


# YAML lets a tag contain "," "]" "}", so `{id: !uuid, name: x}` would read the tag "!uuid,".
# A space after a bare tag keeps flow style working (lines are unchanged), and an unknown tag
# there (`{id: !uid}`) gets the unknown-tag message instead of a YAML syntax error.
_BARE_TAG_IN_FLOW = re.compile(r"(?<=[\s\[{,])(![A-Za-z][\w-]*)(?=[,\]}])")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'")  # quoted text on one line


def _space_bare_tags(text: str) -> str:
    """The text with a space after each bare tag in flow style, quoted text left as written."""
    out: list[str] = []
    for line in text.splitlines(keepends=True):
        if "!" not in line:
            out.append(line)
            continue
        position = 0
        for quoted in _QUOTED.finditer(line):
            out.append(_BARE_TAG_IN_FLOW.sub(r"\1 ", line[position : quoted.start()]))
            out.append(quoted.group())
            position = quoted.end()
        out.append(_BARE_TAG_IN_FLOW.sub(r"\1 ", line[position:]))
    return "".join(out)


def load_document(
    path: Path,
    text: str | None = None,
    files_root: Path | None = None,
    *,
    keep_going: bool = False,
    tags: bool = True,
) -> Document:
    """Parse a scenario file (or its given text); YAML syntax errors carry their line.

    A file read from disk reads its files below its own folder; a given text reads none, unless
    `files_root` names the folder it may read below. A value that cannot be read (an unknown tag,
    a duplicate key, a file it may not read) is a ScenarioError naming every one; with
    `keep_going`, they are the document's `problems` instead (None in their place), so the caller
    can check the rest too. `tags=False`: YAML's own tags only (a fixtures or accounts file)."""
    if text is None:
        files_root = path.parent
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ScenarioError(str(path), None, f"cannot read the file: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ScenarioError(str(path), None, "the file is not UTF-8 text") from None
    if tags:
        text = _space_bare_tags(text)
    loader = _loader_for(path, files_root, tags)(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        hint = _hint(text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else "")
        raise ScenarioSyntaxError(str(path), line, f"not valid YAML: {exc.problem}{hint}") from None
    except yaml.YAMLError as exc:
        raise ScenarioSyntaxError(str(path), None, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ScenarioSyntaxError(str(path), None, "the document nests too deeply") from None
    finally:
        loader.dispose()
    check_size(path, data)
    if loader.problems and not keep_going:
        raise ScenarioError.several(str(path), loader.problems)
    return Document(path, data, files_root, loader.problems)


def _hint(source_line: str) -> str:
    """The usual cause of a syntax error on this line, when it is a scenario habit."""
    if "{{" in source_line:
        return QUOTE_PLACEHOLDER_HINT
    if "$[" in source_line and "{" in source_line:
        return '; in a {...} mapping, quote a JSONPath with brackets: "$[0].id"'
    if re.search(r"![A-Za-z]+\s+![A-Za-z]", source_line):
        return "; a value has one tag (point at the item with jsonpath instead)"
    return ""


MAX_VALUES = 200_000  # far beyond any scenario; stops "billion laughs" anchors from expanding
MAX_DEPTH = 64


def check_size(path: Path, data: Any) -> None:
    """Refuse documents that nest or (through YAML anchors) expand beyond reason, before anything
    walks them recursively. Iterative, so hostile input cannot exhaust the stack."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise ScenarioSyntaxError(str(path), None, f"the document holds more than {MAX_VALUES} values")
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise ScenarioSyntaxError(str(path), None, f"the document nests more than {MAX_DEPTH} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
