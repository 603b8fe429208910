"""The resource files a job takes (PDF, ZIP, CSV, XML), failures, and the provider options."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    KEY,
    MOUNT,
    EventAfter,
    EventsOf,
    JobFactory,
    Upload,
    assert_nest_error,
    inbox_events,
    now_of,
    parse_instant,
    recipients_pdf,
)

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost


def identifiers(event: dict[str, Any]) -> dict[str, str]:
    return {i["kind"]: i["value"] for i in event["channelIdentifiers"]}


def processed(
    sandbox: Mockpost,
    single_file_job: JobFactory,
    upload: Upload,
    events_of: EventsOf,
    filename: str,
    content: bytes,
) -> list[dict[str, Any]]:
    job = single_file_job(filename=filename)
    assert upload(job["fileUploadUrl"], content).status_code == 200
    sandbox.clock.advance(duration="5m")
    return events_of(job["id"])


def test_zip_gives_one_event_per_pdf_inside(
    sandbox: Mockpost, single_file_job: JobFactory, upload: Upload, events_of: EventsOf
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.pdf", recipients_pdf("a@example.be"))
        archive.writestr("b.pdf", recipients_pdf("b@example.be"))
    events = processed(sandbox, single_file_job, upload, events_of, "batch.zip", buffer.getvalue())
    assert sorted(identifiers(e)["EMAIL_ADDRESS"] for e in events) == ["a@example.be", "b@example.be"]


def test_xml_gives_one_event_per_record(
    sandbox: Mockpost, single_file_job: JobFactory, upload: Upload, events_of: EventsOf
) -> None:
    xml = (
        b"<recipients><recipient><email>a@example.be</email></recipient>"
        b"<recipient><email>b@example.be</email></recipient></recipients>"
    )
    events = processed(sandbox, single_file_job, upload, events_of, "batch.xml", xml)
    assert sorted(identifiers(e)["EMAIL_ADDRESS"] for e in events) == ["a@example.be", "b@example.be"]


def test_csv_with_commas_and_common_header_names(
    sandbox: Mockpost, single_file_job: JobFactory, upload: Upload, events_of: EventsOf
) -> None:
    csv = b"email,phone\na@example.be,+32470000000\nb@example.be,+32470000001\n"
    events = processed(sandbox, single_file_job, upload, events_of, "batch.csv", csv)
    assert sorted(identifiers(e)["EMAIL_ADDRESS"] for e in events) == ["a@example.be", "b@example.be"]
    assert {identifiers(e)["PHONE_NUMBER"] for e in events} == {"+32470000000", "+32470000001"}


def test_failed_job_reports_why_and_sends_its_event(
    sandbox: Mockpost,
    epc: httpx.Client,
    single_file_job: JobFactory,
    upload: Upload,
    subscribe: Callable[..., dict[str, Any]],
) -> None:
    subscribe(event_types=["job.status.changed"])
    job = single_file_job(filename="batch.csv")
    upload(job["fileUploadUrl"], b"\x00\x01\x02 not a csv")
    sandbox.clock.advance(duration="5m")
    failed = epc.get(f"/jobs/{job['id']}").json()
    assert failed["status"] == "FAILED"
    assert isinstance(failed["failureReason"], str) and failed["failureReason"]
    statuses = [b["data"]["status"] for b, _ in inbox_events(sandbox)]
    assert statuses[-1] == "FAILED"


def test_failed_event_reports_why(event_after: EventAfter) -> None:
    event = event_after("nobody@example.invalid", "7d")
    assert event["businessStatus"] == "FAILED"
    assert isinstance(event["failureReason"], str) and event["failureReason"]
    assert [t["status"] for t in event["tasks"]] == ["FAILED", "FAILED"]


def test_payload_pdf_events_can_be_scheduled(
    sandbox: Mockpost,
    epc: httpx.Client,
    workflow: Callable[..., dict[str, Any]],
    upload: Upload,
    events_of: EventsOf,
) -> None:
    later = now_of(sandbox) + timedelta(hours=6)
    body = {
        "workflowId": workflow("PAYLOAD_PDF")["id"],
        "jobName": "Invoice",
        "filename": "invoice.pdf",
        "sendingEventExecutionDateUtc": later.isoformat().replace("+00:00", "Z"),
        "payload": {"channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "a@example.be"}]},
    }
    job = epc.post("/jobs/payload-pdf", json=body).json()
    assert parse_instant(job["sendingEventExecutionDateUtc"]) == later
    upload(job["fileUploadUrl"], make_pdf([["Invoice"]]))
    sandbox.clock.advance(duration="5m")
    (event,) = events_of(job["id"])
    assert event["businessStatus"] == "SCHEDULED"
    sandbox.clock.advance(duration="5h54m")
    assert events_of(job["id"])[0]["businessStatus"] == "SCHEDULED"
    sandbox.clock.advance(duration="1m")  # the execution date
    assert events_of(job["id"])[0]["businessStatus"] == "PROCESSING"


@pytest.mark.mockpost(
    options={
        "easypost-connect": {
            "upload_window": "30m",
            "download_ttl": "1m",
            "token_ttl": "60s",
            "delivered_after_erds": "1h",
        }
    }
)
def test_provider_options_change_the_delays(sandbox: Mockpost) -> None:
    epc = sandbox.client("easypost-connect", headers=KEY)
    anonymous = sandbox.client()
    workflows = epc.get("/workflows", params={"inputSource": "SINGLE_FILE"}).json()
    wf = next(w for w in workflows if w["enabled"] and w["validated"])
    body = {"workflowId": wf["id"], "jobName": "x", "filename": "a.pdf"}
    expiring = epc.post("/jobs/single-file", json=body).json()
    job = epc.post("/jobs/single-file", json=body).json()
    anonymous.put(job["fileUploadUrl"], content=recipients_pdf("a@example.be"))
    sandbox.clock.advance(duration="30m")
    assert_nest_error(epc.get(f"/jobs/{expiring['id']}"), 404)
    sandbox.clock.advance(duration="1h")
    (event,) = epc.get("/sending-events", params={"jobId": job["id"]}).json()
    assert event["businessStatus"] == "DELIVERED"
    link = epc.get(f"/sending-events/{event['id']}/files/EPOD/download-url").json()
    assert parse_instant(link["expiresAt"]) == now_of(sandbox) + timedelta(minutes=1)
    token = anonymous.post(
        f"{MOUNT}/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"},
    ).json()
    assert token["expires_in"] == 60
