"""What the console shows of EasyPost Connect's letters: a job's file as uploaded (a SINGLE_FILE's
PDF, CSV, XML or ZIP, or a PAYLOAD_PDF's PDF), a SendingEvent's generated files (submission report,
ePod), and the structured address given in channel identifiers, line by line."""

from __future__ import annotations

from collections.abc import Sequence

from mockpost.core.resources import Document
from mockpost.providers.easypost_connect.files import file_type
from mockpost.providers.easypost_connect.sending import stored_file_pdf
from mockpost.providers.easypost_connect.state import Account, Job, SendingEvent

MIME_BY_TYPE = {
    "PDF": "application/pdf",
    "CSV": "text/csv",
    "XML": "application/xml",
    "ZIP": "application/zip",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOC": "application/msword",
}


def job_documents(account: Account, job: Job) -> list[Document]:
    if not job.upload:
        return []
    name = job.filename or f"{job.id}.bin"
    mime = MIME_BY_TYPE.get(file_type(name), "application/octet-stream")
    role = "payload PDF" if job.input_source == "PAYLOAD_PDF" else "upload"
    return [Document(name, mime, job.upload, role)]


def sending_event_documents(account: Account, event: SendingEvent) -> list[Document]:
    return [
        Document(
            f"{event.id}-{stored.reference}.pdf", "application/pdf", stored_file_pdf(event, stored), "proof"
        )
        for stored in event.files
    ]


def job_address(account: Account, job: Job) -> list[str] | None:
    return address_lines((job.payload or {}).get("channelIdentifiers", []))


def sending_event_address(account: Account, event: SendingEvent) -> list[str] | None:
    return address_lines(event.identifiers)


def address_lines(identifiers: Sequence[dict[str, str]]) -> list[str] | None:
    """The postal address among channel identifiers, as a letter's address block (None without one)."""
    values = {item.get("kind", ""): str(item.get("value", "")) for item in identifiers}
    if "ADDRESS" in values:  # one free-form identifier, lines separated by commas or newlines
        return [line.strip() for line in values["ADDRESS"].replace(",", "\n").splitlines() if line.strip()]
    if not any(kind.startswith("ADDRESS_") for kind in values):
        return None

    def joined(*kinds: str) -> str:
        return " ".join(values[kind] for kind in kinds if values.get(kind))

    lines = [
        values.get("ADDRESS_COMPANY_NAME", ""),
        joined("ADDRESS_FIRST_NAME", "ADDRESS_LAST_NAME"),
        joined("ADDRESS_STREET", "ADDRESS_STREET_NUMBER", "ADDRESS_BOX"),
        values.get("ADDRESS_PO_BOX", ""),
        joined("ADDRESS_POSTAL_CODE", "ADDRESS_CITY"),
        values.get("ADDRESS_COUNTRY_CODE", ""),
    ]
    return [line for line in lines if line]
