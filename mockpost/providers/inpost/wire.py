"""ShipX resources as JSON: the exact field names and nesting of the documentation.

Timestamps are ISO-8601 with milliseconds in Polish time (`2016-10-04T10:36:49.631+02:00`), as
every ShipX sample shows. `href` values are absolute URLs on the mock, built from the request's
base (`base` here is everything before `/v1/`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mockpost.providers.inpost import catalog
from mockpost.providers.inpost.state import (
    Batch,
    DispatchOrder,
    DispatchPoint,
    Offer,
    Organization,
    Shipment,
)

WARSAW = ZoneInfo("Europe/Warsaw")


def ts(at: datetime | None) -> str | None:
    return at.astimezone(WARSAW).isoformat(timespec="milliseconds") if at is not None else None


def webhook_ts(at: datetime) -> str:
    """The webhook's `event_ts` format: `2020-03-20 15:08:42 +0100`."""
    return at.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M:%S %z")


def organization(base: str, org: Organization) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/organizations/{org.id}",
        "id": org.id,
        "owner_id": org.owner_id,
        "tax_id": org.tax_id,
        "name": org.name,
        "created_at": ts(org.created_at),
        "updated_at": ts(org.updated_at),
        "services": list(org.services),
        "bank_account_number": org.bank_account_number,
        "address": dict(org.address),
        "carriers": sorted({catalog.carrier_of(s) for s in org.services}),
        "invoice_address": None,
        "contact_person": dict(org.contact_person),
    }


def offer(offer: Offer) -> dict[str, Any]:
    name, description = catalog.SERVICE_NAMES[offer.service]
    return {
        "id": offer.id,
        "status": offer.status,
        "expires_at": ts(offer.expires_at),
        "rate": offer.rate,
        "currency": offer.currency,
        "additional_services": list(offer.additional_services),
        "unavailability_reasons": offer.unavailability_reasons,
        "carrier": catalog.render_carrier(offer.service),
        "service": {"id": offer.service, "name": name, "description": description},
    }


def shipment(base: str, item: Shipment) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/shipments/{item.id}",
        "id": item.id,
        "status": item.status,
        "tracking_number": item.tracking_number,
        "return_tracking_number": item.return_tracking_number,
        "service": item.service,
        "reference": item.reference,
        "is_return": item.is_return,
        "application_id": 1,
        "created_by_id": None,
        "external_customer_id": item.external_customer_id,
        "sending_method": item.custom_attributes.get("sending_method"),
        "mpk": item.mpk,
        "comments": item.comments,
        "additional_services": list(item.additional_services),
        "custom_attributes": dict(item.custom_attributes),
        "cod": dict(item.cod),
        "insurance": dict(item.insurance),
        "sender": peer_copy(item.sender),
        "receiver": peer_copy(item.receiver),
        "parcels": [{**parcel, "tracking_number": item.tracking_number} for parcel in item.parcels],
        "selected_offer": offer(item.selected_offer) if item.selected_offer else None,
        "offers": [offer(o) for o in item.offers],
        "transactions": [
            {
                "id": t.id,
                "status": t.status,
                "offer_id": t.offer_id,
                "details": None,
                "created_at": ts(t.created_at),
                "updated_at": ts(t.created_at),
            }
            for t in item.transactions
        ],
        "only_choice_of_offer": item.only_choice_of_offer,
        "end_of_week_collection": item.end_of_week_collection,
        "created_at": ts(item.created_at),
        "updated_at": ts(item.updated_at),
    }


def peer_copy(peer: dict[str, Any] | None) -> dict[str, Any] | None:
    if peer is None:
        return None
    copied = dict(peer)
    if isinstance(copied.get("address"), dict):
        copied["address"] = dict(copied["address"])
    return copied


def dispatch_order(base: str, order: DispatchOrder, shipments: dict[int, Shipment]) -> dict[str, Any]:
    return {
        "href": f"{base}/v1/dispatch_orders/{order.id}",
        "id": order.id,
        "status": order.status,
        "name": order.name,
        "phone": order.phone,
        "email": order.email,
        "address": dict(order.address),
        "shipments": [
            {
                "href": f"{base}/v1/shipments/{sid}",
                "id": sid,
                "tracking_number": shipments[sid].tracking_number if sid in shipments else None,
            }
            for sid in order.shipment_ids
        ],
        "comments": [
            {"id": c.id, "comment": c.comment, "created_at": ts(c.created_at)} for c in order.comments
        ],
        "created_at": ts(order.created_at),
        "updated_at": ts(order.updated_at),
    }


def batch(base: str, item: Batch, status: str, shipments: dict[int, Shipment]) -> dict[str, Any]:
    members = [shipments[sid] for sid in item.shipment_ids]
    return {
        "href": f"{base}/v1/batches/{item.id}",
        "id": item.id,
        "status": status,
        "shipments": [
            {
                "href": f"{base}/v1/shipments/{s.id}",
                "id": s.id,
                "tracking_number": s.tracking_number,
                "status": s.status,
            }
            for s in members
        ],
        "created_at": ts(item.created_at),
        "updated_at": ts(max([item.created_at, *(s.updated_at for s in members)])),
    }


DISPATCH_POINT_FIELDS = ("id", "name", "office_hours", "phone", "email", "comments", "status")


def dispatch_point(base: str, item: DispatchPoint) -> dict[str, Any]:
    shown = {name: getattr(item, name) for name in DISPATCH_POINT_FIELDS}
    return {"href": f"{base}/v1/dispatch_points/{item.id}", **shown, "address": dict(item.address)}


def point(base: str, data: dict[str, Any], distance: float | None = None) -> dict[str, Any]:
    return {"href": f"{base}/v1/points/{data['name']}", **data, "distance": distance}
