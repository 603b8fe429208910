"""Dispatch points: the places a courier picks shipments up from. ShipX checksums a dispatch
order's address to find the organization's dispatch point at that address, or makes one; a later
order may name it by `dispatch_point_id` instead of repeating the address."""

from __future__ import annotations

from typing import Any

from mockpost.core.provider import ProviderContext
from mockpost.providers.inpost.errors import NotFound
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.paging import PageRequest, sort_and_page
from mockpost.providers.inpost.state import Account, DispatchPoint, Organization

SORTABLE = ("id", "name", "created_at")
ADDRESS_KEY = ("street", "line1", "building_number", "city", "post_code", "country_code")


def address_key(address: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(address.get(field) or "").strip().lower() for field in ADDRESS_KEY)


class DispatchPoints:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    def find(self, account: Account, organization: Organization, raw_id: Any) -> DispatchPoint | None:
        """The organization's point with this id (an int or digits), or None."""
        point_id = as_id(raw_id)
        if point_id is None:
            return None
        point = account.dispatch_points.get(point_id)
        return point if point is not None and point.organization_id == organization.id else None

    def at_address(
        self, account: Account, organization: Organization, address: dict[str, Any], contact: dict[str, Any]
    ) -> DispatchPoint:
        key = address_key(address)
        for point in account.dispatch_points.values():
            if point.organization_id == organization.id and address_key(point.address) == key:
                return point
        now = self.ctx.now()
        point = DispatchPoint(
            id=account.next_id("dispatch_point"),
            organization_id=organization.id,
            name=contact.get("name") or organization.name,
            phone=contact.get("phone"),
            email=contact.get("email"),
            office_hours=contact.get("office_hours"),
            comments=None,
            address=dict(address),
            created_at=now,
            updated_at=now,
        )
        account.dispatch_points[point.id] = point
        return point

    def get(self, account: Account, raw_id: str) -> DispatchPoint:
        point_id = as_id(raw_id)
        point = account.dispatch_points.get(point_id) if point_id is not None else None
        if point is None:
            raise NotFound("dispatch_point", raw_id[:64])
        return point

    def search(
        self, account: Account, organization: Organization, page: PageRequest
    ) -> tuple[list[DispatchPoint], int]:
        found = [p for p in account.dispatch_points.values() if p.organization_id == organization.id]
        keys = {
            "id": lambda p: p.id,
            "name": lambda p: (p.name, p.id),
            "created_at": lambda p: (p.created_at, p.id),
        }
        return sort_and_page(found, page, keys)
