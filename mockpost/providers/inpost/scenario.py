"""InPost ShipX in scenarios: a `token` (Bearer); accounts and seed in the provider's fixture
format (`organizations`, `read_only`); timeline options offers_after, select_after, confirm_after,
first_scan_after, step_after, pickup_after, dispatch_*_after, require_insurance; rules watch
shipments and dispatch orders by their `status`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.scenarios.providers.base import ProviderSupport, problem_of

ACCOUNT_SETTINGS = ("token", "organizations", "read_only")


class InpostSupport(ProviderSupport):
    name = "inpost"
    account_keys = ACCOUNT_SETTINGS

    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        if not account.get("token"):
            raise ValueError("an InPost account needs a token")
        return {"Authorization": f"Bearer {account['token']}"}

    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        # ShipX does not sign its webhooks: receivers trust InPost's source network instead
        # (91.216.25.0/24), which a local mock cannot reproduce. There is nothing to check.
        return None

    def timeline_problem(self, overrides: dict[str, Any]) -> str | None:
        from mockpost.providers.inpost.lifecycle import Timeline

        return problem_of(Timeline.from_options, overrides)

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Shipments and dispatch orders as the API renders them (rules see what a client sees)."""
        account = provider.tenant_state(tenant)
        for lifecycle in self.lifecycles():
            kind = provider.kinds[lifecycle.resource]
            for obj in list(kind.objects(account)):
                yield kind.name, kind.wire(obj)

    def state_of(self, kind: str, resource: dict[str, Any]) -> Any:
        return resource.get("status")  # ShipX names the state of shipments and dispatch orders so

    def lifecycles(self) -> list[Lifecycle]:
        from mockpost.providers.inpost.lifecycle import DISPATCH_ORDER, SHIPMENT

        return [SHIPMENT, DISPATCH_ORDER]


SUPPORT = InpostSupport()
