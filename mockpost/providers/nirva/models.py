"""The request and response bodies. Request models are the one source of request shapes: a route
parses a body with `Model.parse(data)`, which refuses it with a 400 in Nirva's words for the field
that is wrong (each model's `messages`); the backend checks only rules across fields and data."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)

from mockpost.core.validation import validated
from mockpost.providers.nirva.errors import refused

MAX_PAGES_PER_DOCUMENT = 10_000
EDIT_LISTS = ("requirements", "fields", "values", "raw", "RAW")
RAW_KEYS = ("raw", "rawValue", "RAW", "value")
ONLY_REQUIREMENT = ""  # an edit naming no requirement: the packGroup's only one


def _flag_text(value: Any) -> Any:
    """`true`/`false`/`1`/`0` in any case, as a query parameter or a JSON string, stand for a flag."""
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


Flag = Annotated[StrictBool, BeforeValidator(_flag_text)]
NonBlank = Annotated[StrictStr, StringConstraints(pattern=r"\S")]


class RequestBody(BaseModel):
    """A request body's shape, and the words of its refusals by field path (see `errors.refused`)."""

    messages: ClassVar[dict[str, str]] = {}

    @classmethod
    def parse(cls, data: Any) -> Self:
        return validated(cls, data, refused(cls.messages))


class ErrorBody(BaseModel):
    error: str = Field(description="HTTP reason phrase, e.g. 'Bad Request'")
    message: str = Field(description="What is wrong and what to do")


class AuthenticateRequest(RequestBody):
    # `login` as the documentation has it; `username` and `email` as other clients of IHM-like APIs send
    login: NonBlank = Field(validation_alias=AliasChoices("login", "username", "email"))
    password: StrictStr
    withProfileDetail: Flag | None = Field(default=None, description="Also accepted as a query parameter")

    messages: ClassVar[dict[str, str]] = {
        "": 'send a JSON object {"login", "password", "withProfileDetail"}',
        **dict.fromkeys(("login", "username", "email"), "login is required (a non-empty string)"),
        "password": "password is required (a string)",
        "withProfileDetail": "withProfileDetail must be true or false",
    }


class BoxOut(BaseModel):
    id: str
    name: str
    type: str = Field(description="MAIN marks the boxes whose files are split into documents")
    channel: str


class ServiceOut(BaseModel):
    id: str
    name: str
    boxes: list[BoxOut]


class ProfileOut(BaseModel):
    id: int
    login: str
    firstName: str
    lastName: str
    email: str
    administrator: bool
    organisation: dict[str, Any]
    services: list[ServiceOut]


class AuthenticateOut(BaseModel):
    token: str
    profile: ProfileOut | None = Field(default=None, description="Only with withProfileDetail")


class OptionTypeOut(BaseModel):
    id: int
    name: str


class OptionOut(BaseModel):
    id: int
    value: str
    optionType: OptionTypeOut


class JobCreationParameter(RequestBody):
    """The `parameters` part of POST /jobs. Unknown fields are ignored (the real model has more)."""

    jobName: StrictStr | None = None
    serviceId: StrictStr | StrictInt = Field(description="A service id from the authenticate profile")
    autocreateDeliveryCommand: StrictBool = False
    targetOwnerId: StrictInt | StrictStr | None = Field(
        default=None, description="Administrators: the owner, by user id or login"
    )
    options: list[StrictInt | StrictStr] | None = Field(
        default=None, description="Option ids (or values) from GET /options, one per option type"
    )
    pagesPerDocument: Annotated[StrictInt, Field(ge=1, le=MAX_PAGES_PER_DOCUMENT)] | None = Field(
        default=None, description="Mock only: split every N pages"
    )

    messages: ClassVar[dict[str, str]] = {
        "": "the 'parameters' part must be a JSON object (JobCreationParameter)",
        "serviceId:missing": "serviceId is required: the id of a service from the authenticate profile",
        "serviceId": "serviceId must be a string or a whole number, not {value}",
        "jobName": "jobName must be a string",
        "autocreateDeliveryCommand": "autocreateDeliveryCommand must be true or false",
        "targetOwnerId": "targetOwnerId must be the id (a number) of a user of the organisation",
        "options": "options must be a list of option ids (GET /options)",
        "options.*": "option {value} is not an option id (or value) from GET /options",
        "pagesPerDocument": f"pagesPerDocument must be a whole number from 1 to {MAX_PAGES_PER_DOCUMENT}",
    }


