"""One Nirva organisation (a tenant): its users, services, sessions, jobs and what they became."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockpost.core.account_webhook import AccountWebhook
from mockpost.core.scheduler import Timer as TimedJob

MAIN_BOX = "MAIN"


@dataclass
class Box:
    id: str
    name: str
    type: str  # MAIN marks the boxes whose files are split into documents
    channel: str  # MAIL, REGISTERED_MAIL, EMAIL or MULTICHANNEL


@dataclass
class Service:
    id: str
    name: str
    boxes: list[Box]
    default_options: list[int] = field(default_factory=list)


@dataclass
class User:
    id: int
    login: str
    password: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    administrator: bool = False
    services: list[str] | None = None  # service ids; None: every service of the organisation
    token: str | None = None  # a session token open from the start (fixtures, scenario accounts)


@dataclass
class Session:
    token: str
    user_id: int
    # None for a token given in the data until its first use: its idle window starts then, so moving
    # the clock (e.g. freezing it at a test date) before using it does not expire it.
    last_used: datetime | None


@dataclass
class Requirement:
    """A value a channel needs, extracted from the document (raw) and its checked form."""

    name: str
    raw: str
    valid: bool = True
    message: str | None = None

    @property
    def value(self) -> str | None:
        return (
            " / ".join(line.strip() for line in self.raw.splitlines() if line.strip()) if self.valid else None
        )


@dataclass
class Document:
    """One document split out of a MAIN box file: its pages and its address block."""

    box_id: str
    file_name: str
    first_page: int  # 1-based, in the file
    page_count: int
    address_block: str


@dataclass
class PackGroup:
    id: int
    job_id: int
    owner_id: int
    channel: str
    document: Document
    requirements: list[Requirement]
    options: list[int]
    attachment_pages: int
    created_at: datetime
    status: str = "ELIGIBLE"
    delivery_id: int | None = None


@dataclass
class Job:
    id: int
    name: str
    owner_id: int
    creator_id: int
    service_id: str
    autocreate: bool
    options: list[int]
    files: list[dict[str, Any]]  # {part, box_id, file_name, size}
    created_at: datetime
    status: str = "PROCESSING"
    status_changed_at: datetime | None = None
    error: str | None = None
    documents: list[Document] = field(default_factory=list)
    attachment_pages: int = 0
    pack_group_ids: list[int] = field(default_factory=list)
    delivery_ids: list[int] = field(default_factory=list)
    pending: TimedJob | None = None


@dataclass
class Metadata:
    kind: str
    type: str
    name: str
    value: str


@dataclass
class TrackingFile:
    name: str
    file_name: str
    content_type: str
    data: bytes


@dataclass
class Shipment:
    id: int
    external_id: int
    delivery_id: int
    job_id: int
    pack_group_id: int
    owner_id: int
    channel: str
    created_at: datetime
    status: str = "250"
    status_changed_at: datetime | None = None
    history: list[tuple[str, datetime]] = field(default_factory=list)
    metadata: list[Metadata] = field(default_factory=list)
    files: dict[str, TrackingFile] = field(default_factory=dict)
    tracking_number: str | None = None
    post: str = "LaPoste_Fr"
    recipient: str = ""  # the address lines joined with " / ", or the e-mail address
    pending: TimedJob | None = None


@dataclass
class Delivery:
    id: int
    job_id: int
    owner_id: int
    channel: str
    pack_group_ids: list[int]
    created_at: datetime
    status: str = "CREATED"
    status_changed_at: datetime | None = None
    outputted_at: datetime | None = None
    shipment_ids: list[int] = field(default_factory=list)
    pending: TimedJob | None = None


@dataclass
class Organisation:
    tenant: str
    id: int
    name: str
    users: dict[int, User]
    services: dict[str, Service]
    sessions: dict[str, Session] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    pack_groups: dict[int, PackGroup] = field(default_factory=dict)
    deliveries: dict[int, Delivery] = field(default_factory=dict)
    shipments: dict[int, Shipment] = field(default_factory=dict)
    webhook: AccountWebhook | None = None
    next_id: int = 1000

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def user_by_login(self, login: str) -> User | None:
        return next((user for user in self.users.values() if user.login == login), None)

    def services_of(self, user: User) -> list[Service]:
        if user.services is None:
            return list(self.services.values())
        return [self.services[sid] for sid in user.services if sid in self.services]
