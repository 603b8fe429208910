"""Workflows (seeded, read-only) and jobs: creation rules, upload, expiry, processing, listing."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from easypost_connect_support import (
    EMAIL_ONLY,
    STRUCTURED,
    error_of,
    messages,
    payload_pdf_job,
    pdf,
    single_file_job,
    upload,
    workflows,
)

from mockpost.testing import Mockpost


# -- workflows --------------------------------------------------------------------------------
def test_seeded_workflows_cover_every_role(ep: httpx.Client) -> None:
    found = workflows(ep)
    assert set(found) == {"single-file", "payload-pdf", "payload-word", "print", "disabled", "not-validated"}
    assert {w["inputSource"] for w in ep.get("/workflows").json()} == {
        "SINGLE_FILE",
        "PAYLOAD_PDF",
        "PAYLOAD_WORD",
    }
    one = ep.get(f"/workflows/{found['print']['id']}").json()
    assert one == found["print"]
    error_of(ep.get("/workflows/unknown"), 404)


def test_workflows_page_with_max_items_and_after(ep: httpx.Client) -> None:
    everything = ep.get("/workflows").json()
    first = ep.get("/workflows", params={"maxItems": 4}).json()
    rest = ep.get("/workflows", params={"after": first[-1]["id"]}).json()
    assert first + rest == everything
    assert "maxItems must not be greater than 100" in messages(ep.get("/workflows", params={"maxItems": 101}))
    assert "after" in messages(ep.get("/workflows", params={"after": "unknown-id"}))


def test_workflows_added_through_the_control_plane(ep_mock: Mockpost, ep: httpx.Client) -> None:
    response = ep_mock.client().post(
        "/_mockpost/easypost-connect/workflows",
        json={"name": "Extra", "inputSource": "PAYLOAD_PDF", "tasks": [{"type": "SMS"}]},
        headers={"x-api-key": "ep-test-key"},
    )
    assert response.status_code == 201, response.text
    assert ep.get("/workflows").json()[-1]["name"] == "Extra"


# -- creating jobs ----------------------------------------------------------------------------------
def test_single_file_job_awaits_its_file(ep: httpx.Client) -> None:
    job = single_file_job(ep)
    assert job["status"] == "AWAITING_FOR_FILE"
    assert job["fileUploadUrl"].startswith("http://mockpost/easypost-connect/uploads/")
    assert ep.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"


def test_validation_messages_name_the_fields(ep: httpx.Client) -> None:
    text = messages(ep.post("/jobs/single-file", json={"jobName": 5}))
    assert "workflowId should not be empty" in text
    assert "jobName must be a string" in text
    assert "filename should not be empty" in text
    text = messages(
        ep.post(
            "/jobs/payload-pdf",
            json={
                "workflowId": "x",
                "jobName": "j",
                "filename": "a.pdf",
                "payload": {"channelIdentifiers": [{"kind": "NOPE"}]},
            },
        )
    )
    assert "payload.channelIdentifiers.0.kind must be one of the following values" in text
    assert "payload.channelIdentifiers.0.value should not be empty" in text
    assert "sendingEventExecutionDateUtc" in messages(
        ep.post(
            "/jobs/single-file",
            json={
                "workflowId": "x",
                "jobName": "j",
                "filename": "a.pdf",
                "sendingEventExecutionDateUtc": "tomorrow",
            },
        )
    )
    assert messages(ep.post("/jobs/single-file", json=[1]))
    assert "not valid JSON" in messages(ep.post("/jobs/single-file", content=b"{"))


def test_workflow_rules(ep: httpx.Client) -> None:
    found = workflows(ep)

    def create(role: str, path: str = "/jobs/single-file") -> httpx.Response:
        return ep.post(
            path,
            json={
                "workflowId": found[role]["id"],
                "jobName": "j",
                "filename": "a.pdf",
                "payload": {"channelIdentifiers": EMAIL_ONLY},
            },
        )

    assert "disabled" in error_of(create("disabled"), 400)
    assert "not validated" in error_of(create("not-validated", "/jobs/payload-pdf"), 400)
    assert "input source" in error_of(create("payload-pdf"), 400)
    assert "input source" in error_of(create("single-file", "/jobs/payload-pdf"), 400)
    error_of(
        ep.post("/jobs/single-file", json={"workflowId": "nope", "jobName": "j", "filename": "a.pdf"}), 404
    )


def test_filename_extension_rules_are_415(ep: httpx.Client) -> None:
    error_of(payload_pdf_job(ep, filename="invoice.docx"), 415)
    wf = workflows(ep)["single-file"]
    error_of(
        ep.post("/jobs/single-file", json={"workflowId": wf["id"], "jobName": "j", "filename": "a.exe"}), 415
    )


def test_print_task_needs_a_structured_address(ep: httpx.Client) -> None:
    text = messages(payload_pdf_job(ep, EMAIL_ONLY, role="print"))
    assert "structured address" in text and "ADDRESS_STREET" in text
    assert payload_pdf_job(ep, STRUCTURED, role="print").status_code == 201
    text = messages(payload_pdf_job(ep, [{"kind": "ADDRESS", "value": "Rue Neuve 1, 1000 Brussels"}]))
    assert "ADDRESS is not allowed" in text


def test_payload_word_needs_template_data_and_no_upload(ep_mock: Mockpost, ep: httpx.Client) -> None:
    wf = workflows(ep)["payload-word"]
    body = {"workflowId": wf["id"], "jobName": "Welcome", "payload": {"channelIdentifiers": EMAIL_ONLY}}
    assert "templateData" in messages(ep.post("/jobs/payload-word", json=body))
    body["payload"]["templateData"] = {"firstName": "Ann"}
    response = ep.post("/jobs/payload-word", json=body)
    assert response.status_code == 201, response.text
    job = response.json()
    assert "fileUploadUrl" not in job and job["status"] == "PROCESSING"
    ep_mock.clock.advance(duration="7d")
    assert ep.get(f"/jobs/{job['id']}").json()["status"] == "COMPLETED"
    events = ep.get("/sending-events", params={"jobId": job["id"]}).json()
    assert [e["businessStatus"] for e in events] == ["DELIVERED"]


# -- expiry and upload ---------------------------------------------------------------------------------
def test_job_without_file_is_deleted_after_two_hours(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep)
    ep_mock.clock.advance(duration="1h59m59s")
    assert ep.get(f"/jobs/{job['id']}").status_code == 200
    ep_mock.clock.advance(seconds=1)
    error_of(ep.get(f"/jobs/{job['id']}"), 404)
    assert ep.get("/jobs").json() == []
    assert "expired" in error_of(upload(ep_mock, job, pdf()), 403)


def test_uploaded_job_is_not_deleted(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep)
    assert upload(ep_mock, job, pdf()).status_code == 200
    ep_mock.clock.advance(duration="3h")
    assert ep.get(f"/jobs/{job['id']}").json()["status"] in ("IN_PROGRESS", "COMPLETED")


@pytest.mark.parametrize("change", ["signature", "expires", "path", "missing"])
def test_tampered_upload_url_is_403(ep_mock: Mockpost, ep: httpx.Client, change: str) -> None:
    job = single_file_job(ep)
    url = job["fileUploadUrl"]
    base, _, query = url.partition("?")
    if change == "signature":
        url = url[:-4] + ("0000" if not url.endswith("0000") else "1111")
    elif change == "expires":
        url = url.replace("expires=", "expires=9")
    elif change == "path":
        url = base[:-3] + "abc?" + query
    else:
        url = base
    error_of(ep_mock.client().put(url, content=pdf()), 403)
    assert ep.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"


def test_upload_needs_no_api_key_and_answers_an_etag(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep)
    response = upload(ep_mock, job, pdf("Hello"))
    assert response.status_code == 200
    assert response.headers["etag"].startswith('"')
    assert ep.get(f"/jobs/{job['id']}").json()["status"] == "PROCESSING"
    error_of(upload(ep_mock, job, pdf("Again")), 409)


def test_job_lifecycle_to_completed(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep)
    upload(ep_mock, job, pdf("EMAIL_ADDRESS: a@example.be", "EMAIL_ADDRESS: b@example.be", "c@example.be"))
    ep_mock.clock.advance(duration="2m")
    running = ep.get(f"/jobs/{job['id']}").json()
    assert running["status"] == "IN_PROGRESS" and running["sendingEventsCount"] == 3
    ep_mock.clock.advance(duration="7d")
    done = ep.get(f"/jobs/{job['id']}").json()
    assert done["status"] == "COMPLETED" and done["endDate"] is not None


def test_a_file_that_is_not_what_the_workflow_takes_fails_the_job(
    ep_mock: Mockpost, ep: httpx.Client
) -> None:
    job = single_file_job(ep)
    upload(ep_mock, job, b"this is not a pdf")
    ep_mock.clock.advance(duration="5m")
    failed = ep.get(f"/jobs/{job['id']}").json()
    assert failed["status"] == "FAILED" and "not a PDF" in failed["failureReason"]
    assert failed["sendingEventsCount"] == 0


def test_csv_zip_and_xml_split_into_sending_events(ep_mock: Mockpost, ep: httpx.Client) -> None:
    csv_job = single_file_job(ep, filename="batch.csv")
    upload(ep_mock, csv_job, b"EMAIL_ADDRESS;FIRST_NAME\na@example.be;Ann\nb@example.be;Bob\n")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("one.pdf", pdf("x"))
        z.writestr("two.pdf", pdf("y", "z"))
        z.writestr("readme.txt", "ignored")
    zip_job = single_file_job(ep, filename="batch.zip")
    upload(ep_mock, zip_job, archive.getvalue())
    xml_job = single_file_job(ep, filename="batch.xml")
    upload(
        ep_mock,
        xml_job,
        b"<recipients><r><EMAIL_ADDRESS>a@example.be</EMAIL_ADDRESS></r>"
        b"<r><EMAIL_ADDRESS>b@example.be</EMAIL_ADDRESS></r><r/></recipients>",
    )
    ep_mock.clock.advance(duration="5m")
    counts = {j["filename"]: j["sendingEventsCount"] for j in ep.get("/jobs").json()}
    assert counts == {"batch.csv": 2, "batch.zip": 2, "batch.xml": 3}


def test_payload_pdf_job_makes_one_sending_event(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = payload_pdf_job(ep).json()
    upload(ep_mock, job, pdf("page 1", "page 2"))
    ep_mock.clock.advance(duration="5m")
    events = ep.get("/sending-events", params={"jobId": job["id"]}).json()
    assert len(events) == 1 and events[0]["pageCount"] == 2
    assert events[0]["channelIdentifiers"] == EMAIL_ONLY


# -- listing ------------------------------------------------------------------------------------------
def test_jobs_list_ascending_start_date_with_filters_and_paging(ep_mock: Mockpost, ep: httpx.Client) -> None:
    created = []
    for n in range(5):
        created.append(single_file_job(ep, jobName=f"job {n}")["id"])
        if n == 2:
            ep_mock.clock.advance(duration="1h")
    listed = [j["id"] for j in ep.get("/jobs").json()]
    # the first three share a startDate: ties are by id
    assert listed[:3] == sorted(created[:3]) and listed[3:] == sorted(created[3:])
    page1 = ep.get("/jobs", params={"maxItems": 2}).json()
    page2 = ep.get("/jobs", params={"maxItems": 2, "after": page1[-1]["id"]}).json()
    page3 = ep.get("/jobs", params={"maxItems": 2, "after": page2[-1]["id"]}).json()
    assert [j["id"] for j in page1 + page2 + page3] == listed
    later = ep.get("/jobs", params={"from": "2030-03-04T09:30:00Z"}).json()
    assert [j["id"] for j in later] == listed[3:]
    early = ep.get("/jobs", params={"until": "2030-03-04T09:00:00.000Z"}).json()
    assert [j["id"] for j in early] == listed[:3]
    assert ep.get("/jobs", params={"status": "COMPLETED"}).json() == []
    assert (
        len(
            ep.get(
                "/jobs",
                params={"status": "AWAITING_FOR_FILE", "workflowId": workflows(ep)["single-file"]["id"]},
            ).json()
        )
        == 5
    )
    assert "status must be one of" in messages(ep.get("/jobs", params={"status": "DONE"}))
    assert "from must be a valid ISO 8601" in messages(ep.get("/jobs", params={"from": "yesterday"}))
    assert "from must be before" in messages(
        ep.get("/jobs", params={"from": "2031-01-01", "until": "2030-01-01"})
    )


def test_csv_headers_with_common_names_are_mapped(ep_mock: Mockpost, ep: httpx.Client) -> None:
    job = single_file_job(ep, filename="people.csv")
    upload(ep_mock, job, b"Name,E-mail\nAnn,ann@example.be\nBob,bob@example.be\n")
    ep_mock.clock.advance(duration="7d")
    events = ep.get("/sending-events", params={"jobId": job["id"]}).json()
    assert [e["businessStatus"] for e in events] == ["DELIVERED", "DELIVERED"]
    assert {"kind": "EMAIL_ADDRESS", "value": "ann@example.be"} in events[0]["channelIdentifiers"] + events[
        1
    ]["channelIdentifiers"]
