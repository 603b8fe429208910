"""How a shipment moves: offers, selection, payment, then the logistics path on the clock.

Every status change goes through `enter`, which asks the lifecycle table first, records the
history, assigns tracking numbers, sends the organization's webhooks and plans the next timed step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from mockpost.core.http import dumps
from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.inpost import catalog, wire
from mockpost.providers.inpost.lifecycle import COURIER_PATH, LOCKER_PATH, PROGRESS, SHIPMENT, Timeline
from mockpost.providers.inpost.state import Account, HistoryEntry, Offer, Shipment, Transaction
from mockpost.providers.inpost.validation import ShipmentRequest, as_id, services_fitting

PROVIDER = "inpost"
# Undocumented by ShipX; chosen here and written in docs/inpost.md: 5 attempts over about 2.5 hours.
WEBHOOK_RETRY = RetryPolicy(delays=(60, 300, 1800, 7200))
LOCKER_RATES = {"small": 13.99, "medium": 15.49, "large": 17.99}
OFFER_LIFETIME = timedelta(days=1)


def path_of(service: str | None) -> tuple[str, ...]:
    return LOCKER_PATH if service is not None and catalog.is_locker(service) else COURIER_PATH


def rank(status: str) -> int:
    return PROGRESS.index(status) if status in PROGRESS else len(PROGRESS)


class Flow:
    def __init__(self, ctx: ProviderContext, timeline: Timeline) -> None:
        self.ctx = ctx
        self.timeline = timeline
        # tracking number -> (tenant, shipment id): /v1/tracking is public, across accounts
        self.tracking_index: dict[str, tuple[str, int]] = {}

    @staticmethod
    def services_of(account: Account, organization_id: int) -> list[str]:
        return list(account.organizations[organization_id].services)

    # -- the steps --------------------------------------------------------------------
    def start(self, account: Account, shipment: Shipment) -> None:
        shipment.history.append(HistoryEntry("created", shipment.created_at))
        self._later(
            account, shipment, self.timeline.offers_after, lambda: self.prepare_offers(account, shipment)
        )

    def prepare_offers(self, account: Account, shipment: Shipment) -> None:
        now = self.ctx.now()
        if shipment.simplified and shipment.service is not None:
            services: dict[str, Any] = {shipment.service: None}
        else:
            services = services_fitting(
                _request_view(shipment), self.services_of(account, shipment.organization_id)
            )
        shipment.offers = []
        for service, reasons in services.items():
            shipment.offers.append(
                Offer(
                    id=account.next_id("offer"),
                    service=service,
                    rate=None if reasons else self.rate(service, shipment),
                    currency="PLN",
                    expires_at=now + OFFER_LIFETIME,
                    status="unavailable" if reasons else "available",
                    additional_services=list(shipment.additional_services),
                    unavailability_reasons=reasons,
                )
            )
        self.enter(account, shipment, "offers_prepared")
        if shipment.simplified:
            self._later(
                account, shipment, self.timeline.select_after, lambda: self.select(account, shipment, None)
            )

    def select(self, account: Account, shipment: Shipment, offer: Offer | None) -> None:
        """Select `offer` (or the first available one); the other offers are deleted, as ShipX does."""
        chosen = offer or next((o for o in shipment.offers if o.status == "available"), None)
        if chosen is None:  # forced without any available offer: make one for the shipment's service
            service = shipment.service or self.services_of(account, shipment.organization_id)[0]
            chosen = Offer(
                account.next_id("offer"),
                service,
                self.rate(service, shipment),
                "PLN",
                self.ctx.now() + OFFER_LIFETIME,
            )
        chosen.status = "selected"
        shipment.offers = [chosen]
        shipment.selected_offer = chosen
        shipment.service = chosen.service
        self.enter(account, shipment, "offer_selected")
        if shipment.simplified and not shipment.only_choice_of_offer:
            self._later(account, shipment, self.timeline.confirm_after, lambda: self.pay(account, shipment))

    def pay(self, account: Account, shipment: Shipment) -> None:
        """The payment (buy): a transaction now, `confirmed` with a tracking number a little later."""
        offer = shipment.selected_offer
        if offer is None:
            self.select(account, shipment, None)
            self.cancel_job(shipment)
            offer = shipment.selected_offer
        assert offer is not None
        offer.status = "bought"
        shipment.transactions.append(Transaction(account.next_id("transaction"), offer.id, self.ctx.now()))
        self.cancel_job(shipment)
        self._later(account, shipment, self.timeline.confirm_after, lambda: self.confirm(account, shipment))

    def confirm(self, account: Account, shipment: Shipment) -> None:
        self.enter(account, shipment, "confirmed")

    def enter(self, account: Account, shipment: Shipment, status: str) -> None:
        """The one place a shipment changes status."""
        SHIPMENT.check(shipment.status, status)
        self.cancel_job(shipment)
        now = self.ctx.now()
        shipment.status = status
        shipment.updated_at = now
        shipment.history.append(HistoryEntry(status, now))
        if shipment.tracking_number is None and status != "canceled" and rank(status) >= rank("confirmed"):
            shipment.tracking_number = self.new_tracking_number(account, shipment)
        if status == "returned_to_sender" and shipment.return_tracking_number is None:
            shipment.return_tracking_number = self.new_tracking_number(account, shipment)
        self.notify(account, shipment, "shipment_status_changed")
        if status == "confirmed":
            self.notify(account, shipment, "shipment_confirmed")
        self._plan_next(account, shipment)

    def _plan_next(self, account: Account, shipment: Shipment) -> None:
        path = path_of(shipment.service)
        if shipment.status == "confirmed":
            following = path[0]
            delay = self.timeline.first_scan_after
        elif shipment.status in path[:-1]:
            following = path[path.index(shipment.status) + 1]
            delay = (
                self.timeline.pickup_after
                if shipment.status == "ready_to_pickup"
                else self.timeline.step_after
            )
        else:
            return
        target = following

        def step() -> None:
            if SHIPMENT.allows(shipment.status, target):
                self.enter(account, shipment, target)

        self._later(account, shipment, delay, step)

    # -- forced transitions ---------------------------------------------------------------
    def force(self, account: Account, raw_id: Any, status: str) -> Shipment:
        """`raw_id` is the shipment's id or its tracking number (what a parcel is known by)."""
        shipment_id = as_id(raw_id)
        shipment = account.shipments.get(shipment_id) if shipment_id is not None else None
        if shipment is None and isinstance(raw_id, str) and raw_id in self.tracking_index:
            tenant, shipment_id = self.tracking_index[raw_id]
            shipment = account.shipments.get(shipment_id) if tenant == account.tenant else None
        if shipment is None:
            raise UnknownResource(f"no shipment {raw_id!r} in this account")
        SHIPMENT.check(shipment.status, status)
        if status == "offers_prepared":
            self.cancel_job(shipment)
            self.prepare_offers(account, shipment)
        elif status == "offer_selected":
            if not shipment.offers:
                self.prepare_offers(account, shipment)
            self.select(account, shipment, None)
        else:
            if rank(status) >= rank("confirmed") and not shipment.transactions and status != "canceled":
                self.pay(account, shipment)
            self.enter(account, shipment, status)
        return shipment

    def walk_to(self, account: Account, shipment: Shipment, target: str) -> None:
        """Through every usual status up to `target` (fixtures): history as the clock would make it.
        A failure or return status comes after the path's last step before `delivered`; canceled
        straight from created."""
        path = path_of(shipment.service)
        steps = ["offers_prepared", "offer_selected", "confirmed", *path]
        ceilings = {"canceled": "created"}
        ceiling = target if target in PROGRESS else ceilings.get(target, path[-2])
        for step in steps:
            if rank(shipment.status) < rank(step) <= rank(ceiling) and step != target:
                self.force(account, shipment.id, step)
        if shipment.status != target:
            self.force(account, shipment.id, target)

    # -- side effects -----------------------------------------------------------------
    def new_tracking_number(self, account: Account, shipment: Shipment) -> str:
        while True:
            number = "6" + self.ctx.ids.digits(23)
            if number not in self.tracking_index:
                self.tracking_index[number] = (account.tenant, shipment.id)
                return number

    def notify(self, account: Account, shipment: Shipment, event: str) -> None:
        if account.webhook is None:
            return
        body = dumps(
            {
                "event_ts": wire.webhook_ts(self.ctx.now()),
                "event": event,
                "organization_id": shipment.organization_id,
                "payload": {
                    "shipment_id": shipment.id,
                    "status": shipment.status,
                    "tracking_number": shipment.tracking_number,
                },
            }
        )
        self.ctx.send_webhook(
            account.tenant,
            event,
            account.webhook.url,
            body,
            {"Content-Type": "application/json"},
            WEBHOOK_RETRY,
        )

    def rate(self, service: str, shipment: Shipment) -> float:
        total = 0.0
        for parcel in shipment.parcels:
            if catalog.is_locker(service):
                total += LOCKER_RATES.get(parcel.get("template") or "", 17.99)
            else:
                weight = float((parcel.get("weight") or {}).get("amount") or 1)
                total += 18.5 + 1.2 * weight + (25.0 if parcel.get("is_non_standard") else 0.0)
        if shipment.insurance.get("amount"):
            total += round(float(shipment.insurance["amount"]) * 0.005, 2)
        if shipment.cod.get("amount"):
            total += 3.5
        return round(total, 2)

    # -- timed work ---------------------------------------------------------------------
    def _later(
        self, account: Account, shipment: Shipment, delay: timedelta, step: Callable[[], None]
    ) -> None:
        self.cancel_job(shipment)

        def run() -> None:
            shipment.pending = None
            if (
                self.ctx.store.existing(PROVIDER, account.tenant) is account
                and account.shipments.get(shipment.id) is shipment
            ):
                step()

        shipment.pending = self.ctx.schedule(self.ctx.now() + delay, run, f"inpost shipment {shipment.id}")

    @staticmethod
    def cancel_job(shipment: Shipment) -> None:
        if shipment.pending is not None:
            shipment.pending.cancel()
            shipment.pending = None


def _request_view(shipment: Shipment) -> ShipmentRequest:
    return ShipmentRequest(
        service=shipment.service,
        receiver=shipment.receiver,
        sender=shipment.sender,
        parcels=shipment.parcels,
        custom_attributes=shipment.custom_attributes,
        cod=shipment.cod,
        insurance=shipment.insurance,
        additional_services=shipment.additional_services,
        reference=shipment.reference,
        is_return=shipment.is_return,
        external_customer_id=shipment.external_customer_id,
        mpk=shipment.mpk,
        comments=shipment.comments,
        only_choice_of_offer=shipment.only_choice_of_offer,
        end_of_week_collection=shipment.end_of_week_collection,
    )
