"""The documented simple flow end to end on the clock, and shipments along each channel's path."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from nirva_support import BRUSSELS, PARIS, create_job, is_envelope, letter, pdf_of, sign_in

from mockpost.testing import Mockpost


def deliveries(client: httpx.Client, headers: dict[str, str], job_id: int) -> list[dict[str, Any]]:
    response = client.get("/deliveries", params={"jobId": job_id}, headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def meta(shipment: dict[str, Any], kind: str, type_: str, name: str) -> str | None:
    for entry in shipment["metadata"]:
        if (entry["metadataKind"], entry["metadataType"], entry["name"]) == (kind, type_, name):
            value: str = entry["value"]
            return value
    return None


def test_documented_simple_flow_with_registered_mail(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    # authenticate with the profile detail; find the service and its MAIN box
    auth = nirva.post(
        "/authentication/authenticate",
        json={"login": "demo", "password": "demo", "withProfileDetail": True},
    ).json()
    headers = {"X-Auth-Token": auth["token"]}
    service = next(s for s in auth["profile"]["services"] if s["name"] == "Registered mail")
    box = next(b for b in service["boxes"] if b["type"] == "MAIN")

    # create a job: a real multi-page PDF holding two letters
    pdf = pdf_of(letter(PARIS, pages=3), letter(BRUSSELS, pages=2))
    job = create_job(nirva, headers, pdf, part=f"file__file_{box['name']}_0", serviceId=service["id"])

    # track the job
    nirva_mock.clock.advance(duration="2m")
    tracked = nirva.get(f"/jobs/{job['id']}", headers=headers).json()
    assert tracked["status"] == "CREATED"
    groups = nirva.get(f"/jobs/{job['id']}/packGroups", headers=headers).json()
    assert [g["channel"] for g in groups] == ["REGISTERED_MAIL", "REGISTERED_MAIL"]

    # deliveries wait for the output trigger (hourly by default)
    (delivery,) = deliveries(nirva, headers, job["id"])
    assert delivery["status"] == "CREATED" and delivery["shipments"] == []
    nirva_mock.clock.advance(duration="1h")
    (delivery,) = deliveries(nirva, headers, job["id"])
    assert delivery["status"] == "OUTPUTTED"
    assert [s["status"] for s in delivery["shipments"]] == [250, 250]

    # shipments move 250 -> 300 -> 400 -> 600 -> 610 and are final within 7 days
    seen: list[int] = []
    for _ in range(7 * 24):
        nirva_mock.clock.advance(duration="1h")
        status = deliveries(nirva, headers, job["id"])[0]["shipments"][0]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
    assert seen == [300, 400, 600, 610]
    paris, brussels = deliveries(nirva, headers, job["id"])[0]["shipments"]
    assert paris["statusLabel"] == "Delivered"

    # metadata: the tracking number and the three files
    number = meta(paris, "TRACKING", "SHORT_VALUE", "TRACKING")
    assert number is not None and number.startswith("RR") and number.endswith("FR")
    assert (meta(brussels, "TRACKING", "SHORT_VALUE", "TRACKING") or "").endswith("BE")
    for name in ("TRACKING_DETAIL", "ACKN", "CERTIF"):
        assert meta(paris, "TRACKING", "FILE", name)

    # proofs
    detail = nirva.get(f"/shipments/{paris['id']}/trackingFile/TRACKING_DETAIL", headers=headers)
    assert detail.headers["content-type"].startswith("application/json")
    body = detail.json()
    assert body["provider"] == "LaPoste_Fr" and body["shipment"]["idShip"] == number
    assert [e["code"] for e in body["shipment"]["event"]] == ["DI1", "PC1", "DR1"]
    brussels_detail = nirva.get(f"/shipments/{brussels['id']}/trackingFile/TRACKING_DETAIL", headers=headers)
    assert brussels_detail.json()["provider"] == "LaPoste_Be"
    for name in ("ACKN", "CERTIF"):
        proof = nirva.get(f"/shipments/{paris['id']}/trackingFile/{name}", headers=headers)
        assert proof.status_code == 200
        assert proof.headers["content-type"] == "application/pdf"
        assert proof.content.startswith(b"%PDF-")
        assert f"{name}_{paris['id']}.pdf" in proof.headers["content-disposition"]
        # the metadata value (the file name) finds the same file
        file_name = meta(paris, "TRACKING", "FILE", name)
        by_file_name = nirva.get(f"/shipments/{paris['id']}/trackingFile/{file_name}", headers=headers)
        assert by_file_name.content == proof.content

    # logout
    assert nirva.post("/authentication/logout", headers=headers).status_code == 200
    assert is_envelope(nirva.get(f"/jobs/{job['id']}", headers=headers), 401)


def test_multichannel_job_gives_one_delivery_per_channel(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    pdf = pdf_of(letter(PARIS), letter(["Anna Martin", "anna.martin@example.com"]), letter(PARIS))
    job = create_job(nirva, headers, pdf, part="file_main5031_0", serviceId="104")
    nirva_mock.clock.advance(duration="1h")
    found = deliveries(nirva, headers, job["id"])
    assert [(d["channel"], len(d["packGroupIds"])) for d in found] == [("MAIL", 2), ("EMAIL", 1)]
    assert all(d["status"] == "OUTPUTTED" for d in found)
    nirva_mock.clock.advance(duration="7d")
    mail, email = deliveries(nirva, headers, job["id"])
    assert {s["status"] for s in mail["shipments"]} == {610}
    assert [s["status"] for s in email["shipments"]] == [715]
    assert mail["shipments"][0]["metadata"] == []  # plain mail has no tracking


def test_email_path(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    job = create_job(
        nirva, headers, pdf_of(letter(["a@example.com"])), part="file__file_EMAIL_0", serviceId="103"
    )
    nirva_mock.clock.advance(duration="1h")  # output at 10:00
    seen = []
    for step in ["5m"] * 12 + ["1d"]:
        nirva_mock.clock.advance(duration=step)
        status = deliveries(nirva, headers, job["id"])[0]["shipments"][0]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
    assert seen == [250, 300, 700, 710, 715]


def test_email_requirement_without_address_is_not_eligible(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    job = create_job(nirva, headers, pdf_of(letter(PARIS)), part="file__file_EMAIL_0", serviceId="103")
    nirva_mock.clock.advance(duration="1m")
    group = nirva.get(f"/jobs/{job['id']}/packGroups", headers=headers).json()[0]
    assert group["status"] == "NOT_ELIGIBLE"
    assert group["eligibility"][0]["requirements"][0]["name"] == "EMAIL"


@pytest.mark.mockpost(options={"nirva": {"output_every": "1d"}})
def test_output_trigger_schedule_is_an_option(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    job = create_job(nirva, headers, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="14h")  # 09:00 -> 23:00
    assert deliveries(nirva, headers, job["id"])[0]["status"] == "CREATED"
    nirva_mock.clock.advance(duration="1h")  # midnight UTC
    assert deliveries(nirva, headers, job["id"])[0]["status"] == "OUTPUTTED"


def outputted_shipment(mock: Mockpost, client: httpx.Client, headers: dict[str, str], **params: Any) -> Any:
    job = create_job(client, headers, pdf_of(letter(PARIS)), **params)
    mock.clock.advance(duration="1h")
    return deliveries(client, headers, job["id"])[0]["shipments"][0]


def test_forced_failure_codes_and_their_tracking(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    shipment = outputted_shipment(nirva_mock, nirva, headers, serviceId="102", part="file__file_REGISTERED_0")
    for code in ("300", "400", "600"):
        nirva_mock.transition("nirva", headers, resource="shipment", id=str(shipment["id"]), state=code)
    moved = nirva_mock.transition("nirva", headers, resource="shipment", id=str(shipment["id"]), state="-614")
    assert moved["status"] == -614 and moved["statusLabel"] == "Incorrect address"
    detail = nirva.get(f"/shipments/{shipment['id']}/trackingFile/TRACKING_DETAIL", headers=headers).json()
    assert detail["shipment"]["isFinal"] is True and detail["shipment"]["event"][0]["code"] == "ND1"
    nirva_mock.clock.advance(duration="7d")  # no timed step after a failure
    assert nirva.get(f"/shipments/{shipment['id']}", headers=headers).json()["status"] == -614
    missing = nirva.get(f"/shipments/{shipment['id']}/trackingFile/ACKN", headers=headers)
    assert is_envelope(missing, 404)


def test_cancellation_before_and_after_printing(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    first = outputted_shipment(nirva_mock, nirva, headers)
    cancelled = nirva_mock.transition(
        "nirva", headers, resource="shipment", id=str(first["id"]), state="-900"
    )
    assert cancelled["status"] == -900
    second = outputted_shipment(nirva_mock, nirva, headers)
    refused = nirva_mock.client().post(
        "/_mockpost/nirva/transition",
        json={"resource": "shipment", "id": str(second["id"]), "state": "-910"},
        headers=headers,
    )
    assert refused.status_code == 409  # not printed yet
    nirva_mock.transition("nirva", headers, resource="shipment", id=str(second["id"]), state="300")
    nirva_mock.transition("nirva", headers, resource="shipment", id=str(second["id"]), state="400")
    after = nirva_mock.transition("nirva", headers, resource="shipment", id=str(second["id"]), state="-910")
    assert after["statusLabel"] == "Cancelled, after printing"


def test_forced_job_and_delivery_transitions(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    job = create_job(nirva, headers, pdf_of(letter(PARIS)))
    failed = nirva_mock.transition(
        "nirva", headers, resource="job", id=str(job["id"]), state="PROCESSING_ERROR", reason="bad fonts"
    )
    assert failed["status"] == "PROCESSING_ERROR" and failed["errorMessage"] == "bad fonts"
    other = create_job(nirva, headers, pdf_of(letter(PARIS)))
    nirva_mock.transition("nirva", headers, resource="job", id=str(other["id"]), state="PACK_GROUP_CREATED")
    nirva_mock.transition("nirva", headers, resource="job", id=str(other["id"]), state="CREATED")
    (delivery,) = deliveries(nirva, headers, other["id"])
    outputted = nirva_mock.transition(
        "nirva", headers, resource="delivery", id=str(delivery["id"]), state="OUTPUTTED"
    )
    assert outputted["status"] == "OUTPUTTED" and len(outputted["shipments"]) == 1
    control = nirva_mock.client()
    for request, status in (
        ({"resource": "job", "id": str(other["id"]), "state": "PROCESSING"}, 409),
        ({"resource": "job", "id": "999999", "state": "CREATED"}, 404),
        ({"resource": "robot", "id": "1", "state": "x"}, 404),
        ({"resource": "shipment", "id": str(outputted["shipments"][0]["id"]), "state": "123"}, 422),
    ):
        assert (
            control.post("/_mockpost/nirva/transition", json=request, headers=headers).status_code == status
        )


def test_state_dump_shows_the_organisation(nirva_mock: Mockpost, nirva: httpx.Client) -> None:
    headers = sign_in(nirva)
    create_job(nirva, headers, pdf_of(letter(PARIS)))
    nirva_mock.clock.advance(duration="1h")
    state = nirva_mock.state("nirva", headers)
    assert state["organisation"]["name"] == "Demo organisation"
    assert state["jobs"][0]["deliveries"][0]["status"] == "OUTPUTTED"
    assert "password" not in json.dumps(state["users"])
