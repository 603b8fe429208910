"""ShipX's rules, assembled: one object per resource, sharing the clock, the flow and the points.
Pure Python over one account's state; no HTTP in here."""

from __future__ import annotations

from typing import Any

from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.providers.inpost import printouts
from mockpost.providers.inpost.batches import Batches
from mockpost.providers.inpost.dispatch import DispatchOrders
from mockpost.providers.inpost.dispatch_points import DispatchPoints
from mockpost.providers.inpost.errors import Forbidden, ValidationFailed
from mockpost.providers.inpost.flow import Flow
from mockpost.providers.inpost.organizations import Organizations
from mockpost.providers.inpost.points import Points, load_points
from mockpost.providers.inpost.shipments import Shipments
from mockpost.providers.inpost.state import Account, DispatchOrder, Organization, Shipment
from mockpost.providers.inpost.statuses import load_statuses

MAX_LABELS = 100
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class InpostBackend:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx
        self.statuses = load_statuses()
        self.points = Points(load_points())
        self.flow = Flow(ctx)
        self.organizations = Organizations(ctx)
        self.shipments = Shipments(ctx, self.flow, self.points)
        self.batches = Batches(ctx, self.shipments)
        self.dispatch_points = DispatchPoints(ctx)
        self.dispatch = DispatchOrders(ctx, self.dispatch_points)

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return {**self.flow.timer_actions(), **self.dispatch.timer_actions()}

    def new_account(
        self, tenant: str, organizations: list[dict[str, Any]] | None = None, read_only: bool = False
    ) -> Account:
        account = Account(tenant=tenant, read_only=read_only)
        # ids differ between accounts (a random base each), so another token's ids are simply unknown
        account.sequences["organization"] = self.ctx.rng.randint(1_000, 90_000)
        account.sequences["shipment"] = self.ctx.rng.randint(10_000_000, 90_000_000)
        account.sequences["offer"] = self.ctx.rng.randint(100_000, 900_000)
        account.sequences["dispatch_order"] = self.ctx.rng.randint(10_000, 90_000)
        for given in organizations or [{}]:
            self.organizations.fake(account, given)
        return account

    @staticmethod
    def authorize(account: Account, method: str, path: str) -> None:
        """A read-only token reads everything and changes nothing: 403 forbidden, before the body
        is even read, so nothing is half done."""
        if account.read_only and method.upper() in CHANGING_METHODS:
            raise Forbidden(f"{method.upper()} {path}")

    def shipments_for_labels(
        self, account: Account, organization: Organization, raw_ids: list[str]
    ) -> list[Shipment]:
        wanted = [raw.strip() for raw in raw_ids if raw.strip()]
        if not wanted:
            raise ValidationFailed({"shipment_ids": ["required"]})
        if len(wanted) > MAX_LABELS:
            raise ValidationFailed({"shipment_ids": ["too_long"]})
        return [self.shipments.get(account, raw, organization) for raw in wanted]

    def orders_for_printout(
        self, account: Account, organization: Organization, order_id: str | None, raw_ids: list[str]
    ) -> list[DispatchOrder]:
        """The orders a printout shows: the one named, or those carrying the named shipments."""
        wanted = [raw.strip() for raw in raw_ids if raw.strip()][:MAX_LABELS]
        carried = [self.shipments.get(account, raw, organization) for raw in wanted]
        return printouts.orders_for(account, organization, order_id, carried)

    def force(self, account: Account, resource: str, target_id: str, state: str) -> Shipment | DispatchOrder:
        if resource == "shipment":
            return self.flow.force(account, target_id, state)
        if resource == "dispatch_order":
            return self.dispatch.force(account, target_id, state)
        raise UnknownResource(f"resource must be 'shipment' or 'dispatch_order', not {resource!r}")
