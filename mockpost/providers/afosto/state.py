"""One Afosto account's data.

Afosto's objects are stored as the JSON documents the API answers (dicts, in `items`): 544
endpoints over a few hundred collections, most served generically from the catalog, so there is no
dataclass per resource. An object with a lifecycle (an order, a shipment, a checkout session ...)
also has a `Record`, kept beside its document and keyed by its kind and key: its lifecycle state,
when it was made and last changed, and the history of its changes. The document shows the state in
Afosto's own fields (wire.py); the record is what the resource model reads, and the only place the
state itself is kept. A record names where its document is (its kind's collection and the path
values above it), so both stay plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockpost.core.resources import Stateful
from mockpost.providers.afosto.models import Answer

Parents = tuple[str, ...]  # the path parameter values above a nested collection


@dataclass(slots=True, kw_only=True)
class Record(Stateful):
    """The lifecycle of one stored object: `kind` (lifecycle.KINDS) and `id`, its key in its
    collection (what the API's paths call it by: an order's id, a print job's reference)."""

    kind: str
    id: str
    parents: Parents = ()  # the path values above its collection (a transport's transfer id)


@dataclass
class TenantState:
    tenant: str
    # (collection template, parent values) -> item key -> the stored object, in creation order
    items: dict[tuple[str, Parents], dict[str, dict[str, Any]]] = field(default_factory=dict)
    # one-document resources (GET/PUT on a path with no id of its own), by template and parents
    singletons: dict[tuple[str, Parents], Any] = field(default_factory=dict)
    # read-only collections given their fixture items already (on first access)
    seeded: set[tuple[str, Parents]] = field(default_factory=set)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)  # x-task-id -> task
    replies: dict[tuple[str, str, str], Answer] = field(default_factory=dict)  # idempotency cache
    records: dict[str, dict[str, Record]] = field(default_factory=dict)  # kind -> key -> record
    sequence: int = 0  # integer ids

    def collection(self, template: str, parents: Parents) -> dict[str, dict[str, Any]]:
        return self.items.setdefault((template, parents), {})

    def next_number(self) -> int:
        self.sequence += 1
        return self.sequence
