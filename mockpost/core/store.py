"""In-memory state, partitioned by provider and tenant.

Each provider keeps one state object per tenant, made by the provider's factory on first use, so
isolation is structural: a request can only ever reach its own tenant's partition.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any


class Store:
    def __init__(self) -> None:
        self._partitions: dict[str, dict[str, Any]] = {}
        self._factories: dict[str, Callable[[str], Any]] = {}

    def register(self, provider: str, factory: Callable[[str], Any]) -> None:
        self._factories[provider] = factory
        self._partitions.setdefault(provider, {})

    def tenant(self, provider: str, tenant_id: str) -> Any:
        partition = self._partitions[provider]
        state = partition.get(tenant_id)
        if state is None:
            state = partition[tenant_id] = self._factories[provider](tenant_id)
        return state

    def existing(self, provider: str, tenant_id: str) -> Any | None:
        return self._partitions.get(provider, {}).get(tenant_id)

    def tenants(self, provider: str) -> Iterator[tuple[str, Any]]:
        yield from self._partitions.get(provider, {}).items()

    def reset(self, provider: str | None = None, tenant_id: str | None = None) -> None:
        providers = [provider] if provider else list(self._partitions)
        for name in providers:
            partition = self._partitions.get(name, {})
            if tenant_id is None:
                partition.clear()
            else:
                partition.pop(tenant_id, None)

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return copy.deepcopy(self._partitions)

    def restore(self, snapshot: dict[str, dict[str, Any]]) -> None:
        self._partitions = copy.deepcopy(snapshot)
