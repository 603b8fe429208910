"""The finer points of the contract the guide pins: field sets, defaults, headers and edge rules."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    EVENT_TYPES,
    MOUNT,
    EventAfter,
    EventsOf,
    JobFactory,
    Subscribe,
    Upload,
    Workflow,
    assert_nest_error,
    inbox_events,
    is_iso_utc,
    now_of,
    parse_instant,
    recipients_pdf,
)

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost


def test_health_is_the_terminus_shape(anonymous: httpx.Client) -> None:
    body = anonymous.get(f"{MOUNT}/health").json()
    assert body["status"] == "ok"
    assert {"info", "error", "details"} <= set(body)


def test_token_errors_are_rfc6749_with_nest_fields(anonymous: httpx.Client) -> None:
    response = anonymous.post(f"{MOUNT}/oauth2/token", data={"grant_type": "implicit"})
    body = response.json()
    assert body["statusCode"] == response.status_code
    assert isinstance(body["message"], str)
    assert isinstance(body["error"], str)


def test_token_request_as_json(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        f"{MOUNT}/oauth2/token",
        json={"grant_type": "client_credentials", "client_id": "app", "client_secret": "s"},
    )
    assert response.status_code == 200
    assert response.json()["expires_in"] == 3600


def test_wrong_method_uses_the_nest_error_shape(epc: httpx.Client) -> None:
    # ambiguous: NestJS on Express answers 404 here; the sandbox answers 405 on every mount.
    response = epc.delete("/jobs")
    assert response.json()["error"] == "Method Not Allowed"
    assert response.json()["statusCode"] == response.status_code == 405
    assert "GET" in response.headers["allow"]


# -- workflows -----------------------------------------------------------------------------------


def test_workflow_fields_and_input_source_filter(epc: httpx.Client) -> None:
    word = epc.get("/workflows", params={"inputSource": "PAYLOAD_WORD"}).json()
    assert word and {w["inputSource"] for w in word} == {"PAYLOAD_WORD"}
    for item in epc.get("/workflows").json():
        assert isinstance(item["acceptedFileTypes"], list)
        assert isinstance(item["requiredChannelIdentifiers"], list)
        for order, task in enumerate(item["tasks"], start=1):
            assert task["order"] == order
            assert isinstance(task["type"], str)
            assert isinstance(task["fallback"], bool)


# -- jobs ----------------------------------------------------------------------------------------


def test_create_response_carries_the_upload_deadline(sandbox: Mockpost, single_file_job: JobFactory) -> None:
    job = single_file_job()
    assert parse_instant(job["fileUploadUrlExpiresAt"]) == now_of(sandbox) + timedelta(hours=2)


def test_a_second_upload_is_a_conflict_and_an_empty_one_a_bad_request(
    epc: httpx.Client, single_file_job: JobFactory, upload: Upload
) -> None:
    job = single_file_job()
    assert_nest_error(upload(job["fileUploadUrl"], b""), 400)
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"
    assert upload(job["fileUploadUrl"], recipients_pdf("a@example.be")).status_code == 200
    assert_nest_error(upload(job["fileUploadUrl"], recipients_pdf("b@example.be")), 409)


def test_payload_word_filename_rules(epc: httpx.Client, workflow: Workflow) -> None:
    body = {
        "workflowId": workflow("PAYLOAD_WORD")["id"],
        "jobName": "Welcome",
        "payload": {
            "channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}],
            "templateData": {"name": "Ann"},
        },
    }
    assert epc.post("/jobs/payload-word", json={**body, "filename": "welcome.docx"}).status_code == 201
    assert_nest_error(epc.post("/jobs/payload-word", json={**body, "filename": "welcome.txt"}), 415)


def test_template_data_at_the_top_level_is_read_too(epc: httpx.Client, workflow: Workflow) -> None:
    body = {
        "workflowId": workflow("PAYLOAD_WORD")["id"],
        "jobName": "Welcome",
        "templateData": {"name": "Ann"},
        "payload": {"channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}]},
    }
    assert epc.post("/jobs/payload-word", json=body).status_code == 201


def test_any_peppol_kind_is_accepted(epc: httpx.Client, workflow: Workflow) -> None:
    body = {
        "workflowId": workflow("PAYLOAD_PDF")["id"],
        "jobName": "Invoice",
        "filename": "invoice.pdf",
        "payload": {
            "channelIdentifiers": [
                {"kind": "EMAIL_ADDRESS", "value": "ann@example.be"},
                {"kind": "PEPPOL_DOCUMENT_TYPE_ID", "value": "invoice"},
            ]
        },
    }
    assert epc.post("/jobs/payload-pdf", json=body).status_code == 201


def test_expired_job_sends_no_event_and_paging_past_it_still_works(
    sandbox: Mockpost, epc: httpx.Client, single_file_job: JobFactory, subscribe: Subscribe
) -> None:
    subscribe(event_types=["job.status.changed"])
    gone = single_file_job()
    sandbox.clock.advance(duration="1h")
    kept = single_file_job()
    sandbox.clock.advance(duration="1h")
    assert epc.get(f"/jobs/{gone['id']}").status_code == 404
    assert sandbox.inbox("hooks") == []
    page = epc.get("/jobs", params={"after": gone["id"]})
    assert page.status_code == 200
    assert [j["id"] for j in page.json()] == [kept["id"]]


def test_jobs_of_a_managed_company_stay_with_it(epc: httpx.Client, workflow: Workflow) -> None:
    company = epc.post("/companies", json={"name": "Client BV"}).json()
    managed = {"x-managed-company-id": company["id"]}
    own = epc.get("/workflows", headers=managed, params={"inputSource": "SINGLE_FILE"}).json()
    wf = next(w for w in own if w["enabled"] and w["validated"])
    body = {"workflowId": wf["id"], "jobName": "Managed", "filename": "a.pdf"}
    job = epc.post("/jobs/single-file", json=body, headers=managed)
    assert job.status_code == 201
    assert epc.get("/jobs").json() == []
    assert [j["id"] for j in epc.get("/jobs", headers=managed).json()] == [job.json()["id"]]
    foreign = {**body, "workflowId": workflow("SINGLE_FILE")["id"]}
    assert_nest_error(epc.post("/jobs/single-file", json=foreign, headers=managed), 404)
    assert [c["id"] for c in epc.get("/companies", headers=managed).json()] == [company["id"]]


# -- sending events ------------------------------------------------------------------------------


def test_file_objects_and_delivery_channel(event_after: EventAfter) -> None:
    event = event_after("ann@example.be", "7d")
    assert event["channel"] == "ERDS"
    for file in event["files"]:
        assert file["contentType"] == "application/pdf"
        assert isinstance(file["type"], str)
        assert is_iso_utc(file["createdAt"])


def test_fail_delivery_marker_fails_the_event(
    sandbox: Mockpost, uploaded_job: JobFactory, events_of: EventsOf
) -> None:
    job = uploaded_job("FAIL-DELIVERY@example.be")
    sandbox.clock.advance(duration="7d")
    assert [e["businessStatus"] for e in events_of(job["id"])] == ["FAILED"]


def test_the_same_original_can_be_resent_twice(epc: httpx.Client, event_after: EventAfter) -> None:
    event = event_after("ann@example.be", "7d")
    first = epc.post(f"/sending-events/{event['id']}/resend").json()
    second = epc.post(f"/sending-events/{event['id']}/resend").json()
    assert first["businessStatus"] == "PROCESSING" == second["businessStatus"]
    assert first["id"] != second["id"]
    original = epc.get(f"/sending-events/{event['id']}").json()
    assert first["id"] in str(original["resentAs"]) and second["id"] in str(original["resentAs"])
    assert epc.get(f"/jobs/{event['jobId']}").json()["status"] == "COMPLETED"


def test_sending_event_download_is_a_real_pdf_of_the_file(
    epc: httpx.Client, anonymous: httpx.Client, event_after: EventAfter
) -> None:
    event = event_after("ann@example.be", "10m")
    link = epc.get(f"/sending-events/{event['id']}/files/SUBMISSION_REPORT/download-url").json()
    download = anonymous.get(link["url"])
    assert download.content.startswith(b"%PDF") and b"%%EOF" in download.content[-32:]
    assert_nest_error(anonymous.get(link["url"].replace("signature=", "signature=0")), 403)


# -- webhooks ------------------------------------------------------------------------------------


def test_event_payloads_and_headers_exactly(
    sandbox: Mockpost, subscribe: Subscribe, uploaded_job: JobFactory, control: httpx.Client
) -> None:
    subscribe()
    job = uploaded_job("ann@example.be")
    sandbox.clock.advance(duration="7d")
    control.post(
        "/_mockpost/easypost-connect/peppol-incoming-documents",
        json={"senderId": "0208:0123456789", "receiverId": "0208:0987654321"},
    )
    fields = {
        "job.status.changed": {"jobId", "jobName", "workflowId", "previousStatus", "status"},
        "sending.event.status.changed": {
            "sendingEventId",
            "jobId",
            "previousBusinessStatus",
            "businessStatus",
        },
        "sending.event.file.ready": {"sendingEventId", "jobId", "fileReference"},
        "peppol.document.received": {"documentId", "senderId", "receiverId", "documentType"},
    }
    events = inbox_events(sandbox)
    assert {body["type"] for body, _ in events} == set(EVENT_TYPES)
    for body, headers in events:
        assert set(body) >= {"id", "type", "createdAt", "companyId", "data"}
        assert fields[body["type"]] <= set(body["data"])
        assert headers["x-webhook-id"] == body["id"]
        assert headers["x-webhook-event"] == body["type"]
    job_statuses = [
        (b["data"]["previousStatus"], b["data"]["status"])
        for b, _ in events
        if b["type"] == "job.status.changed"
    ]
    assert job_statuses == [
        ("AWAITING_FOR_FILE", "PROCESSING"),
        ("PROCESSING", "IN_PROGRESS"),
        ("IN_PROGRESS", "COMPLETED"),
    ]
    business = [
        (b["data"]["previousBusinessStatus"], b["data"]["businessStatus"])
        for b, _ in events
        if b["type"] == "sending.event.status.changed"
    ]
    assert business == [("PROCESSING", "SENT"), ("SENT", "DELIVERED")]
    assert all(b["data"]["jobId"] == job["id"] for b, _ in events if "jobId" in b["data"])


def test_test_event_is_marked_and_attempted_once(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe
) -> None:
    sub = subscribe(event_types=["job.status.changed"])
    epc.post(f"/webhooks/{sub['id']}/test")
    ((body, _),) = inbox_events(sandbox)
    assert body["test"] is True
    assert body["type"] == "job.status.changed"
    assert set(body["data"]) >= {"jobId", "status"}


def test_subscription_can_be_disabled_and_reset_secret_returns_the_subscription(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe, control: httpx.Client
) -> None:
    sub = subscribe(event_types=["peppol.document.received"])
    reset = epc.post(f"/webhooks/{sub['id']}/reset-secret").json()
    assert reset["id"] == sub["id"] and reset["url"] == sub["url"]
    disabled = epc.patch(f"/webhooks/{sub['id']}", json={"enabled": False})
    assert disabled.status_code == 200
    assert disabled.json()["enabled"] is False
    control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    assert sandbox.inbox("hooks") == []


@pytest.mark.parametrize("url", ["https://erp.example.com/hooks", "http://localhost:9000/hooks"])
def test_subscription_url_may_be_http_or_https(epc: httpx.Client, url: str) -> None:
    body = {"name": "x", "url": url, "eventTypes": ["job.status.changed"]}
    assert epc.post("/webhooks", json=body).status_code == 201


# -- organisation and usage ----------------------------------------------------------------------


def test_user_defaults(epc: httpx.Client) -> None:
    user = epc.post("/users", json={"email": "ann@example.be", "firstName": "Ann", "lastName": "P"})
    body = user.json()
    assert body["role"] == "USER"
    assert body["language"] == "en"
    assert body["active"] is True
    assert body["departmentIds"] == []


def test_company_patch_null_clears_and_duplicate_vat_conflicts(epc: httpx.Client) -> None:
    company = epc.post("/companies", json={"name": "A", "vatNumber": "BE0123456789"}).json()
    assert_nest_error(epc.post("/companies", json={"name": "B", "vatNumber": "BE0123456789"}), 409)
    cleared = epc.patch(f"/companies/{company['id']}", json={"vatNumber": None}).json()
    assert cleared["vatNumber"] is None
    assert cleared["name"] == "A"


def test_usage_shapes(
    sandbox: Mockpost,
    epc: httpx.Client,
    uploaded_job: JobFactory,
    upload: Upload,
    single_file_job: JobFactory,
) -> None:
    uploaded_job("ann@example.be", "nobody@example.invalid")
    sandbox.clock.advance(duration="7d")
    period = {"from": "2030-03-01", "until": "2030-03-31"}
    usage = epc.get("/usage", params=period).json()
    assert set(usage) >= {"companyId", "from", "until", "totals", "channels"}
    assert set(usage["totals"]) >= {"jobs", "sendingEvents", "pages", "pagesPrinted"}
    assert usage["totals"]["jobs"] == 1
    for row in usage["channels"]:
        assert set(row) >= {"channel", "sendingEvents", "pages", "sent", "failed"}
    records = epc.get("/usage/details", params=period).json()
    for record in records:
        assert set(record) >= {
            "id",
            "companyId",
            "date",
            "channel",
            "jobId",
            "sendingEventId",
            "pages",
            "quantity",
            "outcome",
        }
    dates = [parse_instant(r["date"]) for r in records]
    assert dates == sorted(dates)
    channel = records[0]["channel"]
    only = epc.get("/usage/details", params={**period, "channel": channel}).json()
    assert only and {r["channel"] for r in only} == {channel}


def test_peppol_until_as_a_bare_date_covers_the_day(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client
) -> None:
    sandbox.clock.advance(duration="12h")
    control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    day = now_of(sandbox).date().isoformat()
    assert len(epc.get("/peppol-incoming-documents", params={"until": day}).json()) == 1
    assert len(epc.get("/peppol-incoming-documents", params={"from": day, "until": day}).json()) == 1


def test_multi_page_recipient_file_rules(
    sandbox: Mockpost, single_file_job: JobFactory, upload: Upload, events_of: EventsOf
) -> None:
    job = single_file_job()
    pages = make_pdf([["EMAIL_ADDRESS: a@example.be"], ["EMAIL_ADDRESS: b@example.be"]])
    upload(job["fileUploadUrl"], pages)
    sandbox.clock.advance(duration="2m")
    assert len(events_of(job["id"])) == 2


@pytest.mark.mockpost(max_body_mb=0.001)
def test_a_body_too_large_is_nests_payload_too_large(sandbox: Mockpost) -> None:
    epc = sandbox.client("easypost-connect", headers={"x-api-key": "k"})
    response = epc.post("/companies", json={"name": "x" * 5000})
    assert response.json() == {
        "statusCode": 413,
        "message": response.json()["message"],
        "error": "Payload Too Large",
    }


@pytest.mark.parametrize(
    ("status", "error"),
    [(422, "Unprocessable Entity"), (429, "Too Many Requests"), (503, "Service Unavailable")],
)
def test_injected_failures_use_nests_error_names(
    sandbox: Mockpost, epc: httpx.Client, status: int, error: str
) -> None:
    sandbox.faults.add(provider="easypost-connect", path="/workflows", status=status, times=1)
    response = epc.get("/workflows")
    assert response.status_code == status
    assert response.json()["statusCode"] == status
    assert response.json()["error"] == error
