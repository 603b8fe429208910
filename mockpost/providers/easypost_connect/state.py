"""One tenant's data. A tenant (an API key) is a partner company that may manage other companies;
each company has its own workflows, jobs, sending events, Peppol documents, webhooks and usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockpost.core.paging import KeysetIndex
from mockpost.core.resources import Stateful
from mockpost.providers.easypost_connect.delivery import Plan
from mockpost.providers.easypost_connect.files import ReadFile


@dataclass
class Workflow:
    id: str
    name: str
    company_id: str
    input_source: str
    tasks: list[dict[str, Any]]
    enabled: bool
    validated: bool
    created_at: datetime
    description: str = ""
    accepted_file_types: list[str] = field(default_factory=list)
    pages_per_sending_event: int = 0  # single-file PDF: 0 = the whole file is one SendingEvent
    department_ids: list[str] = field(default_factory=list)

    @property
    def task_types(self) -> list[str]:
        return [str(task["type"]) for task in self.tasks]


@dataclass
class StoredFile:
    reference: str  # SUBMISSION_REPORT, EPOD
    created_at: datetime
    content_type: str = "application/pdf"


@dataclass
class Job(Stateful):
    """A job; its `state` is the wire's `status`."""

    id: str
    name: str
    workflow_id: str
    company_id: str
    input_source: str
    filename: str | None
    execution_date: datetime | None = None
    payload: dict[str, Any] | None = None
    end_date: datetime | None = None
    upload_expires_at: datetime | None = None
    file_size: int | None = None
    page_count: int | None = None
    failure_reason: str | None = None
    sending_event_ids: list[str] = field(default_factory=list)
    upload: bytes | None = None  # the received file, as received (the console shows it)
    read: ReadFile | None = None  # what reading it found when it arrived: pages or recipients
    unreadable: str | None = None  # or why it cannot be read


@dataclass
class Task:
    type: str
    status: str = "PENDING"  # PENDING, RUNNING, SUCCESS, FAILED, SKIPPED
    reason: str | None = None


@dataclass
class SendingEvent(Stateful):
    """A SendingEvent; its `state` is the wire's `businessStatus`, its history the wire's `history`."""

    id: str
    job_id: str
    workflow_id: str
    company_id: str
    identifiers: list[dict[str, str]]
    tasks: list[Task]
    page_count: int
    plan: Plan  # how its tasks turn out, decided when it is created
    document: bytes | None = None  # the recipient's document (a page range, or generated)
    scheduled_at: datetime | None = None
    resend_of: str | None = None
    resent_as: list[str] = field(default_factory=list)
    channel: str | None = None
    failure_reason: str | None = None
    end_date: datetime | None = None
    files: list[StoredFile] = field(default_factory=list)
    template_data: dict[str, Any] | None = None


@dataclass
class PeppolDocument:
    id: str
    company_id: str
    sender_id: str
    receiver_id: str
    document_type: str
    document_id: str
    issue_date: str
    created_at: datetime
    last_modified_at: datetime
    sender_name: str
    receiver_name: str
    amount: float
    currency: str
    xml: bytes = b""


@dataclass
class Subscription:
    id: str
    company_id: str
    name: str
    url: str
    event_types: list[str]
    secret: str
    created_at: datetime
    updated_at: datetime
    enabled: bool = True


@dataclass
class UsageRecord:
    id: str
    company_id: str
    at: datetime
    channel: str
    job_id: str
    sending_event_id: str
    pages: int
    outcome: str  # SENT or FAILED


@dataclass
class Company:
    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    managed_by: str | None = None
    details: dict[str, Any] = field(default_factory=dict)  # vatNumber, address, email, ...
    workflows: dict[str, Workflow] = field(default_factory=dict)
    workflow_index: KeysetIndex = field(default_factory=KeysetIndex)
    jobs: dict[str, Job] = field(default_factory=dict)
    job_index: KeysetIndex = field(default_factory=KeysetIndex)
    sending_events: dict[str, SendingEvent] = field(default_factory=dict)
    sending_event_index: KeysetIndex = field(default_factory=KeysetIndex)
    peppol: dict[str, PeppolDocument] = field(default_factory=dict)
    peppol_by_created: KeysetIndex = field(default_factory=KeysetIndex)
    peppol_by_modified: KeysetIndex = field(default_factory=KeysetIndex)
    webhooks: dict[str, Subscription] = field(default_factory=dict)
    usage: dict[str, UsageRecord] = field(default_factory=dict)
    usage_index: KeysetIndex = field(default_factory=KeysetIndex)


@dataclass
class Department:
    id: str
    company_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class User:
    id: str
    company_id: str
    email: str
    first_name: str
    last_name: str
    created_at: datetime
    updated_at: datetime
    details: dict[str, Any] = field(default_factory=dict)  # language, role, departmentIds, active


@dataclass
class Account:
    tenant: str
    root_id: str  # the partner's own company
    companies: dict[str, Company] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)  # lower-cased email -> user id
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Company:
        return self.companies[self.root_id]

    def managed(self) -> list[Company]:
        return [c for c in self.companies.values() if c.managed_by == self.root_id]
