"""Fixtures of the black-box EasyPost Connect client, built only from the public operation list,
the reference notes and the guide."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    EVENT_TYPES,
    KEY,
    START,
    Receiver,
    parse_instant,
    recipients_pdf,
)

from mockpost.testing import Mockpost


@pytest.fixture
def sandbox(mockpost: Mockpost) -> Mockpost:
    """The in-process mock with its clock frozen at START, so every delay is moved by hand."""
    assert mockpost.clock.freeze(START) == parse_instant(START)
    return mockpost


@pytest.fixture
def epc(sandbox: Mockpost) -> httpx.Client:
    """An EasyPost Connect client of one account (the x-api-key)."""
    return sandbox.client("easypost-connect", headers=KEY)


@pytest.fixture
def anonymous(sandbox: Mockpost) -> httpx.Client:
    """A client with no credentials at the mock's root (pre-signed URLs are absolute)."""
    return sandbox.client()


@pytest.fixture
def control(sandbox: Mockpost) -> httpx.Client:
    return sandbox.client(headers=KEY)


@pytest.fixture
def workflow(epc: httpx.Client) -> Callable[..., dict[str, Any]]:
    """The first seeded workflow of an input source that is enabled and validated (or as asked)."""

    def pick(
        input_source: str, *, enabled: bool = True, validated: bool = True, task: str | None = None
    ) -> dict[str, Any]:
        response = epc.get("/workflows")
        assert response.status_code == 200, response.text
        for item in response.json():
            types = [t.get("type") for t in item.get("tasks", [])]
            if (
                item["inputSource"] == input_source
                and item["enabled"] is enabled
                and item["validated"] is validated
                and (task is None or task in types)
                and (task is not None or "EASY_PRINT" not in types)
            ):
                return dict(item)
        raise AssertionError(f"no seeded workflow {input_source} enabled={enabled} validated={validated}")

    return pick


@pytest.fixture
def single_file_job(
    epc: httpx.Client, workflow: Callable[..., dict[str, Any]]
) -> Callable[..., dict[str, Any]]:
    def create(filename: str = "letters.pdf", **fields: Any) -> dict[str, Any]:
        body = {
            "workflowId": workflow("SINGLE_FILE")["id"],
            "jobName": "March letters",
            "filename": filename,
            **fields,
        }
        response = epc.post("/jobs/single-file", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create


@pytest.fixture
def upload(anonymous: httpx.Client) -> Callable[[str, bytes], httpx.Response]:
    def put(url: str, content: bytes) -> httpx.Response:
        return anonymous.put(url, content=content)

    return put


@pytest.fixture
def uploaded_job(
    single_file_job: Callable[..., dict[str, Any]], upload: Callable[[str, bytes], httpx.Response]
) -> Callable[..., dict[str, Any]]:
    """A single-file job whose PDF (one recipient per page) has been uploaded."""

    def create(*emails: str, **fields: Any) -> dict[str, Any]:
        job = single_file_job(**fields)
        response = upload(job["fileUploadUrl"], recipients_pdf(*(emails or ("ann@example.be",))))
        assert response.status_code == 200, response.text
        return job

    return create


@pytest.fixture
def events_of(epc: httpx.Client) -> Callable[[str], list[dict[str, Any]]]:
    def fetch(job_id: str) -> list[dict[str, Any]]:
        response = epc.get("/sending-events", params={"jobId": job_id})
        assert response.status_code == 200, response.text
        return list(response.json())

    return fetch


@pytest.fixture
def event_after(
    sandbox: Mockpost, uploaded_job: Callable[..., dict[str, Any]], events_of: Callable[[str], Any]
) -> Callable[[str, str], dict[str, Any]]:
    """The one SendingEvent of an uploaded single-recipient job, the given time after upload."""

    def make(email: str, duration: str) -> dict[str, Any]:
        job = uploaded_job(email)
        sandbox.clock.advance(duration=duration)
        (event,) = events_of(job["id"])
        return dict(event)

    return make


@pytest.fixture
def subscribe(epc: httpx.Client, sandbox: Mockpost) -> Callable[..., dict[str, Any]]:
    def create(inbox: str = "hooks", event_types: list[str] | None = None, **fields: Any) -> dict[str, Any]:
        body = {
            "name": "ERP",
            "url": sandbox.inbox_url(inbox),
            "eventTypes": event_types or list(EVENT_TYPES),
            **fields,
        }
        response = epc.post("/webhooks", json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    return create


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()
