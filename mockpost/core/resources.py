"""One resource model: every provider answers the same questions about its objects.

A provider declares its resource kinds (`ResourceKind`: how to list, find and render the objects of
one kind in an account's state). Every stateful object carries `state`, `created_at`, `updated_at`
and a `history` of `Change`s in virtual time, and changes state only through `Lifecycle.move`, which
records the change. The control plane, snapshots, persistence and the console are built on this and
know no provider.

Why a state changed (`cause`) is known from where the work runs, not from the code that moves it:
a request (the default), a timer (the scheduler), a forced transition (the control plane) or a
fixture (loading seed data). `acting_as(cause)` says so for the work it wraps.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from mockpost.core.clock import iso_utc

Cause = Literal["request", "timer", "forced", "fixture"]
CAUSES: tuple[Cause, ...] = ("request", "timer", "forced", "fixture")
_cause: contextvars.ContextVar[Cause] = contextvars.ContextVar("mockpost_cause", default="request")


@contextlib.contextmanager
def acting_as(cause: Cause) -> Iterator[None]:
    """Every state change made inside is recorded with this cause."""
    token = _cause.set(cause)
    try:
        yield
    finally:
        _cause.reset(token)


def current_cause() -> Cause:
    return _cause.get()


@dataclass(slots=True)
class Change:
    """One entry of an object's history."""

    from_: str | None
    to: str
    at: datetime
    cause: Cause
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_,
            "to": self.to,
            "at": iso_utc(self.at),
            "cause": self.cause,
            "reason": self.reason,
        }


@dataclass(slots=True, kw_only=True)
class Stateful:
    """What every stateful object has, whatever its provider calls the rest of its fields."""

    state: str
    created_at: datetime
    updated_at: datetime
    history: list[Change] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Document:
    """A file the sandbox received or made for an object (a letter's PDF, a label, a proof of
    delivery), as its bytes. `role` says what it is to the object in the provider's words
    (`document`, `attachment`, `upload`, `label`...)."""

    name: str
    mime: str
    data: bytes
    role: str = "document"


@dataclass(frozen=True)
class ResourceKind:
    """One kind of object of a provider, in the provider's own word (`campaign`, `shipment`).

    `objects(state)` lists an account's objects of this kind, `find(state, id)` finds one,
    `wire(obj)` renders it exactly as the provider's API returns it. `related(state, obj)` names
    the objects it holds or belongs to, as (kind, id) pairs. `deletable` says whether the API can
    delete one (`delete(state, obj)` does it as the API would).

    `documents(state, obj)` lists the files the object holds or made (`Document`s), and
    `address(state, obj)` the recipient's address block as the provider read it, one line each
    (None when the object has no postal address): what the console shows beside a letter."""

    name: str
    objects: Callable[[Any], Iterable[Any]]
    find: Callable[[Any, str], Any | None]
    wire: Callable[[Any], Any]
    id_of: Callable[[Any], str] = lambda obj: str(obj.id)
    related: Callable[[Any, Any], Iterable[tuple[str, str]]] = lambda state, obj: ()
    lifecycle: Any = None  # the kind's Lifecycle, when its states follow a table
    delete: Callable[[Any, Any], None] | None = None
    documents: Callable[[Any, Any], list[Document]] = lambda state, obj: []
    address: Callable[[Any, Any], list[str] | None] = lambda state, obj: None

    def summary(self, obj: Any) -> dict[str, Any]:
        return {
            "kind": self.name,
            "id": self.id_of(obj),
            "state": str(obj.state),
            "created_at": iso_utc(obj.created_at),
            "updated_at": iso_utc(obj.updated_at),
        }
