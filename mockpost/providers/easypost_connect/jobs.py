"""Workflows (read-only) and jobs: creation rules, the pre-signed upload, expiry, processing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.core.offload import Outcome, attempt
from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.base import BackendBase
from mockpost.providers.easypost_connect.errors import (
    BadRequest,
    Conflict,
    ConnectError,
    Invalid,
    NotFound,
    UnsupportedMediaType,
)
from mockpost.providers.easypost_connect.files import (
    ReadFile,
    Recipient,
    UnreadableFile,
    file_type,
    read_file,
    recipients_in,
)
from mockpost.providers.easypost_connect.lifecycle import (
    AWAITING_FOR_FILE,
    FAILED,
    IN_PROGRESS,
    JOB,
    PRINT_TASKS,
    PROCESSING,
)
from mockpost.providers.easypost_connect.state import Account, Company, Job, Workflow

JOB_STATUSES = tuple(JOB.states)


class JobsPart(BackendBase):
    # -- workflows ---------------------------------------------------------------------------
    def add_workflow(self, company: Company, spec: Mapping[str, Any], created_at: datetime) -> Workflow:
        tasks = [dict(t) if isinstance(t, dict) else {"type": str(t)} for t in spec.get("tasks") or []]
        workflow = Workflow(
            id=str(spec.get("id") or self.ctx.ids.uuid4()),
            name=str(spec.get("name") or "Workflow"),
            company_id=company.id,
            input_source=str(spec.get("inputSource", "SINGLE_FILE")),
            tasks=tasks,
            enabled=bool(spec.get("enabled", True)),
            validated=bool(spec.get("validated", True)),
            created_at=created_at,
            description=str(spec.get("description") or ""),
            accepted_file_types=[str(x).upper() for x in spec.get("acceptedFileTypes") or []]
            or (["PDF"] if spec.get("inputSource") != "PAYLOAD_WORD" else []),
            pages_per_sending_event=int(spec.get("pagesPerSendingEvent", 0) or 0),
        )
        if workflow.input_source not in models.INPUT_SOURCES:
            raise ValueError(f"inputSource must be one of {models.INPUT_SOURCES}")
        company.workflows[workflow.id] = workflow
        company.workflow_index.add(workflow.id, workflow.created_at)
        return workflow

    def workflow(self, company: Company, workflow_id: str) -> Workflow:
        workflow = company.workflows.get(workflow_id)
        if workflow is None:
            raise NotFound("Workflow", workflow_id)
        return workflow

    def list_workflows(self, company: Company, query: Mapping[str, str]) -> list[Workflow]:
        params = self.page(query)
        source = self.choice_param(query, "inputSource", models.INPUT_SOURCES)

        def accept(workflow_id: str) -> bool:
            return source is None or company.workflows[workflow_id].input_source == source

        ids = self.keyset(company.workflow_index, params, accept=accept if source else None)
        return [company.workflows[i] for i in ids]

    def usable_workflow(self, company: Company, workflow_id: str, source: str) -> Workflow:
        """The payload-jobs rules: the workflow exists, is enabled, validated, of this input source."""
        workflow = self.workflow(company, workflow_id)
        if not workflow.enabled:
            raise BadRequest(f"Workflow '{workflow.id}' is disabled")
        if not workflow.validated:
            raise BadRequest(
                f"Workflow '{workflow.id}' is not validated; only validated workflows can be used"
            )
        if workflow.input_source != source:
            raise BadRequest(
                f"Workflow '{workflow.id}' has input source {workflow.input_source}; "
                f"this endpoint needs a {source} workflow"
            )
        return workflow

    # -- creating jobs ---------------------------------------------------------------------------
    def create_single_file(self, account: Account, company: Company, body: Any, base: str) -> tuple[Job, str]:
        data = models.validate(models.SingleFileJobCreate, body)
        workflow = self.usable_workflow(company, data.workflowId, "SINGLE_FILE")
        kind = file_type(data.filename)
        if kind not in workflow.accepted_file_types:
            endings = ", ".join("." + t.lower() for t in workflow.accepted_file_types)
            raise UnsupportedMediaType(f"filename must end in one of {endings} (the workflow's file types)")
        job = self._new_job(company, workflow, data.jobName, data.filename, data.sendingEventExecutionDateUtc)
        return job, self._await_file(account, company, job, base)

    def create_payload_pdf(self, account: Account, company: Company, body: Any, base: str) -> tuple[Job, str]:
        data = models.validate(models.PayloadPdfJobCreate, body)
        workflow = self.usable_workflow(company, data.workflowId, "PAYLOAD_PDF")
        if file_type(data.filename) != "PDF":
            raise UnsupportedMediaType("filename must end in .pdf: a PAYLOAD_PDF job takes a PDF file")
        identifiers = self._payload_identifiers(workflow, data.payload)
        job = self._new_job(company, workflow, data.jobName, data.filename, data.sendingEventExecutionDateUtc)
        job.payload = {"channelIdentifiers": identifiers}
        return job, self._await_file(account, company, job, base)

    def create_payload_word(self, account: Account, company: Company, body: Any) -> Job:
        data = models.validate(models.PayloadWordJobCreate, body)
        template = data.payload.templateData if data.payload.templateData is not None else data.templateData
        if template is None:
            raise Invalid(["payload.templateData should not be empty"])
        workflow = self.usable_workflow(company, data.workflowId, "PAYLOAD_WORD")
        if data.filename is not None and file_type(data.filename) not in ("DOCX", "DOC", "PDF"):
            raise UnsupportedMediaType("filename must end in .docx, .doc or .pdf")
        identifiers = self._payload_identifiers(workflow, data.payload)
        job = self._new_job(company, workflow, data.jobName, data.filename, data.sendingEventExecutionDateUtc)
        job.payload = {"channelIdentifiers": identifiers, "templateData": template}
        job.status = PROCESSING
        job.page_count = 1
        job.pending = self.later(
            account,
            self.timeline.processing_after,
            lambda: self.process(account, company, job),
            f"job {job.id}",
        )
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
        self, company: Company, workflow: Workflow, name: str, filename: str | None, execution: str | None
    ) -> Job:
        now = self.now()
        job = Job(
            id=self.ctx.ids.uuid4(),
            name=name,
            workflow_id=workflow.id,
            company_id=company.id,
            input_source=workflow.input_source,
            filename=filename,
            status=AWAITING_FOR_FILE,
            created_at=now,
            updated_at=now,
            execution_date=parse_instant(execution) if execution else None,
        )
        company.jobs[job.id] = job
        company.job_index.add(job.id, job.created_at)
        return job

    def _await_file(self, account: Account, company: Company, job: Job, base: str) -> str:
        job.upload_expires_at = job.created_at + self.timeline.upload_window
        job.pending = self.later(
            account, job.upload_expires_at, lambda: self._expire(company, job), f"job {job.id} expiry"
        )
        return self.upload_url(account, company, job, base)

    def upload_url(self, account: Account, company: Company, job: Job, base: str) -> str:
        assert job.upload_expires_at is not None
        return self.signer.url(
            base, "PUT", upload_path(account.tenant, company.id, job.id), job.upload_expires_at
        )

    def _expire(self, company: Company, job: Job) -> None:
        job.pending = None
        if company.jobs.get(job.id) is job and job.status == AWAITING_FOR_FILE:
            del company.jobs[job.id]
            company.job_index.remove(job.id)

    # -- reading jobs ------------------------------------------------------------------------------
    def job(self, company: Company, job_id: str) -> Job:
        job = company.jobs.get(job_id)
        if job is None:
            raise NotFound("Job", job_id)
        return job

    def list_jobs(self, company: Company, query: Mapping[str, str]) -> list[Job]:
        params = self.page(query)
        status = self.choice_param(query, "status", JOB_STATUSES)
        start, stop = self.window(query)
        workflow_id = query.get("workflowId") or None

        def accept(job_id: str) -> bool:
            job = company.jobs[job_id]
            return (status is None or job.status == status) and (
                workflow_id is None or job.workflow_id == workflow_id
            )

        filtered = status is not None or workflow_id is not None
        ids = self.keyset(
            company.job_index, params, lower=start, upper=stop, accept=accept if filtered else None
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
        event loop); without it, it is read here."""
        job = company.jobs.get(job_id)
        if job is None:
            raise NotFound("Job", job_id)
        if job.status != AWAITING_FOR_FILE:
            raise Conflict(f"Job '{job.id}' already received its file (status {job.status})")
        if not data:
            raise BadRequest("The uploaded file is empty")
        if job.pending is not None:
            job.pending.cancel()
        job.file_size = len(data)
        job.upload = read_ahead or attempt(read_file, self.upload_kind(company, job_id), data)
        self.set_job_status(account, company, job, PROCESSING)
        job.pending = self.later(
            account,
            self.timeline.processing_after,
            lambda: self.process(account, company, job),
            f"job {job.id}",
        )
        return job

    def process(self, account: Account, company: Company, job: Job) -> None:
        """Read the file (or the payload) into recipients: IN_PROGRESS with SendingEvents, or FAILED."""
        job.pending = None
        if job.status != PROCESSING or company.jobs.get(job.id) is not job:
            return
        workflow = company.workflows.get(job.workflow_id)
        upload, job.upload = job.upload, None
        try:
            recipients = self._recipients(job, workflow, upload)
        except UnreadableFile as exc:
            job.failure_reason = str(exc)
            job.end_date = self.now()
            self.set_job_status(account, company, job, FAILED)
            return
        job.page_count = sum(r.pages for r in recipients)
        self.set_job_status(account, company, job, IN_PROGRESS)
        self.start_sending_events(account, company, job, recipients)

    def _recipients(
        self, job: Job, workflow: Workflow | None, upload: Outcome[ReadFile] | None
    ) -> list[Recipient]:
        if workflow is None:
            raise UnreadableFile("the job's workflow no longer exists")
        payload = job.payload or {}
        if job.input_source == "PAYLOAD_WORD":
            return [Recipient(identifiers=list(payload.get("channelIdentifiers", [])), pages=1)]
        read = upload.get() if upload is not None else read_file("", b"")
        if job.input_source == "PAYLOAD_PDF":
            pages = len(read.page_texts)
            return [Recipient(identifiers=list(payload.get("channelIdentifiers", [])), pages=pages)]
        return recipients_in(read, workflow.pages_per_sending_event)

    def set_job_status(self, account: Account, company: Company, job: Job, status: str) -> None:
        JOB.check(job.status, status)
        previous, job.status = job.status, status
        job.updated_at = self.now()
        if JOB.is_final(status) and job.end_date is None:
            job.end_date = job.updated_at
        self.emit(
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

    def force_job(
        self, account: Account, company: Company, job: Job, status: str, reason: str | None
    ) -> None:
        """Control plane: move a job along its lifecycle at once."""
        if job.pending is not None:
            job.pending.cancel()
            job.pending = None
        if status == PROCESSING:
            self.set_job_status(account, company, job, PROCESSING)
            job.pending = self.later(
                account,
                self.timeline.processing_after,
                lambda: self.process(account, company, job),
                f"job {job.id}",
            )
        elif status == FAILED:
            job.failure_reason = reason or "Failed (forced)"
            self.set_job_status(account, company, job, FAILED)
        elif status == IN_PROGRESS:
            payload = job.payload or {}
            recipients = [
                Recipient(
                    identifiers=list(payload.get("channelIdentifiers", [])), pages=1, from_document=True
                )
            ]
            job.page_count = 1
            self.set_job_status(account, company, job, IN_PROGRESS)
            self.start_sending_events(account, company, job, recipients)
        else:
            self.set_job_status(account, company, job, status)


def upload_path(tenant: str, company_id: str, job_id: str) -> str:
    return f"/uploads/{tenant}/{company_id}/{job_id}"


__all__ = ["ConnectError", "JobsPart", "upload_path"]
