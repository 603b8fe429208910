"""Afosto in scenarios: `token` (sent as `Authorization: Bearer TOKEN`), with optional OAuth client
credentials and seed `collections` in the provider's fixture format; rules watch the hand-modelled
resources (orders, parcels, print jobs, checkout sessions ...) by their lifecycle state, named by
their words in the documentation (`order`, `checkout session`), read from the provider's own
records. The mock sends no Afosto webhooks, so there is no signature to check."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.scenarios.providers.base import ProviderSupport

ACCOUNT_SETTINGS = ("token", "client_id", "client_secret", "collections")
STATE_KEY = "lifecycle_state"  # added to each watched resource: Afosto shows state as flags, not one field


class AfostoSupport(ProviderSupport):
    name = "afosto"
    account_keys = ACCOUNT_SETTINGS

    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        if not account.get("token"):
            raise ValueError(
                "an Afosto account needs a token (sent as 'Authorization: Bearer TOKEN'); "
                "client_id/client_secret alone are for POST /iam/oauth/authorize"
            )
        return {"Authorization": f"Bearer {account['token']}"}

    def load_account(
        self, provider: Provider, account: dict[str, Any], webhook: dict[str, str] | None
    ) -> None:
        self.refuse_unknown_keys(account)
        if webhook is not None:
            raise ValueError("mockpost sends no Afosto webhooks: leave out webhook")
        provider.seed({"accounts": [{k: v for k, v in account.items() if k in ACCOUNT_SETTINGS}]})

    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        return "mockpost sends no Afosto webhooks, so there is no Afosto signature to verify"

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each watched resource as the API renders it, plus its lifecycle state; `id` is the key
        the control plane's transition takes (a print job's `reference`, a purge's `token`)."""
        from mockpost.providers.afosto.lifecycle import KINDS

        state = provider.tenant_state(tenant)
        objects = provider.backend.objects  # type: ignore[attr-defined]
        for kind in KINDS:
            for found in objects.of_kind(state, kind.name):
                yield kind.word, {**found.item, "id": found.id, STATE_KEY: found.state}

    def state_of(self, kind: str, resource: dict[str, Any]) -> Any:
        return resource.get(STATE_KEY)

    def lifecycles(self) -> list[Lifecycle]:
        """The tables, under the words rules name the resources by."""
        from mockpost.providers.afosto.lifecycle import KINDS

        return [replace(kind.lifecycle, resource=kind.word) for kind in KINDS]


SUPPORT = AfostoSupport()
