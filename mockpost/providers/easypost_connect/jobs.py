"""Jobs: creation rules, the pre-signed upload and its expiry, processing the file into
SendingEvents, completion. Timed steps are timers of kind `job`: `expire` (no file within the
upload window: the job is deleted) and `process` (PROCESSING -> IN_PROGRESS or FAILED)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mockpost.core.clock import parse_instant
from mockpost.core.offload import Outcome, attempt
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.providers.easypost_connect import models, query
from mockpost.providers.easypost_connect.errors import (
    BadRequest,
    Conflict,
    Invalid,
    UnsupportedMediaType,
    found,
)
from mockpost.providers.easypost_connect.files import (
    ReadFile,
    Recipient,
    UnreadableFile,
    file_type,
    read_file,
    recipients_in,
)
from mockpost.providers.easypost_connect.hooks import Hooks
from mockpost.providers.easypost_connect.lifecycle import (
    AWAITING_FOR_FILE,
    COMPLETED,
    EXPIRE,
    FAILED,
    IN_PROGRESS,
    JOB,
    PRINT_TASKS,
    PROCESS,
    PROCESSING,
    SENDING_EVENT,
)
from mockpost.providers.easypost_connect.sending import SendingEvents
from mockpost.providers.easypost_connect.signing import Signer
from mockpost.providers.easypost_connect.state import Account, Company, Job, Workflow
from mockpost.providers.easypost_connect.workflows import Workflows

JOB_STATUSES = tuple(JOB.states)
KIND = JOB.resource


@dataclass
class Jobs:
    ctx: ProviderContext
    workflows: Workflows
    sending: SendingEvents
    hooks: Hooks
    signer: Signer

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        def process(account: Account, job: Job) -> None:
            self.process(account, account.companies[job.company_id], job)

        return {(KIND, EXPIRE): self._expire, (KIND, PROCESS): process}

    # -- creating jobs ---------------------------------------------------------------------------
    def create_single_file(
        self, account: Account, company: Company, data: models.SingleFileJobCreate, base: str
    ) -> tuple[Job, str]:
        workflow = self.workflows.usable(company, data.workflowId, "SINGLE_FILE")
        kind = file_type(data.filename)
        if kind not in workflow.accepted_file_types:
            endings = ", ".join("." + t.lower() for t in workflow.accepted_file_types)
            raise UnsupportedMediaType(f"filename must end in one of {endings} (the workflow's file types)")
        job = self._new_job(account, company, workflow, data, data.filename)
        return job, self._await_file(account, company, job, base)

    def create_payload_pdf(
        self, account: Account, company: Company, data: models.PayloadPdfJobCreate, base: str
    ) -> tuple[Job, str]:
        workflow = self.workflows.usable(company, data.workflowId, "PAYLOAD_PDF")
        if file_type(data.filename) != "PDF":
            raise UnsupportedMediaType("filename must end in .pdf: a PAYLOAD_PDF job takes a PDF file")
        identifiers = self._payload_identifiers(workflow, data.payload)
        job = self._new_job(account, company, workflow, data, data.filename)
        job.payload = {"channelIdentifiers": identifiers}
        return job, self._await_file(account, company, job, base)

    def create_payload_word(
        self, account: Account, company: Company, data: models.PayloadWordJobCreate
    ) -> Job:
        """A payload-word job has no file to wait for: it starts PROCESSING."""
        template = data.payload.templateData if data.payload.templateData is not None else data.templateData
        if template is None:
            raise Invalid(["payload.templateData should not be empty"])
        workflow = self.workflows.usable(company, data.workflowId, "PAYLOAD_WORD")
        if data.filename is not None and file_type(data.filename) not in ("DOCX", "DOC", "PDF"):
            raise UnsupportedMediaType("filename must end in .docx, .doc or .pdf")
        identifiers = self._payload_identifiers(workflow, data.payload)
        job = self._new_job(
            account,
            company,
            workflow,
            data,
            data.filename,
            state=PROCESSING,
            payload={"channelIdentifiers": identifiers, "templateData": template},
            page_count=1,
        )
        self._plan(account, job, PROCESS)
        return job

    def _payload_identifiers(self, workflow: Workflow, payload: models.Payload) -> list[dict[str, str]]:
        identifiers = [{"kind": item.kind, "value": item.value} for item in payload.channelIdentifiers]
        kinds = {item["kind"] for item in identifiers}
        problems = []
        if "ADDRESS" in kinds:
            problems.append(
                "payload.channelIdentifiers: the identifier ADDRESS is not allowed for payload workflows; "
                "give a structured address (ADDRESS_STREET, ADDRESS_POSTAL_CODE, ADDRESS_CITY, ...)"
            )
        if PRINT_TASKS & set(workflow.task_types):
            missing = [k for k in models.STRUCTURED_ADDRESS if k not in kinds]
            if not any(k in kinds for k in models.ADDRESS_NAMES):
                missing.append("ADDRESS_LAST_NAME or ADDRESS_COMPANY_NAME")
            if missing:
                problems.append(
                    "payload.channelIdentifiers: the workflow has a print task and needs a structured "
                    "address; missing " + ", ".join(missing)
                )
        if problems:
            raise Invalid(problems)
        return identifiers

    def _new_job(
        self,
        account: Account,
        company: Company,
        workflow: Workflow,
        data: models.SingleFileJobCreate | models.PayloadPdfJobCreate | models.PayloadWordJobCreate,
        filename: str | None,
        state: str = AWAITING_FOR_FILE,
        payload: dict[str, object] | None = None,
        page_count: int | None = None,
    ) -> Job:
        execution = data.sendingEventExecutionDateUtc
        job = Job(
            **self.ctx.fresh(),
            name=data.jobName,
            workflow_id=workflow.id,
            company_id=company.id,
            input_source=workflow.input_source,
            filename=filename,
            state=state,
            execution_date=parse_instant(execution) if execution else None,
            payload=payload,
            page_count=page_count,
        )
        company.jobs[job.id] = job
        company.job_index.add(job.id, job.created_at)
        self.ctx.begin(account.tenant, JOB, job)
        return job

    def _await_file(self, account: Account, company: Company, job: Job, base: str) -> str:
        """The upload window opens: the job expires at its end unless its file arrives."""
        job.upload_expires_at = job.created_at + self.ctx.timeline.upload_window
        self.ctx.schedule(account.tenant, KIND, job.id, job.upload_expires_at, EXPIRE)
        return self.upload_url(account, company, job, base)

    def upload_url(self, account: Account, company: Company, job: Job, base: str) -> str:
        assert job.upload_expires_at is not None
        return self.signer.url(
            base, "PUT", upload_path(account.tenant, company.id, job.id), job.upload_expires_at
        )

    def _expire(self, account: Account, job: Job) -> None:
        """No file within the upload window: the job is deleted (GET answers 404 from now on)."""
        if job.state == AWAITING_FOR_FILE:
            company = account.companies[job.company_id]
            del company.jobs[job.id]
            company.job_index.remove(job.id)

    # -- reading jobs ------------------------------------------------------------------------------
    def get(self, company: Company, job_id: str) -> Job:
        return found(company.jobs, job_id, "Job")

    def page(self, company: Company, params: Mapping[str, str]) -> list[Job]:
        ids = query.stateful_page(
            company.job_index, company.jobs, params, "status", JOB_STATUSES, {"workflowId": "workflow_id"}
        )
        return [company.jobs[i] for i in ids]

    # -- the upload (pre-signed PUT) -------------------------------------------------------------------
    @staticmethod
    def upload_kind(company: Company, job_id: str) -> str:
        """What a file uploaded for this job is read as: PDF, ZIP, CSV, XML ('' when there is no
        such job, or it takes no file)."""
        job = company.jobs.get(job_id)
        if job is None or job.input_source == "PAYLOAD_WORD":
            return ""
        return "PDF" if job.input_source == "PAYLOAD_PDF" else file_type(job.filename or "")

    def receive_upload(
        self,
        account: Account,
        company: Company,
        job_id: str,
        data: bytes,
        read_ahead: Outcome[ReadFile] | None = None,
    ) -> Job:
        """Take the job's file. `read_ahead`: the file already read as `upload_kind` says (off the
        event loop); without it, it is read here. What reading found is kept with the job as data
        (its pages or recipients, or why it cannot be read) for processing to use."""
        job = self.get(company, job_id)
        if job.state != AWAITING_FOR_FILE:
            raise Conflict(f"Job '{job.id}' already received its file (status {job.state})")
        if not data:
            raise BadRequest("The uploaded file is empty")
        self.ctx.cancel(account.tenant, KIND, job.id, EXPIRE)
        job.file_size = len(data)
        job.upload = data
        outcome = read_ahead or attempt(read_file, self.upload_kind(company, job_id), data)
        try:
            job.read = outcome.get()
        except UnreadableFile as exc:
            job.unreadable = str(exc)
        self._move(account, company, job, PROCESSING)
        self._plan(account, job, PROCESS)
        return job

    def process(self, account: Account, company: Company, job: Job) -> None:
        """Read the file (or the payload) into recipients: IN_PROGRESS with SendingEvents, or FAILED."""
        if job.state != PROCESSING or company.jobs.get(job.id) is not job:
            return
        workflow = company.workflows.get(job.workflow_id)
        try:
            recipients = self._recipients(job, workflow)
        except UnreadableFile as exc:
            job.failure_reason = str(exc)
            job.end_date = self.ctx.now()
            self._move(account, company, job, FAILED, job.failure_reason)
            return
        job.page_count = sum(r.pages for r in recipients)
        self._move(account, company, job, IN_PROGRESS)
        self.sending.start(account, company, job, recipients)

    def _recipients(self, job: Job, workflow: Workflow | None) -> list[Recipient]:
        if workflow is None:
            raise UnreadableFile("the job's workflow no longer exists")
        payload = job.payload or {}
        if job.input_source == "PAYLOAD_WORD":
            return [Recipient(identifiers=list(payload.get("channelIdentifiers", [])), pages=1)]
        if job.unreadable is not None:
            raise UnreadableFile(job.unreadable)
        read = job.read or read_file("", b"")  # forced to PROCESSING without a file: "empty"
        if job.input_source == "PAYLOAD_PDF":
            pages = len(read.page_texts)
            return [Recipient(identifiers=list(payload.get("channelIdentifiers", [])), pages=pages)]
        return recipients_in(read, workflow.pages_per_sending_event)

    def settle(self, account: Account, company: Company, job_id: str) -> None:
        """A SendingEvent of the job became final: the job is COMPLETED once all of them are."""
        job = company.jobs.get(job_id)
        if job is None or job.state != IN_PROGRESS:
            return
        events = [company.sending_events[i] for i in job.sending_event_ids if i in company.sending_events]
        if all(SENDING_EVENT.is_final(e.state) for e in events):
            self._move(account, company, job, COMPLETED)

    # -- the lifecycle -----------------------------------------------------------------------------------
    def _move(
        self, account: Account, company: Company, job: Job, status: str, reason: str | None = None
    ) -> None:
        """The one place a job changes status: recorded and announced."""
        previous = job.state
        self.ctx.move(account.tenant, JOB, job, status, reason)
        if JOB.is_final(status) and job.end_date is None:
            job.end_date = job.updated_at
        self.hooks.emit(
            account,
            company,
            "job.status.changed",
            {
                "jobId": job.id,
                "jobName": job.name,
                "workflowId": job.workflow_id,
                "previousStatus": previous,
                "status": status,
            },
        )

    def _plan(self, account: Account, job: Job, action: str) -> None:
        """Processing takes `processing_after` (2 minutes) from now."""
        self.ctx.schedule(
            account.tenant, KIND, job.id, self.ctx.now() + self.ctx.timeline.processing_after, action
        )

    def force(self, account: Account, job: Job, status: str, reason: str | None) -> None:
        """Control plane, scenario rules: move a job along its lifecycle at once."""
        JOB.check(job.state, status)
        company = account.companies[job.company_id]
        self.ctx.cancel(account.tenant, KIND, job.id)
        if status == PROCESSING:
            self._move(account, company, job, PROCESSING, reason)
            self._plan(account, job, PROCESS)
        elif status == FAILED:
            job.failure_reason = reason or "Failed (forced)"
            self._move(account, company, job, FAILED, job.failure_reason)
        elif status == IN_PROGRESS:
            payload = job.payload or {}
            recipients = [
                Recipient(
                    identifiers=list(payload.get("channelIdentifiers", [])), pages=1, from_document=True
                )
            ]
            job.page_count = 1
            self._move(account, company, job, IN_PROGRESS, reason)
            self.sending.start(account, company, job, recipients)
        else:
            self._move(account, company, job, status, reason)


def upload_path(tenant: str, company_id: str, job_id: str) -> str:
    return f"/uploads/{tenant}/{company_id}/{job_id}"


__all__ = ["JOB_STATUSES", "Jobs", "upload_path"]
