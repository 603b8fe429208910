"""ShipX resources as JSON: the exact field names and nesting of the documentation.

Timestamps are ISO-8601 with milliseconds in Polish time (`2016-10-04T10:36:49.631+02:00`), as
every ShipX sample shows. `href` values are absolute URLs on the mock, built from the request's
base (`base` here is everything before `/v1/`; the control plane renders with the in-process
client's base, `RENDER_BASE`). Inside, a shipment's or dispatch order's status is its `state`;
on the wire it is `status`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mockpost.core.wire import Attributes
from mockpost.providers.inpost import services
from mockpost.providers.inpost.lifecycle import PROGRESS
from mockpost.providers.inpost.state import (
    Batch,
    DispatchOrder,
    DispatchPoint,
    Offer,
    Organization,
    Shipment,
)
from mockpost.providers.inpost.statuses import Status

WARSAW = ZoneInfo("Europe/Warsaw")
RENDER_BASE = "http://mockpost/inpost"  # the in-process client's base: what a test reads
# Tracking shows a parcel's way from confirmation on.
UNTRACKED = frozenset({*PROGRESS[: PROGRESS.index("confirmed")], "canceled"})
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


def ts(at: datetime | None) -> str | None:
    return at.astimezone(WARSAW).isoformat(timespec="milliseconds") if at is not None else None


def webhook_ts(at: datetime) -> str:
    """The webhook's `event_ts` format: `2020-03-20 15:08:42 +0100`."""
    return at.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M:%S %z")


def link(base: str, collection: str, ident: Any) -> dict[str, Any]:
    """`{href, id}`: how every ShipX resource, and every reference to one, begins."""
    return {"href": f"{base}/v1/{collection}/{ident}", "id": ident}


# -- the public catalogue -------------------------------------------------------------------
def status(item: Status, lang: str) -> dict[str, str]:
    index = 1 if lang == "pl_PL" else 0
    return {"name": item.name, "title": item.titles[index], "description": item.descriptions[index]}


def service(name: str) -> dict[str, Any]:
    title, description = services.SERVICE_NAMES[name]
    extras = services.LOCKER_EXTRAS if services.is_locker(name) else services.COURIER_EXTRAS
    return {
        "id": name,
        "name": title,
        "description": description,
        "additional_services": [
            {
                "id": extra,
                "name": services.ADDITIONAL_SERVICES[extra],
                "description": services.ADDITIONAL_SERVICES[extra],
            }
            for extra in extras
        ],
    }


def sending_methods(service_name: str | None) -> list[dict[str, str]]:
    """The ways a parcel of this service can be handed over (every way without a service)."""
    if service_name is None:
        names: tuple[str, ...] = services.SENDING_METHODS
    elif services.is_locker(service_name):
        names = services.LOCKER_SENDING_METHODS
    else:
        names = services.COURIER_SENDING_METHODS
    return [
        {
            "id": n,
            "name": services.SENDING_METHOD_NAMES[n][0],
            "description": services.SENDING_METHOD_NAMES[n][1],
        }
        for n in names
    ]


def carrier(service_name: str) -> dict[str, str]:
    carrier_id = services.carrier_of(service_name)
    name, description = services.CARRIERS[carrier_id]
    return {"id": carrier_id, "name": name, "description": description}


def point(base: str, data: dict[str, Any], distance: float | None = None) -> dict[str, Any]:
    return {"href": f"{base}/v1/points/{data['name']}", **data, "distance": distance}


# -- an account's resources -----------------------------------------------------------------
def organization(base: str, org: Organization) -> dict[str, Any]:
    return {
        **link(base, "organizations", org.id),
        "owner_id": org.owner_id,
        "tax_id": org.tax_id,
        "name": org.name,
        "created_at": ts(org.created_at),
        "updated_at": ts(org.updated_at),
        "services": list(org.services),
        "bank_account_number": org.bank_account_number,
        "address": dict(org.address),
        "carriers": sorted({services.carrier_of(s) for s in org.services}),
        "invoice_address": None,
        "contact_person": dict(org.contact_person),
    }


