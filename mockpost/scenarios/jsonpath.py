"""A small JSONPath subset, enough to point into a response: `$`, `.key`, `['key']` (for keys such
as `$type`), `[N]` (negative from the end), the wildcard `[*]` / `.*`, and filters.

`$.envelopes[0].id` names one value; `$.items[*].id` names every id; a filter keeps the items of a
list (or the values of an object) for which it holds, following RFC 9535:

    $.items[?(@.status == 'posted')].id      $.items[?@.count >= 2 && @.kind != 'sms']
    $[?(@.error)]            (the key exists)  $[?(!@.error)]          (it does not)
    $.events[?(@.type == 'a' || (@.type == 'b' && @.final == true))]

Operands are `@...` (the item), `$...` (the whole document), text in single or double quotes,
numbers, `true`, `false`, `null`. Comparison is JSON's: `1` is not `true`, a missing key equals
only another missing key, `<` `<=` `>` `>=` compare numbers with numbers and text with text (any
other pair is false). No recursion (`..`): a scenario that needs more is clearer as two steps.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NoReturn

WILDCARD = "*"
_TOKEN = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*|\*)"""
    r"""|\[(?P<index>-?\d+)\]"""
    r"""|\[(?P<star>\*)\]"""
    r"""|\[(?P<quote>['"])(?P<key>(?:(?!(?P=quote)).)*)(?P=quote)\]"""
)
_FILTER_TOKEN = re.compile(
    r"""\s*(?:(?P<text>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    r"""|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"""
    r"""|(?P<placeholder>\{\{.*?\}\})"""
    r"""|(?P<word>true|false|null)\b"""
    r"""|(?P<path>[@$])"""
    r"""|(?P<op>==|!=|<=|>=|&&|\|\||[<>!()\]]))"""
)
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
_MISSING = object()  # a path that names nothing


class JSONPathError(ValueError):
    pass


# -- filter expressions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Literal:
    value: Any

    def value_in(self, item: Any, root: Any) -> Any:
        return self.value


@dataclass(frozen=True)
class SubPath:
    """`@.a.b` (from the item being filtered) or `$.a` (from the document): one value or none."""

    root: str
    parts: tuple[str | int, ...]

    def value_in(self, item: Any, root: Any) -> Any:
        found = _walk([item if self.root == "@" else root], self.parts, root)
        return found[0] if found else _MISSING


@dataclass(frozen=True)
class Exists:
    path: SubPath

    def holds(self, item: Any, root: Any) -> bool:
        return self.path.value_in(item, root) is not _MISSING


@dataclass(frozen=True)
class Compare:
    left: Literal | SubPath
    op: str
    right: Literal | SubPath

    def holds(self, item: Any, root: Any) -> bool:
        return compare(self.left.value_in(item, root), self.op, self.right.value_in(item, root))


@dataclass(frozen=True)
class Not:
    inner: Expression

    def holds(self, item: Any, root: Any) -> bool:
        return not self.inner.holds(item, root)


@dataclass(frozen=True)
class AllOf:
    items: tuple[Expression, ...]

    def holds(self, item: Any, root: Any) -> bool:
        return all(part.holds(item, root) for part in self.items)


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Expression, ...]

    def holds(self, item: Any, root: Any) -> bool:
        return any(part.holds(item, root) for part in self.items)


Expression = Exists | Compare | Not | AllOf | AnyOf


@dataclass(frozen=True)
class Filter:
    text: str
    expression: Expression


def compare(left: Any, op: str, right: Any) -> bool:
    """RFC 9535 comparison: JSON equality (types kept apart), order for number/number and
    text/text only; a missing value equals only a missing value."""
    if op in ("==", "!="):
        return _equal(left, right) == (op == "==")
    if op in ("<=", ">="):
        return _equal(left, right) or compare(left, op[0], right)
    if op == ">":
        left, right = right, left
    if _is_number(left) and _is_number(right):
        return bool(left < right)
    return isinstance(left, str) and isinstance(right, str) and left < right


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(left: Any, right: Any) -> bool:
    if left is _MISSING or right is _MISSING:
        return left is right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_equal, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_equal(left[k], right[k]) for k in left)
    return bool(left == right)


# -- paths ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class JSONPath:
    text: str
    parts: tuple[str | int | Filter, ...]

    @property
    def is_multiple(self) -> bool:
        """True when the path can name several values (it has a wildcard or a filter)."""
        return any(part == WILDCARD or isinstance(part, Filter) for part in self.parts)

    def find(self, document: Any) -> list[Any]:
        """Every value the path names in the document (empty when it names none)."""
        return _walk([document], self.parts, document)


def _walk(current: list[Any], parts: tuple[str | int | Filter, ...], root: Any) -> list[Any]:
    for part in parts:
        following: list[Any] = []
        for node in current:
            if part == WILDCARD or isinstance(part, Filter):
                children = _children(node)
                if isinstance(part, Filter):
                    children = [child for child in children if part.expression.holds(child, root)]
                following.extend(children)
            elif isinstance(part, int):
                if isinstance(node, list) and -len(node) <= part < len(node):
                    following.append(node[part])
            elif isinstance(node, dict) and part in node:
                following.append(node[part])
        current = following
    return current


def _children(node: Any) -> list[Any]:
    if isinstance(node, list):
        return node
    return list(node.values()) if isinstance(node, dict) else []


HELP = "use .key, ['key'], [N], [*] or a filter such as [?(@.state == 'posted')] (no ..)"


def parse(text: str) -> JSONPath:
    """`$.a.b[0]` -> JSONPath; a path the subset cannot read is a JSONPathError saying why."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise JSONPathError(f"a JSONPath starts with '$', e.g. $.id or $.items[*].id; got {text!r}")
    parts, position = _segments(text, 1, allow_filters=True)
    if position != len(text):
        raise JSONPathError(f"cannot read JSONPath {text!r} at {text[position:]!r}; {HELP}")
    return JSONPath(text, tuple(parts))


