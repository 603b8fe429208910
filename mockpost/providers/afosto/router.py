"""Catalog path matching: one lookup by (method, segment count), then a literal-first segment trie.

Per-request cost depends on the path's length, not on how many endpoints the catalog holds. Literal
segments win over parameters (`/iam/users/join` before `/iam/users/{id}`), as the reference needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mockpost.providers.afosto.catalog import Operation, is_param


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    operation: Operation | None = None


class Router:
    def __init__(self, operations: list[Operation]) -> None:
        self._tries: dict[tuple[str, int], _Node] = {}
        self._positions = {
            op.key: [(i, s[1:-1]) for i, s in enumerate(op.segments) if is_param(s)] for op in operations
        }
        for op in operations:
            node = self._tries.setdefault((op.method, len(op.segments)), _Node())
            for segment in op.segments:
                if is_param(segment):
                    if node.param is None:
                        node.param = _Node()
                    node = node.param
                else:
                    node = node.literals.setdefault(segment, _Node())
            node.operation = op
        self.methods = sorted({method for method, _ in self._tries})

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        segments = path.strip("/").split("/")
        root = self._tries.get((method, len(segments)))
        if root is None:
            return None
        operation = _walk(root, segments, 0)
        if operation is None:
            return None
        # Sibling routes name the same position differently; each operation keeps its own names.
        return operation, {name: segments[index] for index, name in self._positions[operation.key]}

    def allowed(self, path: str) -> list[str]:
        """The methods that do serve `path` (to tell a 405 from a 404)."""
        return [method for method in self.methods if self.match(method, path) is not None]


def _walk(node: _Node, segments: list[str], index: int) -> Operation | None:
    if index == len(segments):
        return node.operation
    segment = segments[index]
    child = node.literals.get(segment)
    if child is not None:
        found = _walk(child, segments, index + 1)
        if found is not None:
            return found
    if node.param is not None and segment:
        return _walk(node.param, segments, index + 1)
    return None
