"""One Nirva organisation (a tenant): its users, services, sessions, jobs and what they became."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from mockpost.core.account_webhook import AccountWebhook
from mockpost.core.resources import Stateful

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

    def sees(self, owner_id: int, creator_id: int) -> bool:
        """A user sees the jobs they own or created; an administrator sees the organisation's."""
        return self.administrator or self.id in (owner_id, creator_id)


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


@dataclass(slots=True)
class PackGroup(Stateful):
    id: int
    job_id: int
    owner_id: int
    channel: str
    document: Document
    requirements: list[Requirement]
    options: list[int]
    attachment_pages: int
    delivery_id: int | None = None


@dataclass(slots=True)
class Metadata:
    kind: str
    type: str
    name: str
    value: str


@dataclass(slots=True)
class TrackingFile:
    name: str
    file_name: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class Shipment(Stateful):
    """`state` is the documented status code as text ("250", "-614"); the wire shows the number."""

    id: int
    external_id: int
    delivery_id: int
    job_id: int
    pack_group_id: int
    owner_id: int
    channel: str
    metadata: list[Metadata] = field(default_factory=list)
    files: dict[str, TrackingFile] = field(default_factory=dict)
    tracking_number: str | None = None
    post: str = "LaPoste_Fr"
    recipient: str = ""  # the address lines joined with " / ", or the e-mail address


@dataclass(slots=True)
class Delivery(Stateful):
    id: int
    job_id: int
    owner_id: int
    channel: str
    pack_group_ids: list[int]
    outputted_at: datetime | None = None
    shipments: dict[int, Shipment] = field(default_factory=dict)


@dataclass(slots=True)
class Job(Stateful):
    """A job holds what it became: its packGroups and deliveries (which hold their shipments)."""

    id: int
    name: str
    owner_id: int
    creator_id: int
    service_id: str
    autocreate: bool
    options: list[int]
    files: list[dict[str, Any]]  # {part, box_id, file_name, size}
    file_data: list[bytes] = field(default_factory=list)  # each file as received, in `files` order
    error: str | None = None
    documents: list[Document] = field(default_factory=list)
    attachment_pages: int = 0
    pack_groups: dict[int, PackGroup] = field(default_factory=dict)
    deliveries: dict[int, Delivery] = field(default_factory=dict)


class JobPart(TypedDict):
    """How a packGroup, delivery or shipment begins: `Organisation.new_part`."""

    id: int
    job_id: int
    owner_id: int
    created_at: datetime
    updated_at: datetime


@dataclass
class Organisation:
    tenant: str
    id: int
    name: str
    users: dict[int, User]
    services: dict[str, Service]
    sessions: dict[str, Session] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    job_of: dict[int, int] = field(default_factory=dict)  # packGroup, delivery, shipment id -> job id
    webhook: AccountWebhook | None = None
    next_id: int = 1000

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def new_part(self, job_id: int, owner_id: int, now: datetime) -> JobPart:
        """A new packGroup's, delivery's or shipment's id, its job's and owner's, and its times, to
        spread into its constructor; from now on `holder_of` finds the job by that id."""
        part_id = self.new_id()
        self.job_of[part_id] = job_id
        return {"id": part_id, "job_id": job_id, "owner_id": owner_id, "created_at": now, "updated_at": now}

    def user_by_login(self, login: str) -> User | None:
        return next((user for user in self.users.values() if user.login == login), None)

    def services_of(self, user: User) -> list[Service]:
        if user.services is None:
            return list(self.services.values())
        return [self.services[sid] for sid in user.services if sid in self.services]

    # -- jobs and what they hold, by id (None: an id nobody has) -------------------------------
    def job(self, job_id: int | None) -> Job | None:
        return self.jobs.get(job_id) if job_id is not None else None

    def holder_of(self, object_id: int | None) -> Job | None:
        """The job holding a packGroup, delivery or shipment."""
        if object_id is None or object_id not in self.job_of:
            return None
        return self.jobs[self.job_of[object_id]]

    def pack_group(self, group_id: int | None) -> PackGroup | None:
        job = self.holder_of(group_id)
        return job.pack_groups.get(group_id) if job is not None and group_id is not None else None

    def delivery(self, delivery_id: int | None) -> Delivery | None:
        job = self.holder_of(delivery_id)
        return job.deliveries.get(delivery_id) if job is not None and delivery_id is not None else None

    def shipment(self, shipment_id: int | None) -> Shipment | None:
        job = self.holder_of(shipment_id)
        if job is None or shipment_id is None:
            return None
        return next(
            (d.shipments[shipment_id] for d in job.deliveries.values() if shipment_id in d.shipments), None
        )

    def pack_groups(self) -> Iterator[PackGroup]:
        return (group for job in self.jobs.values() for group in job.pack_groups.values())

    def deliveries(self) -> Iterator[Delivery]:
        return (delivery for job in self.jobs.values() for delivery in job.deliveries.values())

    def shipments(self) -> Iterator[Shipment]:
        return (shipment for delivery in self.deliveries() for shipment in delivery.shipments.values())
