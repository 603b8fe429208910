"""One Afosto tenant's data, and the answer type the engine hands back to the HTTP layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Parents = tuple[str, ...]  # the path parameter values above a nested collection


@dataclass
class Answer:
    """What the engine answers, independent of HTTP: a status, a JSON body (or bytes), headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"

    @property
    def binary(self) -> bool:
        return isinstance(self.body, bytes)


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
    states: dict[tuple[str, str], str] = field(default_factory=dict)  # (lifecycle, id) -> state
    sequence: int = 0  # integer ids

    def collection(self, template: str, parents: Parents) -> dict[str, dict[str, Any]]:
        return self.items.setdefault((template, parents), {})

    def next_number(self) -> int:
        self.sequence += 1
        return self.sequence
