"""The wire shapes: pydantic models for the OpenAPI document, and the renderers of state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from mockpost.core.clock import iso_utc
from mockpost.providers.nirva.lifecycle import SHIPMENT_LABELS
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.state import Delivery, Job, Organisation, PackGroup, Service, Shipment, User


class ErrorBody(BaseModel):
    error: str = Field(description="HTTP reason phrase, e.g. 'Bad Request'")
    message: str = Field(description="What is wrong and what to do")


class AuthenticateRequest(BaseModel):
    login: str
    password: str
    withProfileDetail: bool = Field(default=False, description="Also accepted as a query parameter")


class BoxOut(BaseModel):
    id: str
    name: str
    type: str = Field(description="MAIN marks the boxes whose files are split into documents")
    channel: str


class ServiceOut(BaseModel):
    id: str
    name: str
    boxes: list[BoxOut]


class ProfileOut(BaseModel):
    id: int
    login: str
    firstName: str
    lastName: str
    email: str
    administrator: bool
    organisation: dict[str, Any]
    services: list[ServiceOut]


class AuthenticateOut(BaseModel):
    token: str
    profile: ProfileOut | None = Field(default=None, description="Only with withProfileDetail")


class OptionTypeOut(BaseModel):
    id: int
    name: str


class OptionOut(BaseModel):
    id: int
    value: str
    optionType: OptionTypeOut


class JobCreationParameter(BaseModel):
    jobName: str | None = None
    serviceId: str
    autocreateDeliveryCommand: bool = False
    targetOwnerId: int | None = None
    options: list[int] = Field(default_factory=list, description="Option ids from GET /options")
    pagesPerDocument: int | None = Field(default=None, description="Mock only: split every N pages")


class JobUpload(BaseModel):
    parameters: str = Field(description="JobCreationParameter as JSON")
    file__file_ID_PART_0: bytes = Field(
        description="A PDF in a box: file__file_{boxName}_N, file_file__{boxName}_N or file_main{boxId}_N"
    )


class JobOut(BaseModel):
    id: int
    jobId: int
    jobName: str
    status: str
    serviceId: str
    ownerId: int
    creatorId: int
    autocreateDeliveryCommand: bool
    creationDate: str
    statusDate: str
    errorMessage: str | None
    documentCount: int
    packGroupCountPerStates: dict[str, int]
    files: list[dict[str, Any]]


class RequirementOut(BaseModel):
    name: str
    raw: str
    value: str | None
    valid: bool
    message: str | None


class PackGroupOut(BaseModel):
    id: int
    jobId: int
    status: str
    channel: str
    deliveryId: int | None
    pageCount: int
    eligibility: list[dict[str, Any]]
    options: list[OptionOut]


class EditRequest(BaseModel):
    requirements: list[dict[str, str]] = Field(description='[{"name": "ADDRESS", "raw": "new RAW value"}]')


class MetadataOut(BaseModel):
    metadataKind: str
    metadataType: str
    name: str
    value: str


class ShipmentOut(BaseModel):
    id: int
    externalId: int
    deliveryId: int
    jobId: int
    packGroupId: int
    channel: str
    recipient: str = Field(description="The address lines joined with ' / ', or the e-mail address")
    status: int
    statusLabel: str
    statusDate: str
    metadata: list[MetadataOut]


class DeliveryOut(BaseModel):
    id: int
    jobId: int
    channel: str
    status: str
    creationDate: str
    outputDate: str | None
    shipments: list[ShipmentOut]


def date(at: datetime | None) -> str | None:
    return iso_utc(at) if at is not None else None


def render_service(service: Service) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "boxes": [{"id": b.id, "name": b.name, "type": b.type, "channel": b.channel} for b in service.boxes],
    }


def render_profile(org: Organisation, user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "login": user.login,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email,
        "administrator": user.administrator,
        "organisation": {"id": org.id, "name": org.name},
        "services": [render_service(s) for s in org.services_of(user)],
    }


def render_job(org: Organisation, job: Job) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for pid in job.pack_group_ids:
        status = org.pack_groups[pid].status
        counts[status] = counts.get(status, 0) + 1
    return {
        "id": job.id,
        "jobId": job.id,  # the documentation says "store the jobId returned"
        "jobName": job.name,
        "status": job.status,
        "serviceId": job.service_id,
        "ownerId": job.owner_id,
        "creatorId": job.creator_id,
        "autocreateDeliveryCommand": job.autocreate,
        "creationDate": date(job.created_at),
        "statusDate": date(job.status_changed_at),
        "errorMessage": job.error if job.status == "PROCESSING_ERROR" else None,
        "documentCount": len(job.pack_group_ids),
        "packGroupCountPerStates": counts,
        "files": list(job.files),
    }


def render_pack_group(group: PackGroup, catalog: OptionCatalog) -> dict[str, Any]:
    return {
        "id": group.id,
        "jobId": group.job_id,
        "status": group.status,
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
        "options": [catalog.render_option(oid) for oid in group.options if oid in catalog.options],
    }


def render_shipment(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.id,
        "externalId": shipment.external_id,
        "deliveryId": shipment.delivery_id,
        "jobId": shipment.job_id,
        "packGroupId": shipment.pack_group_id,
        "channel": shipment.channel,
        "recipient": shipment.recipient,
        "status": int(shipment.status),
        "statusLabel": SHIPMENT_LABELS[int(shipment.status)],
        "statusDate": date(shipment.status_changed_at),
        "metadata": [
            {"metadataKind": m.kind, "metadataType": m.type, "name": m.name, "value": m.value}
            for m in shipment.metadata
        ],
    }


def render_delivery(org: Organisation, delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "jobId": delivery.job_id,
        "channel": delivery.channel,
        "status": delivery.status,
        "creationDate": date(delivery.created_at),
        "outputDate": date(delivery.outputted_at),
        "packGroupIds": list(delivery.pack_group_ids),
        "shipments": [render_shipment(org.shipments[sid]) for sid in delivery.shipment_ids],
    }
