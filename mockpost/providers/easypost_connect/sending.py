"""SendingEvents: created from a job's recipients, moved along businessStatus on the clock (timers
`run`, `send`, `finish` of kind `sending_event`), their generated files (submission report, ePod)
with pre-signed downloads, and resends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from mockpost.core.pdf import make_pdf
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.providers.easypost_connect import models, query
from mockpost.providers.easypost_connect.delivery import Plan, plan
from mockpost.providers.easypost_connect.errors import Conflict, ConnectError, Invalid, NotFound, found
from mockpost.providers.easypost_connect.files import Recipient
from mockpost.providers.easypost_connect.hooks import Hooks
from mockpost.providers.easypost_connect.lifecycle import (
    DELIVERED,
    EPOD_TASKS,
    FAILED,
    FINISH,
    PROCESSING,
    RUN,
    SCHEDULED,
    SEND,
    SENDING_EVENT,
    SENT,
)
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Company, Job, SendingEvent, StoredFile, Task
from mockpost.providers.easypost_connect.usage import Usage
from mockpost.providers.easypost_connect.wire import iso

BUSINESS_STATUSES = tuple(SENDING_EVENT.states)
KIND = SENDING_EVENT.resource
Settled = Callable[[Account, Company, str], None]  # (account, company, job id): an event of it is final


@dataclass
class SendingEvents:
    ctx: ProviderContext
    hooks: Hooks
    usage: Usage
    signer: Signer
    settled: Settled  # its job is told when a SendingEvent becomes final

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        return {(KIND, RUN): self._run, (KIND, SEND): self._send, (KIND, FINISH): self._finish}

    # -- creation ------------------------------------------------------------------------------
    def start(self, account: Account, company: Company, job: Job, recipients: list[Recipient]) -> None:
        """One SendingEvent per recipient of a job, each with its delivery planned."""
        workflow = company.workflows[job.workflow_id]
        template = (job.payload or {}).get("templateData")
        for recipient in recipients:
            delivery = plan(
                workflow.task_types, recipient.identifiers, recipient.text, recipient.from_document
            )
            self._new_event(
                account,
                company,
                job,
                recipient.identifiers,
                recipient.pages,
                delivery,
                job.execution_date,
                template,
            )

    def _new_event(
        self,
        account: Account,
        company: Company,
        job: Job,
        identifiers: list[dict[str, str]],
        pages: int,
        delivery: Plan,
        execution: datetime | None,
        template: dict[str, object] | None,
        resend_of: str | None = None,
    ) -> SendingEvent:
        """A new SendingEvent: SCHEDULED until a future execution date, else PROCESSING at once."""
        now = self.ctx.now()
        scheduled = execution is not None and execution > now
        event = SendingEvent(
            **self.ctx.fresh(now),
            job_id=job.id,
            workflow_id=job.workflow_id,
            company_id=company.id,
            state=SCHEDULED if scheduled else PROCESSING,
            identifiers=[dict(item) for item in identifiers],
            tasks=[Task(t.type) for t in delivery.tasks],
            page_count=pages,
            plan=delivery,
            scheduled_at=execution if scheduled else None,
            resend_of=resend_of,
            template_data=template,
        )
        company.sending_events[event.id] = event
        company.sending_event_index.add(event.id, event.created_at)
        job.sending_event_ids.append(event.id)
        self.ctx.begin(account.tenant, SENDING_EVENT, event)
        if scheduled and execution is not None:
            self._plan(account, event, execution, RUN)
        else:
            self._processing(account, event)
        return event

    # -- the timeline -----------------------------------------------------------------------------
    def _run(self, account: Account, event: SendingEvent) -> None:
        """SCHEDULED -> PROCESSING at its execution date."""
        self._move(account, event, PROCESSING)
        self._processing(account, event)

    def _processing(self, account: Account, event: SendingEvent) -> None:
        for task in event.tasks:
            task.status = "RUNNING" if task is event.tasks[0] else "PENDING"
        self._plan(account, event, self.ctx.now() + self.ctx.timeline.sent_after, SEND)

    def _send(self, account: Account, event: SendingEvent) -> None:
        """PROCESSING -> SENT (the channel took it), or FAILED when nothing could be sent."""
        if event.state != PROCESSING:
            return
        delivery = event.plan
        for task, planned in zip(event.tasks, delivery.tasks, strict=True):
            task.status, task.reason = planned.status, planned.reason
        if not delivery.succeeds and not delivery.bounced:
            event.failure_reason = delivery.reason
            self._move(account, event, FAILED, delivery.reason)
            return
        channel = delivery.channel or delivery.last_channel or "EMAIL"
        event.channel = channel
        for task in event.tasks:
            if task.type == channel and task.status == "SUCCESS":
                task.status = "RUNNING"  # handed over; SUCCESS once delivered
        self._sent(account, event, "SENT" if delivery.succeeds else "FAILED")

    def _sent(self, account: Account, event: SendingEvent, outcome: str) -> None:
        """Enter SENT: usage recorded, the submission report ready, delivery (or bounce) planned."""
        assert event.channel is not None
        self._move(account, event, SENT)
        self.usage.record(account.companies[event.company_id], event, event.channel, outcome)
        self.add_file(account, event, "SUBMISSION_REPORT")
        due = self.ctx.now() + self.ctx.timeline.delivered_after(event.channel)
        self._plan(account, event, due, FINISH)

    def _finish(self, account: Account, event: SendingEvent) -> None:
        """SENT -> DELIVERED, or FAILED when it bounced."""
        if event.state != SENT:
            return
        if event.plan.succeeds:
            for task in event.tasks:
                if task.status == "RUNNING":
                    task.status = "SUCCESS"
            self._delivered(account, event)
        else:
            event.failure_reason = event.plan.reason
            self._move(account, event, FAILED, event.plan.reason)

    def _delivered(self, account: Account, event: SendingEvent) -> None:
        self._move(account, event, DELIVERED)
        if event.channel in EPOD_TASKS:
            self.add_file(account, event, "EPOD")

    def _move(self, account: Account, event: SendingEvent, status: str, reason: str | None = None) -> None:
        """The one place a SendingEvent changes businessStatus: recorded, announced, its job told."""
        previous = event.state
        self.ctx.move(account.tenant, SENDING_EVENT, event, status, reason)
        final = SENDING_EVENT.is_final(status)
        if final:
            event.end_date = event.updated_at
        company = account.companies[event.company_id]
        self.hooks.emit(
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
        if final:
            self.settled(account, company, event.job_id)

    def _plan(self, account: Account, event: SendingEvent, due: datetime, action: str) -> None:
        self.ctx.schedule(account.tenant, KIND, event.id, due, action)

    def add_file(self, account: Account, event: SendingEvent, reference: str) -> None:
        if any(f.reference == reference for f in event.files):
            return
        event.files.append(StoredFile(reference, self.ctx.now()))
        self.hooks.emit(
            account,
            account.companies[event.company_id],
            "sending.event.file.ready",
            {"sendingEventId": event.id, "jobId": event.job_id, "fileReference": reference},
        )

    # -- reading --------------------------------------------------------------------------------------
    def get(self, company: Company, event_id: str) -> SendingEvent:
        return found(company.sending_events, event_id, "SendingEvent")

    def page(self, company: Company, params: Mapping[str, str]) -> list[SendingEvent]:
        ids = query.stateful_page(
            company.sending_event_index,
            company.sending_events,
            params,
            "businessStatus",
            BUSINESS_STATUSES,
            {"jobId": "job_id", "workflowId": "workflow_id"},
        )
        return [company.sending_events[i] for i in ids]

    # -- resend -----------------------------------------------------------------------------------------
    def resend(self, account: Account, company: Company, event_id: str) -> SendingEvent:
        original = self.get(company, event_id)
        if original.resend_of is not None:
            raise Conflict(f"SendingEvent '{original.id}' is itself a re-send and cannot be re-sent")
        if not SENDING_EVENT.is_final(original.state):
            raise Conflict(
                f"SendingEvent '{original.id}' is {original.state}; only a SendingEvent in a "
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
        event = self._new_event(
            account,
            company,
            job,
            original.identifiers,
            original.page_count,
            delivery,
            None,
            original.template_data,
            resend_of=original.id,
        )
        original.resent_as.append(event.id)
        return event

    # -- files -------------------------------------------------------------------------------------------
    def download_url(
        self, account: Account, company: Company, event_id: str, reference: str, base: str
    ) -> tuple[str, datetime]:
        event = self.get(company, event_id)
        if reference not in models.FILE_REFERENCES:
            raise Invalid(
                [f"fileReference must be one of the following values: {', '.join(models.FILE_REFERENCES)}"]
            )
        if not any(f.reference == reference for f in event.files):
            raise ConnectError(404, f"File {reference} of SendingEvent '{event.id}' is not generated yet")
        expires = self.ctx.now() + self.ctx.timeline.download_ttl
        path = sending_file_path(account.tenant, company.id, event.id, reference)
        return self.signer.url(base, "GET", path, expires), expires

    def file_bytes(self, company: Company, event_id: str, reference: str) -> bytes:
        event = self.get(company, event_id)
        stored = next((f for f in event.files if f.reference == reference), None)
        if stored is None:
            raise NotFound("File", reference)
        return stored_file_pdf(event, stored)

    # -- forced transitions (control plane, scenario rules) ------------------------------------------------
    def force(self, account: Account, event: SendingEvent, status: str, reason: str | None) -> None:
        """Move a SendingEvent along its lifecycle at once; its files, usage and job follow."""
        SENDING_EVENT.check(event.state, status)
        self.ctx.cancel(account.tenant, KIND, event.id)
        if status == SENT:
            event.channel = event.channel or (event.tasks[0].type if event.tasks else "EMAIL")
            self._sent(account, event, "SENT")
        elif status == PROCESSING:
            self._run(account, event)
        elif status == DELIVERED:
            for task in event.tasks:
                if task.type == event.channel:
                    task.status = "SUCCESS"
            self._delivered(account, event)
        elif status == FAILED:
            event.failure_reason = reason or "Failed (forced)"
            self._move(account, event, FAILED, event.failure_reason)
        else:
            self._move(account, event, status, reason)


def stored_file_pdf(event: SendingEvent, stored: StoredFile) -> bytes:
    """A SendingEvent's generated file (submission report or ePod) as the PDF the API serves."""
    reference = stored.reference
    title = "Submission report" if reference == "SUBMISSION_REPORT" else "Electronic proof of delivery (ePod)"
    lines = [
        f"EasyPost Connect - {title}",
        f"SendingEvent: {event.id}",
        f"Job: {event.job_id}",
        f"Channel: {event.channel or '-'}",
        f"Business status: {event.state}",
        f"Generated: {iso(stored.created_at)}",
    ]
    lines += [f"{item['kind']}: {item['value']}"[:120] for item in event.identifiers[:20]]
    return make_pdf([lines])


def sending_file_path(tenant: str, company_id: str, event_id: str, reference: str) -> str:
    return f"/downloads/{tenant}/{company_id}/sending-events/{event_id}/{reference}"


__all__ = ["BUSINESS_STATUSES", "SendingEvents", "sending_file_path"]