def _segments(text: str, position: int, allow_filters: bool) -> tuple[list[str | int | Filter], int]:
    """The segments from `position` on, and where they stop."""
    parts: list[str | int | Filter] = []
    while position < len(text):
        if allow_filters and text.startswith("[?", position):
            found, position = _FilterParser(text, position + 2).filter()
            parts.append(found)
            continue
        match = _TOKEN.match(text, position)
        if match is None:
            break
        if match.group("name") is not None:
            parts.append(match.group("name"))
        elif match.group("index") is not None:
            parts.append(int(match.group("index")))
        elif match.group("star") is not None:
            parts.append(WILDCARD)
        else:
            parts.append(match.group("key"))
        position = match.end()
    return parts, position


class _FilterParser:
    """Recursive descent over `[?( ... )]`: or -> and -> unary -> comparison."""

    def __init__(self, text: str, position: int) -> None:
        self.text = text
        self.start = position - 2
        self.position = position

    def filter(self) -> tuple[Filter, int]:
        expression = self._or()
        self._expect("]")
        return Filter(self.text[self.start : self.position], expression), self.position

    def _or(self) -> Expression:
        items = [self._and()]
        while self._accept("||"):
            items.append(self._and())
        return items[0] if len(items) == 1 else AnyOf(tuple(items))

    def _and(self) -> Expression:
        items = [self._unary()]
        while self._accept("&&"):
            items.append(self._unary())
        return items[0] if len(items) == 1 else AllOf(tuple(items))

    def _unary(self) -> Expression:
        if self._accept("!"):
            return Not(self._unary())
        if self._accept("("):
            inner = self._or()
            self._expect(")")
            return inner
        left = self._operand()
        op = self._peek_op()
        if self.text[self.position :].lstrip().startswith("=") and op != "==":
            self._fail("'==' to compare (one '=' is not a comparison)")
        if op not in COMPARISONS:
            if not isinstance(left, SubPath):
                self._fail("a comparison (==, !=, <, <=, >, >=) after a value, or a path such as @.key")
            return Exists(left)
        self._accept(op)
        return Compare(left, op, self._operand())

    def _operand(self) -> Literal | SubPath:
        match = _FILTER_TOKEN.match(self.text, self.position)
        if match is None or match.group("op") is not None:
            self._fail("a value: @.key, $.key, 'text', a number, true, false or null")
        self.position = match.end()
        if match.group("path") is not None:
            parts, self.position = _segments(self.text, self.position, allow_filters=False)
            if WILDCARD in parts:
                self._fail("one value: a path inside a filter has no wildcard")
            return SubPath(match.group("path"), tuple(p for p in parts if not isinstance(p, Filter)))
        if match.group("text") is not None:
            raw = match.group("text")
            quoted = raw if raw[0] == '"' else '"' + raw[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
            return Literal(json.loads(quoted))
        if match.group("number") is not None:
            return Literal(json.loads(match.group("number")))
        if match.group("word") is not None:
            return Literal(json.loads(match.group("word")))
        return Literal(match.group("placeholder"))  # a {{ variable }}: filled in before the path is used

    def _peek_op(self) -> str | None:
        match = _FILTER_TOKEN.match(self.text, self.position)
        return match.group("op") if match is not None else None

    def _accept(self, op: str) -> bool:
        if self._peek_op() == op:
            match = _FILTER_TOKEN.match(self.text, self.position)
            assert match is not None
            self.position = match.end()
            return True
        return False

    def _expect(self, op: str) -> None:
        if not self._accept(op):
            self._fail(f"'{op}'")

    def _fail(self, expected: str) -> NoReturn:
        rest = self.text[self.position :] or "the end"
        raise JSONPathError(
            f"cannot read the filter in JSONPath {self.text!r} at {rest!r}: expected {expected}"
        )
