"""Ekopost's documented resources on the wire (snake_case, dates as UTC "YYYY-MM-DDTHH:MM:SS").

Request models are what a client may send: the backend validates bodies with them and answers
what they refuse as error 127 ("Invalid data") naming the field; the rules across fields (an
address's requirements by `$type`, credit limits) stay in the backend with their own codes.
Response models document what `wire.render_*` produce, and a test checks that every rendered
object validates against its model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, field_validator

from mockpost.core.clock import parse_instant


class Wire(BaseModel):
    """Documentation models: built on first use (the OpenAPI document), not at import time."""

    model_config = ConfigDict(defer_build=True)


class CampaignCreate(Wire):
    name: StrictStr | None = Field(default=None, description="A friendly name to identify the campaign.")
    output_date: StrictStr | None = Field(
        default=None, description="When to print & distribute (UTC), e.g. 2015-06-01T12:00:00; now if absent."
    )
    cost_center: StrictStr | None = None

    @field_validator("output_date")
    @classmethod
    def _a_date(cls, value: str | None) -> str | None:
        if value:
            try:
                parse_instant(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date, e.g. 2015-06-01T12:00:00") from None
        return value or None


class CampaignOut(Wire):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    name: str | None
    output_date: str
    cost_center: str | None
    envelope_count: int
    state: Literal["opened", "closed", "transferred", "completed", "cancelled", "failed"]
    state_changed_at: str
    created_at: str
    signing: bool


class EnvelopeCreate(Wire):
    name: StrictStr | None = None
    address: Any = Field(default=None, description="Address object; $type decides; null = postal")
    postage: Literal["priority", "economy", "rek"] | None = Field(default=None, description="Default economy")
    plex: Literal["simplex", "duplex"] | None = Field(default=None, description="Default simplex")
    color: StrictBool | None = Field(default=None, description="Default false")
    agent: StrictStr | None = None
    unique_id: StrictStr | None = Field(default=None, description="External id; unique per account")


class Transaction(Wire):
    state: str
    state_changed_at: str


class Tracking(Wire):
    tracking_state: str
    track_url: str
    parcel_no: str


class EnvelopeOut(Wire):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    name: str | None
    address: dict[str, Any] | None
    postage: str
    plex: str
    color: bool
    state: Literal["opened", "closed", "transferred", "printed", "posted", "cancelled", "failed"]
    state_changed_at: str
    created_at: str
    transaction: Transaction
    warning: str | None = None
    agent: str | None = None
    unique_id: str | None = None
    failed_reason: str | None = None
    tracking: Tracking | None = None


class ContentCreate(Wire):
    data: str = Field(description="The file (or sms text) as base64")
    mime: str
    length: int = Field(description="The original file's size in bytes")
    type: Literal["document", "attachment", "markup", "sms"]
    return_address: bool | None = None
    address: dict[str, Any] | None = None


class ContentOut(Wire):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    mime: str
    length: int
    type: str
    created_at: str
    return_address: bool


class ReachableRequest(Wire):
    recipient: str
    sender: str | None = None


class ReachableOut(Wire):
    recipient: str


class EbankListRequest(Wire):
    sender: str = Field(description="The FUI to get e-bank receivers for")


class EbankReceiver(Wire):
    identifier: str
    address: str
    reachable: bool


class EinvoiceReadyRequest(Wire):
    ReceiverCin: str | None = None
    SenderCin: str | None = None
    ReceiverGln: str | None = None
    SenderGln: str | None = None


class EinvoiceReadyOut(EinvoiceReadyRequest):
    Success: bool
    ErrorMessage: str


class DirectSmsRequest(Wire):
    From: str
    Recipient: str
    Text: str
    Title: str | None = None
    Cost_Center: str | None = None


class DirectSmsOut(Wire):
    campaign_id: str
    envelope_id: str
    error: str
    to_from: str = Field(alias="from")
    recipient: str
    text: str
    title: str | None
    cost_center: str | None


class ErrorObject(Wire):
    error_code: str
    error_message: str
    developer_message: str


class AccountSetting(Wire):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    credit_limit: int | None = Field(
        default=None, ge=0, description="Envelopes per calendar month; null = none"
    )
    unreachable: list[str] | None = Field(
        default=None, description="Recipients reachable checks answer 404 for"
    )
