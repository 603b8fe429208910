"""A generic codec for plain-data state: objects <-> JSON bytes, for any tree of dataclasses.

What it saves is what the types say: every field of every dataclass (datetimes as ISO-8601, bytes as
base64, sets and tuples as arrays, dicts with text or integer keys as objects; a field typed `Any`
holds JSON values). pydantic does the work in Rust, reading the classes' own annotations, so a
provider writes no code to be saved and a restore of 10^5 objects takes a fraction of a second.

A class is checked once before it is used (`Codec(cls)` raises `Unsavable` naming the field): a
closure, an open file, a legacy timer, a dict keyed by something other than text, numbers or tuples
of them, or a field the constructor cannot set would not come back as it was, so it is refused
rather than saved wrongly. A dict keyed by tuples is saved as [key, value] pairs (core/shadow.py).
The state must also be a tree: an object reachable twice comes back as two copies.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime
import decimal
import enum
import types
import typing
import uuid
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from mockpost.core.shadow import saved_form

T = TypeVar("T")
PREFIX = b'{"value":'  # the wrapper model's JSON starts so; the saved form is what follows
LEAVES: tuple[type, ...] = (
    str,
    int,
    float,
    bool,
    bytes,
    type(None),
    datetime.datetime,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    decimal.Decimal,
    uuid.UUID,
)
KEYS: tuple[type, ...] = (str, int)  # dict keys JSON keeps as they were
SEQUENCES = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set)
MAPPINGS = (dict, collections.abc.Mapping)
CONFIG = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")


class Unsavable(TypeError):
    """A class whose objects a JSON codec cannot give back as they were; the message says where."""


class CodecError(ValueError):
    """Saved data that does not fit the class: each problem with the dotted path of its field."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        first, message = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}: {message}{more}" if first else f"{message}{more}")


class Codec(Generic[T]):
    def __init__(self, cls: type[T]) -> None:
        check_plain(cls)
        self.cls = cls
        try:
            self._form = saved_form(cls)
        except TypeError as exc:
            raise Unsavable(f"{cls.__name__}: {exc}") from None
        self.saved_type: Any = self._form.type  # what a document holds: cls, or its saved form
        self._model: type[BaseModel] = create_model(
            f"Saved{cls.__name__}", value=(self.saved_type, ...), __config__=CONFIG
        )

    def dump(self, value: T) -> bytes:
        """The value as JSON (raises ValueError for a value its type does not allow)."""
        try:
            saved = self._form.to_saved(value) if self._form.to_saved else value
            raw: bytes = self._model.__pydantic_serializer__.to_json(self._model.model_construct(value=saved))
        except Exception as exc:  # pydantic's serialization errors are not ValueErrors
            raise ValueError(f"{self.cls.__name__} cannot be saved: {exc}") from None
        return raw[len(PREFIX) : -1]

    def load(self, raw: bytes | str) -> T:
        """A fresh object from `dump`'s JSON, or CodecError naming what does not fit."""
        data = raw.encode() if isinstance(raw, str) else raw
        try:
            saved = self._model.model_validate_json(PREFIX + data + b"}").value  # type: ignore[attr-defined]
        except ValidationError as exc:
            raise CodecError(problems_of(exc)) from None
        return self.from_saved(saved)

    def from_saved(self, saved: Any) -> T:
        """The object of a value pydantic read as `saved_type` (a document's account state)."""
        value: T = self._form.from_saved(saved) if self._form.from_saved else saved
        return value


def problems_of(exc: ValidationError, skip: int = 1) -> list[tuple[str, str]]:
    """pydantic's errors as (dotted path, message), dropping the first `skip` parts of each path."""
    return [(".".join(str(part) for part in error["loc"][skip:]), error["msg"]) for error in exc.errors()]


_checked: dict[Any, None] = {}


def check_plain(cls: Any) -> None:
    """Raise Unsavable unless every field reachable from `cls` is plain data a JSON codec restores."""
    if cls in _checked:
        return
    _check(cls, cls.__name__ if isinstance(cls, type) else str(cls), set())
    _checked[cls] = None


def _check(hint: Any, where: str, seen: set[Any]) -> None:
    if hint is Any or hint is object or isinstance(hint, typing.TypeVar):
        return
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        _check(typing.get_args(hint)[0], where, seen)
        return
    if origin is typing.Literal:
        return
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            _check(arg, where, seen)
        return
    if origin is not None:
        _check_container(hint, origin, where, seen)
        return
    if not isinstance(hint, type):
        raise Unsavable(f"{where}: {hint!r} is not a type a saved sandbox can hold")
    if hint in seen or issubclass(hint, LEAVES) or issubclass(hint, enum.Enum | BaseModel):
        return
    if hint in SEQUENCES or hint in MAPPINGS:
        return  # unparameterized: any JSON values
    if "__get_pydantic_core_schema__" in vars(hint):
        return  # a class that says how it is saved (e.g. core.paging.KeysetIndex)
    if hint.__module__ == "mockpost.core.scheduler" and hint.__name__ == "Timer":
        raise Unsavable(f"{where}: holds a timer object (closure timers cannot be saved; timers are data)")
    seen.add(hint)
    if dataclasses.is_dataclass(hint):
        _check_fields(hint, where, seen, [(f.name, not f.init) for f in dataclasses.fields(hint)])
        return
    if issubclass(hint, tuple) and hasattr(hint, "_fields"):  # a NamedTuple
        _check_fields(hint, where, seen, [(name, False) for name in hint._fields])
        return
    raise Unsavable(f"{where}: {hint.__name__} is not plain data (a dataclass, text, number, date, bytes...)")


def _check_fields(cls: type, where: str, seen: set[Any], fields: list[tuple[str, bool]]) -> None:
    try:
        hints = typing.get_type_hints(cls)
    except Exception as exc:
        raise Unsavable(f"{where}: the annotations of {cls.__name__} do not resolve ({exc})") from None
    for name, not_in_init in fields:
        if not_in_init:
            raise Unsavable(f"{where}.{name}: a field the constructor does not take cannot be restored")
        _check(hints.get(name, Any), f"{where}.{name}", seen)


def _check_container(hint: Any, origin: Any, where: str, seen: set[Any]) -> None:
    args = [arg for arg in typing.get_args(hint) if arg is not Ellipsis]
    if origin in MAPPINGS or (isinstance(origin, type) and issubclass(origin, dict)):
        if args:
            key, value = args
            _check_key(key, where)
            _check(value, f"{where}[]", seen)
        return
    if origin in SEQUENCES or origin is collections.deque:
        for arg in args:
            _check(arg, f"{where}[]", seen)
        return
    raise Unsavable(f"{where}: {hint!r} is not plain data")


def _check_key(key: Any, where: str) -> None:
    """Text-like keys stay object keys; tuples of them are saved as [key, value] pairs (shadow.py)."""
    if key is Any or typing.get_origin(key) is typing.Literal:
        return
    if isinstance(key, type) and (issubclass(key, KEYS) or issubclass(key, enum.Enum)):
        return
    if typing.get_origin(key) is tuple:
        for part in typing.get_args(key):
            if part is not Ellipsis:
                _check_key(part, where)
        return
    raise Unsavable(f"{where}: a dict keyed by {key!r}; keys are text, numbers or tuples of them")
