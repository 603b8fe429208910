"""ShipX's `details`: what the request models and the rules across fields find wrong, as one tree.

Each field maps to a list of error keys; a nested object's problems are an array holding one
object (`{"receiver": [{"phone": ["required"]}]}`), and a list's an array of objects aligned with
the list (`{"parcels": [{}, {"template": ["invalid"]}]}`). A list item that is not even an object
is named by the list's singular (`{"parcels": [{"parcel": ["invalid"]}]}`); a body that is not an
object by the resource (`{"shipment": ["invalid"]}`).

`check(model, data, resource)` validates with the model (core.validation) and, when it finds
problems, validates again without the values at fault, so that the rules across fields can still
look at everything else: a client learns every problem of a request at once, as from ShipX.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, TypeVar

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo

from mockpost.core.numbers import is_digits
from mockpost.core.validation import Problem, validated
from mockpost.providers.inpost.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)
Path = tuple[str | int, ...]
# pydantic's error types that ShipX names otherwise; any other is `invalid`, and a custom error
# raised by a model's own check carries its ShipX key as its type.
KEYS = {
    "missing": "required",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "string_pattern_mismatch": "invalid_format",
}
SHIPX_KEYS = frozenset(
    {"required", "invalid", "invalid_format", "too_long", "too_short", "does_not_exist", "not_available"}
)
ROUNDS = 8  # how many times a request is validated again without its faulty values (nesting depth)


def key_of(problem: Problem) -> str:
    if problem.type in SHIPX_KEYS:
        return problem.type
    return KEYS.get(problem.type, "invalid")


def path_of(problem: Problem) -> Path:
    if not problem.field:
        return ()
    return tuple(int(part) if is_digits(part) else part for part in problem.field.split("."))


class Details:
    """Problems of one request (a path and a ShipX key each), rendered as ShipX's `details`."""

    def __init__(self, data: Any, resource: str) -> None:
        self.data = data
        self.resource = resource
        self.found: list[tuple[Path, str, bool]] = []  # (path, key, found by the model)

    def __bool__(self) -> bool:
        return bool(self.found)

    def add(self, path: Path, key: str, shape: bool = False) -> None:
        """A problem at `path`, unless the model found one there, or one is known around it: a
        value that is already wrong is not also missing, and what depends on it is not judged.
        Rules may give one field several keys."""
        if not any(
            _related(path, known) and (by_model or known != path) for known, _, by_model in self.found
        ):
            self.found.append((path, key, shape))

    def touches(self, path: Path) -> bool:
        return any(_related(path, known) for known, _, _ in self.found)

    def tree(self) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for path, key, _ in self.found:
            if not path:
                tree.setdefault(self.resource, []).append(key)
            else:
                _insert(tree, path, key, self.data)
        return tree

    def refuse(self) -> None:
        if self.found:
            raise ValidationFailed(self.tree())


def check(model: type[M], data: Any, resource: str | None) -> tuple[M | None, Details]:
    """`data` as `model` and its problems. With problems, the model is the part of `data` without
    the values at fault (None when nothing is left). A body that is not an object is `invalid`
    under the `resource`'s name, or, without one, an object with none of the fields."""
    if resource is None and not isinstance(data, dict):
        data = {}
    details = Details(data, resource or "body")
    valid, problems = _attempt(model, data)
    if not problems:
        return valid, details
    for problem in problems:
        details.add(path_of(problem), key_of(problem), shape=True)
    if not isinstance(data, dict):
        return None, details
    rest = copy.deepcopy(data)
    faulty = [path_of(problem) for problem in problems]
    partial = lenient(model)
    for _ in range(ROUNDS):
        for path in faulty:
            _drop(rest, path)
        valid, problems = _attempt(partial, rest)
        if not problems:
            return valid, details
        # what is still wrong is a required part of a value just dropped: drop its parent too
        faulty = []
        for problem in problems:
            path = path_of(problem)
            if details.touches(path):
                faulty.append(path[:-1])
            else:
                details.add(path, key_of(problem), shape=True)
                faulty.append(path)
    return None, details


def checked(model: type[M], data: Any, resource: str | None) -> M:
    """`data` as `model`, or ShipX's validation_failed with every problem the model finds."""
    valid, details = check(model, data, resource)
    details.refuse()
    assert valid is not None
    return valid


@functools.cache
def lenient(model: type[M]) -> type[M]:
    """The model with its required fields optional: what is left of a request once its faulty
    values are dropped still validates."""
    relaxed: dict[str, Any] = {
        name: (info.annotation | None, FieldInfo.merge_field_infos(info, default=None))  # type: ignore[operator]
        for name, info in model.model_fields.items()
        if info.is_required()
    }
    partial: type[M] = create_model(f"Partial{model.__name__}", __base__=model, **relaxed)
    return partial


class _Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _attempt(model: type[M], data: Any) -> tuple[M | None, list[Problem]]:
    try:
        return validated(model, data, _Refused), []
    except _Refused as refused:
        return None, refused.problems


def _related(path: Path, other: Path) -> bool:
    shorter = min(len(path), len(other))
    return path[:shorter] == other[:shorter]


def _drop(data: Any, path: Path) -> None:
    """Remove the value at `path` (a list item becomes an empty object, so the list keeps its
    alignment); the body itself is never dropped."""
    if not path:
        return
    *parents, last = path
    for part in parents:
        data = _child(data, part)
    if isinstance(data, dict):
        if last == 0 and last not in data:
            data.clear()  # the one object given for a list
        else:
            data.pop(last, None)
    elif isinstance(data, list) and isinstance(last, int) and last < len(data):
        data[last] = {}


def _child(data: Any, part: str | int) -> Any:
    if isinstance(data, dict):
        return data.get(part, data if part == 0 else None)  # one object given for a list is item 0
    if isinstance(data, list) and isinstance(part, int) and part < len(data):
        return data[part]
    return None


def _insert(tree: dict[str, Any], path: Path, key: str, data: Any) -> None:
    field, rest = str(path[0]), path[1:]
    value = data.get(field) if isinstance(data, dict) else None
    if not rest:
        keys = tree.setdefault(field, [])
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys) and key not in keys:
            keys.append(key)
        return
    if isinstance(rest[0], int):
        items = value if isinstance(value, list) else [value]
        aligned = tree.get(field)
        if not (isinstance(aligned, list) and all(isinstance(a, dict) for a in aligned)) or not aligned:
            aligned = tree[field] = [{} for _ in range(max(len(items), rest[0] + 1))]
        item = items[rest[0]] if rest[0] < len(items) else None
        if len(rest) == 1:
            singular = field.removesuffix("s")
            _insert(aligned[rest[0]], (singular,), key, {singular: item})
        else:
            _insert(aligned[rest[0]], rest[1:], key, item)
        return
    nested = tree.get(field)
    if not (isinstance(nested, list) and len(nested) == 1 and isinstance(nested[0], dict)):
        nested = tree[field] = [{}]
    _insert(nested[0], rest, key, value)
