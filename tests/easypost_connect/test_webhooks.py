"""Webhook subscriptions: CRUD, secrets, the test event, signed events retried on the clock."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest
from easypost_connect_support import error_of, messages, payload_pdf_job, pdf, upload

from mockpost.testing import Mockpost

ALL = [
    "job.status.changed",
    "sending.event.status.changed",
    "sending.event.file.ready",
    "peppol.document.received",
]


def subscribe(
    ep_mock: Mockpost, ep: httpx.Client, types: list[str] | None = None, box: str = "hooks"
) -> dict:
    response = ep.post(
        "/webhooks", json={"name": "ERP", "url": ep_mock.inbox_url(box), "eventTypes": types or ALL}
    )
    assert response.status_code == 201, response.text
    created: dict = response.json()
    return created


def test_crud_and_secret_shown_only_on_create_and_reset(ep_mock: Mockpost, ep: httpx.Client) -> None:
    created = subscribe(ep_mock, ep, ["job.status.changed"])
    assert created["secret"].startswith("whsec_")
    listed = ep.get("/webhooks").json()
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    got = ep.get(f"/webhooks/{created['id']}").json()
    assert "secret" not in got and got["eventTypes"] == ["job.status.changed"]
    patched = ep.patch(f"/webhooks/{created['id']}", json={"name": "Renamed"}).json()
    assert patched["name"] == "Renamed" and patched["url"] == created["url"] and "secret" not in patched
    reset = ep.post(f"/webhooks/{created['id']}/reset-secret")
    assert reset.status_code == 200 and reset.json()["secret"] not in ("", created["secret"])
    assert ep.delete(f"/webhooks/{created['id']}").status_code == 200
    error_of(ep.get(f"/webhooks/{created['id']}"), 404)
    error_of(ep.delete(f"/webhooks/{created['id']}"), 404)


def test_subscription_validation(ep: httpx.Client) -> None:
    text = messages(
        ep.post("/webhooks", json={"name": "x", "url": "not a url", "eventTypes": ["job.created"]})
    )
    assert "url must be a URL" in text and "eventTypes.0 must be one of" in text
    assert "eventTypes must contain at least 1" in messages(
        ep.post("/webhooks", json={"name": "x", "url": "https://a.example/h", "eventTypes": []})
    )
    assert "name should not be empty" in messages(
        ep.post("/webhooks", json={"url": "https://a.example/h", "eventTypes": ALL})
    )


def test_events_are_signed_with_the_subscription_secret(ep_mock: Mockpost, ep: httpx.Client) -> None:
    secret = subscribe(ep_mock, ep)["secret"]
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="7d")
    received = ep_mock.inbox("hooks")
    types = [json.loads(item["body"])["type"] for item in received]
    assert types.count("job.status.changed") == 3  # PROCESSING, IN_PROGRESS, COMPLETED
    assert types.count("sending.event.status.changed") == 2  # SENT, DELIVERED
    assert types.count("sending.event.file.ready") == 1
    for item in received:
        body = item["body"].encode()
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert item["headers"]["x-webhook-signature"] == expected
        event = json.loads(body)
        assert set(event) >= {"id", "type", "createdAt", "data"}
    ready = next(
        json.loads(i["body"]) for i in received if json.loads(i["body"])["type"] == "sending.event.file.ready"
    )
    assert ready["data"]["fileReference"] == "SUBMISSION_REPORT" and ready["data"]["jobId"] == job["id"]
    done = [json.loads(i["body"])["data"] for i in received]
    assert {"jobId": job["id"], "status": "COMPLETED"}.items() <= done[-1].items() or any(
        d.get("status") == "COMPLETED" for d in done
    )


def test_only_subscribed_types_are_sent(ep_mock: Mockpost, ep: httpx.Client) -> None:
    subscribe(ep_mock, ep, ["sending.event.file.ready"])
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="7d")
    types = {json.loads(item["body"])["type"] for item in ep_mock.inbox("hooks")}
    assert types == {"sending.event.file.ready"}


def test_test_event_returns_the_receiver_status(ep_mock: Mockpost, ep: httpx.Client) -> None:
    created = subscribe(ep_mock, ep, ["job.status.changed", "peppol.document.received"])
    assert "eventType must be provided" in error_of(ep.post(f"/webhooks/{created['id']}/test", json={}), 400)
    assert "not one of" in error_of(
        ep.post(f"/webhooks/{created['id']}/test", json={"eventType": "sending.event.file.ready"}), 400
    )
    response = ep.post(f"/webhooks/{created['id']}/test", json={"eventType": "peppol.document.received"})
    assert response.status_code == 200 and response.json() == {"statusCode": 200}
    (item,) = ep_mock.inbox("hooks")
    event = json.loads(item["body"])
    assert event["type"] == "peppol.document.received" and event["test"] is True
    assert set(event["data"]) >= {"documentId", "senderId"}
    assert len(ep_mock.deliveries("easypost-connect")) == 1  # one attempt, recorded


def test_test_event_with_a_failing_receiver(ep_mock: Mockpost, ep: httpx.Client, monkeypatch) -> None:
    created = subscribe(ep_mock, ep, ["job.status.changed"])

    async def answer_503(url: str, body: bytes, headers: dict[str, str]) -> int:
        return 503

    monkeypatch.setattr(ep_mock.sandbox.outbox, "sender", answer_503)
    assert ep.post(f"/webhooks/{created['id']}/test").json() == {"statusCode": 503}
    ep_mock.clock.advance(duration="1d")
    assert len(ep_mock.deliveries("easypost-connect")) == 1  # a test event is not retried


def test_failed_deliveries_are_retried_with_backoff_on_the_clock(
    ep_mock: Mockpost, ep: httpx.Client, monkeypatch
) -> None:
    subscribe(ep_mock, ep, ["job.status.changed"])
    statuses = iter([500, 502, 200])

    async def flaky(url: str, body: bytes, headers: dict[str, str]) -> int:
        return next(statuses, 200)

    monkeypatch.setattr(ep_mock.sandbox.outbox, "sender", flaky)
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))  # PROCESSING: one event
    ep_mock.clock.advance(seconds=1)
    attempts = ep_mock.deliveries("easypost-connect")
    assert [a["status"] for a in attempts] == [500]
    ep_mock.clock.advance(seconds=60)
    ep_mock.clock.advance(seconds=300)
    attempts = [
        a for a in ep_mock.deliveries("easypost-connect") if a["delivery_id"] == attempts[0]["delivery_id"]
    ]
    assert [a["status"] for a in attempts] == [500, 502, 200]
    assert attempts[-1]["delivery_state"] == "delivered"


@pytest.mark.parametrize("types", [["job.status.changed"], ALL])
def test_deleted_subscription_gets_nothing(ep_mock: Mockpost, ep: httpx.Client, types: list[str]) -> None:
    created = subscribe(ep_mock, ep, types)
    ep.delete(f"/webhooks/{created['id']}")
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("x"))
    ep_mock.clock.advance(duration="7d")
    assert ep_mock.inbox("hooks") == []
