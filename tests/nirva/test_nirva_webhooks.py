"""Webhooks: SHIPMENT_STATUS, TRACKING_TEXT and TRACKING_FILE events; only 200 counts as delivered,
otherwise every 15 minutes for 48 hours on the clock."""

from __future__ import annotations

import itertools
import json

import httpx
from nirva_support import PARIS, create_job, letter, pdf_of, sign_in

from mockpost.core.clock import parse_instant
from mockpost.providers.nirva.deliveries import WEBHOOK_RETRY
from mockpost.testing import Mockpost


def test_registered_letter_events(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    hook = nirva_mock.client().put(
        "/_mockpost/nirva/webhook", json={"url": nirva_mock.inbox_url("nirva")}, headers=headers
    )
    assert hook.status_code == 200
    create_job(nirva, headers, pdf_of(letter(PARIS)), serviceId="102", part="file__file_REGISTERED_0")
    nirva_mock.clock.advance(duration="7d")
    events = [json.loads(item["body"]) for item in nirva_mock.inbox("nirva")]
    assert {tuple(sorted(e)) for e in events} == {
        ("eventDate", "eventType", "name", "serverTimestamp", "shipmentExternalId", "shipmentId", "value")
    }
    statuses = [e for e in events if e["eventType"] == "SHIPMENT_STATUS"]
    assert [e["value"] for e in statuses] == ["250", "300", "400", "600", "610"]
    assert all(e["name"] is None and isinstance(e["shipmentId"], int) for e in statuses)
    output = parse_instant("2030-03-04T10:00:00Z").timestamp() * 1000
    assert statuses[0]["serverTimestamp"] == output and statuses[0]["eventDate"] is None
    assert statuses[3]["eventDate"] == statuses[3]["serverTimestamp"]  # 600 comes from the post
    (text,) = [e for e in events if e["eventType"] == "TRACKING_TEXT"]
    assert text["name"] == "TRACKING" and text["value"].startswith("RR")
    files = [(e["name"], e["value"]) for e in events if e["eventType"] == "TRACKING_FILE"]
    shipment = statuses[0]["shipmentId"]
    assert ("CERTIF", f"CERTIF_{shipment}.pdf") in files and ("ACKN", f"ACKN_{shipment}.pdf") in files
    assert ("TRACKING_DETAIL", f"TRACKING_DETAIL_{shipment}.json") in files
    shown = nirva_mock.client().get("/_mockpost/nirva/webhook", headers=headers).json()
    assert shown["url"] == nirva_mock.inbox_url("nirva")


def test_failed_events_are_retried_every_15_minutes_for_48_hours(
    nirva_mock: Mockpost, nirva: httpx.Client
) -> None:
    headers = sign_in(nirva)
    nirva_mock.client().put(
        "/_mockpost/nirva/webhook", json={"url": "http://127.0.0.1:9/down"}, headers=headers
    )
    job = create_job(nirva, headers, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="1h")  # output: the 250 event is sent and fails
    (first,) = nirva_mock.deliveries("nirva")
    assert first["status"] is None and first["error"]
    shipment = nirva.get("/deliveries", params={"jobId": job["id"]}, headers=headers).json()[0]["shipments"][
        0
    ]
    nirva_mock.client().delete("/_mockpost/nirva/webhook", headers=headers)  # no further events
    nirva_mock.transition("nirva", headers, resource="shipment", id=str(shipment["id"]), state="-900")
    nirva_mock.clock.advance(duration="50h")
    attempts = nirva_mock.deliveries("nirva")
    assert len(attempts) == 1 + 48 * 4
    gaps = {
        parse_instant(b["at"]).timestamp() - parse_instant(a["at"]).timestamp()
        for a, b in itertools.pairwise(attempts)
    }
    assert gaps == {900.0}
    assert attempts[-1]["delivery_state"] == "failed"


def test_only_200_counts_as_delivered(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    assert WEBHOOK_RETRY.succeeded(200)
    assert not any(WEBHOOK_RETRY.succeeded(status) for status in (201, 202, 204, 301, 500))
    headers = sign_in(nirva)
    nirva_mock.client().put(
        "/_mockpost/nirva/webhook", json={"url": nirva_mock.inbox_url("ok")}, headers=headers
    )
    create_job(nirva, headers, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="1h")
    attempts = nirva_mock.deliveries("nirva")
    assert attempts and all(a["status"] == 200 and a["delivery_state"] == "delivered" for a in attempts)


def test_webhook_control_route_checks_token_and_body(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    control = nirva_mock.client()
    unknown = control.put(
        "/_mockpost/nirva/webhook", json={"url": "http://x"}, headers={"X-Auth-Token": "no"}
    )
    assert unknown.status_code == 401 and set(unknown.json()) == {"error", "message"}
    # open mode has one organisation: without a token the control plane addresses it
    assert control.put("/_mockpost/nirva/webhook", json={"url": "http://x"}).status_code == 200
    assert control.get("/_mockpost/nirva/webhook", headers=headers).json()["url"] == "http://x"
    for body in ({}, {"url": ""}, {"url": 5}, [1]):
        assert control.put("/_mockpost/nirva/webhook", json=body, headers=headers).status_code == 422
    assert control.delete("/_mockpost/nirva/webhook", headers=headers).status_code == 204
    assert control.get("/_mockpost/nirva/webhook", headers=headers).json() is None


def test_set_timeline_applies_to_steps_scheduled_afterwards(
    nirva_mock: Mockpost, nirva: httpx.Client
) -> None:
    provider = nirva_mock.sandbox.providers["nirva"]
    provider.set_timeline({"processing_after": "1h"})
    headers = sign_in(nirva)
    job = create_job(nirva, headers, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="59m")
    assert nirva.get(f"/jobs/{job['id']}", headers=headers).json()["status"] == "PROCESSING"
    nirva_mock.clock.advance(duration="1m")
    assert nirva.get(f"/jobs/{job['id']}", headers=headers).json()["status"] == "PACK_GROUP_CREATED"
