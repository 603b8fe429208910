"""What the console shows of ShipX's paperwork: a shipment's label (from `confirmed` on) in each
format the API prints it in, its return label where it has one, a dispatch order's printout, and
the address block ShipX holds for the receiver (or, for a locker delivery, the target point).

Every file is drawn by the same code the API's label and printout endpoints use, from the object
as it is now, and drawing changes nothing: the console looking at a label is not a client asking
for one."""

from __future__ import annotations

from typing import Any

from mockpost.core.resources import Document
from mockpost.providers.inpost import labels, printouts, services
from mockpost.providers.inpost.flow import is_confirmed
from mockpost.providers.inpost.points import Points
from mockpost.providers.inpost.state import Account, DispatchOrder, Shipment

LABEL_FORMATS = (("Pdf", "label"), ("Zpl", "label (ZPL)"), ("Epl", "label (EPL)"))


def shipment_documents(account: Account, shipment: Shipment) -> list[Document]:
    """Its label as `GET /v1/shipments/:id/label` gives it, in PDF, ZPL and EPL, and its return
    label as `.../shipments/return_labels` gives it, for a return shipment or one returned to the
    sender. Nothing before the shipment is confirmed: the API has no label for it yet."""
    if not is_confirmed(shipment) or not shipment.tracking_number:
        return []
    found = [_document(labels.render([shipment], fmt, "normal"), role) for fmt, role in LABEL_FORMATS]
    if shipment.is_return or shipment.return_tracking_number:
        found.append(_document(labels.render([shipment], "Pdf", "normal", returning=True), "return label"))
    return found


def dispatch_order_documents(account: Account, order: DispatchOrder) -> list[Document]:
    """The handover sheet `GET .../dispatch_orders/printouts?dispatch_order_id=` gives."""
    return [_document(printouts.render([order]), "printout")]


def shipment_address(points: Points, shipment: Shipment) -> list[str] | None:
    """The receiver as ShipX holds it: name or company, then where the parcel goes — the target
    point for a locker service (its name and address), else the receiver's address. A return
    shipment without a receiver goes back to its sender."""
    peer = shipment.receiver or (shipment.sender if shipment.is_return else None) or {}
    lines = _names(peer)
    target = shipment.custom_attributes.get("target_point")
    if target and shipment.service and services.is_locker(shipment.service):
        point = points.by_name.get(str(target))
        lines.append(f"InPost point {target}")
        if point is not None:
            lines.extend(str(line) for line in (point.get("address") or {}).values() if line)
        lines.extend(str(peer[key]) for key in ("phone", "email") if peer.get(key))
    else:
        lines.extend(address_lines(peer.get("address")))
    return lines or None


def dispatch_order_address(account: Account, order: DispatchOrder) -> list[str] | None:
    """Where the courier collects: the contact's name, then the pickup address."""
    lines = [order.name] if order.name else []
    lines.extend(address_lines(order.address))
    return lines or None


def address_lines(address: dict[str, Any] | None) -> list[str]:
    """A ShipX address as a block: street and building (or line1, line2), post code and city, and
    the country."""
    if not address:
        return []
    street = " ".join(str(address[key]) for key in ("street", "building_number") if address.get(key))
    if street and address.get("flat_number"):
        street = f"{street}/{address['flat_number']}"
    lines = [street] if street else [str(address[key]) for key in ("line1", "line2") if address.get(key)]
    town = " ".join(str(address[key]) for key in ("post_code", "city") if address.get(key))
    lines.extend(line for line in (town, str(address.get("country_code") or "")) if line)
    return lines


def _names(peer: dict[str, Any]) -> list[str]:
    person = " ".join(str(peer[key]) for key in ("first_name", "last_name") if peer.get(key))
    named = [str(peer.get("company_name") or ""), str(peer.get("name") or ""), person]
    return [name for name in named if name]


def _document(label: labels.Label, role: str) -> Document:
    return Document(label.filename, label.media_type, label.content, role)
