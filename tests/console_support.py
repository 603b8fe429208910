"""Shared by the console's browser tests: Chromium's path and flags, and an Ekopost letter on its way."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx

from mockpost.core.pdf import make_pdf

CHROMIUM = Path("/usr/bin/chromium")
START = "2030-03-04T09:00:00Z"
EKO_KEY = {"Authorization": "api-key console-key"}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ADDRESS = {
    "$type": "postal",
    "name": ["Anna Andersson"],
    "street": ["Storgatan 1"],
    "postal_code": "41103",
    "city": "Göteborg",
    "country": "SE",
}


def letter_pdf(pages: int = 2) -> bytes:
    first = [
        "Anna Andersson",
        "Storgatan 1",
        "411 03 Göteborg",
        "",
        "Invoice 2030-117",
        "",
        "Amount due: 1 250 SEK",
    ]
    rest = [[f"Terms and conditions, page {n + 2}"] for n in range(pages - 1)]
    return make_pdf([first, *rest])


def ekopost_letter(base_url: str, name: str = "Invoice 117") -> dict[str, str]:
    """A closed campaign holding one closed envelope with a two-page letter: on its way to print."""
    with httpx.Client(base_url=base_url + "/ekopost", headers=EKO_KEY) as eko:
        campaign = eko.post("/campaigns", json={"name": "March invoices", "output_date": START}).json()
        envelope = eko.post(
            f"/campaigns/{campaign['id']}/envelopes",
            json={"name": name, "address": ADDRESS, "postage": "priority"},
        ).json()
        pdf = letter_pdf()
        content = {
            "type": "document",
            "mime": "application/pdf",
            "length": len(pdf),
            "data": base64.b64encode(pdf).decode(),
        }
        eko.post(
            f"/campaigns/{campaign['id']}/envelopes/{envelope['id']}/content", json=content
        ).raise_for_status()
        return {"campaign": campaign["id"], "envelope": envelope["id"]}
