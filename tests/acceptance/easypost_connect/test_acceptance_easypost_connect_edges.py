"""Edges: ties in keyset paging, channels without an ePod, print usage, per-company webhooks,
changes refused as a whole, tokens bound to their account."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from acceptance.easypost_connect.epc_acceptance_support import (
    MOUNT,
    PRINT_ADDRESS,
    EventAfter,
    EventsOf,
    JobFactory,
    Receiver,
    Subscribe,
    Upload,
    Workflow,
    assert_nest_error,
    inbox_events,
)

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost


def payload_job(epc: httpx.Client, workflow_id: str, identifiers: list[dict[str, str]]) -> dict[str, Any]:
    body = {
        "workflowId": workflow_id,
        "jobName": "Invoice",
        "filename": "invoice.pdf",
        "payload": {"channelIdentifiers": identifiers},
    }
    response = epc.post("/jobs/payload-pdf", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def emailed_invoice(epc: httpx.Client, workflow: Workflow, upload: Upload) -> dict[str, Any]:
    """A payload PDF job for one e-mail recipient, its one-page PDF uploaded now."""
    email = [{"kind": "EMAIL_ADDRESS", "value": "ann@example.be"}]
    job = payload_job(epc, workflow("PAYLOAD_PDF")["id"], email)
    assert upload(job["fileUploadUrl"], make_pdf([["Invoice 42"]])).status_code == 200
    return job


def test_ties_on_start_date_are_broken_by_id(epc: httpx.Client, single_file_job: JobFactory) -> None:
    ids = [single_file_job()["id"] for _ in range(6)]
    listed = [j["id"] for j in epc.get("/jobs").json()]
    assert listed == sorted(ids)
    paged: list[str] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"maxItems": 4}
        if after:
            params["after"] = after
        page = epc.get("/jobs", params=params).json()
        if not page:
            break
        paged += [j["id"] for j in page]
        after = page[-1]["id"]
    assert paged == listed


def test_peppol_paging_over_equal_instants_is_complete(control: httpx.Client, epc: httpx.Client) -> None:
    for _ in range(5):
        control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    everything = [d["id"] for d in epc.get("/peppol-incoming-documents").json()]
    assert len(set(everything)) == 5
    for order in ("asc", "desc"):
        full = [d["id"] for d in epc.get("/peppol-incoming-documents", params={"sortOrder": order}).json()]
        first = epc.get("/peppol-incoming-documents", params={"sortOrder": order, "maxItems": 2}).json()
        rest = epc.get(
            "/peppol-incoming-documents",
            params={"sortOrder": order, "after": first[-1]["id"]},
        ).json()
        assert [d["id"] for d in first + rest] == full


def test_email_channel_gives_no_epod(
    sandbox: Mockpost, epc: httpx.Client, workflow: Workflow, upload: Upload, events_of: EventsOf
) -> None:
    job = emailed_invoice(epc, workflow, upload)
    sandbox.clock.advance(duration="7d")
    (event,) = events_of(job["id"])
    assert event["businessStatus"] == "DELIVERED"
    assert event["channel"] == "EMAIL"
    assert [f["fileReference"] for f in event["files"]] == ["SUBMISSION_REPORT"]
    assert_nest_error(epc.get(f"/sending-events/{event['id']}/files/EPOD/download-url"), 404)


def test_print_channel_is_final_within_seven_days_and_counts_printed_pages(
    sandbox: Mockpost, epc: httpx.Client, workflow: Workflow, upload: Upload, events_of: EventsOf
) -> None:
    job = payload_job(epc, workflow("PAYLOAD_PDF", task="EASY_PRINT")["id"], PRINT_ADDRESS)
    upload(job["fileUploadUrl"], make_pdf([["page 1"], ["page 2"], ["page 3"]]))
    sandbox.clock.advance(duration="7d")
    (event,) = events_of(job["id"])
    assert event["businessStatus"] == "DELIVERED"
    assert event["channel"] == "EASY_PRINT"
    usage = epc.get("/usage", params={"from": "2030-03-01", "until": "2030-03-31"}).json()
    assert usage["totals"]["pagesPrinted"] == 3
    assert usage["totals"]["pages"] == 3


def test_webhooks_belong_to_their_company(
    sandbox: Mockpost, epc: httpx.Client, control: httpx.Client
) -> None:
    company = epc.post("/companies", json={"name": "Client BV"}).json()
    managed = {"x-managed-company-id": company["id"]}
    body = {
        "name": "managed",
        "url": sandbox.inbox_url("managed"),
        "eventTypes": ["peppol.document.received"],
    }
    sub = epc.post("/webhooks", json=body, headers=managed)
    assert sub.status_code == 201
    assert epc.get("/webhooks").json() == []
    assert_nest_error(epc.get(f"/webhooks/{sub.json()['id']}"), 404)
    control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    assert sandbox.inbox("managed") == []
    control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={}, headers=managed)
    ((event, _),) = inbox_events(sandbox, "managed")
    assert event["companyId"] == company["id"]
    sender = quote(event["data"]["senderId"], safe="")
    path = f"/peppol-incoming-documents/sender/{sender}/document/{event['data']['documentId']}"
    assert epc.get(path, headers=managed).status_code == 200
    assert_nest_error(epc.get(path), 404)


def test_refused_changes_change_nothing(epc: httpx.Client, subscribe: Subscribe) -> None:
    user = epc.post("/users", json={"email": "ann@example.be", "firstName": "Ann", "lastName": "P"})
    user_id = user.json()["id"]
    assert_nest_error(epc.patch(f"/users/{user_id}", json={"firstName": "X", "email": "bad"}), 400)
    assert epc.get(f"/users/{user_id}").json()["firstName"] == "Ann"
    sub = subscribe(event_types=["job.status.changed"])
    refused = epc.patch(f"/webhooks/{sub['id']}", json={"name": "new", "eventTypes": ["nope"]})
    assert_nest_error(refused, 400)
    assert epc.get(f"/webhooks/{sub['id']}").json()["name"] == "ERP"
    a = epc.post("/companies", json={"name": "A", "vatNumber": "BE0123456789"}).json()
    b = epc.post("/companies", json={"name": "B"}).json()
    clash = epc.patch(f"/companies/{b['id']}", json={"name": "B2", "vatNumber": a["vatNumber"]})
    assert_nest_error(clash, 409)
    assert epc.get(f"/companies/{b['id']}").json()["name"] == "B"


def test_a_token_is_bound_to_its_account(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "easypost-connect:\n"
        "  - {name: acme, api_key: acme-key, client_id: acme-app, client_secret: s1}\n"
        "  - {name: beta, api_key: beta-key, client_id: beta-app, client_secret: s2}\n"
    )
    with Mockpost(accounts=accounts) as mock:
        root = mock.client()
        issued = root.post(
            f"{MOUNT}/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "acme-app", "client_secret": "s1"},
        ).json()["access_token"]
        bearer = {"Authorization": f"Bearer {issued}"}
        ok = root.get(f"{MOUNT}/workflows", headers={"x-api-key": "acme-key", **bearer})
        assert ok.status_code == 200
        crossed = root.get(f"{MOUNT}/workflows", headers={"x-api-key": "beta-key", **bearer})
        assert_nest_error(crossed, 401)


def test_deliveries_are_listed_by_the_control_plane(
    sandbox: Mockpost, control: httpx.Client, subscribe: Subscribe
) -> None:
    subscribe(event_types=["peppol.document.received"])
    control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    listed = control.get("/_mockpost/webhooks/deliveries")
    assert listed.status_code == 200
    assert sandbox.inbox_url("hooks") in listed.text


def test_forced_transitions_follow_the_lifecycle(
    control: httpx.Client, epc: httpx.Client, event_after: EventAfter
) -> None:
    event = event_after("ann@example.be", "2m")
    forced = control.post(
        "/_mockpost/easypost-connect/transition",
        json={"resource": "sending-event", "id": event["id"], "state": "FAILED", "reason": "test"},
    )
    assert forced.status_code == 200, forced.text
    assert epc.get(f"/sending-events/{event['id']}").json()["businessStatus"] == "FAILED"
    back = control.post(
        "/_mockpost/easypost-connect/transition",
        json={"resource": "sending-event", "id": event["id"], "state": "PROCESSING"},
    )
    assert back.status_code == 409


def test_peppol_download_is_a_ubl_invoice(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client, anonymous: httpx.Client
) -> None:
    document = control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={}).json()
    sender = quote(document["senderId"], safe="")
    path = f"/peppol-incoming-documents/sender/{sender}/document/{document['id']}/download-url"
    xml = anonymous.get(epc.get(path).json()["url"])
    assert xml.headers["content-type"].startswith("application/xml")
    assert b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" in xml.content


def test_retries_follow_the_backoff_then_stop(
    sandbox: Mockpost, control: httpx.Client, subscribe: Subscribe, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    subscribe(event_types=["peppol.document.received"], url=receiver.url)
    control.post("/_mockpost/easypost-connect/peppol-incoming-documents", json={})
    counts = []
    for step in ("1m", "5m", "30m", "2h", "6h", "1d"):
        before = len(receiver.received)
        sandbox.clock.advance(duration=step)
        counts.append(len(receiver.received) - before)
    assert counts == [1, 1, 1, 1, 1, 0]
    assert len(receiver.received) == 6


def test_a_test_event_is_not_retried(
    sandbox: Mockpost, epc: httpx.Client, subscribe: Subscribe, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    sub = subscribe(event_types=["job.status.changed"], url=receiver.url)
    assert epc.post(f"/webhooks/{sub['id']}/test").json() == {"statusCode": 500}
    sandbox.clock.advance(duration="1d")
    assert len(receiver.received) == 1


def test_fixtures_add_workflows_and_known_secrets(tmp_path: Path) -> None:
    fixtures = tmp_path / "epc.yaml"
    fixtures.write_text(
        "easypost-connect:\n"
        "  accounts:\n"
        "    - api_key: fixture-key\n"
        "      workflows:\n"
        "        - name: Batch CSV - SMS\n"
        "          inputSource: SINGLE_FILE\n"
        "          acceptedFileTypes: [CSV]\n"
        "          tasks: [{type: SMS}]\n"
    )
    with Mockpost(fixtures=[fixtures]) as mock:
        epc = mock.client("easypost-connect", headers={"x-api-key": "fixture-key"})
        names = [w["name"] for w in epc.get("/workflows").json()]
        assert "Batch CSV - SMS" in names
        sms = next(w for w in epc.get("/workflows").json() if w["name"] == "Batch CSV - SMS")
        assert sms["inputSource"] == "SINGLE_FILE"
        assert [t["type"] for t in sms["tasks"]] == ["SMS"]
        body = {"workflowId": sms["id"], "jobName": "x", "filename": "a.pdf"}
        assert_nest_error(epc.post("/jobs/single-file", json=body), 415)
        assert epc.post("/jobs/single-file", json={**body, "filename": "a.csv"}).status_code == 201


def test_paging_a_filter_survives_the_last_item_leaving_it(
    sandbox: Mockpost, epc: httpx.Client, single_file_job: JobFactory, upload: Upload
) -> None:
    jobs = [single_file_job() for _ in range(4)]
    params = {"status": "AWAITING_FOR_FILE", "maxItems": 2}
    first = epc.get("/jobs", params=params).json()
    moved = next(j for j in jobs if j["id"] == first[-1]["id"])
    upload(moved["fileUploadUrl"], make_pdf([["EMAIL_ADDRESS: a@example.be"]]))
    rest = epc.get("/jobs", params={**params, "after": moved["id"]})
    assert rest.status_code == 200
    assert len(rest.json()) == 2
    assert not {j["id"] for j in first} & {j["id"] for j in rest.json()}


def test_the_documented_delays_of_an_email_event(
    sandbox: Mockpost, epc: httpx.Client, workflow: Workflow, upload: Upload, events_of: EventsOf
) -> None:
    job = emailed_invoice(epc, workflow, upload)
    sandbox.clock.advance(duration="1m59s")
    assert events_of(job["id"]) == []
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "PROCESSING"
    sandbox.clock.advance(1)  # processing takes 2 minutes
    (event,) = events_of(job["id"])
    assert event["businessStatus"] == "PROCESSING"
    sandbox.clock.advance(duration="4m59s")
    assert events_of(job["id"])[0]["businessStatus"] == "PROCESSING"
    sandbox.clock.advance(1)  # handed to the channel 5 minutes later
    assert events_of(job["id"])[0]["businessStatus"] == "SENT"
    sandbox.clock.advance(duration="59m59s")
    assert events_of(job["id"])[0]["businessStatus"] == "SENT"
    sandbox.clock.advance(1)  # e-mail delivers an hour after it was sent
    assert events_of(job["id"])[0]["businessStatus"] == "DELIVERED"
    assert epc.get(f"/jobs/{job['id']}").json()["status"] == "COMPLETED"


def test_a_workflow_added_through_the_control_plane_is_usable(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client, upload: Upload, events_of: EventsOf
) -> None:
    added = control.post(
        "/_mockpost/easypost-connect/workflows",
        json={
            "name": "SMS batch",
            "inputSource": "SINGLE_FILE",
            "tasks": [{"type": "SMS"}],
            "acceptedFileTypes": ["CSV"],
        },
    )
    assert added.status_code == 201, added.text
    assert epc.get(f"/workflows/{added.json()['id']}").json()["name"] == "SMS batch"
    body = {"workflowId": added.json()["id"], "jobName": "SMS", "filename": "batch.csv"}
    job = epc.post("/jobs/single-file", json=body).json()
    upload(job["fileUploadUrl"], b"PHONE_NUMBER\n+32470000000\n")
    sandbox.clock.advance(duration="7m")
    assert events_of(job["id"])[0]["businessStatus"] == "SENT"
    sandbox.clock.advance(duration="10m")  # SMS delivers 10 minutes after it was sent
    (event,) = events_of(job["id"])
    assert (event["businessStatus"], event["channel"]) == ("DELIVERED", "SMS")
