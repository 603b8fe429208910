"""SendingEvents: created from a job's recipients, moved along businessStatus on the clock,
their generated files (submission report, ePod) with pre-signed downloads, and resends."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from mockpost.core.pdf import make_pdf
from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.base import BackendBase
from mockpost.providers.easypost_connect.delivery import Plan, plan
from mockpost.providers.easypost_connect.errors import Conflict, ConnectError, Invalid, NotFound
from mockpost.providers.easypost_connect.files import Recipient
from mockpost.providers.easypost_connect.lifecycle import (
    COMPLETED,
    DELIVERED,
    EPOD_TASKS,
    FAILED,
    IN_PROGRESS,
    PRINT_TASKS,
    PROCESSING,
    SCHEDULED,
    SENDING_EVENT,
    SENT,
)
from mockpost.providers.easypost_connect.render import iso
from mockpost.providers.easypost_connect.state import (
    Account,
    Company,
    Job,
    SendingEvent,
    StoredFile,
    Task,
    UsageRecord,
)

BUSINESS_STATUSES = tuple(SENDING_EVENT.states)


class SendingPart(BackendBase):
    # -- creation ------------------------------------------------------------------------------
    def start_sending_events(
        self, account: Account, company: Company, job: Job, recipients: list[Recipient]
    ) -> None:
        workflow = company.workflows[job.workflow_id]
        for recipient in recipients:
            delivery = plan(
                workflow.task_types, recipient.identifiers, recipient.text, recipient.from_document
            )
            event = self._new_event(company, job, recipient.identifiers, recipient.pages, delivery)
            event.template_data = (job.payload or {}).get("templateData")
            self._begin(account, company, event, delivery, job.execution_date)

    def _new_event(
        self, company: Company, job: Job, identifiers: list[dict[str, str]], pages: int, delivery: Plan
    ) -> SendingEvent:
        now = self.now()
        event = SendingEvent(
            id=self.ctx.ids.uuid4(),
            job_id=job.id,
            workflow_id=job.workflow_id,
            company_id=company.id,
            business_status=PROCESSING,
            created_at=now,
            updated_at=now,
            identifiers=[dict(item) for item in identifiers],
            tasks=[Task(t.type) for t in delivery.tasks],
            page_count=pages,
        )
        event.plan = delivery
        company.sending_events[event.id] = event
        company.sending_event_index.add(event.id, event.created_at)
        job.sending_event_ids.append(event.id)
        return event

    def _begin(
        self, account: Account, company: Company, event: SendingEvent, delivery: Plan, at: datetime | None
    ) -> None:
        now = self.now()
        if at is not None and at > now:
            event.business_status = SCHEDULED
            event.scheduled_at = at
            event.history.append({"businessStatus": SCHEDULED, "date": iso(now)})
            event.pending = self.later(
                account, at, lambda: self._run(account, company, event, delivery), f"sending-event {event.id}"
            )
            return
        event.history.append({"businessStatus": PROCESSING, "date": iso(now)})
        self._run(account, company, event, delivery, entered=True)

    # -- the timeline -----------------------------------------------------------------------------
    def _run(
        self, account: Account, company: Company, event: SendingEvent, delivery: Plan, entered: bool = False
    ) -> None:
        if not entered:
            self.set_business_status(account, company, event, PROCESSING)
        for task in event.tasks:
            task.status = "RUNNING" if task is event.tasks[0] else "PENDING"
        event.pending = self.later(
            account,
            self.timeline.sent_after,
            lambda: self._send(account, company, event, delivery),
            f"sending-event {event.id}",
        )

    def _send(self, account: Account, company: Company, event: SendingEvent, delivery: Plan) -> None:
        event.pending = None
        if event.business_status != PROCESSING:
            return
        for task, planned in zip(event.tasks, delivery.tasks, strict=True):
            task.status, task.reason = planned.status, planned.reason
        if not delivery.succeeds and not delivery.bounced:
            event.failure_reason = delivery.reason
            self.set_business_status(account, company, event, FAILED)
            return
        channel = delivery.channel or delivery.last_channel or "EMAIL"
        event.channel = channel
        for task in event.tasks:
            if task.type == channel and task.status == "SUCCESS":
                task.status = "RUNNING"  # handed over; SUCCESS once delivered
        self.set_business_status(account, company, event, SENT)
        self._record_usage(company, event, channel, "SENT" if delivery.succeeds else "FAILED")
        self.add_file(account, company, event, "SUBMISSION_REPORT")
        event.pending = self.later(
            account,
            self.timeline.delivered_after(channel),
            lambda: self._finish(account, company, event, delivery),
            f"sending-event {event.id}",
        )

    def _finish(self, account: Account, company: Company, event: SendingEvent, delivery: Plan) -> None:
        event.pending = None
        if event.business_status != SENT:
            return
        if delivery.succeeds:
            for task in event.tasks:
                if task.status == "RUNNING":
                    task.status = "SUCCESS"
            self.set_business_status(account, company, event, DELIVERED)
            if event.channel in EPOD_TASKS:
                self.add_file(account, company, event, "EPOD")
        else:
            event.failure_reason = delivery.reason
            self.set_business_status(account, company, event, FAILED)

    def set_business_status(
        self, account: Account, company: Company, event: SendingEvent, status: str
    ) -> None:
        SENDING_EVENT.check(event.business_status, status)
        previous, event.business_status = event.business_status, status
        now = self.now()
        event.updated_at = now
        event.history.append({"businessStatus": status, "date": iso(now)})
        if SENDING_EVENT.is_final(status):
            event.end_date = now
        self.emit(
            account,
            company,
            "sending.event.status.changed",
            {
                "sendingEventId": event.id,
                "jobId": event.job_id,
                "previousBusinessStatus": previous,
                "businessStatus": status,
            },
        )
        if SENDING_EVENT.is_final(status):
            self.sending_event_final(account, company, event)

    def sending_event_final(self, account: Account, company: Company, event: SendingEvent) -> None:
        job = company.jobs.get(event.job_id)
        if job is None or job.status != IN_PROGRESS:
            return
        events = [company.sending_events[i] for i in job.sending_event_ids if i in company.sending_events]
        if all(SENDING_EVENT.is_final(e.business_status) for e in events):
            self.set_job_status(account, company, job, COMPLETED)

    def set_job_status(self, account: Account, company: Company, job: Job, status: str) -> None:
        raise NotImplementedError

    def add_file(self, account: Account, company: Company, event: SendingEvent, reference: str) -> None:
        if any(f.reference == reference for f in event.files):
            return
        event.files.append(StoredFile(reference, self.now()))
        self.emit(
            account,
            company,
            "sending.event.file.ready",
            {"sendingEventId": event.id, "jobId": event.job_id, "fileReference": reference},
        )

    def _record_usage(self, company: Company, event: SendingEvent, channel: str, outcome: str) -> None:
        record = UsageRecord(
            id=self.ctx.ids.uuid4(),
            company_id=company.id,
            at=self.now(),
            channel=channel,
            job_id=event.job_id,
            sending_event_id=event.id,
            pages=event.page_count,
            outcome=outcome,
        )
        company.usage[record.id] = record
        company.usage_index.add(record.id, record.at)

    # -- reading --------------------------------------------------------------------------------------
    def sending_event(self, company: Company, event_id: str) -> SendingEvent:
        event = company.sending_events.get(event_id)
        if event is None:
            raise NotFound("SendingEvent", event_id)
        return event

    def list_sending_events(self, company: Company, query: Mapping[str, str]) -> list[SendingEvent]:
        params = self.page(query)
        status = self.choice_param(query, "businessStatus", BUSINESS_STATUSES)
        start, stop = self.window(query)
        job_id = query.get("jobId") or None
        workflow_id = query.get("workflowId") or None

        def accept(event_id: str) -> bool:
            event = company.sending_events[event_id]
            return (
                (status is None or event.business_status == status)
                and (job_id is None or event.job_id == job_id)
                and (workflow_id is None or event.workflow_id == workflow_id)
            )

        filtered = status is not None or job_id is not None or workflow_id is not None
        ids = self.keyset(
            company.sending_event_index, params, lower=start, upper=stop, accept=accept if filtered else None
        )
        return [company.sending_events[i] for i in ids]

    # -- resend -----------------------------------------------------------------------------------------
    def resend(self, account: Account, company: Company, event_id: str) -> SendingEvent:
        original = self.sending_event(company, event_id)
        if original.resend_of is not None:
            raise Conflict(f"SendingEvent '{original.id}' is itself a re-send and cannot be re-sent")
        if not SENDING_EVENT.is_final(original.business_status):
            raise Conflict(
                f"SendingEvent '{original.id}' is {original.business_status}; only a SendingEvent in a "
                "final state (DELIVERED or FAILED) can be re-sent"
            )
        job = company.jobs.get(original.job_id)
        workflow = company.workflows.get(original.workflow_id)
        if job is None or workflow is None:
            raise Conflict(
                f"SendingEvent '{original.id}' can no longer be re-sent (its job or workflow is gone)"
            )
        delivery = plan(
            workflow.task_types, original.identifiers, "", from_document=job.input_source == "SINGLE_FILE"
        )
        event = self._new_event(company, job, original.identifiers, original.page_count, delivery)
        event.resend_of = original.id
        event.template_data = original.template_data
        original.resent_as.append(event.id)
        self._begin(account, company, event, delivery, None)
        return event

    # -- files -------------------------------------------------------------------------------------------
    def file_download(
        self, account: Account, company: Company, event_id: str, reference: str, base: str
    ) -> tuple[str, datetime]:
        event = self.sending_event(company, event_id)
        if reference not in models.FILE_REFERENCES:
            raise Invalid(
                [f"fileReference must be one of the following values: {', '.join(models.FILE_REFERENCES)}"]
            )
        if not any(f.reference == reference for f in event.files):
            raise ConnectError(404, f"File {reference} of SendingEvent '{event.id}' is not generated yet")
        expires = self.now() + self.timeline.download_ttl
        path = sending_file_path(account.tenant, company.id, event.id, reference)
        return self.signer.url(base, "GET", path, expires), expires

    def file_bytes(self, company: Company, event_id: str, reference: str) -> bytes:
        event = self.sending_event(company, event_id)
        stored = next((f for f in event.files if f.reference == reference), None)
        if stored is None:
            raise NotFound("File", reference)
        title = (
            "Submission report" if reference == "SUBMISSION_REPORT" else "Electronic proof of delivery (ePod)"
        )
        lines = [
            f"EasyPost Connect - {title}",
            f"SendingEvent: {event.id}",
            f"Job: {event.job_id}",
            f"Channel: {event.channel or '-'}",
            f"Business status: {event.business_status}",
            f"Generated: {iso(stored.created_at)}",
        ]
        lines += [f"{item['kind']}: {item['value']}"[:120] for item in event.identifiers[:20]]
        return make_pdf([lines])

    def force_sending_event(
        self, account: Account, company: Company, event: SendingEvent, status: str, reason: str | None
    ) -> None:
        """Control plane: move a SendingEvent along its lifecycle at once (its files follow)."""
        SENDING_EVENT.check(event.business_status, status)
        if event.pending is not None:
            event.pending.cancel()
            event.pending = None
        if status == SENT:
            event.channel = event.channel or (event.tasks[0].type if event.tasks else "EMAIL")
            self.set_business_status(account, company, event, SENT)
            self._record_usage(company, event, event.channel, "SENT")
            self.add_file(account, company, event, "SUBMISSION_REPORT")
            if isinstance(event.plan, Plan):
                delivery = event.plan
                event.pending = self.later(
                    account,
                    self.timeline.delivered_after(event.channel),
                    lambda: self._finish(account, company, event, delivery),
                    f"sending-event {event.id}",
                )
        elif status == PROCESSING and isinstance(event.plan, Plan):
            self._run(account, company, event, event.plan)
        elif status == DELIVERED:
            for task in event.tasks:
                if task.type == event.channel:
                    task.status = "SUCCESS"
            self.set_business_status(account, company, event, DELIVERED)
            if event.channel in EPOD_TASKS:
                self.add_file(account, company, event, "EPOD")
        elif status == FAILED:
            event.failure_reason = reason or "Failed (forced)"
            self.set_business_status(account, company, event, FAILED)
        else:
            self.set_business_status(account, company, event, status)


def sending_file_path(tenant: str, company_id: str, event_id: str, reference: str) -> str:
    return f"/downloads/{tenant}/{company_id}/sending-events/{event_id}/{reference}"


__all__ = ["BUSINESS_STATUSES", "PRINT_TASKS", "SendingPart", "sending_file_path"]
