"""Jobs and packGroups: creation from the multipart upload, processing on the clock, eligibility,
validation and packGroup edits. No HTTP in here. Timed steps are the timers `job/process` and
`job/deliver`."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from mockpost.core.lifecycle import TransitionRefused
from mockpost.core.offload import Outcome
from mockpost.core.provider import ProviderContext
from mockpost.providers.nirva import documents, eligibility
from mockpost.providers.nirva.deliveries import DeliveryBackend
from mockpost.providers.nirva.errors import BadRequest, Conflict, Forbidden, NotFound
from mockpost.providers.nirva.lifecycle import JOB, PACK_GROUP, Timeline
from mockpost.providers.nirva.models import ONLY_REQUIREMENT, EditRequest, JobCreationParameter
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.parsing import as_id
from mockpost.providers.nirva.state import (
    MAIN_BOX,
    Box,
    Document,
    Job,
    Organisation,
    PackGroup,
    Service,
    User,
)

# file__file_{ID_PART}_N (simple mode), file_file__{ID_PART}_N (samples), file_main{BoxID}_N (advanced)
FILE_PART = re.compile(r"^(?P<box>file_.+)_(?P<n>[0-9]{1,6})$")
BOX_PREFIXES = ("file__file_", "file_file__", "file_main", "file_")


@dataclass(frozen=True)
class Upload:
    part: str
    file_name: str
    data: bytes
    read_ahead: Outcome[list[str]] | None = None  # its page texts, read off the event loop

    @property
    def name(self) -> str:
        return self.file_name or self.part

    def page_texts(self) -> list[str]:
        """The text of each page, or CannotProcess saying why there is none."""
        if self.read_ahead is not None:
            return self.read_ahead.get()
        return documents.page_texts(self.data, self.name)


class JobBackend:
    def __init__(self, ctx: ProviderContext, catalog: OptionCatalog, deliveries: DeliveryBackend) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self.deliveries = deliveries

    @property
    def timeline(self) -> Timeline:
        timeline: Timeline = self.ctx.timeline
        return timeline

    # -- reading ------------------------------------------------------------------------
    def job(self, org: Organisation, user: User, raw_id: str) -> Job:
        job = org.job(as_id(raw_id))
        if job is None or not user.sees(job.owner_id, job.creator_id):
            raise NotFound(f"no job {raw_id!r}")
        return job

    def pack_group(self, org: Organisation, user: User, raw_id: str) -> PackGroup:
        group = org.pack_group(as_id(raw_id))
        if group is None or not user.sees(group.owner_id, org.jobs[group.job_id].creator_id):
            raise NotFound(f"no packGroup {raw_id!r}")
        return group

    # -- creation -----------------------------------------------------------------------
    def create_job(
        self, org: Organisation, user: User, params: JobCreationParameter, uploads: list[Upload]
    ) -> Job:
        owner = self._owner(org, user, params.targetOwnerId)
        service = self._service(org, owner, params.serviceId)
        name = params.jobName
        options = self._options(params.options or [])
        per_document = params.pagesPerDocument
        placed = [(upload, *self._box_of(service, upload.part)) for upload in uploads]
        if not any(box.type == MAIN_BOX for _, box, _ in placed):
            boxes = ", ".join(f"{b.name} (id {b.id})" for b in service.boxes if b.type == MAIN_BOX)
            raise BadRequest(f"send at least one file in a MAIN box of service {service.id}: {boxes}")
        placed.sort(key=lambda item: (item[1].type != MAIN_BOX, item[1].id, item[2]))
        now = self.ctx.now()
        job = Job(
            id=org.new_id(),
            name=name if name is not None else (placed[0][0].file_name or "job"),
            owner_id=owner.id,
            creator_id=user.id,
            service_id=service.id,
            autocreate=params.autocreateDeliveryCommand,
            options=options,
            files=[
                {"part": u.part, "fileName": u.file_name, "boxId": box.id, "size": len(u.data)}
                for u, box, _ in placed
            ],
            file_data=[u.data for u, _, _ in placed],
            state=JOB.initial,
            created_at=now,
            updated_at=now,
        )
        try:
            for upload, box, _ in placed:
                name = upload.name
                texts = upload.page_texts()
                if box.type != MAIN_BOX:
                    job.attachment_pages += len(texts)
                    continue
                for part in documents.split(texts, name, per_document, eligibility.addresses_someone):
                    job.documents.append(
                        Document(
                            box.id, upload.file_name, part.first_page, part.page_count, part.address_block
                        )
                    )
        except documents.CannotProcess as exc:
            job.error = str(exc)
            job.documents.clear()
        org.jobs[job.id] = job
        self.ctx.begin(org.tenant, JOB, job)
        self._later(org, job, now + self.timeline.processing_after, "process")
        return job

    def _owner(self, org: Organisation, user: User, target: int | str | None) -> User:
        """The job's owner: the caller, or for an administrator the user named by targetOwnerId
        (a user id, or a login)."""
        if target is None:
            return user
        target_id = as_id(target)
        by_login = org.user_by_login(target) if target_id is None and isinstance(target, str) else None
        if target_id is None and by_login is None:
            raise BadRequest("targetOwnerId must be the id (a number) of a user of the organisation")
        if target_id == user.id or by_login is user:
            return user
        if not user.administrator:
            raise Forbidden("only an administrator can create a job for another user (targetOwnerId)")
        owner = by_login or org.users.get(target_id)  # type: ignore[arg-type]
        if owner is None:
            raise BadRequest(f"targetOwnerId {target!r} is not a user of the organisation")
        return owner

    @staticmethod
    def _service(org: Organisation, owner: User, raw: str | int) -> Service:
        for service in org.services_of(owner):
            if service.id == str(raw):
                return service
        raise BadRequest(f"serviceId {raw!r} is not a service of user {owner.login!r}")

    def _options(self, raw: list[int | str]) -> list[int]:
        """Option ids (or values) of the catalog, one per option type."""
        chosen: list[int] = []
        for item in raw:
            option_id = as_id(item)
            if option_id is None and isinstance(item, str):
                option_id = self.catalog.id_of(item)
            if option_id is None or option_id not in self.catalog.options:
                raise BadRequest(f"option {item!r} is not an option id (or value) from GET /options")
            chosen.append(option_id)
        per_type = Counter(self.catalog.options[oid][1] for oid in chosen)
        twice = [self.catalog.types.get(tid, str(tid)) for tid, n in per_type.items() if n > 1]
        if twice:
            raise BadRequest(f"options choose more than one value of {', '.join(twice)}")
        return chosen

    @staticmethod
    def _box_of(service: Service, part: str) -> tuple[Box, int]:
        match = FILE_PART.match(part)
        if match is not None:
            token = match.group("box")
            for prefix in BOX_PREFIXES:
                if token.startswith(prefix):
                    wanted = token[len(prefix) :]
                    for box in service.boxes:
                        if wanted in (box.name, box.id):
                            return box, int(match.group("n"))
        names = ", ".join(f"file__file_{b.name}_0 / file_main{b.id}_0" for b in service.boxes)
        raise BadRequest(f"part {part[:100]!r} names no box of service {service.id}; use e.g. {names}")

    # -- processing on the clock (timer actions) -------------------------------------------
    def process(self, org: Organisation, job: Job) -> None:
        """PROCESSING -> PROCESSING_ERROR, or PACK_GROUP_CREATED with one packGroup per document."""
        if job.state != "PROCESSING":
            return
        if job.error is not None:
            self._move(org, job, "PROCESSING_ERROR")
            return
        service = org.services.get(job.service_id)
        boxes = {box.id: box for box in service.boxes} if service else {}
        defaults = service.default_options if service else []
        now = self.ctx.now()
        for document in job.documents:
            box_channel = boxes[document.box_id].channel if document.box_id in boxes else "MAIL"
            channel = eligibility.channel_for(box_channel, document.address_block)
            requirements = eligibility.requirements_for(channel, document.address_block)
            group = PackGroup(
                **org.new_part(job.id, job.owner_id, now),
                channel=channel,
                document=document,
                requirements=requirements,
                options=self.catalog.merged(defaults, job.options),
                attachment_pages=job.attachment_pages,
                state="ELIGIBLE" if all(r.valid for r in requirements) else "NOT_ELIGIBLE",
            )
            job.pack_groups[group.id] = group
            self.ctx.begin(org.tenant, PACK_GROUP, group)
        self._move(org, job, "PACK_GROUP_CREATED")
        self._deliver_when_ready(org, job)

    def _deliver_when_ready(self, org: Organisation, job: Job) -> None:
        """With autocreateDeliveryCommand, deliveries follow once every packGroup is eligible."""
        ready = job.autocreate and job.state == "PACK_GROUP_CREATED" and all_eligible(job)
        if ready and not self.delivery_planned(org, job):
            self._later(org, job, self.ctx.now() + self.timeline.delivery_after, "deliver")

    def delivery_planned(self, org: Organisation, job: Job) -> bool:
        return any(timer.action == "deliver" for timer in self.ctx.timers(org.tenant, "job", str(job.id)))

    def deliver(self, org: Organisation, job: Job) -> None:
        if job.state == "PACK_GROUP_CREATED" and all_eligible(job):
            self._create(org, job)

    def _create(self, org: Organisation, job: Job) -> None:
        self.deliveries.create_deliveries(org, job)
        self._move(org, job, "CREATED")

    # -- client actions -----------------------------------------------------------------
    def validate(self, org: Organisation, job: Job) -> Job:
        if job.state != "PACK_GROUP_CREATED":
            raise Conflict(f"job {job.id} is {job.state}; only a PACK_GROUP_CREATED job can be validated")
        blocked = [str(group.id) for group in job.pack_groups.values() if group.state != "ELIGIBLE"]
        if blocked:
            raise Conflict(f"packGroups {', '.join(blocked)} are NOT_ELIGIBLE; edit them first")
        self.ctx.cancel(org.tenant, "job", str(job.id), "deliver")
        self._create(org, job)
        return job

    def edit(self, org: Organisation, group: PackGroup, request: EditRequest) -> PackGroup:
        """Replace RAW values of the packGroup's requirements, then validate them again."""
        edits = {edit.name: edit.raw for edit in request.requirements}
        known = {r.name: r for r in group.requirements}
        if ONLY_REQUIREMENT in edits and len(known) == 1:
            edits[group.requirements[0].name] = edits.pop(ONLY_REQUIREMENT)
        unknown = [name for name in edits if name not in known]
        if unknown:
            raise BadRequest(
                f"packGroup {group.id} has no requirement {unknown[0] or '(unnamed)'!r}; "
                f"it has {sorted(known)}: name the one to edit"
            )
        job = org.jobs[group.job_id]
        if group.state == "IN_DELIVERY" or job.state != "PACK_GROUP_CREATED":
            raise Conflict(
                f"packGroup {group.id} is {group.state} in a {job.state} job; it can no longer be edited"
            )
        for name, raw in edits.items():
            known[name].raw = raw
            eligibility.check(group.channel, known[name])
        target = "ELIGIBLE" if all(r.valid for r in group.requirements) else "NOT_ELIGIBLE"
        if target != group.state:
            self.ctx.move(org.tenant, PACK_GROUP, group, target)
        self._deliver_when_ready(org, job)
        return group

    # -- forced transitions ---------------------------------------------------------------
    def force(self, org: Organisation, job: Job, state: str, reason: str | None) -> None:
        JOB.check(job.state, state)
        self.ctx.cancel(org.tenant, "job", str(job.id))
        if state == "PACK_GROUP_CREATED":
            self.process(org, job)
        elif state == "PROCESSING_ERROR":
            job.error = reason or "Processing error (forced)"
            self._move(org, job, "PROCESSING_ERROR", job.error)
        elif state == "CREATED":  # deliveries for the eligible packGroups only
            self._create(org, job)

    def force_pack_group(self, org: Organisation, group: PackGroup, state: str, reason: str | None) -> None:
        """ELIGIBLE <-> NOT_ELIGIBLE whatever the RAW values say (an edit checks them again)."""
        PACK_GROUP.check(group.state, state)
        if state == "IN_DELIVERY":
            raise TransitionRefused(
                "packGroup", group.state, state, "a packGroup goes IN_DELIVERY with its job's deliveries"
            )
        for requirement in group.requirements:
            requirement.valid = state == "ELIGIBLE"
            requirement.message = (
                None if requirement.valid else reason or f"{requirement.name} refused (forced)"
            )
        self.ctx.move(org.tenant, PACK_GROUP, group, state, reason)
        self._deliver_when_ready(org, org.jobs[group.job_id])

    # -- small mechanics ------------------------------------------------------------------
    def _move(self, org: Organisation, job: Job, state: str, reason: str | None = None) -> None:
        self.ctx.move(org.tenant, JOB, job, state, reason)

    def _later(self, org: Organisation, job: Job, due: datetime, action: str) -> None:
        self.ctx.schedule(org.tenant, "job", str(job.id), due, action)


def all_eligible(job: Job) -> bool:
    return all(group.state == "ELIGIBLE" for group in job.pack_groups.values())
