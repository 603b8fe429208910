"""Reading an uploaded file into recipients, the way a workflow's input would be split.

The rule (README: "EasyPost Connect: choices"):
- PDF: one SendingEvent per `pagesPerSendingEvent` pages of the workflow (0: the whole file is one).
  Channel identifiers written in a page's text as `KIND: value` lines (e.g. `EMAIL_ADDRESS: a@b.be`)
  are that recipient's; otherwise the recipient's data is taken to be in the document itself.
- ZIP: one SendingEvent per PDF inside (other entries are ignored).
- CSV: a header row naming channel identifier kinds (`EMAIL_ADDRESS;FIRST_NAME;...`, `,` or `;`;
  common names such as `email`, `phone`, `zip` are mapped), then one SendingEvent per data row.
- XML: one SendingEvent per child of the root element; its children named after channel identifier
  kinds are the identifiers (`<recipient><EMAIL_ADDRESS>a@b.be</EMAIL_ADDRESS></recipient>`).
A file that is not what its name says, empty, or without any recipient fails the job, and so does a
PDF of more than MAX_PAGES pages.

A file is read once, when it arrives (`read_file`, which the upload route runs off the event loop),
and split into recipients when the job is processed (`recipients_in`, by the workflow of that
moment).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from xml.etree import ElementTree

from mockpost.core import pdfscan

MAX_RECIPIENTS = 10_000
MAX_PAGES = MAX_RECIPIENTS  # one recipient per page at most
MAX_UNZIPPED = 64 * 1024 * 1024

_IDENTIFIER_LINE = re.compile(r"^\s*([A-Z][A-Z0-9_]{1,60})\s*:\s*(.+?)\s*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class UnreadableFile(ValueError):
    """The uploaded file cannot be processed by the workflow; the message says why."""


@dataclass
class Recipient:
    identifiers: list[dict[str, str]] = field(default_factory=list)
    pages: int = 1
    text: str = ""
    from_document: bool = False  # the identifiers, if missing, are in the document itself


def file_type(filename: str) -> str:
    """PDF, ZIP, CSV, XML ... from the file name's extension (upper case), '' without one."""
    _, dot, extension = filename.rpartition(".")
    return extension.upper() if dot and extension and "/" not in extension else ""


@dataclass(frozen=True)
class ReadFile:
    """A file as read before it is split: a PDF's page texts (one per page), or the recipients of a
    ZIP, CSV or XML file."""

    kind: str
    page_texts: list[str] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)


def read_file(kind: str, data: bytes) -> ReadFile:
    """The file read as its kind says, or UnreadableFile saying why it cannot be."""
    if not data:
        raise UnreadableFile("the uploaded file is empty")
    if kind == "PDF":
        return ReadFile(kind, page_texts=pdf_page_texts(data))
    if kind == "ZIP":
        return ReadFile(kind, recipients=_zip(data))
    if kind == "CSV":
        return ReadFile(kind, recipients=_csv(data))
    if kind == "XML":
        return ReadFile(kind, recipients=_xml(data))
    raise UnreadableFile(f"files of type {kind or 'unknown'} cannot be processed")


def recipients_in(read: ReadFile, pages_per_event: int) -> list[Recipient]:
    """The file split into recipients: a PDF every `pages_per_event` pages (0: the whole file)."""
    found = _pdf(read.page_texts, pages_per_event) if read.kind == "PDF" else read.recipients
    if not found:
        raise UnreadableFile(f"the {read.kind} file holds no recipient")
    if len(found) > MAX_RECIPIENTS:
        raise UnreadableFile(f"the file holds {len(found)} recipients; at most {MAX_RECIPIENTS} per job")
    return found


def pdf_page_texts(data: bytes) -> list[str]:
    """The text of each page of a PDF, or UnreadableFile when the bytes are not a PDF or it has
    more than MAX_PAGES pages."""
    if not _is_pdf(data):
        raise UnreadableFile("the uploaded file is not a PDF (it does not start with %PDF-)")
    pages = max(1, pdfscan.count_page_objects(data, MAX_PAGES))
    if pages > MAX_PAGES:
        raise UnreadableFile(f"the PDF has more than {MAX_PAGES} pages")
    return _page_texts(data, pages)


def _is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip()[:5] == b"%PDF-"


def _pdf(texts: list[str], pages_per_event: int) -> list[Recipient]:
    pages = len(texts)
    step = pages if pages_per_event <= 0 else pages_per_event
    recipients = []
    for first in range(0, pages, step):
        text = "\n".join(texts[first : first + step])
        recipients.append(
            Recipient(
                identifiers=_identifiers_in(text),
                pages=min(step, pages - first),
                text=text,
                from_document=True,
            )
        )
    return recipients


def _page_texts(data: bytes, pages: int) -> list[str]:
    """Text shown on each page, for uncompressed content streams (one stream per page); pages
    whose text cannot be read are empty."""
    showing = (stream for stream in pdfscan.streams(data) if b"Tj" in stream or b"'" in stream)
    texts = ["\n".join(map(_unescape, pdfscan.shown_strings(stream))) for stream in islice(showing, pages)]
    return texts + [""] * (pages - len(texts))


