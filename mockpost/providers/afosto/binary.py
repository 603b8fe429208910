"""Endpoints that answer bytes: barcode PNG, HTML -> PDF, file reads, the transcoded MP4, uploads.

The bytes are valid files of the documented type (a PNG that decodes, a PDF with a page), small and
deterministic: the same request gives the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import zlib
from datetime import timedelta
from typing import Any

from mockpost.core.pdf import make_pdf
from mockpost.providers.afosto.backend import Engine
from mockpost.providers.afosto.errors import AfostoError, bad_request
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.synth import iso
from mockpost.providers.afosto.validation import require_fields

BARCODE_HEIGHT = 40
SIGNATURE_LIFETIME = timedelta(hours=1)
SIGNATURES = "/cnt/files/signatures"  # issued upload signatures (not an API collection)
MAX_BARCODE_VALUE = 256
# The smallest well-formed MP4: an `ftyp` box (isom) then an empty `mdat`.
MP4 = struct.pack(">I4s4sI4s4s", 24, b"ftyp", b"isom", 512, b"isom", b"mp41") + struct.pack(
    ">I4s", 8, b"mdat"
)


def png(rows: list[bytes], width: int) -> bytes:
    """A greyscale 8-bit PNG from rows of pixel bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, len(rows), 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def barcode_png(value: str) -> bytes:
    """Bars from the value's hash: not a scannable symbology, a mock label only has to decode as a PNG."""
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha256(value.encode()).digest()[:12])
    pattern = "1010" + bits + "0101"
    row = b"".join((b"\x00\x00" if bit == "1" else b"\xff\xff") for bit in pattern)
    return png([row] * BARCODE_HEIGHT, len(row))


class Binaries:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store

    def register(self) -> None:
        self.engine.handlers.update(
            {
                ("GET", "/cnt/barcode"): self.barcode,
                ("POST", "/cnt/html/inline"): self.html_inline,
                ("GET", "/cnt/filesystems/storages/{id}/read"): self.file_read,
                ("GET", "/cnt/filesystems/integrations/{id}"): self.file_read,
                ("GET", "/cnt/gif/transform"): self.transcode,
                ("POST", "/cnt/files/signature"): self.signature,
                ("POST", "/cnt/files/upload/{signature}"): self.upload,
            }
        )

    def barcode(self, state: TenantState, call: Call) -> Answer:
        value = call.query.get("v", "")
        if not value:
            raise bad_request("v (the value to encode) is required", required=["v"])
        if len(value) > MAX_BARCODE_VALUE:
            raise bad_request(f"v is longer than {MAX_BARCODE_VALUE} characters", invalid=["v"])
        return Answer(200, barcode_png(value), media_type="image/png")

    def html_inline(self, state: TenantState, call: Call) -> Answer:
        """The rendered PDF itself; the mock prints the HTML's text lines instead of laying it out."""
        body = require_fields(call.body, ("content",), "content (base64 HTML) is required")
        try:
            html = base64.b64decode(body["content"], validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            raise bad_request("content is not base64", invalid=["content"]) from None
        lines = [line.strip() for line in html.splitlines() if line.strip()][:60] or [""]
        return Answer(call.op.success, make_pdf([lines]), media_type="application/pdf")

    def file_read(self, state: TenantState, call: Call) -> Answer:
        self.store.require_parents(state, call, len(call.op.segments))
        path = call.query.get("path") or (call.body.get("path") if isinstance(call.body, dict) else "") or ""
        content = f"mock file {path or call.params.get('id', '')}\n".encode()
        return Answer(200, content, {"content-type": "application/octet-stream"}, "application/octet-stream")

    def transcode(self, state: TenantState, call: Call) -> Answer:
        if not call.query.get("url"):
            raise bad_request("url (the GIF to transcode) is required", required=["url"])
        return Answer(206, MP4, {"content-range": f"bytes 0-{len(MP4) - 1}/{len(MP4)}"}, "video/mp4")

    def signature(self, state: TenantState, call: Call) -> Answer:
        """An upload signature, valid for SIGNATURE_LIFETIME on the sandbox clock."""
        answer = self.engine.documents.action(state, call)
        expires = self.engine.ctx.now() + SIGNATURE_LIFETIME
        answer.body.update(signature=self.engine.ctx.ids.token(48), expires_at=iso(expires))
        settings = call.body if isinstance(call.body, dict) else {}
        state.collection(SIGNATURES, ())[answer.body["signature"]] = {"expires": expires, **settings}
        return answer

    def upload(self, state: TenantState, call: Call) -> Answer:
        """Multipart `file` under a signature from POST /cnt/files/signature: a file record per upload."""
        signed = state.collection(SIGNATURES, ()).get(call.params["signature"])
        if signed is None:
            raise AfostoError(404, "unknown signature: get one from POST /cnt/files/signature")
        if self.engine.ctx.now() >= signed["expires"]:
            raise bad_request("the signature has expired", invalid=["signature"])
        if b"filename=" not in call.raw:
            raise bad_request("send the file as multipart/form-data field 'file'", required=["file"])
        name = call.raw.split(b"filename=", 1)[1].split(b"\r\n", 1)[0].strip(b'"').decode("utf-8", "replace")
        files = self.store.items(state, "/cnt/files", ())
        record: dict[str, Any] = self.store.new_item(state, "/cnt/files", (), {"filename": name or "upload"})
        record["mime"] = "application/octet-stream"
        for flag in ("is_public", "is_listed"):
            if isinstance(signed.get(flag), bool):
                record[flag] = signed[flag]
        return Answer(200, [files[str(record["id"])]])
