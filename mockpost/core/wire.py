"""Attributes an API shows as they are, under its own spelling of their names.

Most of a rendered object is its attributes copied, `"companyId": job.company_id`, a line each.
A renderer names those once, in order and as `namedtuple` takes field names, one string:
`Attributes(Job, "id company_id", camel=True)`; it writes out by hand only the fields the API
renames, formats or computes, which are then the ones a reader sees. The names are checked against
the class when the module is imported, so a renamed attribute fails at start-up rather than on the
first request that renders it. A render is one `attrgetter` call zipped with a key tuple made
once: about a microsecond more than the dict display it replaces, for a handful of attributes
(a read through the whole app costs a hundred times that).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any


def camel_case(name: str) -> str:
    """`company_id` -> `companyId`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Attributes:
    """Renders `obj` as `{key: obj.<name>}` for each of the space-separated `names`, in order; the
    key is the name itself, or its camelCase with `camel=True`."""

    __slots__ = ("_get", "keys")

    def __init__(self, cls: type, names: str, camel: bool = False) -> None:
        attributes = tuple(names.split())
        if len(attributes) < 2:
            raise TypeError("name two attributes or more (one is clearer written out)")
        known = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
        unknown = [name for name in attributes if name not in known and not hasattr(cls, name)]
        if unknown:
            raise AttributeError(f"{cls.__name__} has no attribute {', '.join(unknown)}")
        self.keys = tuple(camel_case(name) for name in attributes) if camel else attributes
        self._get: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*attributes)

    def __call__(self, obj: Any) -> dict[str, Any]:
        return dict(zip(self.keys, self._get(obj), strict=False))  # one tuple of names made both
