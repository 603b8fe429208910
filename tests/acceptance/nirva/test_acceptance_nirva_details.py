"""Smaller documented details a client meets: methods, slashes, part forms, sessions, deliveries."""

from __future__ import annotations

import json

from nirva_acceptance_client import PARIS, Nirva, assert_error, letters


def test_header_name_is_case_insensitive(nirva):
    response = nirva.http.get("/options", headers={"x-auth-token": nirva.token})
    assert response.status_code == 200


def test_parameters_may_come_as_a_json_file_part(nirva):
    service = nirva.service("MAIL")
    box = nirva.main_box(service)
    parameters = json.dumps({"autocreateDeliveryCommand": True, "jobName": "j", "serviceId": service["id"]})
    response = nirva.post(
        "/jobs",
        files=[
            (f"file__file_{box['name']}_0", ("a.pdf", letters(PARIS), "application/pdf")),
            ("parameters", ("parameters.json", parameters.encode(), "application/json")),
        ],
    )
    assert response.status_code == 200, response.text
    assert nirva.wait_job(nirva.job_id(response.json()), "CREATED")


def test_a_file_only_in_a_box_that_is_not_main_is_400(nirva):
    service = next(s for s in nirva.profile["services"] if any(b["type"] != "MAIN" for b in s["boxes"]))
    other = next(b for b in service["boxes"] if b["type"] != "MAIN")
    response = nirva.send([(f"file_main{other['id']}_0", letters(PARIS))], {"serviceId": service["id"]})
    assert_error(response, 400)


def test_parameters_of_the_wrong_type_are_400(nirva):
    assert_error(nirva.send_letter(autocreateDeliveryCommand="sometimes"), 400)


def test_wrong_method_is_405_in_the_envelope(nirva):
    assert_error(nirva.http.delete("/jobs", headers=nirva.headers), 405)


def test_logging_out_twice_is_401_the_second_time(nirva):
    assert nirva.post("/authentication/logout").status_code == 200
    assert_error(nirva.post("/authentication/logout"), 401)


def test_a_new_session_after_logout_works(clocked):
    client = Nirva(clocked).authenticate()
    client.post("/authentication/logout")
    client.authenticate()
    assert client.get("/options").status_code == 200


def test_deliveries_have_no_shipments_before_output(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_job(job_id, "CREATED")
    (delivery,) = nirva.deliveries(job_id)
    assert delivery["status"] != "OUTPUTTED"
    assert delivery["shipments"] == []


def test_tracking_file_may_be_asked_by_its_file_name(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS), channel="REGISTERED_MAIL"))
    nirva.wait_outputted(job_id)
    nirva.mock.clock.advance(duration="7d")
    (shipment,) = nirva.shipments(job_id)
    ackn = next(m for m in shipment["metadata"] if m["name"] == "ACKN")
    response = nirva.get(f"/shipments/{shipment['id']}/trackingFile/{ackn['value']}")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_email_document_without_an_address_is_not_eligible(nirva):
    from mockpost.core.pdf import make_pdf

    job = nirva.create_job(make_pdf([["No address at all here", "Page 1/1"]]), channel="EMAIL")
    tracked = nirva.wait_job(nirva.job_id(job), "PACK_GROUP_CREATED", "CREATED", "PROCESSING_ERROR")
    assert tracked["packGroupCountPerStates"] == {"NOT_ELIGIBLE": 1}


def test_editing_a_pack_group_in_delivery_is_409(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_job(job_id, "CREATED")
    (group,) = nirva.pack_groups(job_id)
    response = nirva.post(
        f"/packGroups/{group['id']}/edit", json={"requirements": [{"name": "ADDRESS", "raw": "x"}]}
    )
    assert_error(response, 409)


def test_webhook_can_be_removed(nirva):
    control = nirva.mock.client()
    nirva.set_webhook(nirva.mock.inbox_url("nirva"))
    assert control.get("/_mockpost/nirva/webhook", headers=nirva.headers).json()["url"]
    assert control.delete("/_mockpost/nirva/webhook", headers=nirva.headers).status_code == 204
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    assert nirva.mock.inbox("nirva") == []


def test_attachment_box_pages_are_added_to_every_document(nirva):
    from mockpost.core.pdf import make_pdf

    service = next(s for s in nirva.profile["services"] if len(s["boxes"]) > 1)
    main = nirva.main_box(service)
    annex = next(b for b in service["boxes"] if b["type"] != "MAIN")
    response = nirva.send(
        [
            (f"file_main{main['id']}_0", letters(PARIS, PARIS)),
            (f"file_main{annex['id']}_0", make_pdf([["Terms"], ["Conditions"]])),
        ],
        {"serviceId": service["id"], "autocreateDeliveryCommand": False},
    )
    assert response.status_code == 200, response.text
    job_id = nirva.job_id(response.json())
    nirva.wait_job(job_id, "PACK_GROUP_CREATED")
    groups = nirva.pack_groups(job_id)
    assert len(groups) == 2
    # ambiguous: the page count field is ours; each letter page plus the two attached pages
    assert [g["pageCount"] for g in groups] == [3, 3]


def test_administrator_sees_the_jobs_of_the_organisation(nirva, admin):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    assert admin.job(job_id)["status"]
    assert admin.wait_job(job_id, "CREATED")
    assert len(admin.deliveries(job_id)) == 1


def test_a_shipment_can_be_read_by_its_id(nirva):
    job_id = nirva.job_id(nirva.create_job(letters(PARIS)))
    nirva.wait_outputted(job_id)
    (listed,) = nirva.shipments(job_id)
    response = nirva.get(f"/shipments/{listed['id']}")
    assert response.status_code == 200
    assert response.json()["status"] == listed["status"]
