"""One ShipX account (a token): its organizations, shipments and batches, dispatch orders and points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockpost.core.account_webhook import AccountWebhook
from mockpost.core.resources import Stateful


@dataclass
class Organization:
    id: int
    owner_id: int
    name: str
    tax_id: str
    services: list[str]
    address: dict[str, Any]  # {id, line1, line2, street, building_number, city, post_code, country_code}
    bank_account_number: str | None
    contact_person: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    owner_full_name: str = ""
    application_name: str = "mockpost"


@dataclass
class Offer(Stateful):
    """A price for carrying a shipment with one service; ShipX calls its state `status`."""

    id: int
    shipment_id: int
    service: str
    rate: float | None
    currency: str
    expires_at: datetime
    additional_services: list[str] = field(default_factory=list)
    unavailability_reasons: list[dict[str, str]] | None = None


@dataclass
class Transaction:
    id: int
    offer_id: int
    created_at: datetime
    status: str = "success"


@dataclass
class Shipment(Stateful):
    """A shipment; ShipX calls its state `status` (on the wire only)."""

    id: int
    organization_id: int
    service: str | None  # None in offer mode until an offer is selected
    simplified: bool
    receiver: dict[str, Any] | None
    sender: dict[str, Any]
    parcels: list[dict[str, Any]]
    custom_attributes: dict[str, Any]
    cod: dict[str, Any]
    insurance: dict[str, Any]
    additional_services: list[str]
    reference: str | None
    is_return: bool
    external_customer_id: str | None
    mpk: str | None
    comments: str | None
    only_choice_of_offer: bool
    end_of_week_collection: bool
    tracking_number: str | None = None
    return_tracking_number: str | None = None
    offers: list[Offer] = field(default_factory=list)
    selected_offer_id: int | None = None  # an id, not the offer: state stays a tree of plain data
    transactions: list[Transaction] = field(default_factory=list)

    @property
    def selected_offer(self) -> Offer | None:
        return next((o for o in self.offers if o.id == self.selected_offer_id), None)


@dataclass
class DispatchComment:
    id: int
    comment: str
    created_at: datetime


@dataclass
class Dispatched:
    """A shipment a dispatch order carries, with the tracking number it had when ordered (a
    shipment is ordered from `confirmed` on, when its number is final)."""

    id: int
    tracking_number: str | None


@dataclass
class DispatchOrder(Stateful):
    """A courier pickup; ShipX calls its state `status` (on the wire only)."""

    id: int
    organization_id: int
    shipments: list[Dispatched]
    address: dict[str, Any]
    name: str | None
    phone: str | None
    email: str | None
    comments: list[DispatchComment]
    dispatch_point_id: int | None = None

    @property
    def shipment_ids(self) -> list[int]:
        return [carried.id for carried in self.shipments]


@dataclass
class DispatchPoint:
    id: int
    organization_id: int
    name: str
    phone: str | None
    email: str | None
    office_hours: str | None
    comments: str | None
    address: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    status: str = "active"


@dataclass
class Batch:
    id: int
    organization_id: int
    shipment_ids: list[int]
    created_at: datetime


@dataclass
class Account:
    tenant: str
    organizations: dict[int, Organization] = field(default_factory=dict)
    shipments: dict[int, Shipment] = field(default_factory=dict)
    dispatch_orders: dict[int, DispatchOrder] = field(default_factory=dict)
    dispatch_points: dict[int, DispatchPoint] = field(default_factory=dict)
    batches: dict[int, Batch] = field(default_factory=dict)
    webhook: AccountWebhook | None = None
    sequences: dict[str, int] = field(default_factory=dict)  # resource -> last id handed out
    tracking_numbers: dict[str, int] = field(default_factory=dict)  # tracking number -> shipment id
    read_only: bool = False  # may read everything, change nothing (403 forbidden)

    def next_id(self, resource: str) -> int:
        self.sequences[resource] = self.sequences.get(resource, 0) + 1
        return self.sequences[resource]
