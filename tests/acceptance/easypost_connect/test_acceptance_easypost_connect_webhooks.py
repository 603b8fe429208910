"""Webhook subscriptions, the four event types, their payloads, signature and retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    EVENT_TYPES,
    Receiver,
    Subscribe,
    assert_nest_error,
    inbox_events,
    is_iso_utc,
    signature_of,
)

from mockpost.testing import Mockpost

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def of_type(events: list[tuple[dict[str, Any], dict[str, Any]]], kind: str) -> list[dict[str, Any]]:
    return [body for body, _ in events if body["type"] == kind]


# -- subscriptions -------------------------------------------------------------------------------


def test_subscription_crud_shows_the_secret_only_on_create(epc: httpx.Client, subscribe: Subscribe) -> None:
    sub = subscribe(event_types=["job.status.changed"])
    assert isinstance(sub["id"], str)
    assert sub["name"] == "ERP"
    assert sub["eventTypes"] == ["job.status.changed"]
    assert isinstance(sub["secret"], str) and sub["secret"]
    listed = epc.get("/webhooks")
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json()] == [sub["id"]]
    assert "secret" not in listed.json()[0]
    fetched = epc.get(f"/webhooks/{sub['id']}").json()
    assert "secret" not in fetched
    assert fetched["url"] == sub["url"]
    patched = epc.patch(f"/webhooks/{sub['id']}", json={"eventTypes": EVENT_TYPES, "name": "ERP 2"})
    assert patched.status_code == 200
    assert patched.json()["eventTypes"] == EVENT_TYPES
    assert patched.json()["name"] == "ERP 2"
    assert patched.json()["url"] == sub["url"]
    assert "secret" not in patched.json()
    deleted = epc.delete(f"/webhooks/{sub['id']}")
    assert deleted.status_code == 200
    assert_nest_error(epc.get(f"/webhooks/{sub['id']}"), 404)
    assert epc.get("/webhooks").json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "url": "http://example.com/h", "eventTypes": []},
        {"name": "x", "url": "http://example.com/h", "eventTypes": ["job.created"]},
        {"name": "x", "eventTypes": ["job.status.changed"]},
        {"name": "x", "url": "not a url", "eventTypes": ["job.status.changed"]},
        {"url": "http://example.com/h", "eventTypes": ["job.status.changed"]},
    ],
)
def test_subscription_validation(epc: httpx.Client, body: dict[str, Any]) -> None:
    assert_nest_error(epc.post("/webhooks", json=body), 400)
    assert epc.get("/webhooks").json() == []


def test_unknown_subscription_is_not_found(epc: httpx.Client) -> None:
    for method, path in [
        ("GET", f"/webhooks/{UNKNOWN}"),
        ("PATCH", f"/webhooks/{UNKNOWN}"),
        ("DELETE", f"/webhooks/{UNKNOWN}"),
        ("POST", f"/webhooks/{UNKNOWN}/reset-secret"),
        ("POST", f"/webhooks/{UNKNOWN}/test"),
    ]:
        assert_nest_error(epc.request(method, path, json={}), 404)


def test_reset_secret_returns_a_new_secret_used_from_then_on(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe
) -> None:
    sub = subscribe(event_types=["job.status.changed"])
    response = epc.post(f"/webhooks/{sub['id']}/reset-secret")
    assert response.status_code == 200
    secret = response.json()["secret"]
    assert isinstance(secret, str) and secret != sub["secret"]
    assert "secret" not in epc.get(f"/webhooks/{sub['id']}").json()
    assert epc.post(f"/webhooks/{sub['id']}/test", json={}).json() == {"statusCode": 200}
    ((_body, headers),) = inbox_events(sandbox)
    raw = sandbox.inbox("hooks")[0]["body"]
    assert headers["x-webhook-signature"] == signature_of(secret, raw)


def test_test_event_reaches_the_receiver_and_reports_its_status(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe
) -> None:
    sub = subscribe(event_types=["sending.event.file.ready"])
    tested = epc.post(f"/webhooks/{sub['id']}/test")
    assert (tested.status_code, tested.json()) == (200, {"statusCode": 200})
    ((body, headers),) = inbox_events(sandbox)
    assert body["type"] == "sending.event.file.ready"
    assert headers["x-webhook-signature"] == signature_of(sub["secret"], sandbox.inbox("hooks")[0]["body"])


def test_test_needs_an_event_type_when_several_are_subscribed(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe
) -> None:
    sub = subscribe(event_types=["job.status.changed", "peppol.document.received"])
    assert_nest_error(epc.post(f"/webhooks/{sub['id']}/test", json={}), 400)
    assert_nest_error(
        epc.post(f"/webhooks/{sub['id']}/test", json={"eventType": "sending.event.file.ready"}), 400
    )
    assert sandbox.inbox("hooks") == []
    ok = epc.post(f"/webhooks/{sub['id']}/test", json={"eventType": "peppol.document.received"})
    assert ok.json() == {"statusCode": 200}
    assert [b["type"] for b, _ in inbox_events(sandbox)] == ["peppol.document.received"]


def test_test_reports_the_receivers_failure_status(epc: httpx.Client, receiver: Receiver) -> None:
    receiver.statuses = [503]
    sub = epc.post("/webhooks", json={"name": "x", "url": receiver.url, "eventTypes": ["job.status.changed"]})
    assert sub.status_code == 201
    response = epc.post(f"/webhooks/{sub.json()['id']}/test")
    assert response.status_code == 200
    assert response.json()["statusCode"] == 503
    assert len(receiver.received) == 1


def test_test_of_an_unreachable_receiver(epc: httpx.Client) -> None:
    # ambiguous: the reference does not say what a test reports when nothing answers.
    url = "http://127.0.0.1:1/hooks"
    sub = epc.post("/webhooks", json={"name": "x", "url": url, "eventTypes": ["job.status.changed"]})
    response = epc.post(f"/webhooks/{sub.json()['id']}/test")
    assert response.status_code == 200
    assert response.json()["statusCode"] is None
    assert isinstance(response.json()["error"], str)


# -- events --------------------------------------------------------------------------------------


def assert_envelope(body: dict[str, Any], headers: dict[str, Any], secret: str, raw: str) -> None:
    assert isinstance(body["id"], str)
    assert body["type"] in EVENT_TYPES
    assert is_iso_utc(body["createdAt"])
    assert isinstance(body["data"], dict)
    assert headers["x-webhook-signature"] == signature_of(secret, raw)
    assert headers["content-type"].startswith("application/json")


def test_job_and_sending_event_events_carry_the_ids_to_call_back(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe, uploaded_job: Callable[..., Any]
) -> None:
    sub = subscribe()
    job = uploaded_job("ann@example.be")
    sandbox.clock.advance(duration="7d")
    raw = sandbox.inbox("hooks")
    events = inbox_events(sandbox)
    for (body, headers), item in zip(events, raw, strict=True):
        assert_envelope(body, headers, sub["secret"], item["body"])

    job_events = of_type(events, "job.status.changed")
    assert [e["data"]["status"] for e in job_events][-1] == "COMPLETED"
    assert {e["data"]["jobId"] for e in job_events} == {job["id"]}
    assert epc.get(f"/jobs/{job_events[-1]['data']['jobId']}").json()["status"] == "COMPLETED"

    status_events = of_type(events, "sending.event.status.changed")
    assert status_events[-1]["data"]["businessStatus"] == "DELIVERED"
    event_id = status_events[-1]["data"]["sendingEventId"]
    assert epc.get(f"/sending-events/{event_id}").json()["businessStatus"] == "DELIVERED"
    assert status_events[-1]["data"]["jobId"] == job["id"]

    files = of_type(events, "sending.event.file.ready")
    assert {f["data"]["fileReference"] for f in files} == {"SUBMISSION_REPORT", "EPOD"}
    for file in files:
        data = file["data"]
        link = epc.get(f"/sending-events/{data['sendingEventId']}/files/{data['fileReference']}/download-url")
        assert link.status_code == 200


def test_peppol_document_received_event(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client, subscribe: Subscribe
) -> None:
    sub = subscribe(event_types=["peppol.document.received"])
    injected = control.post(
        "/_mockpost/easypost-connect/peppol-incoming-documents", json={"senderId": "0208:0123456789"}
    )
    assert injected.status_code == 201
    ((body, headers),) = inbox_events(sandbox)
    assert_envelope(body, headers, sub["secret"], sandbox.inbox("hooks")[0]["body"])
    data = body["data"]
    assert data["documentId"] == injected.json()["id"]
    assert data["senderId"] == "0208:0123456789"
    sender = quote(data["senderId"], safe="")
    assert (
        epc.get(f"/peppol-incoming-documents/sender/{sender}/document/{data['documentId']}").status_code
        == 200
    )


def test_only_subscribed_event_types_are_delivered(
    sandbox: Mockpost, subscribe: Subscribe, uploaded_job: Callable[..., Any]
) -> None:
    subscribe(event_types=["sending.event.file.ready"])
    uploaded_job("ann@example.be")
    sandbox.clock.advance(duration="7d")
    assert {b["type"] for b, _ in inbox_events(sandbox)} == {"sending.event.file.ready"}


def test_a_failing_receiver_is_retried_on_the_clock(
    sandbox: Mockpost, control: httpx.Client, subscribe: Subscribe, receiver: Receiver
) -> None:
    receiver.statuses = [500, 502, 200]
    sub = subscribe(event_types=["peppol.document.received"], url=receiver.url)
    injected = control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    assert injected.status_code == 201
    assert len(receiver.received) == 1
    sandbox.clock.advance(59)
    assert len(receiver.received) == 1
    sandbox.clock.advance(1)  # the first retry, a minute later
    assert len(receiver.received) == 2
    sandbox.clock.advance(duration="5m")  # the second retry: delivered
    assert len(receiver.received) == 3
    sandbox.clock.advance(duration="7d")
    assert len(receiver.received) == 3
    assert len(set(receiver.received)) == 1
    body = json.loads(receiver.received[0])
    assert body["data"]["documentId"] == injected.json()["id"]
    attempts = [a for a in sandbox.deliveries("easypost-connect") if a["url"] == receiver.url]
    assert [a["status"] for a in attempts] == [500, 502, 200]
    expected = signature_of(sub["secret"], receiver.received[0])
    assert all(a["headers"]["x-webhook-signature"] == expected for a in attempts)


def test_deleted_subscription_receives_nothing(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe, uploaded_job: Callable[..., Any]
) -> None:
    sub = subscribe()
    epc.delete(f"/webhooks/{sub['id']}")
    uploaded_job("ann@example.be")
    sandbox.clock.advance(duration="7d")
    assert sandbox.inbox("hooks") == []
