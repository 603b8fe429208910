"""Deliveries per channel, the output trigger, shipments and their status codes, metadata and proofs."""

from __future__ import annotations

import json

from nirva_acceptance_client import BRUSSELS, PARIS, assert_error, letters, metadata

from mockpost.core.pdf import make_pdf

MAIL_PATH = [250, 300, 400, 600, 610]
EMAIL_PATH = [250, 300, 700, 710, 715]


def test_delivery_waits_for_the_output_trigger_then_is_outputted_with_shipments(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS, BRUSSELS)))
    nirva.wait_job(job_id, "CREATED")
    (delivery,) = nirva.deliveries(job_id)
    assert delivery["status"] != "OUTPUTTED"  # 09:01: the first output trigger is still to come
    (delivery,) = nirva.wait_outputted(job_id)
    assert len(delivery["shipments"]) == 2
    assert all(s["status"] == 250 for s in delivery["shipments"])


def test_output_trigger_runs_at_least_daily(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.mock.clock.advance(duration="1d")
    (delivery,) = nirva.deliveries(job_id)
    assert delivery["status"] == "OUTPUTTED"


def test_mail_shipments_reach_their_final_status_within_seven_days(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    seen = nirva.status_history(job_id)
    assert seen == MAIL_PATH
    assert isinstance(seen[-1], int)


def test_email_shipments_follow_the_email_path(nirva):
    pdf = make_pdf([["jean.dupont@example.com", "Invoice 42", "Page 1/1"]])
    job_id = nirva.job_id(nirva.create_job(pdf, channel="EMAIL"))
    nirva.wait_outputted(job_id)
    seen = nirva.status_history(job_id)
    assert seen == EMAIL_PATH


def test_multichannel_job_gets_one_delivery_per_channel(nirva):
    pdf = make_pdf(
        [
            [*PARIS, "Page 1/1"],
            ["marie.peeters@example.be", "Invoice 43", "Page 1/1"],
        ]
    )
    job_id = nirva.job_id(nirva.create_job(pdf, channel="MULTICHANNEL"))
    nirva.wait_job(job_id, "CREATED")
    deliveries = nirva.deliveries(job_id)
    assert len(deliveries) == 2
    # ambiguous: the delivery's channel field is not documented; the mock's deliveries carry `channel`
    assert {d["channel"] for d in deliveries} == {"MAIL", "EMAIL"}
    deliveries = nirva.wait_outputted(job_id, count=2)
    assert all(len(d["shipments"]) == 1 for d in deliveries)


def test_deliveries_of_a_job_without_deliveries_is_an_empty_list(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS), autocreate=False))
    assert nirva.deliveries(job_id) == []


def registered_final_shipment(nirva, address=PARIS):
    job_id = nirva.job_id(nirva.create_job(letters(address), channel="REGISTERED_MAIL"))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="7d")
    (shipment,) = nirva.shipments(job_id)
    assert shipment["status"] == 610
    return shipment


def test_registered_mail_carries_tracking_number_and_proof_metadata(nirva):
    shipment = registered_final_shipment(nirva)
    for entry in shipment["metadata"]:
        assert {"metadataKind", "metadataType", "name", "value"} <= set(entry)
    (number,) = metadata(shipment, "TRACKING", "SHORT_VALUE", "TRACKING")
    assert number["value"]
    for name in ("TRACKING_DETAIL", "ACKN", "CERTIF"):
        assert metadata(shipment, "TRACKING", "FILE", name), name


def test_proofs_download_with_their_content_types(nirva):
    shipment = registered_final_shipment(nirva)
    for name in ("ACKN", "CERTIF"):
        response = nirva.get(f"/shipments/{shipment['id']}/trackingFile/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith("application/pdf")
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response.headers.get("content-disposition", "") or "filename" in (
            response.headers.get("content-disposition", "")
        )
    detail = nirva.get(f"/shipments/{shipment['id']}/trackingFile/TRACKING_DETAIL")
    assert detail.status_code == 200
    assert detail.headers["content-type"].startswith("application/json")
    body = json.loads(detail.content)
    assert "LaPoste_Fr" in json.dumps(body)


def test_belgian_address_gets_la_poste_be_tracking_detail(nirva):
    shipment = registered_final_shipment(nirva, BRUSSELS)
    detail = nirva.get(f"/shipments/{shipment['id']}/trackingFile/TRACKING_DETAIL")
    assert "LaPoste_Be" in detail.text


def test_tracking_number_arrives_before_the_proofs(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS), channel="REGISTERED_MAIL"))
    nirva.wait_outputted(job_id)
    (shipment,) = nirva.shipments(job_id)
    assert not metadata(shipment, "TRACKING", "FILE", "ACKN")
    assert_error(nirva.get(f"/shipments/{shipment['id']}/trackingFile/ACKN"), 404)


def test_plain_mail_carries_no_registered_tracking_number(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="7d")
    (shipment,) = nirva.shipments(job_id)
    assert not metadata(shipment, "TRACKING", "SHORT_VALUE", "TRACKING")


def test_unknown_tracking_file_and_shipment_are_404(nirva):
    shipment = registered_final_shipment(nirva)
    assert_error(nirva.get(f"/shipments/{shipment['id']}/trackingFile/NOPE"), 404)
    assert_error(nirva.get("/shipments/999999/trackingFile/ACKN"), 404)


def test_deliveries_without_job_id_is_400(nirva):
    assert_error(nirva.get("/deliveries"), 400)
    assert_error(nirva.get("/deliveries?jobId="), 400)


def test_deliveries_of_an_unknown_job_is_404(nirva):
    # ambiguous: an unknown jobId filter could be "no match"; docs/nirva.md pins 404 like GET /jobs/{id}
    assert_error(nirva.get("/deliveries", params={"jobId": 999999}), 404)
