"""Nirva's JSON, exactly as the API answers: profiles, options, jobs, packGroups, deliveries and
shipments (whose `state` is the code as text; the wire shows the number and its label)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockpost.core.clock import iso_utc
from mockpost.core.wire import Attributes
from mockpost.providers.nirva.lifecycle import SHIPMENT_LABELS
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.state import Delivery, Job, Organisation, PackGroup, Service, Shipment, User


def date(at: datetime | None) -> str | None:
    return iso_utc(at) if at is not None else None


def render_service(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "boxes": [{"id": b.id, "name": b.name, "type": b.type, "channel": b.channel} for b in service.boxes],
    }


PROFILE = Attributes(User, "id login first_name last_name email administrator", camel=True)


def render_profile(org: Organisation, user: User) -> dict[str, Any]:
    return {
        **PROFILE(user),
        "organisation": {"id": org.id, "name": org.name},
        "services": [render_service(s) for s in org.services_of(user)],
    }


def render_option_types(catalog: OptionCatalog) -> list[dict[str, Any]]:
    return [{"id": tid, "name": name} for tid, name in catalog.types.items()]


def render_option(catalog: OptionCatalog, option_id: int) -> dict[str, Any]:
    value, type_id = catalog.options[option_id]
    return {
        "id": option_id,
        "value": value,
        "optionType": {"id": type_id, "name": catalog.types.get(type_id, "")},
    }


def render_options(catalog: OptionCatalog) -> list[dict[str, Any]]:
    return [render_option(catalog, oid) for oid in catalog.options]


def render_job(job: Job) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for group in job.pack_groups.values():
        counts[group.state] = counts.get(group.state, 0) + 1
    return {
        "id": job.id,
        "jobId": job.id,  # the documentation says "store the jobId returned"
        "jobName": job.name,
        "status": job.state,
        "serviceId": job.service_id,
        "ownerId": job.owner_id,
        "creatorId": job.creator_id,
        "autocreateDeliveryCommand": job.autocreate,
        "creationDate": date(job.created_at),
        "statusDate": date(job.updated_at),
        "errorMessage": job.error if job.state == "PROCESSING_ERROR" else None,
        "documentCount": len(job.pack_groups),
        "packGroupCountPerStates": counts,
        "files": list(job.files),
    }


def render_pack_group(group: PackGroup, catalog: OptionCatalog) -> dict[str, Any]:
    return {
        "id": group.id,
        "jobId": group.job_id,
        "status": group.state,
        "channel": group.channel,
        "deliveryId": group.delivery_id,
        "boxId": group.document.box_id,
        "fileName": group.document.file_name,
        "firstPage": group.document.first_page,
        "pageCount": group.document.page_count + group.attachment_pages,
        "eligibility": [
            {
                "channel": group.channel,
                "eligible": all(r.valid for r in group.requirements),
                "requirements": [
                    {"name": r.name, "raw": r.raw, "value": r.value, "valid": r.valid, "message": r.message}
                    for r in group.requirements
                ],
            }
        ],
        "options": [render_option(catalog, oid) for oid in group.options if oid in catalog.options],
    }


SHIPMENT = Attributes(
    Shipment, "id external_id delivery_id job_id pack_group_id channel recipient", camel=True
)


def render_shipment(shipment: Shipment) -> dict[str, Any]:
    return {
        **SHIPMENT(shipment),
        "status": int(shipment.state),
        "statusLabel": SHIPMENT_LABELS[int(shipment.state)],
        "statusDate": date(shipment.updated_at),
        "metadata": [
            {"metadataKind": m.kind, "metadataType": m.type, "name": m.name, "value": m.value}
            for m in shipment.metadata
        ],
    }


def render_delivery(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "jobId": delivery.job_id,
        "channel": delivery.channel,
        "status": delivery.state,
        "creationDate": date(delivery.created_at),
        "outputDate": date(delivery.outputted_at),
        "packGroupIds": list(delivery.pack_group_ids),
        "shipments": [render_shipment(shipment) for shipment in delivery.shipments.values()],
    }
