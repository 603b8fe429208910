"""The administrator's webhook: documented fields, events per change, and the resend rule."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import datetime

import pytest
from nirva_acceptance_client import PARIS, letters
from receiver_support import Answer, http_receiver

FIELDS = {"eventType", "shipmentId", "shipmentExternalId", "name", "value", "serverTimestamp", "eventDate"}


def events(mock, inbox="nirva"):
    return [json.loads(item["body"]) for item in mock.inbox(inbox)]


def registered_job_to_the_end(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS), channel="REGISTERED_MAIL"))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="7d")
    (shipment,) = nirva.shipments(job_id)
    return shipment


def test_every_status_change_sends_a_shipment_status_event(nirva):
    nirva.set_webhook(nirva.mock.inbox_url("nirva"))
    shipment = registered_job_to_the_end(nirva)
    received = events(nirva.mock)
    assert received and all(set(e) == FIELDS for e in received)
    for item in nirva.mock.inbox("nirva"):
        assert item["method"] == "POST"
        assert item["headers"]["content-type"].startswith("application/json")
    statuses = [e for e in received if e["eventType"] == "SHIPMENT_STATUS"]
    assert [e["value"] for e in statuses] == ["250", "300", "400", "600", "610"]
    for event in statuses:
        assert event["name"] is None
        assert event["shipmentId"] == shipment["id"]
        assert isinstance(event["shipmentExternalId"], int)
        assert isinstance(event["serverTimestamp"], int)
        assert event["eventDate"] is None or isinstance(event["eventDate"], int)


def test_server_timestamp_is_the_virtual_time_in_epoch_milliseconds(nirva):
    nirva.set_webhook(nirva.mock.inbox_url("nirva"))
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    (first,) = events(nirva.mock)
    delivered_at = datetime.fromisoformat(nirva.mock.inbox("nirva")[0]["received_at"].replace("Z", "+00:00"))
    assert first["value"] == "250"
    assert first["serverTimestamp"] == int(delivered_at.timestamp() * 1000)
    assert first["serverTimestamp"] > 1_800_000_000_000  # milliseconds, not seconds


def test_tracking_text_and_tracking_file_events_match_the_metadata(nirva):
    nirva.set_webhook(nirva.mock.inbox_url("nirva"))
    shipment = registered_job_to_the_end(nirva)
    received = events(nirva.mock)
    (text,) = [e for e in received if e["eventType"] == "TRACKING_TEXT"]
    number = next(m for m in shipment["metadata"] if m["metadataType"] == "SHORT_VALUE")
    assert text["name"] == "TRACKING" and text["value"] == number["value"]
    files = [e for e in received if e["eventType"] == "TRACKING_FILE"]
    assert {e["name"] for e in files} == {"ACKN", "CERTIF", "TRACKING_DETAIL"}
    for event in files:
        assert event["value"]  # the original file name
        # the documented use of `name`: retrieve the tracking file
        got = nirva.get(f"/shipments/{event['shipmentId']}/trackingFile/{event['name']}")
        assert got.status_code == 200


def outbox(mock):
    response = mock.client().get("/_mockpost/webhooks/outbox", params={"provider": "nirva"})
    assert response.status_code == 200
    return response.json()["items"]


def test_unanswered_event_is_resent_every_15_minutes_for_48_hours(nirva):
    nirva.set_webhook("http://127.0.0.1:9/nirva")
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="3d")
    first = min(outbox(nirva.mock), key=lambda d: d["created_at"])
    times = [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in first["attempts"]]
    gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(times)}
    assert gaps == {900.0}
    assert (times[-1] - times[0]).total_seconds() == 48 * 3600
    assert first["state"] == "failed"


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[Answer]]]:
    """A real HTTP receiver on a free port, answering `Answer.status`."""
    with http_receiver() as found:
        yield found


def test_only_200_counts_as_delivered_another_2xx_is_resent(nirva, receiver):
    url, handler = receiver
    handler.status = 204
    nirva.set_webhook(url)
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    first = min(outbox(nirva.mock), key=lambda d: d["created_at"])
    before = len(first["attempts"])
    nirva.mock.clock.advance(duration="31m")
    first = next(d for d in outbox(nirva.mock) if d["id"] == first["id"])
    assert len(first["attempts"]) >= before + 2
    assert first["state"] != "delivered"


def test_a_200_answer_is_delivered_once(nirva, receiver):
    url, handler = receiver
    nirva.set_webhook(url)
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="1h")
    first = min(outbox(nirva.mock), key=lambda d: d["created_at"])
    assert len(first["attempts"]) == 1
    assert json.loads(handler.bodies[0])["eventType"] == "SHIPMENT_STATUS"
