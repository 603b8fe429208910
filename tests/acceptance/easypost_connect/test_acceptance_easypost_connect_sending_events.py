"""SendingEvents: business statuses on the clock, files and their pre-signed downloads, resend."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    BUSINESS_STATUSES,
    EventAfter,
    EventsOf,
    JobFactory,
    assert_nest_error,
    is_iso_utc,
    now_of,
    parse_instant,
)

from mockpost.testing import Mockpost


@pytest.fixture
def one_event(event_after: EventAfter) -> Callable[[str], dict[str, Any]]:
    """The SendingEvent of a one-recipient job, just created (two minutes after the upload)."""
    return lambda email: event_after(email, "2m")


def test_sending_event_shape(
    epc: httpx.Client, one_event: Callable[[str], dict[str, Any]], workflow: Callable[..., Any]
) -> None:
    event = one_event("ann@example.be")
    fetched = epc.get(f"/sending-events/{event['id']}")
    assert fetched.status_code == 200
    body = fetched.json()
    assert body["id"] == event["id"]
    assert isinstance(body["jobId"], str)
    assert body["workflowId"] == workflow("SINGLE_FILE")["id"]
    assert body["businessStatus"] in BUSINESS_STATUSES
    assert is_iso_utc(body["startDate"])
    assert isinstance(body["files"], list)
    assert body.get("resendOf") is None


def test_business_status_moves_to_delivered_with_files(
    sandbox: Mockpost, epc: httpx.Client, one_event: Callable[[str], dict[str, Any]]
) -> None:
    event = one_event("ann@example.be")
    path = f"/sending-events/{event['id']}"
    assert epc.get(path).json()["businessStatus"] == "PROCESSING"
    assert epc.get(path).json()["files"] == []
    sandbox.clock.advance(duration="5m")
    sent = epc.get(path).json()
    assert sent["businessStatus"] == "SENT"
    assert [f["fileReference"] for f in sent["files"]] == ["SUBMISSION_REPORT"]
    sandbox.clock.advance(duration="7d")
    delivered = epc.get(path).json()
    assert delivered["businessStatus"] == "DELIVERED"
    assert {f["fileReference"] for f in delivered["files"]} == {"SUBMISSION_REPORT", "EPOD"}
    for file in delivered["files"]:
        assert is_iso_utc(file["createdAt"])


def test_undeliverable_recipient_ends_failed(
    sandbox: Mockpost, epc: httpx.Client, one_event: Callable[[str], dict[str, Any]]
) -> None:
    event = one_event("nobody@example.invalid")
    sandbox.clock.advance(duration="7d")
    assert epc.get(f"/sending-events/{event['id']}").json()["businessStatus"] == "FAILED"
    job = epc.get(f"/jobs/{event['jobId']}").json()
    assert job["status"] == "COMPLETED"


def test_events_reach_a_final_state_within_seven_days_of_upload(
    sandbox: Mockpost, uploaded_job: JobFactory, events_of: EventsOf
) -> None:
    job = uploaded_job("a@example.be", "b@example.invalid")
    sandbox.clock.advance(duration="7d")
    assert sorted(e["businessStatus"] for e in events_of(job["id"])) == ["DELIVERED", "FAILED"]


def test_unknown_sending_event_is_not_found(epc: httpx.Client) -> None:
    assert_nest_error(epc.get("/sending-events/00000000-0000-4000-8000-000000000000"), 404)


def test_sending_events_list_filters_and_pages(
    sandbox: Mockpost, epc: httpx.Client, uploaded_job: JobFactory, events_of: EventsOf
) -> None:
    first_job = uploaded_job("a@example.be", "b@example.be")
    sandbox.clock.advance(duration="2m30s")
    middle = now_of(sandbox)
    sandbox.clock.advance(duration="30s")
    second_job = uploaded_job("c@example.invalid")
    sandbox.clock.advance(duration="2m")
    everything = epc.get("/sending-events").json()
    assert len(everything) == 3
    starts = [parse_instant(e["startDate"]) for e in everything]
    assert starts == sorted(starts)
    assert {e["jobId"] for e in events_of(first_job["id"])} == {first_job["id"]}
    assert len(events_of(second_job["id"])) == 1
    page = epc.get("/sending-events", params={"maxItems": 1}).json()
    rest = epc.get("/sending-events", params={"after": page[0]["id"]}).json()
    assert page + rest == everything
    iso = middle.isoformat().replace("+00:00", "Z")
    assert len(epc.get("/sending-events", params={"until": iso}).json()) == 2
    assert len(epc.get("/sending-events", params={"from": iso}).json()) == 1
    sandbox.clock.advance(duration="7d")
    failed = epc.get("/sending-events", params={"businessStatus": "FAILED"}).json()
    assert [e["jobId"] for e in failed] == [second_job["id"]]
    assert_nest_error(epc.get("/sending-events", params={"businessStatus": "LOST"}), 400)
    assert_nest_error(epc.get("/sending-events", params={"maxItems": 101}), 400)


# -- files ---------------------------------------------------------------------------------------


def test_download_url_serves_the_pdf_for_ten_minutes(
    sandbox: Mockpost,
    epc: httpx.Client,
    anonymous: httpx.Client,
    one_event: Callable[[str], dict[str, Any]],
) -> None:
    event = one_event("ann@example.be")
    sandbox.clock.advance(duration="7d")
    for reference in ("SUBMISSION_REPORT", "EPOD"):
        response = epc.get(f"/sending-events/{event['id']}/files/{reference}/download-url")
        assert response.status_code == 200, response.text
        link = response.json()
        assert parse_instant(link["expiresAt"]) == now_of(sandbox) + timedelta(minutes=10)
        download = anonymous.get(link["url"])
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("application/pdf")
        assert download.content.startswith(b"%PDF")
    sandbox.clock.advance(duration="10m1s")
    assert_nest_error(anonymous.get(link["url"]), 403)


def test_file_not_generated_yet_and_unknown_reference(
    epc: httpx.Client, one_event: Callable[[str], dict[str, Any]]
) -> None:
    event = one_event("ann@example.be")
    assert_nest_error(epc.get(f"/sending-events/{event['id']}/files/EPOD/download-url"), 404)
    assert_nest_error(epc.get(f"/sending-events/{event['id']}/files/SELFIE/download-url"), 400)
    missing = "/sending-events/00000000-0000-4000-8000-000000000000/files/EPOD/download-url"
    assert_nest_error(epc.get(missing), 404)


# -- resend --------------------------------------------------------------------------------------


def test_resend_only_from_a_final_state(
    sandbox: Mockpost, epc: httpx.Client, one_event: Callable[[str], dict[str, Any]]
) -> None:
    event = one_event("ann@example.be")
    assert_nest_error(epc.post(f"/sending-events/{event['id']}/resend"), 409)
    sandbox.clock.advance(duration="7d")
    response = epc.post(f"/sending-events/{event['id']}/resend")
    assert response.status_code == 201, response.text
    resent = response.json()
    assert resent["id"] != event["id"]
    assert resent["resendOf"] == event["id"]
    assert resent["jobId"] == event["jobId"]
    assert resent["businessStatus"] not in {"DELIVERED", "FAILED"}
    assert epc.get(f"/sending-events/{event['id']}").json()["businessStatus"] == "DELIVERED"
    sandbox.clock.advance(duration="7d")
    assert epc.get(f"/sending-events/{resent['id']}").json()["businessStatus"] == "DELIVERED"
    assert_nest_error(epc.post(f"/sending-events/{resent['id']}/resend"), 409)


def test_a_failed_event_can_be_resent(
    sandbox: Mockpost, epc: httpx.Client, one_event: Callable[[str], dict[str, Any]]
) -> None:
    event = one_event("nobody@example.invalid")
    sandbox.clock.advance(duration="7d")
    response = epc.post(f"/sending-events/{event['id']}/resend")
    assert response.status_code == 201
    assert response.json()["resendOf"] == event["id"]


def test_resend_of_unknown_event_is_not_found(epc: httpx.Client) -> None:
    assert_nest_error(epc.post("/sending-events/00000000-0000-4000-8000-000000000000/resend"), 404)
