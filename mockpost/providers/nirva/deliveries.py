"""Deliveries and shipments: one delivery per channel, the output trigger, shipment codes moving on
the clock along each channel's path, tracking metadata, proofs and webhooks. No HTTP in here."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from mockpost.core.provider import ProviderContext
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.nirva import tracking
from mockpost.providers.nirva.errors import BadRequest, NotFound
from mockpost.providers.nirva.jobs import visible
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
    def __init__(
        self,
        ctx: ProviderContext,
        timeline: Timeline,
        timed: Callable[[Organisation, Callable[[], None]], Callable[[], None]],
    ) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.timed = timed

    # -- reading ------------------------------------------------------------------------
    def deliveries_of(self, org: Organisation, user: User, raw_job_id: str | None) -> list[Delivery]:
        if not raw_job_id:
            raise BadRequest("the query parameter jobId is required: GET /deliveries?jobId=<jobId>")
        job = org.jobs.get(as_id(raw_job_id))  # type: ignore[arg-type]
        if job is None or not visible(user, job.owner_id, job.creator_id):
            raise NotFound(f"no job {raw_job_id!r}")
        return [org.deliveries[did] for did in job.delivery_ids]

    def shipment(self, org: Organisation, user: User, raw_id: str) -> Shipment:
        shipment = org.shipments.get(as_id(raw_id))  # type: ignore[arg-type]
        if shipment is None or not visible(user, shipment.owner_id, org.jobs[shipment.job_id].creator_id):
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
        for pid in job.pack_group_ids:
            group = org.pack_groups[pid]
            if group.status == "ELIGIBLE":
                by_channel.setdefault(group.channel, []).append(pid)
        now = self.ctx.now()
        for channel, group_ids in by_channel.items():
            delivery = Delivery(
                org.new_id(), job.id, job.owner_id, channel, group_ids, now, status_changed_at=now
            )
            org.deliveries[delivery.id] = delivery
            job.delivery_ids.append(delivery.id)
            for pid in group_ids:
                group = org.pack_groups[pid]
                PACK_GROUP.check(group.status, "IN_DELIVERY")
                group.status = "IN_DELIVERY"
                group.delivery_id = delivery.id
            delivery.pending = self.ctx.call_later(
                self.next_output(now),
                self.timed(org, lambda d=delivery: self.output(org, d)),  # type: ignore[misc]
                f"nirva output delivery {delivery.id}",
            )

    def next_output(self, now: datetime) -> datetime:
        every = self.timeline.output_every.total_seconds()
        return datetime.fromtimestamp((math.floor(now.timestamp() / every) + 1) * every, UTC)

    def output(self, org: Organisation, delivery: Delivery) -> None:
        """The output trigger: the delivery is OUTPUTTED and its shipments exist (code 250)."""
        delivery.pending = None
        if delivery.status != "CREATED":
            return
        now = self.ctx.now()
        DELIVERY.check(delivery.status, "OUTPUTTED")
        delivery.status, delivery.status_changed_at, delivery.outputted_at = "OUTPUTTED", now, now
        for pid in delivery.pack_group_ids:
            group = org.pack_groups[pid]
            sid = org.new_id()
            shipment = Shipment(
                id=sid,
                external_id=900_000 + sid,
                delivery_id=delivery.id,
                job_id=delivery.job_id,
                pack_group_id=pid,
                owner_id=delivery.owner_id,
                channel=delivery.channel,
                created_at=now,
                post=tracking.post_of(group.document.address_block),
                recipient=" / ".join(r.value or r.raw for r in group.requirements),
            )
            org.shipments[sid] = shipment
            delivery.shipment_ids.append(sid)
            self._enter(org, shipment, "250")

    def force_delivery(self, org: Organisation, delivery: Delivery, state: str) -> None:
        DELIVERY.check(delivery.status, state)
        if delivery.pending is not None:
            delivery.pending.cancel()
        if state == "OUTPUTTED":
            self.output(org, delivery)
        else:
            delivery.pending = None
            delivery.status, delivery.status_changed_at = state, self.ctx.now()

    # -- shipments ------------------------------------------------------------------------
    def move(self, org: Organisation, shipment: Shipment, code: str) -> None:
        """The one place a shipment changes code (timed steps and forced transitions)."""
        SHIPMENT.check(shipment.status, code)
        if shipment.pending is not None:
            shipment.pending.cancel()
            shipment.pending = None
        self._enter(org, shipment, code)

    def _enter(self, org: Organisation, shipment: Shipment, code: str) -> None:
        now = self.ctx.now()
        shipment.status, shipment.status_changed_at = code, now
        shipment.history.append((code, now))
        self._send(org, "SHIPMENT_STATUS", shipment, None, code, code in tracking.EXTERNAL_CODES)
        if shipment.channel == REGISTERED:
            self._registered_tracking(org, shipment, code)
        step = PATHS.get(shipment.channel, {}).get(code)
        if step is not None:
            following, delay = step
            shipment.pending = self.ctx.call_later(
                now + self.timeline.delay(delay),
                self.timed(org, lambda: self.move(org, shipment, following)),
                f"nirva shipment {shipment.id} -> {following}",
            )

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
