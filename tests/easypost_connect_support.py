"""Helpers for the EasyPost Connect tests: the client, workflows by role, jobs, uploads."""

from __future__ import annotations

from typing import Any

import httpx

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

START = "2030-03-04T09:00:00Z"
KEY = {"x-api-key": "ep-test-key"}
OTHER_KEY = {"x-api-key": "ep-other-key"}
ERROR_KEYS = {"statusCode", "message", "error"}

EMAIL_ONLY = [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}]
STRUCTURED = [
    {"kind": "ADDRESS_LAST_NAME", "value": "Peeters"},
    {"kind": "ADDRESS_STREET", "value": "Rue Neuve"},
    {"kind": "ADDRESS_STREET_NUMBER", "value": "1"},
    {"kind": "ADDRESS_POSTAL_CODE", "value": "1000"},
    {"kind": "ADDRESS_CITY", "value": "Brussels"},
    {"kind": "ADDRESS_COUNTRY_CODE", "value": "BE"},
]


def workflows(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """The seeded workflows by role: single-file, payload-pdf, payload-word, print, disabled,
    not-validated."""
    found: dict[str, dict[str, Any]] = {}
    for w in client.get("/workflows").json():
        types = [t["type"] for t in w["tasks"]]
        if not w["enabled"]:
            found["disabled"] = w
        elif not w["validated"]:
            found["not-validated"] = w
        elif "EASY_PRINT" in types:
            found["print"] = w
        else:
            found.setdefault(
                {"SINGLE_FILE": "single-file", "PAYLOAD_PDF": "payload-pdf", "PAYLOAD_WORD": "payload-word"}[
                    w["inputSource"]
                ],
                w,
            )
    return found


def error_of(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["statusCode"] == status
    return body["message"]


def messages(response: httpx.Response) -> str:
    message = error_of(response, 400)
    return " | ".join(message) if isinstance(message, list) else message


def pdf(*pages: str) -> bytes:
    return make_pdf([[line] for line in pages] or [["Letter"]])


def single_file_job(client: httpx.Client, filename: str = "letters.pdf", **fields: Any) -> dict[str, Any]:
    wf = workflows(client)["single-file"]
    response = client.post(
        "/jobs/single-file",
        json={"workflowId": wf["id"], "jobName": "March letters", "filename": filename, **fields},
    )
    assert response.status_code == 201, response.text
    job: dict[str, Any] = response.json()
    return job


def payload_pdf_job(
    client: httpx.Client, identifiers: Any = None, role: str = "payload-pdf", **fields: Any
) -> Any:
    wf = workflows(client)[role]
    body = {
        "workflowId": wf["id"],
        "jobName": "Invoice 42",
        "filename": "invoice.pdf",
        "payload": {"channelIdentifiers": EMAIL_ONLY if identifiers is None else identifiers},
        **fields,
    }
    return client.post("/jobs/payload-pdf", json=body)


def upload(mockpost: Mockpost, job: dict[str, Any], data: bytes) -> httpx.Response:
    """PUT the file to the job's pre-signed URL, with no API key."""
    return mockpost.client().put(job["fileUploadUrl"], content=data)


def delivered_job(mockpost: Mockpost, client: httpx.Client, data: bytes | None = None) -> dict[str, Any]:
    """A single-file job uploaded and run to COMPLETED."""
    job = single_file_job(client)
    assert upload(mockpost, job, data or pdf("EMAIL_ADDRESS: ann@example.be")).status_code == 200
    mockpost.clock.advance(duration="7d")
    done: dict[str, Any] = client.get(f"/jobs/{job['id']}").json()
    assert done["status"] == "COMPLETED", done
    return done