class JobUpload(BaseModel):
    parameters: str = Field(description="JobCreationParameter as JSON")
    file__file_ID_PART_0: bytes = Field(
        description="A PDF in a box: file__file_{boxName}_N, file_file__{boxName}_N or file_main{boxId}_N"
    )


class JobOut(BaseModel):
    id: int
    jobId: int
    jobName: str
    status: str
    serviceId: str
    ownerId: int
    creatorId: int
    autocreateDeliveryCommand: bool
    creationDate: str
    statusDate: str
    errorMessage: str | None
    documentCount: int
    packGroupCountPerStates: dict[str, int]
    files: list[dict[str, Any]]


class RequirementOut(BaseModel):
    name: str
    raw: str
    value: str | None
    valid: bool
    message: str | None


class PackGroupOut(BaseModel):
    id: int
    jobId: int
    status: str
    channel: str
    deliveryId: int | None
    pageCount: int
    eligibility: list[dict[str, Any]]
    options: list[OptionOut]


class RequirementEdit(RequestBody):
    name: StrictStr = Field(default=ONLY_REQUIREMENT, description="The requirement (ADDRESS, EMAIL)")
    raw: StrictStr = Field(description="Its new RAW value")


class EditRequest(RequestBody):
    """POST /packGroups/{id}/edit: `{"requirements": [{"name", "raw"}]}`. Also taken: the list under
    `fields`, `values`, `raw` or `RAW`, a bare list, one `{"name", "raw"}`, `{"NAME": {"raw"}}`,
    `{"NAME": "raw"}`, and `{"raw": "..."}` for a packGroup with one requirement; `rawValue`, `RAW` or
    `value` may stand for `raw`."""

    requirements: list[RequirementEdit] = Field(min_length=1)

    messages: ClassVar[dict[str, str]] = {
        "requirements": 'send {"requirements": [{"name": "ADDRESS", "raw": "new value"}]}',
        "requirements.*": "each edit needs a requirement name and its new raw value",
        "requirements.*.raw": "the raw value of each requirement must be a string",
    }

    @model_validator(mode="before")
    @classmethod
    def one_shape(cls, body: Any) -> Any:
        """Every shape a client may send, as `{"requirements": [{"name", "raw"}, ...]}`."""
        items: Any = body
        if isinstance(body, dict):
            container = next((key for key in EDIT_LISTS if key in body), None)
            if container is not None and not isinstance(body[container], str):
                items = body[container]
            elif isinstance(body.get("name"), str) or container is not None:
                items = [body]
        if isinstance(items, dict):
            items = [
                {"name": key, **value} if isinstance(value, dict) else {"name": key, "raw": value}
                for key, value in items.items()
            ]
        if isinstance(items, list):
            items = [_with_raw(item) for item in items]
        return {"requirements": items}


def _with_raw(item: Any) -> Any:
    """An edit whose RAW value is under another key (`rawValue`, `RAW`, `value`), under `raw`."""
    if not isinstance(item, dict):
        return item
    key = next((key for key in RAW_KEYS if key in item), None)
    return {"name": item.get("name", ONLY_REQUIREMENT), "raw": item[key]} if key else item


class MetadataOut(BaseModel):
    metadataKind: str
    metadataType: str
    name: str
    value: str


class ShipmentOut(BaseModel):
    id: int
    externalId: int
    deliveryId: int
    jobId: int
    packGroupId: int
    channel: str
    recipient: str = Field(description="The address lines joined with ' / ', or the e-mail address")
    status: int
    statusLabel: str
    statusDate: str
    metadata: list[MetadataOut]


class DeliveryOut(BaseModel):
    id: int
    jobId: int
    channel: str
    status: str
    creationDate: str
    outputDate: str | None
    shipments: list[ShipmentOut]
