"""The documented request and response shapes: the request models validate what a client sends
(problems.py turns what they find into ShipX's `validation_failed` details) and, with the response
models, make the OpenAPI document.

A problem's ShipX key comes from pydantic's error type (a missing field is `required`, a string
too long `too_long`, a pattern `invalid_format`, anything else `invalid`) or, where ShipX uses
another key, from the custom error a field's own check raises with that key as its type. Rules
across fields (what a locker or a courier needs, which templates a service takes, points and
shipments that must exist) are not here: shipment_rules.py and the backend check them.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from mockpost.providers.inpost import services
from mockpost.providers.inpost.ids import as_id

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\s*\+?[0-9 ()-]{9,20}\s*$"
POST_CODE_PL = re.compile(r"^\d{2}-?\d{3}$")
COUNTRY = re.compile(r"^[A-Za-z]{2,3}$")


def problem(key: str, message: str) -> PydanticCustomError:
    """A problem whose type is the ShipX key itself (`required`, `does_not_exist`, ...)."""
    return PydanticCustomError(key, message)


def _number(value: Any) -> Any:
    """A finite number from a JSON number or a numeric string (clients send both, `3,5` too)."""
    if value is None:
        raise problem("required", "a number is required")
    if isinstance(value, bool):
        raise problem("invalid", "a number, not true or false")
    if isinstance(value, str) and len(value) <= 30:
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise problem("invalid", "not a number") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise problem("invalid", "not a finite number")
    return float(value)


def _as_text(value: Any) -> Any:
    """Digits sent as a JSON number (a phone, a customer id) are the same text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _flag(value: Any) -> Any:
    return False if value is None else value


def _point_name(key: str) -> Any:
    def check(value: Any) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) > 64:
            raise problem(key, "a point name (at most 64 characters)")
        return value

    return check


def _country(value: Any) -> Any:
    if value is None or value == "":
        return "PL"
    if not isinstance(value, str) or not COUNTRY.match(value):
        raise problem("invalid_format", "an ISO 3166 country code, e.g. PL")
    return value.upper()


def _one_or_many(value: Any) -> Any:
    """`parcels` may be one object instead of a list (ShipX's own samples send both)."""
    if value is None or value == []:
        raise problem("required", "at least one parcel")
    return [value] if isinstance(value, dict) else value


def _identifier(value: Any) -> Any:
    """An id as a JSON number or a string of digits."""
    if value is None:
        raise problem("required", "an id is required")
    identifier = as_id(value)
    if identifier is None:
        raise problem("invalid", "an id is a whole number")
    return identifier


def _listed(empty: str) -> Any:
    """A list that must have items: missing or null is `required`, empty is `empty`."""

    def check(value: Any) -> Any:
        if value is None:
            raise problem("required", "a list is required")
        if value == []:
            raise problem(empty, "the list is empty")
        return value

    return check


def _ids(limit: int) -> Any:
    """A flat list of ids (numbers or digit strings); an id that cannot name anything names
    nothing that exists, as ShipX answers (one key for the whole list)."""

    def check(value: Any) -> Any:
        if not isinstance(value, list) or len(value) > limit:
            raise problem("invalid", f"a list of at most {limit} ids")
        ids = []
        for raw in value:
            identifier = as_id(raw)
            if identifier is None:
                raise problem("does_not_exist", "no such id")
            ids.append(identifier)
        return ids

    return check


def _extras(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(x, str) and x in services.ADDITIONAL_SERVICES for x in value
    ):
        raise problem("invalid", "additional service names")
    return list(dict.fromkeys(value))


def _comment(value: Any) -> Any:
    if value is None or value == "":
        raise problem("required", "a comment is required")
    return value


Text = Annotated[str, StringConstraints(max_length=255)]
Email = Annotated[str, StringConstraints(max_length=255, pattern=EMAIL)]
Phone = Annotated[str, BeforeValidator(_as_text), StringConstraints(max_length=40, pattern=PHONE)]
Flag = Annotated[StrictBool, BeforeValidator(_flag)]
Amount = Annotated[float, BeforeValidator(_number), Field(gt=0, le=1e6)]
Identifier = Annotated[int, BeforeValidator(_identifier)]
CommentText = Annotated[str, BeforeValidator(_comment), StringConstraints(max_length=500)]
ServiceName = Literal[services.SERVICES]  # type: ignore[valid-type]


class Loose(BaseModel):
    """Fields a model does not know are ignored, as ShipX ignores them."""

    model_config = ConfigDict(extra="ignore")


# -- responses (documentation) ------------------------------------------------------------------
class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status, repeated")
    error: str = Field(description="Machine key: validation_failed, resource_not_found, token_invalid, ...")
    message: str = Field(description="Human text in the Accept-Language language (en_GB, pl_PL)")
    details: dict[str, Any] = Field(description="Field -> error keys; nested objects as arrays of objects")


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
    address: dict[str, Any]


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


class StatusList(BaseModel):
    href: str
    items: list[dict[str, str]]


