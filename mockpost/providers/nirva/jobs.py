"""Jobs and packGroups: creation from the multipart upload, processing on the clock, eligibility,
validation and packGroup edits. No HTTP in here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockpost.core.lifecycle import TransitionRefused
from mockpost.core.offload import Outcome
from mockpost.core.provider import ProviderContext
from mockpost.providers.nirva import documents, eligibility
from mockpost.providers.nirva.errors import BadRequest, Conflict, Forbidden, NotFound
from mockpost.providers.nirva.lifecycle import JOB, PACK_GROUP, Timeline
from mockpost.providers.nirva.organisation import OptionCatalog
from mockpost.providers.nirva.parsing import ONLY_REQUIREMENT, as_id, parse_edits, parse_parameters
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
MAX_PAGES_PER_DOCUMENT = 10_000


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
    def __init__(
        self,
        ctx: ProviderContext,
        timeline: Timeline,
        catalog: OptionCatalog,
        create_deliveries: Callable[[Organisation, Job], None],
        timed: Callable[[Organisation, Callable[[], None]], Callable[[], None]],
    ) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.catalog = catalog
        self.create_deliveries = create_deliveries
        self.timed = timed

    # -- reading ------------------------------------------------------------------------
    def job(self, org: Organisation, user: User, raw_id: str) -> Job:
        job = org.jobs.get(as_id(raw_id))  # type: ignore[arg-type]
        if job is None or not visible(user, job.owner_id, job.creator_id):
            raise NotFound(f"no job {raw_id!r}")
        return job

    def pack_group(self, org: Organisation, user: User, raw_id: str) -> PackGroup:
        group = org.pack_groups.get(as_id(raw_id))  # type: ignore[arg-type]
        if group is None or not visible(user, group.owner_id, org.jobs[group.job_id].creator_id):
            raise NotFound(f"no packGroup {raw_id!r}")
        return group

    def pack_groups_of(self, org: Organisation, job: Job) -> list[PackGroup]:
        return [org.pack_groups[pid] for pid in job.pack_group_ids]

    # -- creation -----------------------------------------------------------------------
    def create_job(self, org: Organisation, user: User, raw_parameters: Any, uploads: list[Upload]) -> Job:
        params = parse_parameters(raw_parameters)
        owner = self._owner(org, user, params.get("targetOwnerId"))
        service = self._service(org, owner, params.get("serviceId"))
        name = params.get("jobName")
        if name is not None and not isinstance(name, str):
            raise BadRequest("jobName must be a string")
        autocreate = params.get("autocreateDeliveryCommand", False)
        if not isinstance(autocreate, bool):
            raise BadRequest("autocreateDeliveryCommand must be true or false")
        options = self._options(params.get("options"))
        per_document = params.get("pagesPerDocument")
        if per_document is not None and (
            isinstance(per_document, bool)
            or not isinstance(per_document, int)
            or not 1 <= per_document <= MAX_PAGES_PER_DOCUMENT
        ):
            raise BadRequest(f"pagesPerDocument must be a whole number from 1 to {MAX_PAGES_PER_DOCUMENT}")
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
            autocreate=autocreate,
            options=options,
            files=[
                {"part": u.part, "fileName": u.file_name, "boxId": box.id, "size": len(u.data)}
                for u, box, _ in placed
            ],
            created_at=now,
            status_changed_at=now,
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
        job.pending = self.ctx.schedule(
            now + self.timeline.processing_after,
            self.timed(org, lambda: self.process(org, job)),
            f"nirva process job {job.id}",
        )
        return job

    def _owner(self, org: Organisation, user: User, target: Any) -> User:
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
    def _service(org: Organisation, owner: User, raw: Any) -> Service:
        if raw is None:
            raise BadRequest("serviceId is required: the id of a service from the authenticate profile")
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise BadRequest(f"serviceId must be a string or a whole number, not {raw!r:.60}")
        for service in org.services_of(owner):
            if service.id == str(raw):
                return service
        raise BadRequest(f"serviceId {raw!r} is not a service of user {owner.login!r}")

    def _options(self, raw: Any) -> list[int]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise BadRequest("options must be a list of option ids (GET /options)")
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

    # -- processing on the clock ----------------------------------------------------------
    def process(self, org: Organisation, job: Job) -> None:
        """PROCESSING -> PROCESSING_ERROR, or PACK_GROUP_CREATED with one packGroup per document."""
        job.pending = None
        if job.status != "PROCESSING":
            return
        if job.error is not None:
            self._set_job(job, "PROCESSING_ERROR")
            return
        service = org.services.get(job.service_id)
        boxes = {box.id: box for box in service.boxes} if service else {}
        defaults = service.default_options if service else []
        for document in job.documents:
            box_channel = boxes[document.box_id].channel if document.box_id in boxes else "MAIL"
            channel = eligibility.channel_for(box_channel, document.address_block)
            group = PackGroup(
                id=org.new_id(),
                job_id=job.id,
                owner_id=job.owner_id,
                channel=channel,
                document=document,
                requirements=eligibility.requirements_for(channel, document.address_block),
                options=self.catalog.merged(defaults, job.options),
                attachment_pages=job.attachment_pages,
                created_at=self.ctx.now(),
            )
            group.status = "ELIGIBLE" if all(r.valid for r in group.requirements) else "NOT_ELIGIBLE"
            org.pack_groups[group.id] = group
            job.pack_group_ids.append(group.id)
        self._set_job(job, "PACK_GROUP_CREATED")
        self._deliver_when_ready(org, job)

    def _deliver_when_ready(self, org: Organisation, job: Job) -> None:
        """With autocreateDeliveryCommand, deliveries follow once every packGroup is eligible."""
        ready = job.autocreate and job.status == "PACK_GROUP_CREATED" and self._all_eligible(org, job)
        if ready and job.pending is None:
            job.pending = self.ctx.schedule(
                self.ctx.now() + self.timeline.delivery_after,
                self.timed(org, lambda: self.deliver(org, job)),
                f"nirva deliver job {job.id}",
            )

    def deliver(self, org: Organisation, job: Job) -> None:
        job.pending = None
        if job.status == "PACK_GROUP_CREATED" and self._all_eligible(org, job):
            self._create(org, job)

    def _create(self, org: Organisation, job: Job) -> None:
        self.create_deliveries(org, job)
        self._set_job(job, "CREATED")

    def _all_eligible(self, org: Organisation, job: Job) -> bool:
        return all(org.pack_groups[pid].status == "ELIGIBLE" for pid in job.pack_group_ids)

    # -- client actions -----------------------------------------------------------------
    def validate(self, org: Organisation, job: Job) -> Job:
        if job.status != "PACK_GROUP_CREATED":
            raise Conflict(f"job {job.id} is {job.status}; only a PACK_GROUP_CREATED job can be validated")
        blocked = [str(pid) for pid in job.pack_group_ids if org.pack_groups[pid].status != "ELIGIBLE"]
        if blocked:
            raise Conflict(f"packGroups {', '.join(blocked)} are NOT_ELIGIBLE; edit them first")
        if job.pending is not None:
            job.pending.cancel()
            job.pending = None
        self._create(org, job)
        return job

    def edit(self, org: Organisation, group: PackGroup, body: Any) -> PackGroup:
        """Replace RAW values of the packGroup's requirements, then validate them again."""
        edits = parse_edits(body)
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
        if group.status == "IN_DELIVERY" or job.status != "PACK_GROUP_CREATED":
            raise Conflict(
                f"packGroup {group.id} is {group.status} in a {job.status} job; it can no longer be edited"
            )
        for name, raw in edits.items():
            known[name].raw = raw
            eligibility.check(group.channel, known[name])
        target = "ELIGIBLE" if all(r.valid for r in group.requirements) else "NOT_ELIGIBLE"
        if target != group.status:
            PACK_GROUP.check(group.status, target)
            group.status = target
        self._deliver_when_ready(org, job)
        return group

    # -- forced transitions ---------------------------------------------------------------
    def force(self, org: Organisation, job: Job, state: str, reason: str | None) -> None:
        JOB.check(job.status, state)
        if job.pending is not None:
            job.pending.cancel()
            job.pending = None
        if state == "PACK_GROUP_CREATED":
            self.process(org, job)
        elif state == "PROCESSING_ERROR":
            job.error = reason or "Processing error (forced)"
            self._set_job(job, "PROCESSING_ERROR")
        elif state == "CREATED":  # deliveries for the eligible packGroups only
            self._create(org, job)

    def force_pack_group(self, org: Organisation, group: PackGroup, state: str, reason: str | None) -> None:
        """ELIGIBLE <-> NOT_ELIGIBLE whatever the RAW values say (an edit checks them again)."""
        PACK_GROUP.check(group.status, state)
        if state == "IN_DELIVERY":
            raise TransitionRefused(
                "packGroup", group.status, state, "a packGroup goes IN_DELIVERY with its job's deliveries"
            )
        for requirement in group.requirements:
            requirement.valid = state == "ELIGIBLE"
            requirement.message = (
                None if requirement.valid else reason or f"{requirement.name} refused (forced)"
            )
        group.status = state
        self._deliver_when_ready(org, org.jobs[group.job_id])

    def _set_job(self, job: Job, state: str) -> None:
        JOB.check(job.status, state)
        job.status = state
        job.status_changed_at = self.ctx.now()


# -- access ---------------------------------------------------------------------------------
def visible(user: User, owner_id: int, creator_id: int) -> bool:
    """A user sees the jobs they own or created; an administrator sees the organisation's."""
    return user.administrator or user.id in (owner_id, creator_id)
