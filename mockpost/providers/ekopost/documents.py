"""Content checks: base64 data, declared length, mime per content type, and that a main document
is a PDF with at least one page."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from mockpost.core import pdfscan
from mockpost.core.resources import Document
from mockpost.providers.ekopost.errors import EkopostError, InvalidData
from mockpost.providers.ekopost.state import Envelope

CONTENT_TYPES = ("document", "attachment", "markup", "sms")
REQUIRED_MIME = {
    "document": ("application/pdf", "104"),
    "attachment": ("application/pdf", "108"),
    "markup": ("application/xml", "109"),
    "sms": ("text/plain", "128"),
}
SIZE_ERROR = {"document": "117", "attachment": "118"}


@dataclass
class CheckedContent:
    type: str
    mime: str
    length: int
    data: bytes
    return_address: bool
    address: dict[str, Any] | None


def encoded_size(body: Any) -> int:
    """The length of a content body's base64 `data` (0 when it has none: it is refused quickly),
    for deciding whether checking it is worth a worker thread."""
    data = body.get("data") if isinstance(body, dict) else None
    return len(data) if isinstance(data, str) else 0


def check_content_fields(body: Any) -> CheckedContent:
    """Everything about a content request that does not depend on the envelope."""
    if not isinstance(body, dict):
        raise InvalidData("the body must be a content object")
    kind = body.get("type")
    if kind not in CONTENT_TYPES:
        raise InvalidData(f"type must be one of {list(CONTENT_TYPES)}, got {kind!r}")
    mime = body.get("mime")
    required_mime, mime_code = REQUIRED_MIME[kind]
    if not isinstance(mime, str) or mime.split(";")[0].strip().lower() != required_mime:
        raise EkopostError(mime_code, f"mime is {mime!r}; content of type {kind!r} needs {required_mime!r}")
    data = decode_data(body.get("data"), kind)
    length = body.get("length")
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise InvalidData("length must be the file's size in bytes (a non-negative integer)")
    if kind in SIZE_ERROR and length != len(data):
        raise EkopostError(SIZE_ERROR[kind], f"length is {length} but data decodes to {len(data)} bytes")
    if kind == "markup" and length != len(data):
        raise InvalidData(f"length is {length} but data decodes to {len(data)} bytes")
    if kind == "document" and not has_pages(data):
        raise EkopostError("107", "data is not a PDF with at least one page")
    return CheckedContent(
        type=kind,
        mime=mime,
        length=length,
        data=data,
        return_address=parse_flag(body.get("return_address", False), "return_address"),
        address=body.get("address"),
    )


def decode_data(value: Any, kind: str) -> bytes:
    if value is None or value == "":
        raise EkopostError("129", "data must hold the file (or sms text) as a base64 string")
    if not isinstance(value, str):
        raise InvalidData("data must be a base64 encoded string")
    compact = "".join(value.split())  # line breaks in base64 are allowed (str.split: no regex pass)
    try:
        decoded = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        if kind == "sms":
            raise EkopostError("130", "data must be the sms text encoded as base64") from None
        raise InvalidData("data is not valid base64") from None
    if not decoded:
        raise EkopostError("129", "data decodes to nothing")
    if kind == "sms":
        try:
            decoded.decode("utf-8")
        except UnicodeDecodeError:
            raise EkopostError("130", "data must be UTF-8 sms text encoded as base64") from None
    return decoded


def parse_flag(value: Any, field: str) -> bool:
    """A boolean; the documentation's own samples also send "true"/"false" as strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if value is None:
        return False
    raise InvalidData(f"{field} must be true or false")


def has_pages(data: bytes) -> bool:
    """A PDF header and at least one page object, looking inside compressed object streams too
    (within the scan's budget: a file that would unpack beyond it is not read)."""
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF-"):
        return False
    return pdfscan.PAGE_OBJECT.search(data) is not None or pdfscan.page_in_object_streams(data)


# -- what the console shows of a letter -----------------------------------------------------------
CONTENT_EXTENSIONS = {"application/pdf": "pdf", "application/xml": "xml", "text/plain": "txt"}


def envelope_documents(account: Any, envelope: Envelope) -> list[Document]:
    """The envelope's contents as received: its main document, attachments, markup or sms text."""
    name = envelope.name or "envelope"
    found = []
    for number, content in enumerate(envelope.contents, start=1):
        mime = content.mime.split(";")[0].strip().lower()
        extension = CONTENT_EXTENSIONS.get(mime, "bin")
        filename = f"{name} {number} {content.type}.{extension}"
        found.append(Document(filename, mime, content.data, content.type))
    return found


def address_block(account: Any, envelope: Envelope) -> list[str]:
    """The recipient as Ekopost reads the envelope's address: a postal block line by line; for the
    digital channels, where the letter goes."""
    address = envelope.address or {}
    kind = address.get("$type", "postal")
    if kind == "postal":
        lines = [*_lines(address.get("name")), *_lines(address.get("street"))]
        lines.append(" ".join(str(address.get(key) or "") for key in ("postal_code", "city")).strip())
        lines.append(str(address.get("country") or ""))
        return [line for line in lines if line]
    described = [f"{kind}"]
    for key, value in address.items():
        if key != "$type" and value not in (None, "", [], {}):
            described.append(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return described


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(line) for line in value if line]
    return [str(value)] if value else []
