"""Dicts keyed by tuples and sets, in a codec whose format (JSON) keys objects by text only and
keeps the order of arrays.

A provider may key a dict by a tuple (`(collection, parent ids) -> items`). Such a dict is saved as
a list of `[key, value]` pairs. A set is saved as a sorted list, so that the same state is saved as
the same bytes whatever the order a set happens to iterate in (it depends on the process's hash
seed). pydantic reads the classes' annotations and cannot be told that per field, so for a class
that holds either anywhere, `saved_form(cls)` builds a *saved form*: the same dataclasses with those
fields typed as lists (a class holding none stays itself), and the two conversions between an object
and its saved form. Only the parts of the tree on the way to such a field are converted (in Python);
everything else is handed over as it is.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import types
import typing
from collections.abc import Callable
from types import GenericAlias
from typing import Any

Convert = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class SavedForm:
    type: Any  # what pydantic reads and writes
    to_saved: Convert | None  # None: the object is its own saved form
    from_saved: Convert | None


IDENTITY = None


def saved_form(hint: Any, seen: frozenset[Any] = frozenset()) -> SavedForm:
    """The saved form of a type (assumed plain data: core.codec.check_plain)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return saved_form(args[0], seen)
    if origin in (typing.Union, types.UnionType):
        return _union(hint, args, seen)
    if origin is not None and (
        origin in (dict, collections.abc.Mapping) or origin is collections.abc.MutableMapping
    ):
        return _mapping(hint, args, seen)
    if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence) and args:
        return _sequence(hint, list, args[0], seen)
    if origin is tuple and args:
        return _tuple(hint, args, seen)
    if origin in (set, frozenset) and args:
        return _set(origin, args[0], seen)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint in seen:  # a class that holds itself: its saved form would have to hold itself too
            if _holds_tuple_keys(hint, frozenset()):
                raise TypeError(f"{hint.__name__} holds itself and a dict keyed by tuples")
            return SavedForm(hint, IDENTITY, IDENTITY)
        return _dataclass(hint, seen | {hint})
    return SavedForm(hint, IDENTITY, IDENTITY)  # leaves, Any, models, ...


