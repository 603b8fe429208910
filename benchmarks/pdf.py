"""A valid one-page PDF, built once, for envelope content."""

from __future__ import annotations

import base64
from functools import cache

from mockpost.core.pdf import make_pdf


@cache
def tiny_pdf() -> bytes:
    return make_pdf([["benchmark"]])


def pdf_content() -> dict[str, object]:
    """Ekopost's content body for the tiny PDF: base64 data, decoded length, mime, type."""
    data = tiny_pdf()
    return {
        "data": base64.b64encode(data).decode("ascii"),
        "length": len(data),
        "mime": "application/pdf",
        "type": "document",
    }
