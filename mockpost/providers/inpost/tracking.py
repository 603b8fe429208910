"""Public tracking (`GET /v1/tracking/{tracking_number}`): any account's shipment by its number,
history newest first, kept 45 days from the shipment's creation as ShipX does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from mockpost.core.store import Store
from mockpost.providers.inpost import catalog, wire
from mockpost.providers.inpost.errors import NotFound
from mockpost.providers.inpost.flow import PROVIDER, Flow, rank
from mockpost.providers.inpost.points import Points
from mockpost.providers.inpost.state import Account, Shipment

RETENTION = timedelta(days=45)
# ShipX's internal status codes shown as `origin_status` (only "PDD" is seen in the documentation).
ORIGIN_CODES = {
    "confirmed": "CRE",
    "dispatched_by_sender": "NDM",
    "collected_from_sender": "PDN",
    "taken_by_courier": "PDK",
    "adopted_at_source_branch": "PWO",
    "sent_from_source_branch": "WZO",
    "adopted_at_sorting_center": "PSO",
    "sent_from_sorting_center": "WSO",
    "adopted_at_target_branch": "POD",
    "out_for_delivery": "WDO",
    "ready_to_pickup": "UMP",
    "pickup_reminder_sent": "PRZ",
    "delivered": "PDD",
    "returned_to_sender": "ZWN",
}


def find(store: Store, flow: Flow, number: str) -> tuple[Account, Shipment]:
    owner = flow.tracking_index.get(number)
    if owner is not None:
        account = store.existing(PROVIDER, owner[0])
        shipment = account.shipments.get(owner[1]) if account is not None else None
        if (
            account is not None
            and shipment is not None
            and number in (shipment.tracking_number, shipment.return_tracking_number)
        ):
            return account, shipment
    raise NotFound("tracking", number[:64])


def render(base: str, shipment: Shipment, points: Points, now: datetime) -> dict[str, Any]:
    if now - shipment.created_at > RETENTION:
        raise NotFound("tracking", shipment.tracking_number or "")
    target = shipment.custom_attributes.get("target_point")
    dropoff = shipment.custom_attributes.get("dropoff_point")
    template = next((p.get("template") for p in shipment.parcels if p.get("template")), None)
    details = [
        {
            "status": entry.status,
            "origin_status": ORIGIN_CODES.get(entry.status, entry.status[:3].upper()),
            "agency": None,
            "datetime": wire.ts(entry.at),
        }
        for entry in shipment.history
        if entry.status != "canceled" and rank(entry.status) >= rank("confirmed")
    ]
    details.reverse()
    return {
        "tracking_number": shipment.tracking_number,
        "type": shipment.service,
        "service": shipment.service,
        "status": shipment.status,
        "created_at": wire.ts(shipment.created_at),
        "updated_at": wire.ts(shipment.updated_at),
        "custom_attributes": {
            "size": catalog.TEMPLATES[template].size if template else None,
            "target_machine_id": target,
            "target_machine_detail": _machine(base, points, target),
            "dropoff_machine_id": dropoff,
            "dropoff_machine_detail": _machine(base, points, dropoff),
        },
        "tracking_details": details,
        "expected_flow": [],
    }


def _machine(base: str, points: Points, name: str | None) -> dict[str, Any] | None:
    point = points.by_name.get(name or "")
    if point is None:
        return None
    return {
        "href": f"{base}/v1/points/{point['name']}",
        "name": point["name"],
        "opening_hours": point["opening_hours"],
        "location_description": point["location_description"],
        "location": dict(point["location"]),
        "address": dict(point["address"]),
        "type": list(point["type"]),
        "location_247": point["location_247"],
    }