def _unescape(raw: bytes) -> str:
    text = raw.decode("latin-1")
    return re.sub(r"\\(.)", r"\1", text)


def _identifiers_in(text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for line in text.splitlines():
        match = _IDENTIFIER_LINE.match(line)
        if match:
            found.append({"kind": match.group(1), "value": match.group(2)})
    if not any(item["kind"] == "EMAIL_ADDRESS" for item in found):
        email = _EMAIL.search(text)
        if email:
            found.append({"kind": "EMAIL_ADDRESS", "value": email.group(0)})
    return found


def _zip(data: bytes) -> list[Recipient]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if info.filename.lower().endswith(".pdf")]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(f"the uploaded file is not a ZIP archive ({exc})") from None
    recipients = []
    budget = MAX_UNZIPPED
    pages = 0
    for info in entries[: MAX_RECIPIENTS + 1]:
        try:
            with archive.open(info) as handle:
                content = handle.read(budget + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise UnreadableFile(f"{info.filename} in the ZIP cannot be read ({exc})") from None
        budget -= len(content)
        if budget < 0:
            raise UnreadableFile(f"the ZIP unpacks to more than {MAX_UNZIPPED} bytes")
        if not _is_pdf(content):
            raise UnreadableFile(f"{info.filename} in the ZIP is not a PDF")
        texts = pdf_page_texts(content)
        pages += len(texts)
        if pages > MAX_PAGES:
            raise UnreadableFile(f"the PDFs in the ZIP have more than {MAX_PAGES} pages together")
        text = "\n".join(texts)
        recipients.append(
            Recipient(identifiers=_identifiers_in(text), pages=len(texts), text=text, from_document=True)
        )
    return recipients


def _decode_text(data: bytes, kind: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(f"the uploaded {kind} file is not UTF-8 text") from None


def _csv(data: bytes) -> list[Recipient]:
    text = _decode_text(data, "CSV")
    if "\x00" in text:
        raise UnreadableFile("the uploaded CSV file is binary, not text")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(f"the uploaded CSV file cannot be read ({exc})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise UnreadableFile("the CSV file needs a header row of channel identifier kinds and data rows")
    header = [kind_of(cell) or f"COLUMN_{n + 1}" for n, cell in enumerate(rows[0])]
    recipients = []
    for row in rows[1 : MAX_RECIPIENTS + 2]:
        identifiers = [
            {"kind": kind, "value": value.strip()}
            for kind, value in zip(header, row, strict=False)
            if value.strip()
        ]
        recipients.append(Recipient(identifiers=identifiers, text=";".join(row)))
    return recipients


def _xml(data: bytes) -> list[Recipient]:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnreadableFile("the uploaded XML file declares a DTD or entities, which are not accepted")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UnreadableFile(f"the uploaded file is not well-formed XML ({exc})") from None
    recipients = []
    for child in list(root)[: MAX_RECIPIENTS + 1]:
        identifiers = [
            {"kind": kind_of(_local(element.tag)), "value": (element.text or "").strip()}
            for element in child
            if (element.text or "").strip() and kind_of(_local(element.tag))
        ]
        recipients.append(Recipient(identifiers=identifiers, text=ElementTree.tostring(child, "unicode")))
    return recipients


_ALIASES = {
    "EMAIL": "EMAIL_ADDRESS",
    "E_MAIL": "EMAIL_ADDRESS",
    "MAIL": "EMAIL_ADDRESS",
    "EMAILADDRESS": "EMAIL_ADDRESS",
    "PHONE": "PHONE_NUMBER",
    "MOBILE": "PHONE_NUMBER",
    "GSM": "PHONE_NUMBER",
    "PHONENUMBER": "PHONE_NUMBER",
    "FIRSTNAME": "FIRST_NAME",
    "LASTNAME": "LAST_NAME",
    "NAME": "ADDRESS_LAST_NAME",
    "COMPANY": "ADDRESS_COMPANY_NAME",
    "STREET": "ADDRESS_STREET",
    "NUMBER": "ADDRESS_STREET_NUMBER",
    "HOUSE_NUMBER": "ADDRESS_STREET_NUMBER",
    "BOX": "ADDRESS_BOX",
    "ZIP": "ADDRESS_POSTAL_CODE",
    "POSTCODE": "ADDRESS_POSTAL_CODE",
    "POSTAL_CODE": "ADDRESS_POSTAL_CODE",
    "CITY": "ADDRESS_CITY",
    "COUNTRY": "ADDRESS_COUNTRY_CODE",
    "COUNTRY_CODE": "ADDRESS_COUNTRY_CODE",
}


def kind_of(name: str) -> str:
    """A CSV column or XML element name as a channel identifier kind: upper snake case, with common
    names mapped (email -> EMAIL_ADDRESS, phone -> PHONE_NUMBER, zip -> ADDRESS_POSTAL_CODE, ...)."""
    normal = re.sub(r"[^A-Z0-9]+", "_", name.strip().upper()).strip("_")[:60]
    return _ALIASES.get(normal, normal)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