def offer(item: Offer) -> dict[str, Any]:
    name, description = services.SERVICE_NAMES[item.service]
    return {
        "id": item.id,
        "status": item.state,
        "expires_at": ts(item.expires_at),
        "rate": item.rate,
        "currency": item.currency,
        "additional_services": list(item.additional_services),
        "unavailability_reasons": item.unavailability_reasons,
        "carrier": carrier(item.service),
        "service": {"id": item.service, "name": name, "description": description},
    }


SHIPMENT = Attributes(Shipment, "tracking_number return_tracking_number service reference is_return")


def shipment(base: str, item: Shipment) -> dict[str, Any]:
    selected = item.selected_offer
    return {
        **link(base, "shipments", item.id),
        "status": item.state,
        **SHIPMENT(item),
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
        "selected_offer": offer(selected) if selected else None,
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


def tracking(base: str, item: Shipment, machines: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`GET /v1/tracking/{number}`: the logistics history newest first; `machines` are the
    points by name (for the target and drop-off lockers' details)."""
    target = item.custom_attributes.get("target_point")
    dropoff = item.custom_attributes.get("dropoff_point")
    template = next((p.get("template") for p in item.parcels if p.get("template")), None)
    return {
        "tracking_number": item.tracking_number,
        "type": item.service,
        "service": item.service,
        "status": item.state,
        "created_at": ts(item.created_at),
        "updated_at": ts(item.updated_at),
        "custom_attributes": {
            "size": services.TEMPLATES[template].size if template else None,
            "target_machine_id": target,
            "target_machine_detail": _machine(base, machines.get(target or "")),
            "dropoff_machine_id": dropoff,
            "dropoff_machine_detail": _machine(base, machines.get(dropoff or "")),
        },
        "tracking_details": [
            {
                "status": change.to,
                "origin_status": ORIGIN_CODES.get(change.to, change.to[:3].upper()),
                "agency": None,
                "datetime": ts(change.at),
            }
            for change in reversed(item.history)
            if change.to not in UNTRACKED
        ],
        "expected_flow": [],
    }


def _machine(base: str, found: dict[str, Any] | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "href": f"{base}/v1/points/{found['name']}",
        "name": found["name"],
        "opening_hours": found["opening_hours"],
        "location_description": found["location_description"],
        "location": dict(found["location"]),
        "address": dict(found["address"]),
        "type": list(found["type"]),
        "location_247": found["location_247"],
    }


def dispatch_order(base: str, order: DispatchOrder) -> dict[str, Any]:
    return {
        **link(base, "dispatch_orders", order.id),
        "status": order.state,
        "name": order.name,
        "phone": order.phone,
        "email": order.email,
        "address": dict(order.address),
        "shipments": [
            {**link(base, "shipments", s.id), "tracking_number": s.tracking_number} for s in order.shipments
        ],
        "comments": [
            {"id": c.id, "comment": c.comment, "created_at": ts(c.created_at)} for c in order.comments
        ],
        "created_at": ts(order.created_at),
        "updated_at": ts(order.updated_at),
    }


def batch(base: str, item: Batch, state: str, shipments: dict[int, Shipment]) -> dict[str, Any]:
    members = [shipments[sid] for sid in item.shipment_ids]
    return {
        **link(base, "batches", item.id),
        "status": state,
        "shipments": [
            {**link(base, "shipments", s.id), "tracking_number": s.tracking_number, "status": s.state}
            for s in members
        ],
        "created_at": ts(item.created_at),
        "updated_at": ts(max([item.created_at, *(s.updated_at for s in members)])),
    }


DISPATCH_POINT_FIELDS = ("name", "office_hours", "phone", "email", "comments", "status")


def dispatch_point(base: str, item: DispatchPoint) -> dict[str, Any]:
    shown = {name: getattr(item, name) for name in DISPATCH_POINT_FIELDS}
    return {**link(base, "dispatch_points", item.id), **shown, "address": dict(item.address)}
