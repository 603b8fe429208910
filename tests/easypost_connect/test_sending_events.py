"""SendingEvents: businessStatus on the clock, files and downloads, resend rules, filters."""

from __future__ import annotations

import httpx
from easypost_connect_support import (
    STRUCTURED,
    delivered_job,
    error_of,
    messages,
    payload_pdf_job,
    pdf,
    single_file_job,
    upload,
)

from mockpost.testing import Mockpost


def events_of(ep: httpx.Client, job_id: str) -> list[dict]:
    return ep.get("/sending-events", params={"jobId": job_id}).json()


def test_business_status_moves_on_the_clock(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep)
    upload(ep_mock, job, pdf("EMAIL_ADDRESS: ann@example.be"))
    ep_mock.clock.advance(duration="2m")
    (event,) = events_of(ep, job["id"])
    assert event["businessStatus"] == "PROCESSING" and event["files"] == []
    ep_mock.clock.advance(duration="5m")
    event = ep.get(f"/sending-events/{event['id']}").json()
    assert event["businessStatus"] == "SENT" and event["channel"] == "ERDS"
    assert [f["fileReference"] for f in event["files"]] == ["SUBMISSION_REPORT"]
    ep_mock.clock.advance(duration="1d")
    event = ep.get(f"/sending-events/{event['id']}").json()
    assert event["businessStatus"] == "DELIVERED" and event["endDate"] is not None
    assert [f["fileReference"] for f in event["files"]] == ["SUBMISSION_REPORT", "EPOD"]
    assert [h["businessStatus"] for h in event["history"]] == ["PROCESSING", "SENT", "DELIVERED"]


def test_every_sending_event_is_final_within_seven_days(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(
        ep, [*STRUCTURED, {"kind": "EMAIL_ADDRESS", "value": "x@bounce.invalid"}], role="print"
    )
    job = job.json()
    upload(ep_mock, job, pdf("Letter"))
    ep_mock.clock.advance(duration="7d")
    (event,) = events_of(ep, job["id"])
    assert event["businessStatus"] == "DELIVERED" and event["channel"] == "EASY_PRINT"
    assert [t["status"] for t in event["tasks"]] == ["FAILED", "SUCCESS"]
    assert [f["fileReference"] for f in event["files"]] == ["SUBMISSION_REPORT"]  # no ePod on paper


def test_undeliverable_recipient_fails(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep, [{"kind": "EMAIL_ADDRESS", "value": "nobody@example.invalid"}]).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="7d")
    (event,) = events_of(ep, job["id"])
    assert event["businessStatus"] == "FAILED"
    assert [h["businessStatus"] for h in event["history"]] == ["PROCESSING", "SENT", "FAILED"]
    assert ep.get(f"/jobs/{job['id']}").json()["status"] == "COMPLETED"


def test_missing_identifier_fails_without_being_sent(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep, [{"kind": "FIRST_NAME", "value": "Ann"}]).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="1h")
    (event,) = events_of(ep, job["id"])
    assert event["businessStatus"] == "FAILED" and "EMAIL_ADDRESS" in event["failureReason"]
    assert event["files"] == []


def test_scheduled_execution_date(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep, sendingEventExecutionDateUtc="2030-03-06T08:00:00Z").json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="1h")
    (event,) = events_of(ep, job["id"])
    assert event["businessStatus"] == "SCHEDULED"
    ep_mock.clock.set("2030-03-06T08:00:00Z")
    assert ep.get(f"/sending-events/{event['id']}").json()["businessStatus"] == "PROCESSING"


def test_download_url_is_valid_ten_minutes_and_serves_a_pdf(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = delivered_job(ep_mock, ep)
    (event,) = events_of(ep, job["id"])
    link = ep.get(f"/sending-events/{event['id']}/files/EPOD/download-url").json()
    assert set(link) == {"url", "expiresAt"}
    assert link["expiresAt"] == "2030-03-11T09:10:00.000Z"
    raw = ep_mock.client()
    response = raw.get(link["url"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    ep_mock.clock.advance(duration="9m59s")
    assert raw.get(link["url"]).status_code == 200
    ep_mock.clock.advance(seconds=1)
    assert "expired" in error_of(raw.get(link["url"]), 403)
    error_of(raw.get(link["url"].replace("EPOD", "SUBMISSION_REPORT")), 403)


def test_download_url_errors(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="3m")
    (event,) = events_of(ep, job["id"])
    error_of(ep.get(f"/sending-events/{event['id']}/files/SUBMISSION_REPORT/download-url"), 404)  # not yet
    assert "fileReference" in messages(ep.get(f"/sending-events/{event['id']}/files/INVOICE/download-url"))
    error_of(ep.get("/sending-events/nope/files/EPOD/download-url"), 404)


def test_resend_rules(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="3m")
    (event,) = events_of(ep, job["id"])
    assert "final state" in error_of(ep.post(f"/sending-events/{event['id']}/resend"), 409)
    ep_mock.clock.advance(duration="7d")
    response = ep.post(f"/sending-events/{event['id']}/resend")
    assert response.status_code == 201, response.text
    resent = response.json()
    assert resent["resendOf"] == event["id"] and resent["id"] != event["id"]
    assert resent["jobId"] == job["id"] and resent["businessStatus"] == "PROCESSING"
    ep_mock.clock.advance(duration="7d")
    assert ep.get(f"/sending-events/{resent['id']}").json()["businessStatus"] == "DELIVERED"
    assert "itself a re-send" in error_of(ep.post(f"/sending-events/{resent['id']}/resend"), 409)
    assert ep.post(f"/sending-events/{event['id']}/resend").status_code == 201  # the original, again
    error_of(ep.post("/sending-events/nope/resend"), 404)


def test_sending_events_filters_and_paging(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep)
    upload(ep_mock, job, pdf("a@example.be", "b@example.invalid", "c@example.be", "d@example.be"))
    ep_mock.clock.advance(duration="7d")
    everything = ep.get("/sending-events").json()
    assert len(everything) == 4
    failed = ep.get("/sending-events", params={"businessStatus": "FAILED"}).json()
    assert [e["channelIdentifiers"][0]["value"] for e in failed] == ["b@example.invalid"]
    first = ep.get("/sending-events", params={"maxItems": 3}).json()
    rest = ep.get("/sending-events", params={"maxItems": 3, "after": first[-1]["id"]}).json()
    assert first + rest == everything
    assert ep.get("/sending-events", params={"from": "2030-03-05T00:00:00Z"}).json() == []
    assert "businessStatus must be one of" in messages(
        ep.get("/sending-events", params={"businessStatus": "x"})
    )
    error_of(ep.get("/sending-events/nope"), 404)


def test_forced_transition_through_the_control_plane(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="3m")
    (event,) = events_of(ep, job["id"])
    moved = ep_mock.transition(
        "easypost-connect",
        {"x-api-key": "ep-test-key"},
        resource="sending-event",
        id=event["id"],
        state="FAILED",
        reason="Returned",
    )
    assert moved["businessStatus"] == "FAILED" and moved["failureReason"] == "Returned"
    assert ep.get(f"/jobs/{job['id']}").json()["status"] == "COMPLETED"
