"""Request and response bodies of EasyPost Connect (camelCase on the wire): the one source of
request shapes and their validation.

Request models validate strictly (no coercion: a number is not a string) and ignore unknown
fields. A failure becomes NestJS/class-validator messages that name the field
(`payload.channelIdentifiers.0.kind must be one of the following values: ...`), see errors.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mockpost.core.clock import parse_instant
from mockpost.core.urls import check_url
from mockpost.core.validation import validated
from mockpost.providers.easypost_connect.errors import invalid_body

# -- vocabularies --------------------------------------------------------------------------
CHANNEL_IDENTIFIER_KINDS = (
    "ADDRESS",
    "ADDRESS_FIRST_NAME",
    "ADDRESS_LAST_NAME",
    "ADDRESS_COMPANY_NAME",
    "ADDRESS_STREET",
    "ADDRESS_STREET_NUMBER",
    "ADDRESS_BOX",
    "ADDRESS_PO_BOX",
    "ADDRESS_POSTAL_CODE",
    "ADDRESS_CITY",
    "ADDRESS_COUNTRY_CODE",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "LAST_NAME",
    "FIRST_NAME",
    "BIRTH_DATE",
    "INVOICE_AMOUNT",
    "INVOICE_DESCRIPTION",
    "INVOICE_DUE_DATE",
    "INVOICE_PAY_LINK",
    "INVOICE_PAY_LINK_SHORT",
    "INVOICE_COMMUNICATION",
    "INVOICE_PAYMENT_DATE",
    "POM_OPT_IN_EMAIL",
    "COMPANY_IDENTIFICATION_NUMBER",
    "NATIONAL_REGISTER_NUMBER",
    "EBOX_RECIPIENT_PARTITION",
    "INVOICE_REFERENCE",
    "DOCCLE_TOKEN_SET_VALUE1",
    "DOCCLE_TOKEN_SET_VALUE2",
    "DOCCLE_RECEIVER_ID",
    "DOCCLE_TOKEN_SET_START_DATE",
    "DOCCLE_TOKEN_SET_END_DATE",
    "PEPPOL_SENDER_PARTICIPANT_ID",
    "PEPPOL_RECEIVER_PARTICIPANT_ID",
    "PEPPOL_DOCUMENT_ID",
    "PEPPOL_ISSUE_DATE",
)
# The documented enum is cut off after PEPPOL_ISSUE_DATE ("PEPPOL_DOCU..."): any PEPPOL_* is taken.
_OPEN_KIND = re.compile(r"PEPPOL_[A-Z0-9_]+")
STRUCTURED_ADDRESS = ("ADDRESS_STREET", "ADDRESS_POSTAL_CODE", "ADDRESS_CITY", "ADDRESS_COUNTRY_CODE")
ADDRESS_NAMES = ("ADDRESS_LAST_NAME", "ADDRESS_COMPANY_NAME", "LAST_NAME")

INPUT_SOURCES = ("SINGLE_FILE", "PAYLOAD_PDF", "PAYLOAD_WORD")
EVENT_TYPES = (
    "job.status.changed",
    "sending.event.status.changed",
    "sending.event.file.ready",
    "peppol.document.received",
)
FILE_REFERENCES = ("SUBMISSION_REPORT", "EPOD")
LANGUAGES = ("nl", "fr", "en", "de")
USER_ROLES = ("ADMIN", "USER")


def is_kind(value: str) -> bool:
    return value in CHANNEL_IDENTIFIER_KINDS or bool(_OPEN_KIND.fullmatch(value))


# -- field types ---------------------------------------------------------------------------
def _instant(value: str) -> str:
    try:
        parse_instant(value)
    except (ValueError, TypeError, OverflowError):
        raise ValueError("must be a valid ISO 8601 date string") from None
    return value


def _kind(value: str) -> str:
    if not is_kind(value):
        raise ValueError("must be one of the following values: " + ", ".join(CHANNEL_IDENTIFIER_KINDS))
    return value


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError("must be an email")
    return value


def _url(value: str) -> str:
    try:
        return check_url(value)
    except ValueError:
        raise ValueError("must be a URL address (http or https)") from None


Text = Annotated[str, Field(min_length=1, max_length=1000)]
LongText = Annotated[str, Field(min_length=1, max_length=100_000)]
Instant = Annotated[str, AfterValidator(_instant)]
Kind = Annotated[str, AfterValidator(_kind)]
Email = Annotated[str, AfterValidator(_email)]
Url = Annotated[str, AfterValidator(_url)]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", populate_by_name=False)


B = TypeVar("B", bound=Body)


class ChannelIdentifier(Body):
    kind: Kind = Field(description="Kind of identifier (ADDRESS_STREET, EMAIL_ADDRESS, ...)")
    value: LongText = Field(description="The identifier's value")


class Payload(Body):
    channelIdentifiers: list[ChannelIdentifier] = Field(max_length=500, description="The recipient's data")


class WordPayload(Payload):
    templateData: dict[str, Any] | None = Field(
        default=None, description="Data merged into the Word template (required here or at top level)"
    )


class SingleFileJobCreate(Body):
    workflowId: Text = Field(description="A SINGLE_FILE workflow")
    jobName: Text
    filename: Text = Field(description="Its extension must be one the workflow accepts (PDF, ZIP, CSV, XML)")
    sendingEventExecutionDateUtc: Instant | None = None


class PayloadPdfJobCreate(Body):
    workflowId: Text = Field(description="A PAYLOAD_PDF workflow")
    jobName: Text
    filename: Text = Field(description="Must end in .pdf (415 otherwise)")
    sendingEventExecutionDateUtc: Instant | None = None
    payload: Payload


class PayloadWordJobCreate(Body):
    workflowId: Text = Field(description="A PAYLOAD_WORD workflow")
    jobName: Text
    filename: Text | None = None
    sendingEventExecutionDateUtc: Instant | None = None
    payload: WordPayload
    templateData: dict[str, Any] | None = Field(default=None, description="Also accepted inside payload")


class Address(Body):
    street: Text | None = None
    streetNumber: Text | None = None
    box: Text | None = None
    postalCode: Text | None = None
    city: Text | None = None
    countryCode: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None


class CompanyUpdate(Body):
    name: Text | None = None
    vatNumber: Text | None = None
    companyIdentificationNumber: Text | None = None
    email: Email | None = None
    phoneNumber: Text | None = None
    language: Literal["nl", "fr", "en", "de"] | None = None
    address: Address | None = None
    peppolParticipantId: Text | None = None


class CompanyCreate(CompanyUpdate):
    name: Text  # the same fields, the name required


class DepartmentCreate(Body):
    name: Text
    description: Text | None = None
    companyId: Text | None = Field(default=None, description="Default: the acting company")


class DepartmentUpdate(Body):
    name: Text | None = None
    description: Text | None = None


class UserCreate(Body):
    email: Email
    firstName: Text
    lastName: Text
    language: Literal["nl", "fr", "en", "de"] | None = None
    role: Literal["ADMIN", "USER"] | None = None
    departmentIds: list[Text] | None = Field(default=None, max_length=100)
    companyId: Text | None = Field(default=None, description="Default: the acting company")
    active: bool | None = None


class UserUpdate(Body):
    email: Email | None = None
    firstName: Text | None = None
    lastName: Text | None = None
    language: Literal["nl", "fr", "en", "de"] | None = None
    role: Literal["ADMIN", "USER"] | None = None
    departmentIds: list[Text] | None = Field(default=None, max_length=100)
    active: bool | None = None


EventType = Literal[
    "job.status.changed",
    "sending.event.status.changed",
    "sending.event.file.ready",
    "peppol.document.received",
]


class WebhookCreate(Body):
    name: Text
    url: Url
    eventTypes: list[EventType] = Field(min_length=1, max_length=4)


class WebhookUpdate(Body):
    name: Text | None = None
    url: Url | None = None
    eventTypes: list[EventType] | None = Field(default=None, min_length=1, max_length=4)
    enabled: bool | None = None


class WebhookTest(Body):
    eventType: EventType | None = None


class PeppolInject(Body):
    """Control plane: an incoming Peppol document; every field is optional (Faker fills the rest)."""

    senderId: Annotated[str, Field(pattern=r"^[0-9]{4}:[A-Za-z0-9.\-_]{1,50}$")] | None = None
    receiverId: Annotated[str, Field(pattern=r"^[0-9]{4}:[A-Za-z0-9.\-_]{1,50}$")] | None = None
    senderName: Text | None = None
    receiverName: Text | None = None
    documentType: Text | None = None
    documentId: Text | None = None
    issueDate: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    amount: Annotated[float, Field(ge=0, le=1e12)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    createdAt: Instant | None = None
    lastModifiedAt: Instant | None = None
    xml: LongText | None = Field(default=None, description="The UBL document (generated when absent)")


class WorkflowTask(Body):
    type: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,40}$")]
    fallback: bool = False


class WorkflowInject(Body):
    """Control plane: a workflow for the acting company (the real API cannot create workflows)."""

    name: Text
    inputSource: Literal["SINGLE_FILE", "PAYLOAD_PDF", "PAYLOAD_WORD"]
    tasks: list[WorkflowTask] = Field(min_length=1, max_length=20)
    description: Text | None = None
    enabled: bool = True
    validated: bool = True
    acceptedFileTypes: list[Literal["PDF", "ZIP", "CSV", "XML"]] | None = Field(default=None, max_length=4)
    pagesPerSendingEvent: Annotated[int, Field(ge=0, le=1000)] = 0


class PeppolTouch(Body):
    """Control plane: change a Peppol document (its lastModifiedAt becomes now, or the given one)."""

    lastModifiedAt: Instant | None = None
    documentId: Text | None = None


# -- parsing a body ------------------------------------------------------------------------------
def parse(model: type[B], data: Any) -> B:
    """`data` as `model`, or the 400 class-validator answers for it (see errors.invalid_body)."""
    return validated(model, data, invalid_body)


# -- response bodies (for the OpenAPI document) ------------------------------------------------
class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(Out):
    statusCode: int
    message: str | list[str]
    error: str


class TaskOut(Out):
    order: int
    type: str
    fallback: bool


class WorkflowOut(Out):
    id: str
    name: str
    companyId: str
    inputSource: Literal["SINGLE_FILE", "PAYLOAD_PDF", "PAYLOAD_WORD"]
    enabled: bool
    validated: bool
    tasks: list[TaskOut]
    acceptedFileTypes: list[str]
    requiredChannelIdentifiers: list[str]
    createdAt: str
    updatedAt: str


class JobOut(Out):
    id: str
    jobName: str
    workflowId: str
    companyId: str
    inputSource: str
    filename: str | None
    status: str
    startDate: str
    endDate: str | None
    sendingEventExecutionDateUtc: str | None
    sendingEventsCount: int
    failureReason: str | None
    createdAt: str
    updatedAt: str


class JobCreated(JobOut):
    fileUploadUrl: str
    fileUploadUrlExpiresAt: str


class FileOut(Out):
    fileReference: str
    type: str
    contentType: str
    createdAt: str


class SendingEventOut(Out):
    id: str
    jobId: str
    workflowId: str
    companyId: str
    businessStatus: str
    startDate: str
    endDate: str | None
    channel: str | None
    files: list[FileOut]
    resendOf: str | None


class DownloadUrl(Out):
    url: str
    expiresAt: str


class PeppolDocumentOut(Out):
    id: str
    senderId: str
    receiverId: str
    documentType: str
    documentId: str
    createdAt: str
    lastModifiedAt: str


class CompanyOut(Out):
    id: str
    name: str
    managedByCompanyId: str | None
    createdAt: str
    updatedAt: str


class DepartmentOut(Out):
    id: str
    companyId: str
    name: str


class UserOut(Out):
    id: str
    companyId: str
    email: str
    firstName: str
    lastName: str


class UsageOut(Out):
    companyId: str
    from_: str | None = Field(alias="from")
    until: str | None
    totals: dict[str, int]
    channels: list[dict[str, Any]]


class UsageEventOut(Out):
    id: str
    date: str
    channel: str
    jobId: str
    sendingEventId: str
    pages: int


class Health(Out):
    status: str


class WebhookOut(Out):
    id: str
    name: str
    url: str
    eventTypes: list[str]
    createdAt: str
    updatedAt: str


class WebhookWithSecret(WebhookOut):
    secret: str


class WebhookTestResult(Out):
    statusCode: int | None


class TokenOut(Out):
    access_token: str
    token_type: str
    expires_in: int
