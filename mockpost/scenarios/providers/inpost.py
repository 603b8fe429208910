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
RENDER_BASE = "http://mockpost/inpost"  # rules see the resource as the API renders it


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

    def set_timeline(self, provider: Provider, overrides: dict[str, Any]) -> None:
        from mockpost.providers.inpost.lifecycle import Timeline

        timeline = Timeline.from_options({**provider.ctx.options, **overrides})
        provider.use_timeline(timeline)  # type: ignore[attr-defined]

    def timeline_problem(self, overrides: dict[str, Any]) -> str | None:
        from mockpost.providers.inpost.lifecycle import Timeline

        return problem_of(Timeline.from_options, overrides)

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        from mockpost.providers.inpost import wire

        account = provider.tenant_state(tenant)
        for shipment in list(account.shipments.values()):
            yield "shipment", wire.shipment(RENDER_BASE, shipment)
        for order in list(account.dispatch_orders.values()):
            yield "dispatch_order", wire.dispatch_order(RENDER_BASE, order, account.shipments)

    def state_of(self, kind: str, resource: dict[str, Any]) -> Any:
        return resource.get("status")  # ShipX names the state of shipments and dispatch orders so

    def lifecycles(self) -> list[Lifecycle]:
        from mockpost.providers.inpost.lifecycle import DISPATCH_ORDER, SHIPMENT

        return [SHIPMENT, DISPATCH_ORDER]


SUPPORT = InpostSupport()
