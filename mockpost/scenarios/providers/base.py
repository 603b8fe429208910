"""The questions the scenario runner asks of a provider."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider


class ProviderSupport(ABC):
    name: str
    account_keys: tuple[str, ...] = ()  # the provider's own keys in `accounts:` (besides webhook, env)

    @abstractmethod
    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        """Request headers carrying an account's credentials (api_key, username/password, ...)."""

    @abstractmethod
    def load_account(
        self, provider: Provider, account: dict[str, Any], webhook: dict[str, str] | None
    ) -> None:
        """Register an account with its settings and webhook ({url, secret}) in the sandbox."""

    @abstractmethod
    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        """None when a delivered webhook carries the right signature, else what is wrong."""

    def set_timeline(self, provider: Provider, overrides: dict[str, Any]) -> None:
        """Apply timeline options on top of the server's own (empty overrides: back to them)."""
        if overrides:
            raise ValueError(f"{self.name} has no timeline options")

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(kind, rendered resource) for every resource of a tenant that rules may watch."""
        return iter(())

    def lifecycles(self) -> list[Lifecycle]:
        """The state machines of the resources rules can watch (to check rule states at load)."""
        return []
