"""EasyPost Connect's objects on the wire (camelCase JSON), exactly what the API returns for them.
Instants are ISO-8601 UTC with milliseconds, as NestJS sends. A job's `state` is its `status`, a
SendingEvent's its `businessStatus` (and its lifecycle history its `history`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockpost.providers.easypost_connect.state import (
    Company,
    Department,
    Job,
    PeppolDocument,
    SendingEvent,
    Subscription,
    UsageRecord,
    User,
    Workflow,
)


def iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return at.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def required_identifiers(workflow: Workflow) -> list[str]:
    from mockpost.providers.easypost_connect.delivery import needed_for

    needed: list[str] = []
    for task_type in workflow.task_types:
        for kind in needed_for(task_type):
            if kind not in needed:
                needed.append(kind)
    return needed


def workflow(w: Workflow) -> dict[str, Any]:
    return {
        "id": w.id,
        "name": w.name,
        "description": w.description,
        "companyId": w.company_id,
        "inputSource": w.input_source,
        "enabled": w.enabled,
        "validated": w.validated,
        "tasks": [
            {"order": index + 1, "type": task["type"], "fallback": bool(task.get("fallback", False))}
            for index, task in enumerate(w.tasks)
        ],
        "acceptedFileTypes": list(w.accepted_file_types),
        "pagesPerSendingEvent": w.pages_per_sending_event if w.input_source == "SINGLE_FILE" else None,
        "requiredChannelIdentifiers": required_identifiers(w),
        "departmentIds": list(w.department_ids),
        "createdAt": iso(w.created_at),
        "updatedAt": iso(w.created_at),
    }


def job(j: Job) -> dict[str, Any]:
    return {
        "id": j.id,
        "jobName": j.name,
        "workflowId": j.workflow_id,
        "companyId": j.company_id,
        "inputSource": j.input_source,
        "filename": j.filename,
        "status": j.state,
        "startDate": iso(j.created_at),
        "endDate": iso(j.end_date),
        "sendingEventExecutionDateUtc": iso(j.execution_date),
        "sendingEventsCount": len(j.sending_event_ids),
        "pageCount": j.page_count,
        "fileSize": j.file_size,
        "failureReason": j.failure_reason,
        "expiresAt": iso(j.upload_expires_at) if j.state == "AWAITING_FOR_FILE" else None,
        "createdAt": iso(j.created_at),
        "updatedAt": iso(j.updated_at),
    }


def job_created(j: Job, upload_url: str) -> dict[str, Any]:
    """A created job awaiting its file: the job, and where and until when to PUT the file."""
    return {**job(j), "fileUploadUrl": upload_url, "fileUploadUrlExpiresAt": iso(j.upload_expires_at)}


def download_url(url: str, expires: datetime) -> dict[str, Any]:
    return {"url": url, "expiresAt": iso(expires)}


def sending_event(e: SendingEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "jobId": e.job_id,
        "workflowId": e.workflow_id,
        "companyId": e.company_id,
        "businessStatus": e.state,
        "startDate": iso(e.created_at),
        "endDate": iso(e.end_date),
        "scheduledExecutionDateUtc": iso(e.scheduled_at),
        "channel": e.channel,
        "failureReason": e.failure_reason,
        "pageCount": e.page_count,
        "channelIdentifiers": [dict(item) for item in e.identifiers],
        "tasks": [{"type": t.type, "status": t.status, "reason": t.reason} for t in e.tasks],
        "history": [{"businessStatus": change.to, "date": iso(change.at)} for change in e.history],
        "files": [
            {
                "fileReference": f.reference,
                "type": f.reference,
                "contentType": f.content_type,
                "createdAt": iso(f.created_at),
            }
            for f in e.files
        ],
        "resendOf": e.resend_of,
        "resentAs": list(e.resent_as),
        "createdAt": iso(e.created_at),
        "updatedAt": iso(e.updated_at),
    }


def peppol(d: PeppolDocument) -> dict[str, Any]:
    return {
        "id": d.id,
        "companyId": d.company_id,
        "senderId": d.sender_id,
        "senderName": d.sender_name,
        "receiverId": d.receiver_id,
        "receiverName": d.receiver_name,
        "documentType": d.document_type,
        "documentId": d.document_id,
        "issueDate": d.issue_date,
        "amount": d.amount,
        "currency": d.currency,
        "createdAt": iso(d.created_at),
        "lastModifiedAt": iso(d.last_modified_at),
    }


def company(c: Company) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        **{key: c.details.get(key) for key in COMPANY_FIELDS},
        "managedByCompanyId": c.managed_by,
        "createdAt": iso(c.created_at),
        "updatedAt": iso(c.updated_at),
    }


COMPANY_FIELDS = (
    "vatNumber",
    "companyIdentificationNumber",
    "email",
    "phoneNumber",
    "language",
    "address",
    "peppolParticipantId",
)


def department(d: Department) -> dict[str, Any]:
    return {
        "id": d.id,
        "companyId": d.company_id,
        "name": d.name,
        "description": d.details.get("description"),
        "createdAt": iso(d.created_at),
        "updatedAt": iso(d.updated_at),
    }


def user(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "companyId": u.company_id,
        "email": u.email,
        "firstName": u.first_name,
        "lastName": u.last_name,
        "language": u.details.get("language", "en"),
        "role": u.details.get("role", "USER"),
        "departmentIds": list(u.details.get("departmentIds", [])),
        "active": u.details.get("active", True),
        "createdAt": iso(u.created_at),
        "updatedAt": iso(u.updated_at),
    }


def subscription(s: Subscription, with_secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.id,
        "companyId": s.company_id,
        "name": s.name,
        "url": s.url,
        "eventTypes": list(s.event_types),
        "enabled": s.enabled,
        "createdAt": iso(s.created_at),
        "updatedAt": iso(s.updated_at),
    }
    if with_secret:
        out["secret"] = s.secret
    return out


def usage_record(r: UsageRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "companyId": r.company_id,
        "date": iso(r.at),
        "channel": r.channel,
        "jobId": r.job_id,
        "sendingEventId": r.sending_event_id,
        "pages": r.pages,
        "quantity": 1,
        "outcome": r.outcome,
    }


def test_result(status: int | None, error: str | None) -> dict[str, Any]:
    """A webhook test: the receiver's status, and why there is none when it could not be reached."""
    result: dict[str, Any] = {"statusCode": status}
    if error is not None:
        result["error"] = error
    return result
