"""One Afosto account's data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockpost.providers.afosto.models import Answer

Parents = tuple[str, ...]  # the path parameter values above a nested collection



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
