"""Shared test helpers: credentials, content builders, a postal address."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from mockpost.core.pdf import make_pdf

START = "2030-03-04T09:00:00Z"
KEY = {"Authorization": "api-key test-key"}


def document(pages: int = 1, text: str = "Invoice") -> dict[str, Any]:
    pdf = make_pdf([[f"{text} page {n + 1}"] for n in range(pages)])
    return {
        "data": base64.b64encode(pdf).decode(),
        "mime": "application/pdf",
        "length": len(pdf),
        "type": "document",
    }


def attachment() -> dict[str, Any]:
    return {**document(text="Terms"), "type": "attachment"}


def markup(xml: bytes = b"<?xml version='1.0'?><Invoice/>") -> dict[str, Any]:
    return {
        "data": base64.b64encode(xml).decode(),
        "mime": "application/xml",
        "length": len(xml),
        "type": "markup",
    }


def sms_text(text: str = "Your parcel is on its way") -> dict[str, Any]:
    raw = text.encode()
    return {"data": base64.b64encode(raw).decode(), "mime": "text/plain", "length": len(raw), "type": "sms"}


POSTAL = {
    "$type": "postal",
    "name": ["Company Inc.", "c/o John Doe"],
    "street": ["Street no. 37"],
    "postal_code": "65421",
    "city": "Gothenburg",
    "country": "SE",
}


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["error_code"]
    return code
