"""Job creation (multipart) and job tracking: statuses, packGroups, packGroupCountPerStates."""

from __future__ import annotations

import pytest
from nirva_acceptance_client import BRUSSELS, LYON, PARIS, letters

from mockpost.core.pdf import make_pdf


def part_name(spelling: str, box: dict) -> str:
    return {
        "simple": f"file__file_{box['name']}_0",  # the simple-mode page
        "samples": f"file_file__{box['name']}_0",  # the samples page
        "advanced": f"file_main{box['id']}_0",  # the advanced-mode page: file_main<BoxID>_<n>
    }[spelling]


@pytest.mark.parametrize("spelling", ["simple", "samples", "advanced"])
def test_each_documented_file_part_spelling_creates_a_job(nirva, spelling):
    service = nirva.service("MAIL")
    box = nirva.main_box(service)
    response = nirva.send(
        [(part_name(spelling, box), letters(PARIS, BRUSSELS))],
        {"autocreateDeliveryCommand": True, "jobName": "my job name", "serviceId": service["id"]},
    )
    assert response.status_code == 200, response.text
    job = response.json()
    job_id = nirva.job_id(job)
    assert job_id is not None
    assert job["jobName"] == "my job name"
    done = nirva.wait_job(job_id, "CREATED")
    assert sum(done["packGroupCountPerStates"].values()) == 2


def test_multi_page_pdf_is_split_into_one_pack_group_per_document(nirva):
    pdf = letters(PARIS, BRUSSELS, LYON, pages_each=3)
    job = nirva.create_job(pdf, autocreate=False)
    job_id = nirva.job_id(job)
    created = nirva.wait_job(job_id, "PACK_GROUP_CREATED")
    groups = nirva.pack_groups(job_id)
    assert len(groups) == 3
    assert sum(created["packGroupCountPerStates"].values()) == 3
    assert "NOT_ELIGIBLE" not in created["packGroupCountPerStates"]


def test_job_goes_through_pack_group_created_to_created_on_the_clock(nirva):
    job = nirva.create_job(letters(PARIS))
    job_id = nirva.job_id(job)
    assert job["status"] not in ("CREATED", "PROCESSING_ERROR")  # processing has not run yet
    seen = [nirva.job(job_id)["status"]]
    for _ in range(30):
        nirva.mock.clock.advance(duration="5s")
        status = nirva.job(job_id)["status"]
        if status != seen[-1]:
            seen.append(status)
    assert seen[-1] == "CREATED"
    assert "PACK_GROUP_CREATED" in seen
    # The simple-mode advice: with a job in PACK_GROUP_CREATED, check the deliveries are created.
    assert len(nirva.deliveries(job_id)) == 1


def test_single_document_job_is_created_within_two_minutes(nirva):
    job = nirva.create_job(letters(PARIS))
    nirva.mock.clock.advance(duration="2m")
    assert nirva.job(nirva.job_id(job))["status"] == "CREATED"


def test_files_in_several_boxes_and_counters(nirva):
    service = nirva.service("MAIL")
    box = nirva.main_box(service)
    response = nirva.send(
        [
            (f"file_main{box['id']}_0", letters(PARIS)),
            (f"file_main{box['id']}_1", letters(BRUSSELS)),
        ],
        {"autocreateDeliveryCommand": False, "jobName": "two files", "serviceId": service["id"]},
    )
    assert response.status_code == 200, response.text
    job_id = nirva.job_id(response.json())
    nirva.wait_job(job_id, "PACK_GROUP_CREATED")
    assert len(nirva.pack_groups(job_id)) == 2


def test_service_id_may_be_sent_as_the_documented_quoted_string(nirva):
    service = nirva.service("MAIL")
    box = nirva.main_box(service)
    response = nirva.send(
        [(f"file__file_{box['name']}_0", letters(PARIS))],
        f'{{"autocreateDeliveryCommand":true, "jobName": "my job name", "serviceId":"{service["id"]}"}}',
    )
    assert response.status_code == 200, response.text


def test_a_file_that_is_not_a_pdf_ends_in_processing_error(nirva):
    job = nirva.create_job(b"this is plain text, not a PDF")
    done = nirva.wait_job(nirva.job_id(job), "PROCESSING_ERROR", "CREATED")
    assert done["status"] == "PROCESSING_ERROR"
    assert nirva.deliveries(nirva.job_id(job)) == []


def test_a_pdf_that_cannot_be_split_ends_in_processing_error(nirva):
    # the first page has no `Page 1/N` marker while later pages do: there is no way to cut it.
    pdf = make_pdf([["Some cover text"], [*PARIS, "Page 1/1"]])
    job = nirva.create_job(pdf)
    done = nirva.wait_job(nirva.job_id(job), "PROCESSING_ERROR", "CREATED")
    assert done["status"] == "PROCESSING_ERROR"


def test_truncated_pdf_ends_in_processing_error(nirva):
    job = nirva.create_job(letters(PARIS)[:120])
    done = nirva.wait_job(nirva.job_id(job), "PROCESSING_ERROR", "CREATED")
    assert done["status"] == "PROCESSING_ERROR"


def test_pack_group_count_per_states_reports_one_not_eligible(nirva):
    job = nirva.create_job(make_pdf([["Nobody", "somewhere without a town", "Page 1/1"]]))
    job_id = nirva.job_id(job)
    nirva.mock.clock.advance(duration="2m")
    tracked = nirva.job(job_id)
    assert tracked["status"] == "PACK_GROUP_CREATED"
    assert tracked["packGroupCountPerStates"] == {"NOT_ELIGIBLE": 1}
    # and it stays there: a job with a NOT_ELIGIBLE packGroup never gets deliveries by itself
    nirva.mock.clock.advance(duration="1h")
    assert nirva.job(job_id)["status"] == "PACK_GROUP_CREATED"
    assert nirva.deliveries(job_id) == []


def test_pack_groups_of_a_job_show_their_status(nirva):
    job = nirva.create_job(letters(PARIS, BRUSSELS), autocreate=False)
    job_id = nirva.job_id(job)
    nirva.wait_job(job_id, "PACK_GROUP_CREATED")
    groups = nirva.pack_groups(job_id)
    assert len(groups) == 2
    assert all(g["id"] is not None for g in groups)
    assert all(g["status"] != "NOT_ELIGIBLE" for g in groups)


def test_created_job_echoes_its_parameters(nirva):
    service = nirva.service("MAIL")
    job = nirva.create_job(letters(PARIS), autocreate=False)
    assert str(job["serviceId"]) == str(service["id"])
    assert job["autocreateDeliveryCommand"] is False
    assert "packGroupCountPerStates" in job
