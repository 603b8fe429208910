"""How a shipment moves: offers, selection, payment, then the logistics path on the clock.

Every status change goes through `move` (the lifecycle table decides, the history records it),
which assigns tracking numbers, sends the organization's webhooks and plans the next timed step.
Timed steps are data: (shipment, action) timers that `timer_actions` runs when they are due.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from mockpost.core.http import dumps
from mockpost.core.lifecycle import UnknownResource
from mockpost.core.provider import ProviderContext, TimerAction
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.inpost import services, wire
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.lifecycle import COURIER_PATH, LOCKER_PATH, OFFER, PROGRESS, SHIPMENT
from mockpost.providers.inpost.shipment_rules import services_fitting
from mockpost.providers.inpost.state import Account, Offer, Shipment, Transaction

KIND = SHIPMENT.resource
# Undocumented by ShipX; chosen here and written in docs/inpost.md: 5 attempts over about 2.5 hours.
WEBHOOK_RETRY = RetryPolicy(delays=(60, 300, 1800, 7200))
LOCKER_RATES = {"small": 13.99, "medium": 15.49, "large": 17.99}
OFFER_LIFETIME = timedelta(days=1)


# status -> the one the clock moves a shipment to next, per kind of service
LOCKER_NEXT = dict(pairwise(("confirmed", *LOCKER_PATH)))
COURIER_NEXT = dict(pairwise(("confirmed", *COURIER_PATH)))


def path_of(service: str | None) -> tuple[str, ...]:
    return LOCKER_PATH if service is not None and services.is_locker(service) else COURIER_PATH


def rank(status: str) -> int:
    return PROGRESS.index(status) if status in PROGRESS else len(PROGRESS)


def is_confirmed(shipment: Shipment) -> bool:
    """Paid for and handed to logistics (a label can be printed, a courier ordered)."""
    return shipment.state != "canceled" and rank(shipment.state) >= rank("confirmed")


class Flow:
    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    def timer_actions(self) -> dict[tuple[str, str], TimerAction]:
        """The timed steps of a shipment, by action."""
        return {
            (KIND, "prepare_offers"): self.prepare_offers,
            (KIND, "select_offer"): lambda account, shipment: self.select(account, shipment, None),
            (KIND, "buy"): self.pay,
            (KIND, "confirm"): lambda account, shipment: self.move(account, shipment, "confirmed"),
            (KIND, "advance"): self.advance,
        }

    # -- the steps --------------------------------------------------------------------
    def start(self, account: Account, shipment: Shipment) -> None:
        self.ctx.begin(account.tenant, SHIPMENT, shipment)
        self._later(account, shipment, self.ctx.timeline.offers_after, "prepare_offers")

    def prepare_offers(self, account: Account, shipment: Shipment) -> None:
        if shipment.simplified and shipment.service is not None:
            fitting: dict[str, list[dict[str, str]] | None] = {shipment.service: None}
        else:
            fitting = services_fitting(shipment, account.organizations[shipment.organization_id].services)
        shipment.offers = [
            self._offer(account, shipment, service, reasons) for service, reasons in fitting.items()
        ]
        self.move(account, shipment, "offers_prepared")
        if shipment.simplified:
            self._later(account, shipment, self.ctx.timeline.select_after, "select_offer")

    def select(self, account: Account, shipment: Shipment, offer: Offer | None) -> None:
        """Select `offer` (or the first available one); the other offers are deleted, as ShipX does."""
        chosen = offer or next((o for o in shipment.offers if o.state == "available"), None)
        if chosen is None:  # forced without any available offer: make one for the shipment's service
            service = shipment.service or account.organizations[shipment.organization_id].services[0]
            chosen = self._offer(account, shipment, service, None)
        self.ctx.move(account.tenant, OFFER, chosen, "selected")
        shipment.offers = [chosen]
        shipment.selected_offer_id = chosen.id
        shipment.service = chosen.service
        self.move(account, shipment, "offer_selected")
        if shipment.simplified and not shipment.only_choice_of_offer:
            self._later(account, shipment, self.ctx.timeline.confirm_after, "buy")

    def pay(self, account: Account, shipment: Shipment) -> None:
        """The payment (buy): a transaction now, `confirmed` with a tracking number a little later."""
        if shipment.selected_offer is None:
            self.select(account, shipment, None)
        offer = shipment.selected_offer
        assert offer is not None
        self.ctx.move(account.tenant, OFFER, offer, "bought")
        shipment.transactions.append(Transaction(account.next_id("transaction"), offer.id, self.ctx.now()))
        self._later(account, shipment, self.ctx.timeline.confirm_after, "confirm")

    def _offer(
        self, account: Account, shipment: Shipment, service: str, reasons: list[dict[str, str]] | None
    ) -> Offer:
        """A new offer for `service`: unavailable for the `reasons` given, else at its rate."""
        now = self.ctx.now()
        offer = Offer(
            id=account.next_id("offer"),
            shipment_id=shipment.id,
            service=service,
            rate=None if reasons else self.rate(service, shipment),
            currency="PLN",
            expires_at=now + OFFER_LIFETIME,
            additional_services=list(shipment.additional_services),
            unavailability_reasons=reasons,
            state="unavailable" if reasons else "available",
            created_at=now,
            updated_at=now,
        )
        self.ctx.begin(account.tenant, OFFER, offer)
        return offer

    def advance(self, account: Account, shipment: Shipment) -> None:
        """The next status of the shipment's logistics path."""
        following = _next_status(shipment)
        if following is not None:
            self.move(account, shipment, following)

    def move(self, account: Account, shipment: Shipment, status: str) -> None:
        """The one place a shipment changes status; it replaces any step that was planned."""
        self.ctx.move(account.tenant, SHIPMENT, shipment, status)
        following = _next_status(shipment)
        if following is None:
            self.ctx.cancel(account.tenant, KIND, str(shipment.id))
        else:
            self._later(account, shipment, self._delay_after(shipment.state), "advance")
        if shipment.tracking_number is None and is_confirmed(shipment):
            shipment.tracking_number = self.new_tracking_number(account, shipment)
        if status == "returned_to_sender" and shipment.return_tracking_number is None:
            shipment.return_tracking_number = self.new_tracking_number(account, shipment)
        self.notify(account, shipment, "shipment_status_changed")
        if status == "confirmed":
            self.notify(account, shipment, "shipment_confirmed")

    def _delay_after(self, status: str) -> timedelta:
        """How long a shipment stays in a status of its logistics path."""
        timeline = self.ctx.timeline
        if status == "confirmed":
            return timeline.first_scan_after
        return timeline.pickup_after if status == "ready_to_pickup" else timeline.step_after

    # -- forced transitions ---------------------------------------------------------------
    def find(self, account: Account, raw_id: str) -> Shipment | None:
        """A shipment by its id or its tracking number (what a parcel is known by)."""
        shipment_id = as_id(raw_id)
        shipment = account.shipments.get(shipment_id) if shipment_id is not None else None
        if shipment is not None:
            return shipment
        shipment_id = account.tracking_numbers.get(raw_id)
        return account.shipments.get(shipment_id) if shipment_id is not None else None

    def force(self, account: Account, raw_id: str, status: str) -> Shipment:
        shipment = self.find(account, str(raw_id))
        if shipment is None:
            raise UnknownResource(f"no shipment {raw_id!r} in this account")
        SHIPMENT.check(shipment.state, status)
        if status == "offers_prepared":
            self.prepare_offers(account, shipment)
        elif status == "offer_selected":
            if not shipment.offers:
                self.prepare_offers(account, shipment)
            self.select(account, shipment, None)
        else:
            if rank(status) >= rank("confirmed") and not shipment.transactions and status != "canceled":
                self.pay(account, shipment)
            self.move(account, shipment, status)
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
            if rank(shipment.state) < rank(step) <= rank(ceiling) and step != target:
                self.force(account, str(shipment.id), step)
        if shipment.state != target:
            self.force(account, str(shipment.id), target)

    # -- side effects -----------------------------------------------------------------
    def new_tracking_number(self, account: Account, shipment: Shipment) -> str:
        """24 digits, unique across accounts: `/v1/tracking` is public and finds any account's."""
        while True:
            number = "6" + self.ctx.ids.digits(23)
            if not any(
                number in other.tracking_numbers for _, other in self.ctx.store.tenants(self.ctx.name)
            ):
                account.tracking_numbers[number] = shipment.id
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
                    "status": shipment.state,
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

    @staticmethod
    def rate(service: str, shipment: Shipment) -> float:
        total = 0.0
        for parcel in shipment.parcels:
            if services.is_locker(service):
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
    def _later(self, account: Account, shipment: Shipment, delay: timedelta, action: str) -> None:
        """The shipment's next timed step (replacing any other it had)."""
        self.ctx.cancel(account.tenant, KIND, str(shipment.id))
        self.ctx.schedule(account.tenant, KIND, str(shipment.id), self.ctx.now() + delay, action)


def _next_status(shipment: Shipment) -> str | None:
    """The status the clock moves the shipment to next, if any."""
    following = (
        LOCKER_NEXT if shipment.service is not None and services.is_locker(shipment.service) else COURIER_NEXT
    )
    return following.get(shipment.state)
