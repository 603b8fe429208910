"""The documented request and response shapes, for the OpenAPI document (validation itself is in
validation.py, which answers in ShipX's own `validation_failed` format)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status, repeated")
    error: str = Field(description="Machine key: validation_failed, resource_not_found, token_invalid, ...")
    message: str = Field(description="Human text in the Accept-Language language (en_GB, pl_PL)")
    details: dict[str, Any] = Field(description="Field -> error keys; nested objects as arrays of objects")


class Address(Loose):
    id: int | None = None
    line1: str | None = None
    line2: str | None = None
    street: str | None = None
    building_number: str | None = None
    city: str | None = None
    post_code: str | None = None
    country_code: str | None = None


class Organization(Loose):
    href: str
    id: int
    owner_id: int
    tax_id: str
    name: str
    created_at: str
    updated_at: str
    services: list[str]
    bank_account_number: str | None = None
    address: Address


class Collection(BaseModel):
    href: str
    count: int
    page: int
    per_page: int
    items: list[dict[str, Any]]


class Statistics(BaseModel):
    to_send: int
    in_logistics: int
    delivered: int


class Peer(Loose):
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None


class Parcel(Loose):
    id: str | None = None
    template: str | None = Field(default=None, description="small, medium, large, xlarge, letter_a/b/c")
    dimensions: dict[str, Any] | None = Field(default=None, description="{length, width, height, unit: mm}")
    weight: dict[str, Any] | None = Field(default=None, description="{amount, unit: kg}")
    is_non_standard: bool | None = None


class ShipmentCreate(Loose):
    service: str | None = Field(default=None, description="Given: simplified mode; absent: offer mode")
    receiver: Peer | None = None
    sender: Peer | None = None
    parcels: list[Parcel] | Parcel
    custom_attributes: dict[str, Any] | None = Field(default=None, description="target_point, sending_method")
    cod: dict[str, Any] | None = None
    insurance: dict[str, Any] | None = None
    reference: str | None = None
    is_return: bool | None = None
    additional_services: list[str] | None = None
    external_customer_id: str | None = None
    mpk: str | None = None
    comments: str | None = None
    only_choice_of_offer: bool | None = None
    end_of_week_collection: bool | None = None


class OfferChoice(BaseModel):
    offer_id: int


class BulkItem(BaseModel):
    id: int | None = None
    shipment_id: int
    offer_id: int


class BulkOffers(BaseModel):
    shipments: list[BulkItem] = Field(description="At most 100")


class BatchCreate(BaseModel):
    shipments: list[ShipmentCreate] = Field(description="1 to 100 shipment create bodies")
    only_choice_of_offer: bool | None = None


class DispatchOrderCreate(Loose):
    shipments: list[int]
    comment: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: Address | None = None


class CommentCreate(BaseModel):
    comment: str


class CommentUpdate(BaseModel):
    id: int
    comment: str


class CommentDelete(BaseModel):
    comment_ids: list[int]


class StatusList(BaseModel):
    href: str
    items: list[dict[str, str]]