def _holds_tuple_keys(hint: Any, seen: frozenset[Any]) -> bool:
    """Whether a dict keyed by tuples is reachable from `hint` (cycles followed once)."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if hint in seen:
            return False
        hints = typing.get_type_hints(hint)
        return any(_holds_tuple_keys(hints.get(f.name, Any), seen | {hint}) for f in dataclasses.fields(hint))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if (
        origin in (dict, collections.abc.Mapping, collections.abc.MutableMapping)
        and args
        and _needs_pairs(args[0])
    ):
        return True
    return any(_holds_tuple_keys(arg, seen) for arg in args if arg is not Ellipsis)


def _needs_pairs(key: Any) -> bool:
    return (isinstance(key, type) and issubclass(key, tuple)) or typing.get_origin(key) is tuple


def _mapping(hint: Any, args: tuple[Any, ...], seen: frozenset[Any]) -> SavedForm:
    if not args:
        return SavedForm(hint, IDENTITY, IDENTITY)
    key, value = args
    value_form = saved_form(value, seen)
    to_value, from_value = value_form.to_saved, value_form.from_saved
    if _needs_pairs(key):

        def to_pairs(mapping: Any) -> Any:
            if to_value is None:
                return list(mapping.items())
            return [(k, to_value(v)) for k, v in mapping.items()]

        def from_pairs(pairs: Any) -> Any:
            if from_value is None:
                return dict(pairs)
            return {k: from_value(v) for k, v in pairs}

        return SavedForm(
            GenericAlias(list, (GenericAlias(tuple, (key, value_form.type)),)), to_pairs, from_pairs
        )
    if to_value is None or from_value is None:
        return SavedForm(hint, IDENTITY, IDENTITY)
    to_v, from_v = to_value, from_value
    return SavedForm(
        GenericAlias(dict, (key, value_form.type)),
        lambda mapping: {k: to_v(v) for k, v in mapping.items()},
        lambda mapping: {k: from_v(v) for k, v in mapping.items()},
    )


def _sequence(hint: Any, kind: type, item: Any, seen: frozenset[Any]) -> SavedForm:
    form = saved_form(item, seen)
    if form.to_saved is None or form.from_saved is None:
        return SavedForm(hint, IDENTITY, IDENTITY)
    to_item, from_item = form.to_saved, form.from_saved
    return SavedForm(
        GenericAlias(list, (form.type,)),
        lambda items: [to_item(i) for i in items],
        lambda items: kind(from_item(i) for i in items),
    )


def _set(kind: type, item: Any, seen: frozenset[Any]) -> SavedForm:
    form = saved_form(item, seen)
    to_item = form.to_saved or (lambda i: i)
    from_item = form.from_saved or (lambda i: i)

    def to_sorted(items: Any) -> list[Any]:
        saved = [to_item(i) for i in items]
        try:
            return sorted(saved)
        except TypeError:  # members without an order (None beside text ...): by their text
            return sorted(saved, key=repr)

    return SavedForm(
        GenericAlias(list, (form.type,)), to_sorted, lambda items: kind(from_item(i) for i in items)
    )


def _tuple(hint: Any, args: tuple[Any, ...], seen: frozenset[Any]) -> SavedForm:
    if len(args) == 2 and args[1] is Ellipsis:
        form = saved_form(args[0], seen)
        if form.to_saved is None or form.from_saved is None:
            return SavedForm(hint, IDENTITY, IDENTITY)
        to_item, from_item = form.to_saved, form.from_saved
        return SavedForm(
            GenericAlias(tuple, (form.type, ...)),
            lambda items: tuple(to_item(i) for i in items),
            lambda items: tuple(from_item(i) for i in items),
        )
    forms = [saved_form(arg, seen) for arg in args]
    if all(form.to_saved is None for form in forms):
        return SavedForm(hint, IDENTITY, IDENTITY)
    identity: Convert = lambda x: x  # noqa: E731
    to_each = [form.to_saved or identity for form in forms]
    from_each = [form.from_saved or identity for form in forms]
    return SavedForm(
        GenericAlias(tuple, tuple(form.type for form in forms)),
        lambda items: tuple(convert(i) for convert, i in zip(to_each, items, strict=True)),
        lambda items: tuple(convert(i) for convert, i in zip(from_each, items, strict=True)),
    )


def _union(hint: Any, args: tuple[Any, ...], seen: frozenset[Any]) -> SavedForm:
    forms = [saved_form(arg, seen) for arg in args]
    changed = [form for form in forms if form.to_saved is not None]
    if not changed:
        return SavedForm(hint, IDENTITY, IDENTITY)
    others = [arg for arg, form in zip(args, forms, strict=True) if form.to_saved is None]
    if len(changed) > 1 or others != [type(None)]:
        raise TypeError(f"{hint!r}: only an optional value can hold a dict keyed by tuples")
    inner = changed[0]
    to_inner, from_inner = inner.to_saved, inner.from_saved
    assert to_inner is not None and from_inner is not None
    return SavedForm(
        inner.type | None,
        lambda value: None if value is None else to_inner(value),
        lambda value: None if value is None else from_inner(value),
    )


def _dataclass(cls: type, seen: frozenset[Any]) -> SavedForm:
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    forms = {f.name: saved_form(hints.get(f.name, Any), seen) for f in fields}
    if all(form.to_saved is None for form in forms.values()):
        return SavedForm(cls, IDENTITY, IDENTITY)
    shadow = dataclasses.make_dataclass(
        f"Saved{cls.__name__}",
        [(f.name, forms[f.name].type, _field_default(f)) for f in fields],
        kw_only=True,
    )
    to_field = {name: form.to_saved for name, form in forms.items()}
    from_field = {name: form.from_saved for name, form in forms.items()}

    def to_saved(obj: Any) -> Any:
        return shadow(
            **{
                name: convert(getattr(obj, name)) if convert else getattr(obj, name)
                for name, convert in to_field.items()
            }
        )

    def from_saved(saved: Any) -> Any:
        return cls(
            **{
                name: convert(getattr(saved, name)) if convert else getattr(saved, name)
                for name, convert in from_field.items()
            }
        )

    return SavedForm(shadow, to_saved, from_saved)


def _field_default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return dataclasses.field(default=f.default)
    if f.default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=f.default_factory)
    return dataclasses.field()
