"""Shipment failures and cancellations (forced transitions), and their webhooks."""

from __future__ import annotations

import json

import pytest
from nirva_acceptance_client import PARIS, letters

from mockpost.core.pdf import make_pdf


def outputted_shipment(nirva, channel="MAIL"):
    pdf = make_pdf([["jean.dupont@example.com", "Page 1/1"]]) if channel == "EMAIL" else letters(PARIS)
    job_id = nirva.job_id(nirva.create_job(pdf, channel=channel))
    nirva.wait_outputted(job_id)
    (shipment,) = nirva.shipments(job_id)
    return job_id, shipment


def force(nirva, shipment_id, code):
    return nirva.mock.client().post(
        "/_mockpost/nirva/transition",
        json={"resource": "shipment", "id": shipment_id, "state": code},  # as the API renders them
        headers=nirva.headers,
    )


def status(nirva, job_id):
    (shipment,) = nirva.shipments(job_id)
    return shipment["status"]


def test_cancelled_before_printing_is_minus_900_and_stays(nirva):
    job_id, shipment = outputted_shipment(nirva)
    assert force(nirva, shipment["id"], -900).status_code == 200
    assert status(nirva, job_id) == -900
    nirva.mock.clock.advance(duration="7d")
    assert status(nirva, job_id) == -900


def test_cancelled_after_printing_is_minus_910(nirva):
    job_id, shipment = outputted_shipment(nirva)
    nirva.poll(lambda: status(nirva, job_id), lambda s: s == 400, "10m", 50)
    assert force(nirva, shipment["id"], -910).status_code == 200
    assert status(nirva, job_id) == -910


@pytest.mark.parametrize("code", [-610, -611, -612, -613, -614])
def test_mail_failures_after_mailing(nirva, code):
    nirva.set_webhook(nirva.mock.inbox_url("nirva"))
    job_id, shipment = outputted_shipment(nirva, "REGISTERED_MAIL")
    nirva.poll(lambda: status(nirva, job_id), lambda s: s == 600, "1h", 80)
    assert force(nirva, shipment["id"], code).status_code == 200
    assert status(nirva, job_id) == code
    last = [json.loads(i["body"]) for i in nirva.mock.inbox("nirva")]
    statuses = [e["value"] for e in last if e["eventType"] == "SHIPMENT_STATUS"]
    assert statuses[-1] == str(code)


# ambiguous: no order is documented; bounces happen once sent (700), reading outcomes once received (710)
@pytest.mark.parametrize(
    ("after", "code"),
    [(700, -710), (700, -711), (700, -712), (710, -720), (710, 711), (715, 716), (710, 730)],
)
def test_email_outcomes(nirva, after, code):
    job_id, shipment = outputted_shipment(nirva, "EMAIL")
    nirva.poll(lambda: status(nirva, job_id), lambda s: s == after, "5m", 400)
    assert force(nirva, shipment["id"], code).status_code == 200
    assert status(nirva, job_id) == code


def test_a_transition_the_path_does_not_allow_is_refused(nirva):
    job_id, shipment = outputted_shipment(nirva)
    response = force(nirva, shipment["id"], 610)  # delivered straight from "being created"
    assert response.status_code == 409
    assert status(nirva, job_id) == 250


def test_shipment_status_label_is_the_documented_one(nirva):
    _job_id, shipment = outputted_shipment(nirva)
    # ambiguous: the label field is not documented; the mock renders `statusLabel`
    assert shipment["statusLabel"] == "Being created"
