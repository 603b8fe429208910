"""Dispatch order printouts: the handover sheet a courier signs at pickup, one PDF page per
order, listing its shipments by tracking number. Chosen by `dispatch_order_id` or by the
`shipment_ids[]` the orders carry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mockpost.core.pdf import make_pdf
from mockpost.providers.inpost.errors import InvalidParameter, NotFound, ValidationFailed
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.labels import Label
from mockpost.providers.inpost.state import Account, DispatchOrder, Organization, Shipment


def check_format(query: Mapping[str, str]) -> None:
    if (query.get("format") or "Pdf").strip().lower() != "pdf":
        raise InvalidParameter("format", "invalid_value", allowed=["Pdf"])


def orders_for(
    account: Account, organization: Organization, order_id: str | None, carried: Sequence[Shipment]
) -> list[DispatchOrder]:
    """The organization's order named by id, or the orders carrying the given shipments."""
    mine = [o for o in account.dispatch_orders.values() if o.organization_id == organization.id]
    if order_id:
        wanted = as_id(order_id.strip())
        found = [o for o in mine if wanted is not None and o.id == wanted]
        if not found:
            raise NotFound("dispatch_order", order_id[:64])
        return found
    if not carried:
        raise ValidationFailed({"dispatch_order_id": ["required"]})
    found = []
    for shipment in carried:
        order = next((o for o in mine if shipment.id in o.shipment_ids), None)
        if order is None:
            raise ValidationFailed({"shipment_ids": ["invalid"]})
        if order not in found:
            found.append(order)
    return found


def _page(order: DispatchOrder) -> list[str]:
    address = order.address
    lines = [
        f"InPost dispatch order {order.id}",
        f"Status: {order.state}",
        f"Pickup: {order.name or ''} {order.phone or ''}".rstrip(),
        f"{address.get('street') or address.get('line1') or ''} {address.get('building_number') or ''}",
        f"{address.get('post_code') or ''} {address.get('city') or ''}",
        f"Shipments: {len(order.shipment_ids)}",
    ]
    lines.extend(f"{carried.tracking_number or ''}  (shipment {carried.id})" for carried in order.shipments)
    lines.extend(f"Comment: {c.comment}" for c in order.comments)
    return lines


def render(orders: Sequence[DispatchOrder]) -> Label:
    name = f"dispatch_order_{orders[0].id}" if len(orders) == 1 else "dispatch_orders"
    return Label(make_pdf([_page(o) for o in orders]), "application/pdf", f"{name}.pdf")
