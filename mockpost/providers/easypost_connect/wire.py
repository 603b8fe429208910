"""EasyPost Connect's objects on the wire (camelCase JSON), exactly what the API returns for them.
Instants are ISO-8601 UTC with milliseconds, as NestJS sends. A job's `state` is its `status`, a
SendingEvent's its `businessStatus` (and its lifecycle history its `history`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockpost.core.wire import Attributes
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


def times(obj: Any) -> dict[str, Any]:
    """`createdAt` and `updatedAt`, last in every object that changes."""
    return {"createdAt": iso(obj.created_at), "updatedAt": iso(obj.updated_at)}


WORKFLOW = Attributes(Workflow, "id name description company_id input_source enabled validated", camel=True)


def workflow(w: Workflow) -> dict[str, Any]:
    return {
        **WORKFLOW(w),
        "tasks": [
            {"order": index + 1, "type": task["type"], "fallback": bool(task.get("fallback", False))}
            for index, task in enumerate(w.tasks)
        ],
        "acceptedFileTypes": list(w.accepted_file_types),
        "pagesPerSendingEvent": w.pages_per_sending_event if w.input_source == "SINGLE_FILE" else None,
        "requiredChannelIdentifiers": required_identifiers(w),
        "departmentIds": list(w.department_ids),
        "createdAt": iso(w.created_at),
        "updatedAt": iso(w.created_at),  # a workflow never changes
    }


JOB = Attributes(Job, "workflow_id company_id input_source filename", camel=True)


def job(j: Job) -> dict[str, Any]:
    return {
        "id": j.id,
        "jobName": j.name,
        **JOB(j),
        "status": j.state,
        "startDate": iso(j.created_at),
        "endDate": iso(j.end_date),
        "sendingEventExecutionDateUtc": iso(j.execution_date),
        "sendingEventsCount": len(j.sending_event_ids),
        "pageCount": j.page_count,
        "fileSize": j.file_size,
        "failureReason": j.failure_reason,
        "expiresAt": iso(j.upload_expires_at) if j.state == "AWAITING_FOR_FILE" else None,
        **times(j),
    }


def job_created(j: Job, upload_url: str) -> dict[str, Any]:
    """A created job awaiting its file: the job, and where and until when to PUT the file."""
    return {**job(j), "fileUploadUrl": upload_url, "fileUploadUrlExpiresAt": iso(j.upload_expires_at)}


def download_url(url: str, expires: datetime) -> dict[str, Any]:
    return {"url": url, "expiresAt": iso(expires)}


SENDING_EVENT = Attributes(SendingEvent, "id job_id workflow_id company_id", camel=True)


def sending_event(e: SendingEvent) -> dict[str, Any]:
    return {
        **SENDING_EVENT(e),
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
        **times(e),
    }


PEPPOL = Attributes(
    PeppolDocument,
    "id company_id sender_id sender_name receiver_id receiver_name document_type document_id issue_date"
    " amount currency",
    camel=True,
)


def peppol(d: PeppolDocument) -> dict[str, Any]:
    return {**PEPPOL(d), "createdAt": iso(d.created_at), "lastModifiedAt": iso(d.last_modified_at)}


def company(c: Company) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        **{key: c.details.get(key) for key in COMPANY_FIELDS},
        "managedByCompanyId": c.managed_by,
        **times(c),
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
        **times(d),
    }


USER = Attributes(User, "id company_id email first_name last_name", camel=True)


def user(u: User) -> dict[str, Any]:
    return {
        **USER(u),
        "language": u.details.get("language", "en"),
        "role": u.details.get("role", "USER"),
        "departmentIds": list(u.details.get("departmentIds", [])),
        "active": u.details.get("active", True),
        **times(u),
    }


SUBSCRIPTION = Attributes(Subscription, "id company_id name url", camel=True)


def subscription(s: Subscription, with_secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        **SUBSCRIPTION(s),
        "eventTypes": list(s.event_types),
        "enabled": s.enabled,
        **times(s),
    }
    if with_secret:
        out["secret"] = s.secret
    return out


USAGE_RECORD = Attributes(UsageRecord, "channel job_id sending_event_id pages", camel=True)


def usage_record(r: UsageRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "companyId": r.company_id,
        "date": iso(r.at),
        **USAGE_RECORD(r),
        "quantity": 1,
        "outcome": r.outcome,
    }


def test_result(status: int | None, error: str | None) -> dict[str, Any]:
    """A webhook test: the receiver's status, and why there is none when it could not be reached."""
    result: dict[str, Any] = {"statusCode": status}
    if error is not None:
        result["error"] = error
    return result
