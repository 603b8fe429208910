"""Every answer in its documented shape, all the way down.

An object may reach an answer lacking documented fields (it was made through another endpoint, or a
client sent a list of items with fewer fields than the answer documents), or holding a client's value
in another shape than the answer documents. `Shapes.conform` repairs that against the answer's
example, in place, so the stored object keeps the repair and later answers repeat it:
- a documented field that is missing is generated (in every element of a list, at every depth);
- an id where the answer documents an object (`billing.primary: "<address id>"`) becomes that
  object: the account's item with that id where there is one, else a generated one with that id;
- an object where the answer documents a text becomes its `id` (or its first text field);
- a date where the answer documents a moment becomes that day's midnight (UTC), and a moment where
  it documents a date becomes its day.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockpost.providers.afosto.synth import MOMENTS, Synthesizer, is_placeholder

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
MISSING = object()

Lookup = Callable[[str], dict[str, Any] | None]  # an id -> the account's item with that key, if any


@dataclass(frozen=True)
class Plan:
    """What conforming to one documented object checks, worked out once per example object."""

    keys: tuple[str, ...]
    inner: tuple[tuple[str, Any], ...]  # fields holding objects or lists: (field, documented shape)
    texts: tuple[tuple[str, str], ...]  # fields documented as text: (field, placeholder)


class Shapes:
    def __init__(self, synth: Synthesizer) -> None:
        self.synth = synth
        self.plans: dict[
            int, Plan
        ] = {}  # id(example object) -> its plan; examples live as long as the catalog

    def plan(self, example: dict[str, Any]) -> Plan:
        found = self.plans.get(id(example))
        if found is None:
            inner = tuple((k, v) for k, v in example.items() if self.structured(v))
            texts = tuple((k, v) for k, v in example.items() if is_placeholder(v) and v.startswith("string"))
            found = self.plans[id(example)] = Plan(tuple(example), inner, texts)
        return found

    @staticmethod
    def structured(shape: Any) -> bool:
        """Whether a documented value can hold anything to repair: an object, or a list of objects,
        lists or moments (a list of plain text or numbers is taken as it is)."""
        if isinstance(shape, dict):
            return True
        return (
            isinstance(shape, list) and bool(shape) and (not is_placeholder(shape[0]) or shape[0] in MOMENTS)
        )

    def conform(
        self,
        example: Any,
        value: Any,
        lookup: Lookup,
        done: set[tuple[int, int]] | None = None,
        field: str = "",
    ) -> Any:
        """`value` brought to the shape of `example` (changed in place where it is a container).
        `done`: the answer's objects already in shape (`(id(object), id(example))`), skipped and added to."""
        if isinstance(example, dict):
            if isinstance(value, dict):
                if done is None:
                    self.conform_object(example, value, lookup)
                elif (id(value), id(example)) not in done:
                    self.conform_object(example, value, lookup)
                    done.add((id(value), id(example)))
                return value
            if isinstance(value, str | int) and not isinstance(value, bool):
                return self.referenced(example, value, lookup, field)
            return value
        if isinstance(example, list):
            if example and isinstance(value, list):
                value[:] = [self.conform(example[0], item, lookup, done, field) for item in value]
            return value
        if is_placeholder(example):
            return self.scalar(example, value, field)
        return value

    def conform_object(self, example: dict[str, Any], value: dict[str, Any], lookup: Lookup) -> None:
        plan = self.plan(example)
        missing = [key for key in plan.keys if key not in value]
        if missing:
            enums = self.synth.fields.enums_of(example) or {}
            for key in missing:
                value[key] = self.synth.field(example, key, enums)
        for key, shape in plan.inner:
            found = value[key]
            if found is not None and not isinstance(found, bool | float):
                value[key] = self.conform(shape, found, lookup, field=key)
        for key, placeholder in plan.texts:
            found = value[key]
            if type(found) is dict or (
                type(found) is str and placeholder in MOMENTS and not self.fits(placeholder, found)
            ):
                value[key] = self.scalar(placeholder, found, key)

    @staticmethod
    def fits(placeholder: str, moment: str) -> bool:
        """A cheap first look: a date-time is longer than a date (`2030-03-04`, 10 characters)."""
        return (len(moment) == 10) == (placeholder == "string (date)")

    def referenced(self, example: dict[str, Any], key: str | int, lookup: Lookup, field: str) -> Any:
        """The object an id stands for, in the documented shape."""
        made = self.synth.fill(example, field)
        found = lookup(str(key))
        if found is not None:
            made.update({k: copy.deepcopy(v) for k, v in found.items() if k in example})
        if "id" in example:
            made["id"] = key
        return made

    def scalar(self, placeholder: str, value: Any, field: str) -> Any:
        if isinstance(value, dict) and placeholder.startswith("string"):
            named = value.get("id")
            if named is None:
                named = next((v for v in value.values() if isinstance(v, str)), MISSING)
            return self.synth.value(placeholder, field) if named is MISSING else named
        if not isinstance(value, str):
            return value
        if placeholder in ("string (date-time)", "string (datetime)") and DATE.match(value):
            return f"{value}T00:00:00Z"
        moment = MOMENT.match(value)
        if placeholder == "string (date)" and moment:
            return moment[1]
        return value
