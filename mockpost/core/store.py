"""In-memory state, partitioned by provider and tenant.

Each provider keeps one state object per tenant, made by the provider's factory on first use, so
isolation is structural: a request can only ever reach its own tenant's partition.
"""

from __future__ import annotations

import copy
import typing
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

    def state_class(self, provider: str) -> type | None:
        """The class of a provider's account states: the factory itself when it is a class, else
        the return type its signature declares (None when it declares none)."""
        factory = self._factories.get(provider)
        if factory is None:
            return None
        if isinstance(factory, type):
            return factory
        try:
            declared = typing.get_type_hints(factory).get("return")
        except Exception:  # an annotation that does not resolve declares nothing usable
            return None
        return declared if isinstance(declared, type) else None

    def adopt(self, provider: str, tenant_id: str, state: Any) -> None:
        """Put a whole account state in place (a restored one), replacing any there."""
        self._partitions[provider][tenant_id] = state

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