# -- requests -------------------------------------------------------------------------------------
class Address(Loose):
    street: Text | None = None
    building_number: Text | None = None
    flat_number: Text | None = None
    line1: Text | None = None
    line2: Text | None = None
    city: Text | None = None
    country_code: Annotated[str, BeforeValidator(_country)] = Field(default="PL", validate_default=True)
    post_code: str | None = Field(default=None, description="Polish codes as 00-000 (or 00000)")

    @field_validator("post_code", mode="before")
    @classmethod
    def _post_code(cls, value: Any, info: ValidationInfo) -> Any:
        """A Polish code is 00-000 (given with or without the dash); others as given."""
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise problem("invalid", "a post code is text")
        code = value.strip()
        if info.data.get("country_code", "PL") != "PL":
            return code
        if not POST_CODE_PL.match(code):
            raise problem("invalid_format", "a Polish post code is 00-000")
        return f"{code[:2]}-{code[-3:]}"

    def complete(self) -> bool:
        return bool((self.street or self.line1) and self.city and self.post_code)


class Peer(Loose):
    """A receiver or a sender."""

    company_name: Text | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    name: Text | None = None
    email: Email | None = None
    phone: Phone | None = None
    address: Address | None = None

    def named(self) -> bool:
        return bool(self.company_name or self.name or (self.first_name and self.last_name))


class Dimensions(Loose):
    length: Amount
    width: Amount
    height: Amount
    unit: Literal["mm"] | None = None

    def sides(self) -> list[float]:
        return [self.length, self.width, self.height]


class Weight(Loose):
    amount: Amount
    unit: Literal["kg"] | None = None


class Parcel(Loose):
    id: Annotated[str | None, BeforeValidator(_as_text)] = Field(
        default=None, description="The client's label"
    )
    template: Literal[tuple(services.TEMPLATES)] | None = Field(  # type: ignore[valid-type]
        default=None, description="small, medium, large, xlarge, letter_a/b/c"
    )
    dimensions: Dimensions | None = Field(default=None, description="{length, width, height, unit: mm}")
    weight: Weight | None = Field(default=None, description="{amount, unit: kg}")
    is_non_standard: StrictBool | None = None


class Money(Loose):
    amount: Annotated[float, BeforeValidator(_number), Field(ge=0, le=1e9)] | None = None
    currency: Annotated[Literal["PLN"], BeforeValidator(lambda v: v or "PLN")] = "PLN"


class CustomAttributes(BaseModel):
    """The known attributes are checked; other plain values are kept as they are."""

    model_config = ConfigDict(extra="allow")
    target_point: Annotated[str | None, BeforeValidator(_point_name("invalid"))] = None
    dropoff_point: Annotated[str | None, BeforeValidator(_point_name("does_not_exist"))] = None
    sending_method: Literal[services.SENDING_METHODS] | None = None  # type: ignore[valid-type]

    def others(self) -> dict[str, Any]:
        """Attributes ShipX does not define, when they are plain values (a client's own tags)."""
        return {
            str(key)[:64]: value
            for key, value in (self.model_extra or {}).items()
            if key != "dispatch_order_id" and (value is None or isinstance(value, str | int | float | bool))
        }


class ShipmentCreate(Loose):
    service: ServiceName | None = Field(
        default=None, description="Given: simplified mode; absent: offer mode"
    )
    receiver: Peer | None = None
    sender: Peer | None = None
    parcels: Annotated[list[Parcel], BeforeValidator(_one_or_many), Field(max_length=1000)] = Field(
        description="1 to 1000 parcels; one parcel may be sent as an object"
    )
    custom_attributes: CustomAttributes = Field(
        default_factory=CustomAttributes, description="target_point, dropoff_point, sending_method"
    )
    cod: Money | None = None
    insurance: Money | None = None
    reference: Annotated[str, StringConstraints(min_length=3, max_length=100)] | None = None
    is_return: Flag = False
    additional_services: Annotated[list[str] | None, BeforeValidator(_extras)] = None
    external_customer_id: Annotated[Text | None, BeforeValidator(_as_text)] = None
    mpk: Text | None = None
    comments: Annotated[str, StringConstraints(max_length=100)] | None = None
    only_choice_of_offer: Flag = False
    end_of_week_collection: Flag = False

    @field_validator("custom_attributes", mode="before")
    @classmethod
    def _no_attributes(cls, value: Any) -> Any:
        return {} if value is None else value


class OfferChoice(Loose):
    offer_id: Identifier


class BulkItem(Loose):
    shipment_id: Identifier = Field(validation_alias=AliasChoices("shipment_id", "id"))
    offer_id: Identifier


class BulkOffers(Loose):
    shipments: Annotated[list[BulkItem], BeforeValidator(_listed("invalid")), Field(max_length=100)] = Field(
        description="1 to 100 (shipment, offer) pairs"
    )


class BatchCreate(Loose):
    shipments: Annotated[list[Any], BeforeValidator(_listed("required")), Field(max_length=100)] = Field(
        description="1 to 100 shipment create bodies (each checked as one)"
    )
    only_choice_of_offer: Flag = False


class DispatchOrderCreate(Loose):
    shipments: Annotated[list[int], BeforeValidator(_ids(1000)), BeforeValidator(_listed("required"))] = (
        Field(description="Ids of confirmed shipments")
    )
    comment: Annotated[str, StringConstraints(max_length=500)] | None = None
    name: Text | None = None
    phone: Phone | None = None
    email: Email | None = None
    office_hours: Text | None = None
    address: Address | None = None
    dispatch_point_id: Any = Field(
        default=None, description="An existing dispatch point instead of the address"
    )


class CommentCreate(Loose):
    comment: CommentText


class CommentUpdate(Loose):
    id: int
    comment: CommentText


class CommentDelete(Loose):
    comment_ids: Annotated[list[int], BeforeValidator(_ids(1000)), BeforeValidator(_listed("required"))]
