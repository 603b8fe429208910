"""Workflows and jobs: creation rules, the pre-signed upload, the 2-hour window and the statuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    JOB_STATUSES,
    PRINT_ADDRESS,
    JobFactory,
    Upload,
    Workflow,
    assert_nest_error,
    is_iso_utc,
    message_text,
    now_of,
    parse_instant,
    recipients_pdf,
)

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost


def payload_pdf_body(workflow_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "workflowId": workflow_id,
        "jobName": "Invoice 42",
        "filename": "invoice.pdf",
        "payload": {"channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}]},
        **fields,
    }


def word_body(workflow_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "workflowId": workflow_id,
        "jobName": "Welcome letter",
        "payload": {
            "channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}],
            "templateData": {"firstName": "Ann"},
        },
        **fields,
    }


def tampered(url: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["signature"] = "0" * 64
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- workflows ----------------------------------------------------------------------------------


def test_seeded_workflows_cover_every_input_source(epc: httpx.Client) -> None:
    response = epc.get("/workflows")
    assert response.status_code == 200
    workflows = response.json()
    assert isinstance(workflows, list)
    sources = {w["inputSource"] for w in workflows}
    assert {"SINGLE_FILE", "PAYLOAD_PDF", "PAYLOAD_WORD"} <= sources
    assert any(not w["enabled"] for w in workflows)
    assert any(not w["validated"] for w in workflows)
    assert any("EASY_PRINT" in [t["type"] for t in w["tasks"]] for w in workflows)
    for item in workflows:
        assert isinstance(item["id"], str) and isinstance(item["name"], str)
        assert isinstance(item["tasks"], list)


def test_workflow_by_id_and_unknown_id(epc: httpx.Client, workflow: Workflow) -> None:
    chosen = workflow("PAYLOAD_PDF")
    response = epc.get(f"/workflows/{chosen['id']}")
    assert response.status_code == 200
    assert response.json() == chosen
    assert_nest_error(epc.get("/workflows/00000000-0000-4000-8000-000000000000"), 404)


def test_workflows_page_with_max_items_and_after(epc: httpx.Client) -> None:
    everything = epc.get("/workflows").json()
    assert len(everything) >= 3
    first = epc.get("/workflows", params={"maxItems": 2}).json()
    assert first == everything[:2]
    rest = epc.get("/workflows", params={"maxItems": 100, "after": first[-1]["id"]}).json()
    assert rest == everything[2:]


# -- creation rules ------------------------------------------------------------------------------


def test_single_file_job_is_created_awaiting_its_file(
    epc: httpx.Client, workflow: Workflow, sandbox: Mockpost
) -> None:
    wf = workflow("SINGLE_FILE")
    response = epc.post(
        "/jobs/single-file",
        json={"workflowId": wf["id"], "jobName": "March letters", "filename": "letters.pdf"},
    )
    assert response.status_code == 201, response.text
    job = response.json()
    assert isinstance(job["id"], str)
    assert job["status"] == "AWAITING_FOR_FILE"
    assert job["jobName"] == "March letters"
    assert job["workflowId"] == wf["id"]
    assert isinstance(job["fileUploadUrl"], str) and job["fileUploadUrl"].startswith("http")
    assert parse_instant(job["startDate"]) == now_of(sandbox)
    fetched = epc.get(f"/jobs/{job['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["status"] == "AWAITING_FOR_FILE"
    assert fetched.json()["id"] == job["id"]


def test_payload_pdf_job_returns_an_upload_url(epc: httpx.Client, workflow: Workflow) -> None:
    response = epc.post("/jobs/payload-pdf", json=payload_pdf_body(workflow("PAYLOAD_PDF")["id"]))
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "AWAITING_FOR_FILE"
    assert isinstance(response.json()["fileUploadUrl"], str)


def test_payload_pdf_filename_must_be_a_pdf(epc: httpx.Client, workflow: Workflow) -> None:
    body = payload_pdf_body(workflow("PAYLOAD_PDF")["id"], filename="invoice.docx")
    assert_nest_error(epc.post("/jobs/payload-pdf", json=body), 415)
    assert epc.get("/jobs").json() == []


def test_single_file_extension_the_workflow_does_not_take(epc: httpx.Client, workflow: Workflow) -> None:
    body = {"workflowId": workflow("SINGLE_FILE")["id"], "jobName": "x", "filename": "notes.txt"}
    assert_nest_error(epc.post("/jobs/single-file", json=body), 415)


@pytest.mark.parametrize("missing", ["workflowId", "jobName", "filename", "payload"])
def test_payload_pdf_required_fields(epc: httpx.Client, workflow: Workflow, missing: str) -> None:
    body = payload_pdf_body(workflow("PAYLOAD_PDF")["id"])
    del body[missing]
    response = epc.post("/jobs/payload-pdf", json=body)
    assert_nest_error(response, 400)
    assert missing in message_text(response)


@pytest.mark.parametrize(
    ("identifier", "named"),
    [
        ({"kind": "CARRIER_PIGEON", "value": "x"}, "kind"),
        ({"kind": "ADDRESS", "value": "Wetstraat 16, 1000 Brussel"}, "ADDRESS"),
    ],
)
def test_undocumented_kind_or_unstructured_address_is_refused(
    epc: httpx.Client, workflow: Workflow, identifier: dict[str, str], named: str
) -> None:
    """The kind must be one of the documented ones, and payload workflows take no `ADDRESS`."""
    body = payload_pdf_body(workflow("PAYLOAD_PDF")["id"])
    body["payload"]["channelIdentifiers"] = [identifier]
    response = epc.post("/jobs/payload-pdf", json=body)
    assert_nest_error(response, 400)
    assert named in message_text(response)


def test_unknown_workflow_is_not_found(epc: httpx.Client) -> None:
    body = payload_pdf_body("00000000-0000-4000-8000-000000000000")
    assert_nest_error(epc.post("/jobs/payload-pdf", json=body), 404)


@pytest.mark.parametrize(
    ("source", "enabled", "validated"),
    [("SINGLE_FILE", False, True), ("PAYLOAD_PDF", True, False)],
)
def test_disabled_or_unvalidated_workflow_is_refused(
    sandbox: Mockpost, epc: httpx.Client, workflow: Workflow, source: str, enabled: bool, validated: bool
) -> None:
    wf = workflow(source, enabled=enabled, validated=validated)
    path = "/jobs/single-file" if source == "SINGLE_FILE" else "/jobs/payload-pdf"
    assert_nest_error(epc.post(path, json=payload_pdf_body(wf["id"])), 400)
    assert epc.get("/jobs").json() == []


def test_workflow_of_another_input_source_is_refused(epc: httpx.Client, workflow: Workflow) -> None:
    assert_nest_error(
        epc.post("/jobs/payload-pdf", json=payload_pdf_body(workflow("SINGLE_FILE")["id"])), 400
    )
    assert_nest_error(epc.post("/jobs/payload-word", json=word_body(workflow("PAYLOAD_PDF")["id"])), 400)
    single = {"workflowId": workflow("PAYLOAD_WORD")["id"], "jobName": "x", "filename": "a.pdf"}
    assert_nest_error(epc.post("/jobs/single-file", json=single), 400)


def test_print_task_needs_a_structured_address(epc: httpx.Client, workflow: Workflow) -> None:
    wf = workflow("PAYLOAD_PDF", task="EASY_PRINT")
    assert_nest_error(epc.post("/jobs/payload-pdf", json=payload_pdf_body(wf["id"])), 400)
    body = payload_pdf_body(wf["id"])
    body["payload"]["channelIdentifiers"] = PRINT_ADDRESS
    assert epc.post("/jobs/payload-pdf", json=body).status_code == 201


def test_payload_word_job_needs_template_data_and_no_upload(
    sandbox: Mockpost, epc: httpx.Client, workflow: Workflow, events_of: Callable[[str], Any]
) -> None:
    wf = workflow("PAYLOAD_WORD")
    body = word_body(wf["id"])
    del body["payload"]["templateData"]
    response = epc.post("/jobs/payload-word", json=body)
    assert_nest_error(response, 400)
    assert "templateData" in message_text(response)

    created = epc.post("/jobs/payload-word", json=word_body(wf["id"]))
    assert created.status_code == 201, created.text
    job = created.json()
    assert "fileUploadUrl" not in job
    assert job["status"] == "PROCESSING"
    sandbox.clock.advance(duration="2m")
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "IN_PROGRESS"
    assert len(events_of(job["id"])) == 1
    sandbox.clock.advance(duration="7d")
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "COMPLETED"


# -- upload and the 2-hour window ----------------------------------------------------------------


def test_upload_needs_no_key_and_starts_processing(
    epc: httpx.Client, single_file_job: JobFactory, upload: Upload
) -> None:
    job = single_file_job()
    response = upload(job["fileUploadUrl"], recipients_pdf("ann@example.be"))
    assert response.status_code == 200
    assert response.headers.get("etag")
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "PROCESSING"


def test_tampered_upload_url_is_forbidden(
    epc: httpx.Client, single_file_job: JobFactory, upload: Upload
) -> None:
    job = single_file_job()
    assert_nest_error(upload(tampered(job["fileUploadUrl"]), recipients_pdf("a@example.be")), 403)
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"


def test_job_without_file_is_deleted_after_two_hours(
    sandbox: Mockpost, epc: httpx.Client, single_file_job: JobFactory, upload: Upload
) -> None:
    job = single_file_job()
    sandbox.clock.advance(duration="1h59m")
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"
    sandbox.clock.advance(duration="1m")
    assert_nest_error(epc.get(f"/jobs/{job['id']}"), 404)
    assert job["id"] not in [j["id"] for j in epc.get("/jobs").json()]
    assert_nest_error(upload(job["fileUploadUrl"], recipients_pdf("a@example.be")), 403)


def test_job_with_file_is_kept_past_two_hours(
    sandbox: Mockpost, epc: httpx.Client, uploaded_job: JobFactory
) -> None:
    job = uploaded_job("ann@example.be")
    sandbox.clock.advance(duration="3h")
    assert epc.get(f"/jobs/{job['id']}").status_code == 200


def test_job_runs_to_completed_with_one_event_per_page(
    sandbox: Mockpost, epc: httpx.Client, uploaded_job: JobFactory, events_of: Callable[[str], Any]
) -> None:
    job = uploaded_job("ann@example.be", "bob@example.be", "cas@example.be")
    seen = [epc.get(f"/jobs/{job['id']}").json()["status"]]
    assert events_of(job["id"]) == [] or seen == ["PROCESSING"]
    sandbox.clock.advance(duration="2m")
    seen.append(epc.get(f"/jobs/{job['id']}").json()["status"])
    assert len(events_of(job["id"])) == 3
    sandbox.clock.advance(duration="7d")
    seen.append(epc.get(f"/jobs/{job['id']}").json()["status"])
    assert seen == ["PROCESSING", "IN_PROGRESS", "COMPLETED"]
    assert set(seen) <= JOB_STATUSES


def test_a_file_that_is_not_what_the_workflow_takes_fails_the_job(
    sandbox: Mockpost,
    epc: httpx.Client,
    single_file_job: JobFactory,
    upload: Upload,
    events_of: Callable[[str], Any],
) -> None:
    job = single_file_job()
    assert upload(job["fileUploadUrl"], b"this is not a pdf at all").status_code == 200
    sandbox.clock.advance(duration="7d")
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "FAILED"
    assert events_of(job["id"]) == []


def test_csv_file_yields_one_event_per_row(
    sandbox: Mockpost, single_file_job: JobFactory, upload: Upload, events_of: Callable[[str], Any]
) -> None:
    job = single_file_job(filename="people.csv")
    csv = b"EMAIL_ADDRESS;FIRST_NAME\nann@example.be;Ann\nbob@example.be;Bob\n"
    assert upload(job["fileUploadUrl"], csv).status_code == 200
    sandbox.clock.advance(duration="5m")
    assert len(events_of(job["id"])) == 2


def test_payload_pdf_job_makes_one_event_after_upload(
    sandbox: Mockpost,
    epc: httpx.Client,
    workflow: Workflow,
    upload: Upload,
    events_of: Callable[[str], Any],
) -> None:
    job = epc.post("/jobs/payload-pdf", json=payload_pdf_body(workflow("PAYLOAD_PDF")["id"])).json()
    assert upload(job["fileUploadUrl"], make_pdf([["page 1"], ["page 2"]])).status_code == 200
    sandbox.clock.advance(duration="5m")
    assert len(events_of(job["id"])) == 1


# -- listing -------------------------------------------------------------------------------------


def test_jobs_list_ascending_start_date_and_pages(
    sandbox: Mockpost, epc: httpx.Client, single_file_job: JobFactory
) -> None:
    ids = []
    for _ in range(5):
        ids.append(single_file_job()["id"])
        sandbox.clock.advance(60)
    listed = epc.get("/jobs")
    assert listed.status_code == 200
    assert [j["id"] for j in listed.json()] == ids
    starts = [parse_instant(j["startDate"]) for j in listed.json()]
    assert starts == sorted(starts)
    first = epc.get("/jobs", params={"maxItems": 2}).json()
    second = epc.get("/jobs", params={"maxItems": 2, "after": first[-1]["id"]}).json()
    third = epc.get("/jobs", params={"maxItems": 2, "after": second[-1]["id"]}).json()
    assert [j["id"] for j in first + second + third] == ids
    assert len(third) == 1


def test_jobs_list_defaults_to_100_items(epc: httpx.Client, single_file_job: JobFactory) -> None:
    for _ in range(101):
        single_file_job()
    assert len(epc.get("/jobs").json()) == 100
    assert len(epc.get("/jobs", params={"maxItems": 100}).json()) == 100


@pytest.mark.parametrize("value", ["0", "101", "abc", "-1"])
def test_bad_max_items_is_a_bad_request(epc: httpx.Client, value: str) -> None:
    assert_nest_error(epc.get("/jobs", params={"maxItems": value}), 400)


def test_after_an_id_the_list_never_held_is_a_bad_request(epc: httpx.Client) -> None:
    # ambiguous: the reference does not say; a 400 "invalid cursor" is the mock's reading.
    assert_nest_error(epc.get("/jobs", params={"after": "nope"}), 400)


def test_jobs_filters_status_workflow_and_period(
    sandbox: Mockpost,
    epc: httpx.Client,
    single_file_job: JobFactory,
    uploaded_job: JobFactory,
    workflow: Workflow,
) -> None:
    waiting = single_file_job()
    sandbox.clock.advance(duration="10m")
    middle = now_of(sandbox)
    sandbox.clock.advance(duration="10m")
    running = uploaded_job("ann@example.be")
    word = epc.post("/jobs/payload-word", json=word_body(workflow("PAYLOAD_WORD")["id"])).json()

    def ids(**params: Any) -> list[str]:
        response = epc.get("/jobs", params=params)
        assert response.status_code == 200, response.text
        return [j["id"] for j in response.json()]

    assert ids(status="AWAITING_FOR_FILE") == [waiting["id"]]
    assert set(ids(status="PROCESSING")) == {running["id"], word["id"]}
    assert ids(workflowId=workflow("PAYLOAD_WORD")["id"]) == [word["id"]]
    iso = middle.isoformat().replace("+00:00", "Z")
    assert ids(until=iso) == [waiting["id"]]
    assert set(ids(**{"from": iso})) == {running["id"], word["id"]}
    assert_nest_error(epc.get("/jobs", params={"status": "NOT_A_STATUS"}), 400)
    assert_nest_error(epc.get("/jobs", params={"from": "yesterday"}), 400)


def test_unknown_job_is_not_found(epc: httpx.Client) -> None:
    assert_nest_error(epc.get("/jobs/00000000-0000-4000-8000-000000000000"), 404)


def test_job_timestamps_are_iso_utc(epc: httpx.Client, single_file_job: JobFactory) -> None:
    job = epc.get(f"/jobs/{single_file_job()['id']}").json()
    assert is_iso_utc(job["startDate"])


def test_scheduled_execution_date_holds_the_events(
    sandbox: Mockpost, epc: httpx.Client, uploaded_job: JobFactory, events_of: Callable[[str], Any]
) -> None:
    later = (now_of(sandbox) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    job = uploaded_job("ann@example.be", sendingEventExecutionDateUtc=later)
    sandbox.clock.advance(duration="5m")
    assert [e["businessStatus"] for e in events_of(job["id"])] == ["SCHEDULED"]
    sandbox.clock.advance(duration="1d")
    assert events_of(job["id"])[0]["businessStatus"] != "SCHEDULED"
