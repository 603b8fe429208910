"""Shipments: create (simplified or offer mode), read, search, select an offer, buy, cancel, bulk.

Every request is checked in full before anything is written, so a refused request changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from mockpost.core.clock import parse_instant
from mockpost.core.provider import ProviderContext
from mockpost.providers.inpost import models, services
from mockpost.providers.inpost.errors import (
    InvalidAction,
    InvalidParameter,
    NotFound,
    ShipxError,
    ValidationFailed,
)
from mockpost.providers.inpost.flow import Flow
from mockpost.providers.inpost.ids import as_id
from mockpost.providers.inpost.lifecycle import CANCELABLE, SHIPMENT
from mockpost.providers.inpost.paging import PageRequest, sort_and_page
from mockpost.providers.inpost.points import Points
from mockpost.providers.inpost.problems import Details, checked
from mockpost.providers.inpost.shipment_rules import check_shipment
from mockpost.providers.inpost.state import Account, Offer, Organization, Shipment

SORTABLE = (
    "id",
    "created_at",
    "tracking_number",
    "service",
    "status",
    "insurance_amount",
    "cod_amount",
    "external_customer_id",
)
PEER_FILTERS = (
    "name",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "city",
    "post_code",
    "country_code",
    "address",
)
TRACKING_KEPT = timedelta(days=45)  # public tracking forgets a shipment this long after its creation


class Shipments:
    def __init__(self, ctx: ProviderContext, flow: Flow, points: Points) -> None:
        self.ctx = ctx
        self.flow = flow
        self.points = points

    # -- create / read ---------------------------------------------------------------
    def create(self, account: Account, organization: Organization, body: Any) -> Shipment:
        fields, details = self.check(organization, body)
        details.refuse()
        assert fields is not None
        return self.open(account, organization, fields)

    def check(self, organization: Organization, body: Any) -> tuple[dict[str, Any] | None, Details]:
        """A create request checked against the organization, without changing anything: the new
        shipment's fields, or what is wrong."""
        return check_shipment(
            body, organization.services, self.points.types, self.ctx.timeline.require_insurance
        )

    def open(self, account: Account, organization: Organization, fields: dict[str, Any]) -> Shipment:
        """A checked request becomes a shipment, and its timeline starts."""
        now = self.ctx.now()
        shipment = Shipment(
            **{**fields, "sender": self._sender(organization, fields["sender"])},
            id=account.next_id("shipment"),
            organization_id=organization.id,
            simplified=fields["service"] is not None,
            state=SHIPMENT.initial,
            created_at=now,
            updated_at=now,
        )
        for peer in (shipment.sender, shipment.receiver):
            if peer is not None:
                peer["id"] = account.next_id("peer")
                if isinstance(peer.get("address"), dict):
                    peer["address"]["id"] = account.next_id("address")
        account.shipments[shipment.id] = shipment
        self.flow.start(account, shipment)
        return shipment

    @staticmethod
    def _sender(organization: Organization, given: dict[str, Any] | None) -> dict[str, Any]:
        """The organization's data, overridden by whatever the request's sender says."""
        contact = organization.contact_person
        sender: dict[str, Any] = {
            "id": None,
            "name": None,
            "company_name": organization.name,
            "first_name": contact.get("first_name"),
            "last_name": contact.get("last_name"),
            "email": contact.get("email"),
            "phone": contact.get("phone"),
            "address": {k: v for k, v in organization.address.items()},
        }
        for key, value in (given or {}).items():
            if key == "address" and isinstance(value, dict):
                given_address = {k: v for k, v in value.items() if v is not None and k != "id"}
                sender["address"] = {**sender["address"], **given_address}
            elif value is not None and key != "id":
                sender[key] = value
        return sender

    def get(self, account: Account, raw_id: str, organization: Organization | None = None) -> Shipment:
        shipment_id = as_id(raw_id)
        shipment = account.shipments.get(shipment_id) if shipment_id is not None else None
        if shipment is None or (organization is not None and shipment.organization_id != organization.id):
            raise NotFound("shipment", raw_id[:64])
        return shipment

    def tracked(self, number: str) -> Shipment:
        """Public tracking: any account's shipment by its tracking (or return tracking) number."""
        for _, account in self.ctx.store.tenants(self.ctx.name):
            shipment = account.shipments.get(account.tracking_numbers.get(number, 0))
            if shipment is not None:
                if self.ctx.now() - shipment.created_at > TRACKING_KEPT:
                    raise NotFound("tracking", shipment.tracking_number or "")
                return shipment
        raise NotFound("tracking", number[:64])

    def search(
        self, account: Account, organization: Organization, filters: Mapping[str, str], page: PageRequest
    ) -> tuple[list[Shipment], int]:
        found = [s for s in account.shipments.values() if s.organization_id == organization.id]
        for _, test in self._filters(filters):
            found = [s for s in found if test(s)]
        keys = {
            "id": lambda s: s.id,
            "created_at": lambda s: (s.created_at, s.id),
            "tracking_number": lambda s: s.tracking_number,
            "service": lambda s: s.service,
            "status": lambda s: s.state,
            "insurance_amount": lambda s: s.insurance.get("amount"),
            "cod_amount": lambda s: s.cod.get("amount"),
            "external_customer_id": lambda s: s.external_customer_id,
        }
        return sort_and_page(found, page, keys)

    def _filters(self, filters: Mapping[str, str]) -> list[tuple[str, Any]]:
        tests: list[tuple[str, Any]] = []

        def listed(name: str) -> set[str] | None:
            raw = filters.get(name)
            return {v.strip() for v in raw.split(",") if v.strip()} if raw else None

        ids = listed("id")
        if ids is not None:
            wanted_ids = {as_id(v) for v in ids}
            if None in wanted_ids:
                raise InvalidParameter("id", "invalid_value")
            tests.append(("id", lambda s: s.id in wanted_ids))
        statuses = listed("status")
        if statuses is not None:
            unknown = statuses - set(SHIPMENT.states)
            if unknown:
                raise InvalidParameter("status", "invalid_value", allowed=SHIPMENT.states)
            tests.append(("status", lambda s: s.state in statuses))
        wanted_services = listed("service")
        if wanted_services is not None:
            if wanted_services - set(services.SERVICES):
                raise InvalidParameter("service", "invalid_value")
            tests.append(("service", lambda s: s.service in wanted_services))
        carrier = filters.get("carrier")
        if carrier:
            tests.append(
                ("carrier", lambda s: s.service is not None and services.carrier_of(s.service) == carrier)
            )
        numbers = listed("tracking_number")
        if numbers is not None:
            tests.append(("tracking_number", lambda s: s.tracking_number in numbers))
        part = filters.get("tracking_number_cont")
        if part:
            tests.append(("tracking_number_cont", lambda s: part in (s.tracking_number or "")))
        for name, attribute in (
            ("external_customer_id", "external_customer_id"),
            ("reference", "reference"),
            ("mpk", "mpk"),
        ):
            value = filters.get(name)
            if value:
                tests.append((name, lambda s, a=attribute, v=value: getattr(s, a) == v))
        method = filters.get("sending_method")
        if method:
            tests.append(("sending_method", lambda s: s.custom_attributes.get("sending_method") == method))
        for bound, op in (("created_at_gteq", "ge"), ("created_at_lteq", "le"), ("created_at", "day")):
            raw = filters.get(bound)
            if raw:
                instant = _instant(raw, bound)
                tests.append((bound, _time_test(instant, op)))
        for money in ("insurance", "cod"):
            for suffix, op in (("gteq", "ge"), ("lteq", "le")):
                name = f"{money}_amount_{suffix}"
                raw = filters.get(name)
                if raw:
                    try:
                        limit = float(raw)
                    except ValueError:
                        raise InvalidParameter(name, "invalid_format") from None
                    tests.append((name, _money_test(money, limit, op)))
        for side in ("receiver", "sender"):
            for field in PEER_FILTERS:
                raw = filters.get(f"{side}_{field}")
                if raw:
                    tests.append((f"{side}_{field}", _peer_test(side, field, raw.lower())))
        return tests

    # -- offers and payment -----------------------------------------------------------
    def select_offer(self, account: Account, shipment: Shipment, body: Any) -> Shipment:
        offer_id = checked(models.OfferChoice, body, None).offer_id
        offer = self._offer(shipment, offer_id, ("offers_prepared",), "select_offer")
        if offer.state != "available":
            raise ShipxError(400, "offer_unavailable", {"offer_id": offer.id, "offer_status": offer.state})
        self.flow.select(account, shipment, offer)
        return shipment

    def buy(self, account: Account, shipment: Shipment, body: Any) -> Shipment:
        offer_id = checked(models.OfferChoice, body, None).offer_id
        offer = self._offer(shipment, offer_id, ("offers_prepared", "offer_selected"), "buy")
        self._check_buyable(shipment, offer)
        self._buy(account, shipment, offer)
        return shipment

    def _check_buyable(self, shipment: Shipment, offer: Offer) -> None:
        if offer.state not in ("available", "selected") or shipment.transactions:
            raise ShipxError(400, "offer_unavailable", {"offer_id": offer.id, "offer_status": offer.state})

    def _buy(self, account: Account, shipment: Shipment, offer: Offer) -> None:
        if shipment.state == "offers_prepared":
            self.flow.select(account, shipment, offer)
        self.flow.pay(account, shipment)

    @staticmethod
    def _offer(shipment: Shipment, offer_id: int, statuses: Sequence[str], action: str) -> Offer:
        """The shipment's offer `offer_id`, if the shipment is in one of `statuses` for `action`."""
        if shipment.state not in statuses:
            raise InvalidAction(action, shipment.state)
        for offer in shipment.offers:
            if offer.id == offer_id:
                return offer
        raise ValidationFailed({"offer_id": ["does_not_exist"]})

    def bulk(self, account: Account, organization: Organization, body: Any, action: str) -> None:
        """select_offers / bulk_buy: every item checked first; all applied, or none."""
        request = checked(models.BulkOffers, body, None)
        statuses = ("offers_prepared",) if action == "select_offer" else ("offers_prepared", "offer_selected")
        details = Details(body, "shipments")
        planned: list[tuple[Shipment, Offer]] = []
        seen: set[int] = set()
        for index, item in enumerate(request.shipments):
            shipment = account.shipments.get(item.shipment_id)
            if shipment is None or shipment.organization_id != organization.id:
                details.add(("shipments", index, "shipment_id"), "does_not_exist")
            elif shipment.id in seen:
                details.add(("shipments", index, "shipment_id"), "taken")
            else:
                seen.add(shipment.id)
                try:
                    offer = self._offer(shipment, item.offer_id, statuses, action)
                    if action == "select_offer" and offer.state != "available":
                        raise ShipxError(400, "offer_unavailable", {})
                    if action == "buy":
                        self._check_buyable(shipment, offer)
                    planned.append((shipment, offer))
                except ValidationFailed as refused:
                    details.add(("shipments", index, "offer_id"), refused.details["offer_id"][0])
                except ShipxError as refused:
                    details.add(("shipments", index, "offer_id"), refused.error)
        details.refuse()
        for shipment, offer in planned:
            if action == "select_offer":
                self.flow.select(account, shipment, offer)
            else:
                self._buy(account, shipment, offer)

    # -- cancel --------------------------------------------------------------------------
    def cancel(self, account: Account, shipment: Shipment) -> None:
        if shipment.state not in CANCELABLE:
            raise InvalidAction("cancel", shipment.state, allowed_statuses=list(CANCELABLE))
        self.flow.move(account, shipment, "canceled")


