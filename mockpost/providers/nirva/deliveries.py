"""Deliveries and shipments: one delivery per channel, the output trigger, shipment codes moving on
the clock along each channel's path, tracking metadata, proofs and webhooks. No HTTP in here. Timed
steps are the timers `delivery/output` and `shipment/<step>` (the steps of lifecycle.PATHS)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from mockpost.core.provider import ProviderContext
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.nirva import tracking
from mockpost.providers.nirva.errors import BadRequest, NotFound
from mockpost.providers.nirva.lifecycle import DELIVERY, PACK_GROUP, PATHS, SHIPMENT, Timeline
from mockpost.providers.nirva.parsing import as_id
from mockpost.providers.nirva.state import (
    Delivery,
    Job,
    Metadata,
    Organisation,
    Shipment,
    TrackingFile,
    User,
)

# Documented: retried every 15 minutes for 48 hours; only "200 OK" counts as delivered.
WEBHOOK_RETRY = RetryPolicy.every(900, 48 * 3600, accept=(200,))
REGISTERED = "REGISTERED_MAIL"


class DeliveryBackend:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    @property
    def timeline(self) -> Timeline:
        timeline: Timeline = self.ctx.timeline
        return timeline

    # -- reading ------------------------------------------------------------------------
    def deliveries_of(self, org: Organisation, user: User, raw_job_id: str | None) -> list[Delivery]:
        if not raw_job_id:
            raise BadRequest("the query parameter jobId is required: GET /deliveries?jobId=<jobId>")
        job = org.job(as_id(raw_job_id))
        if job is None or not user.sees(job.owner_id, job.creator_id):
            raise NotFound(f"no job {raw_job_id!r}")
        return list(job.deliveries.values())

    def shipment(self, org: Organisation, user: User, raw_id: str) -> Shipment:
        shipment = org.shipment(as_id(raw_id))
        if shipment is None or not user.sees(shipment.owner_id, org.jobs[shipment.job_id].creator_id):
            raise NotFound(f"no shipment {raw_id!r}")
        return shipment

    def tracking_file(self, shipment: Shipment, name: str) -> TrackingFile:
        """By the metadata name (ACKN), or by the file name its metadata value gives (ACKN_1005.pdf)."""
        found = shipment.files.get(name) or next(
            (file for file in shipment.files.values() if file.file_name == name), None
        )
        if found is None:
            have = ", ".join(sorted(shipment.files)) or "none yet"
            raise NotFound(f"shipment {shipment.id} has no tracking file {name[:100]!r} (it has: {have})")
        return found

    # -- deliveries -----------------------------------------------------------------------
    def create_deliveries(self, org: Organisation, job: Job) -> None:
        """One delivery per channel for the job's eligible packGroups, output at the next trigger."""
        by_channel: dict[str, list[int]] = {}
        for group in job.pack_groups.values():
            if group.state == "ELIGIBLE":
                by_channel.setdefault(group.channel, []).append(group.id)
        now = self.ctx.now()
        for channel, group_ids in by_channel.items():
            delivery = Delivery(
                **org.new_part(job.id, job.owner_id, now),
                channel=channel,
                pack_group_ids=group_ids,
                state=DELIVERY.initial,
            )
            job.deliveries[delivery.id] = delivery
            self.ctx.begin(org.tenant, DELIVERY, delivery)
            for pid in group_ids:
                group = job.pack_groups[pid]
                self.ctx.move(org.tenant, PACK_GROUP, group, "IN_DELIVERY")
                group.delivery_id = delivery.id
            self.ctx.schedule(org.tenant, "delivery", str(delivery.id), self.next_output(now), "output")

    def next_output(self, now: datetime) -> datetime:
        every = self.timeline.output_every.total_seconds()
        return datetime.fromtimestamp((math.floor(now.timestamp() / every) + 1) * every, UTC)

    def output(self, org: Organisation, delivery: Delivery) -> None:
        """The output trigger: the delivery is OUTPUTTED and its shipments exist (code 250)."""
        if delivery.state != "CREATED":
            return
        now = self.ctx.now()
        self.ctx.move(org.tenant, DELIVERY, delivery, "OUTPUTTED")
        delivery.outputted_at = now
        job = org.jobs[delivery.job_id]
        for pid in delivery.pack_group_ids:
            group = job.pack_groups[pid]
            part = org.new_part(delivery.job_id, delivery.owner_id, now)
            shipment = Shipment(
                **part,
                external_id=900_000 + part["id"],
                delivery_id=delivery.id,
                pack_group_id=pid,
                channel=delivery.channel,
                post=tracking.post_of(group.document.address_block),
                recipient=" / ".join(r.value or r.raw for r in group.requirements),
                state=SHIPMENT.initial,
            )
            delivery.shipments[shipment.id] = shipment
            self.ctx.begin(org.tenant, SHIPMENT, shipment)
            self._entered(org, shipment)

    def force_delivery(self, org: Organisation, delivery: Delivery, state: str, reason: str | None) -> None:
        DELIVERY.check(delivery.state, state)
        self.ctx.cancel(org.tenant, "delivery", str(delivery.id))
        if state == "OUTPUTTED":
            self.output(org, delivery)
        else:
            self.ctx.move(org.tenant, DELIVERY, delivery, state, reason)

    # -- shipments ------------------------------------------------------------------------
    def move(self, org: Organisation, shipment: Shipment, code: str, reason: str | None = None) -> None:
        """The one place a shipment changes code after its creation (timed steps, forced transitions)."""
        SHIPMENT.check(shipment.state, code)
        self.ctx.cancel(org.tenant, "shipment", str(shipment.id))
        self.ctx.move(org.tenant, SHIPMENT, shipment, code, reason)
        self._entered(org, shipment)

    def step(self, org: Organisation, shipment: Shipment) -> None:
        """A timed step: the next code on the shipment's channel path."""
        step = PATHS.get(shipment.channel, {}).get(shipment.state)
        if step is not None:
            self.move(org, shipment, step[0])

    def _entered(self, org: Organisation, shipment: Shipment) -> None:
        """What a code brings: its webhook, registered-mail tracking, the next timed step."""
        code = shipment.state
        self._send(org, "SHIPMENT_STATUS", shipment, None, code, code in tracking.EXTERNAL_CODES)
        if shipment.channel == REGISTERED:
            self._registered_tracking(org, shipment, code)
        step = PATHS.get(shipment.channel, {}).get(code)
        if step is not None:
            action = step[1]
            due = self.ctx.now() + self.timeline.delay(action)
            self.ctx.schedule(org.tenant, "shipment", str(shipment.id), due, action)

    def _registered_tracking(self, org: Organisation, shipment: Shipment, code: str) -> None:
        now = self.ctx.now()
        if code == "400" and shipment.tracking_number is None:
            country = "BE" if shipment.post == "LaPoste_Be" else "FR"
            shipment.tracking_number = tracking.s10_number(self.ctx.ids.digits(8), country)
            shipment.metadata.append(
                Metadata("TRACKING", "SHORT_VALUE", "TRACKING", shipment.tracking_number)
            )
            self._send(org, "TRACKING_TEXT", shipment, "TRACKING", shipment.tracking_number, False)
        if code == "600":
            self._add_file(
                org,
                shipment,
                "CERTIF",
                "application/pdf",
                tracking.proof_pdf("Preuve de dépôt", shipment, now),
            )
        if code == "610":
            self._add_file(
                org,
                shipment,
                "ACKN",
                "application/pdf",
                tracking.proof_pdf("Accusé de réception", shipment, now),
            )
        if code in tracking.POST_EVENTS and code != "400":
            self._add_file(
                org, shipment, "TRACKING_DETAIL", "application/json", tracking.tracking_detail(shipment)
            )

    def _add_file(
        self, org: Organisation, shipment: Shipment, name: str, content_type: str, data: bytes
    ) -> None:
        extension = "pdf" if content_type == "application/pdf" else "json"
        file_name = f"{name}_{shipment.id}.{extension}"
        if name not in shipment.files:
            shipment.metadata.append(Metadata("TRACKING", "FILE", name, file_name))
        shipment.files[name] = TrackingFile(name, file_name, content_type, data)
        self._send(org, "TRACKING_FILE", shipment, name, file_name, True)

    def _send(
        self, org: Organisation, kind: str, shipment: Shipment, name: str | None, value: str, external: bool
    ) -> None:
        if org.webhook is None:
            return
        body = tracking.event_payload(kind, shipment, name, value, self.ctx.now(), external)
        self.ctx.send_webhook(org.tenant, kind, org.webhook.url, body, {}, WEBHOOK_RETRY)
