"""Helpers for the Nirva tests: sign-in, PDFs, the multipart job upload."""

from __future__ import annotations

import json
from typing import Any

import httpx

from mockpost.core.pdf import make_pdf

START = "2030-03-04T09:00:00Z"
PARIS = ["Jean Dupont", "12 rue de la Paix", "75002 PARIS"]
BRUSSELS = ["Marie Peeters", "Rue Neuve 1", "1000 BRUXELLES", "BELGIQUE"]
TOO_LONG = ["Jean Dupont", "This address line is far longer than thirty-eight characters", "75002 PARIS"]


def letter(address: list[str], pages: int = 1, text: str = "Invoice") -> list[list[str]]:
    """One document: the address block on page 1 and a "Page i/N" marker on each page."""
    return [[*(address if i == 0 else []), f"{text} - Page {i + 1}/{pages}"] for i in range(pages)]


def pdf_of(*documents: list[list[str]]) -> bytes:
    return make_pdf([page for document in documents for page in document])


def sign_in(client: httpx.Client, login: str = "demo", password: str = "demo") -> dict[str, str]:
    response = client.post(
        "/authentication/authenticate",
        json={"login": login, "password": password, "withProfileDetail": True},
    )
    assert response.status_code == 200, response.text
    return {"X-Auth-Token": response.json()["token"]}


def upload(
    client: httpx.Client,
    headers: dict[str, str],
    files: dict[str, bytes],
    **parameters: Any,
) -> httpx.Response:
    params = {
        "jobName": "March invoices",
        "serviceId": "101",
        "autocreateDeliveryCommand": True,
        **parameters,
    }
    return client.post(
        "/jobs",
        headers=headers,
        data={"parameters": json.dumps(params)},
        files={part: (f"{part}.pdf", data, "application/pdf") for part, data in files.items()},
    )


def create_job(
    client: httpx.Client,
    headers: dict[str, str],
    pdf: bytes,
    part: str = "file__file_LETTER_0",
    **parameters: Any,
) -> dict[str, Any]:
    response = upload(client, headers, {part: pdf}, **parameters)
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    return job


def is_envelope(response: httpx.Response, status: int) -> bool:
    body = response.json()
    return response.status_code == status and set(body) == {"error", "message"} and bool(body["message"])