def _instant(raw: str, name: str) -> datetime:
    try:
        return parse_instant(raw)
    except (ValueError, OverflowError):
        raise InvalidParameter(name, "invalid_format") from None


def _time_test(instant: datetime, op: str) -> Any:
    if op == "ge":
        return lambda s: s.created_at >= instant
    if op == "le":
        return lambda s: s.created_at <= instant
    return lambda s: s.created_at.date() == instant.date()


def _money_test(money: str, limit: float, op: str) -> Any:
    def test(s: Shipment) -> bool:
        amount = getattr(s, money).get("amount")
        if amount is None:
            return False
        return bool(amount >= limit if op == "ge" else amount <= limit)

    return test


def _peer_test(side: str, field: str, wanted: str) -> Any:
    def test(s: Shipment) -> bool:
        peer = getattr(s, side) or {}
        address = peer.get("address") or {}
        if field == "name":
            value = " ".join(
                str(peer.get(k) or "") for k in ("name", "company_name", "first_name", "last_name")
            )
        elif field == "address":
            value = " ".join(
                str(address.get(k) or "") for k in ("street", "building_number", "line1", "line2")
            )
        elif field in ("city", "post_code", "country_code"):
            value = str(address.get(field) or "")
        else:
            value = str(peer.get(field) or "")
        return wanted in value.lower()

    return test
