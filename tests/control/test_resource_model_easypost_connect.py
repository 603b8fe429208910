"""EasyPost Connect in the one resource model: jobs and sending events, their history in virtual
time with causes, their timers as data, and a job that never gets its file expiring by its timer."""

from __future__ import annotations

from typing import Any

import pytest

from mockpost.core.pdf import make_pdf

KEY = "connect-model-key-4242"
EPC = {"x-api-key": KEY}
PROVIDER = "easypost-connect"
OBJECTS = f"/_mockpost/accounts/{PROVIDER}/{KEY}/objects"


def single_file_job(mockpost: Any) -> dict[str, Any]:
    """A job of the seeded single-file workflow (ERDS, then e-mail), awaiting its file."""
    api = mockpost.client(PROVIDER, headers=EPC)
    workflow = next(
        w
        for w in api.get("/workflows", params={"inputSource": "SINGLE_FILE"}).json()
        if w["enabled"] and w["validated"]
    )
    created = api.post(
        "/jobs/single-file",
        json={"workflowId": workflow["id"], "jobName": "March letters", "filename": "letters.pdf"},
    )
    assert created.status_code == 201, created.text
    job: dict[str, Any] = created.json()
    return job


def history(described: dict[str, Any]) -> list[tuple[str | None, str, str, str]]:
    return [(c["from"], c["to"], c["at"], c["cause"]) for c in described["history"]]


def test_a_job_and_its_sending_event_walk_through_a_clock_advance(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    job = single_file_job(mockpost)
    control = mockpost.client()
    api = mockpost.client(PROVIDER, headers=EPC)
    account = mockpost.accounts(PROVIDER)[0]["account"]

    waiting = control.get(f"{OBJECTS}/job/{job['id']}").json()
    assert waiting["state"] == "AWAITING_FOR_FILE"
    assert history(waiting) == [(None, "AWAITING_FOR_FILE", "2030-03-04T09:00:00Z", "request")]
    assert waiting["timers"] == [{"due": "2030-03-04T11:00:00Z", "action": "expire"}]
    assert waiting["wire"] == api.get(f"/jobs/{job['id']}").json()
    assert waiting["related"] == []
    assert job["fileUploadUrlExpiresAt"] == "2030-03-04T11:00:00.000Z"
    assert control.get("/_mockpost/timers").json()["items"] == [
        {
            "provider": PROVIDER,
            "account": account,
            "kind": "job",
            "id": job["id"],
            "due": "2030-03-04T11:00:00Z",
            "action": "expire",
        }
    ]

    mockpost.clock.advance(duration="10m")
    uploaded = control.put(job["fileUploadUrl"], content=make_pdf([["EMAIL_ADDRESS: ann@example.be"]]))
    assert uploaded.status_code == 200, uploaded.text
    processing = mockpost.object(PROVIDER, KEY, "job", job["id"])
    assert processing["state"] == "PROCESSING"
    assert history(processing)[-1] == ("AWAITING_FOR_FILE", "PROCESSING", "2030-03-04T09:10:00Z", "request")
    assert processing["timers"] == [{"due": "2030-03-04T09:12:00Z", "action": "process"}]

    mockpost.clock.advance(duration="7d")

    done = mockpost.object(PROVIDER, KEY, "job", job["id"])
    assert done["state"] == "COMPLETED" and done["timers"] == []
    [event_ref] = done["related"]
    assert event_ref["kind"] == "sending_event"
    assert history(done) == [
        (None, "AWAITING_FOR_FILE", "2030-03-04T09:00:00Z", "request"),
        ("AWAITING_FOR_FILE", "PROCESSING", "2030-03-04T09:10:00Z", "request"),
        ("PROCESSING", "IN_PROGRESS", "2030-03-04T09:12:00Z", "timer"),
        ("IN_PROGRESS", "COMPLETED", "2030-03-05T09:17:00Z", "timer"),
    ]
    assert done["wire"] == api.get(f"/jobs/{job['id']}").json()
    event = mockpost.object(PROVIDER, KEY, "sending_event", event_ref["id"])
    assert history(event) == [
        (None, "PROCESSING", "2030-03-04T09:12:00Z", "timer"),
        ("PROCESSING", "SENT", "2030-03-04T09:17:00Z", "timer"),
        ("SENT", "DELIVERED", "2030-03-05T09:17:00Z", "timer"),  # ERDS delivers after a day
    ]
    assert event["updated_at"] == "2030-03-05T09:17:00Z" and event["timers"] == []
    assert event["related"] == [{"kind": "job", "id": job["id"]}]
    assert event["wire"] == api.get(f"/sending-events/{event_ref['id']}").json()
    assert [h["businessStatus"] for h in event["wire"]["history"]] == ["PROCESSING", "SENT", "DELIVERED"]
    assert mockpost.timers() == []


def test_a_sending_event_waits_scheduled_on_a_timer_until_its_execution_date(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    job = single_file_job(mockpost)
    api = mockpost.client(PROVIDER, headers=EPC)
    workflow = api.get(f"/jobs/{job['id']}").json()["workflowId"]
    later = api.post(
        "/jobs/single-file",
        json={
            "workflowId": workflow,
            "jobName": "April letters",
            "filename": "letters.pdf",
            "sendingEventExecutionDateUtc": "2030-04-01T08:00:00Z",
        },
    ).json()
    mockpost.client().put(later["fileUploadUrl"], content=make_pdf([["EMAIL_ADDRESS: bob@example.be"]]))
    mockpost.clock.advance(duration="2m")

    [scheduled] = mockpost.objects(PROVIDER, KEY, kind="sending_event")
    assert scheduled["state"] == "SCHEDULED"
    described = mockpost.object(PROVIDER, KEY, "sending_event", scheduled["id"])
    assert described["timers"] == [{"due": "2030-04-01T08:00:00Z", "action": "run"}]


def test_a_job_left_awaiting_its_file_is_expired_by_its_timer_two_hours_later(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    job = single_file_job(mockpost)
    api = mockpost.client(PROVIDER, headers=EPC)
    [timer] = mockpost.timers()
    assert (timer["kind"], timer["id"], timer["due"], timer["action"]) == (
        "job",
        job["id"],
        "2030-03-04T11:00:00Z",
        "expire",
    )

    mockpost.clock.advance(duration="1h59m59s")
    assert api.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"
    assert len(mockpost.timers()) == 1

    mockpost.clock.advance(duration="1s")
    assert api.get(f"/jobs/{job['id']}").status_code == 404
    assert mockpost.timers() == []
    assert mockpost.objects(PROVIDER, KEY, kind="job") == []
    assert mockpost.client().get(f"{OBJECTS}/job/{job['id']}").status_code == 404
    assert mockpost.client().put(job["fileUploadUrl"], content=b"%PDF-1.4").status_code == 403


def test_accounts_list_the_connect_kinds_with_a_masked_label(mockpost):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    single_file_job(mockpost)
    [account] = mockpost.accounts(PROVIDER)
    assert account["label"] == "api-key co…42"
    assert KEY not in str(account)
    assert account["objects"] == {"job": 1, "sending_event": 0}
    [summary] = mockpost.objects(PROVIDER, KEY, state="AWAITING_FOR_FILE")
    assert (summary["kind"], summary["state"]) == ("job", "AWAITING_FOR_FILE")
    assert mockpost.objects(PROVIDER, KEY, kind="sending_event") == []


@pytest.mark.parametrize("resource", ["sending_event", "sending-event"])
def test_a_forced_transition_is_recorded_with_its_cause_and_reason(mockpost, resource):
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    job = single_file_job(mockpost)
    mockpost.client().put(job["fileUploadUrl"], content=make_pdf([["EMAIL_ADDRESS: ann@example.be"]]))
    mockpost.clock.advance(duration="3m")
    [event] = mockpost.objects(PROVIDER, KEY, kind="sending_event")
    mockpost.transition(PROVIDER, EPC, resource=resource, id=event["id"], state="FAILED", reason="Returned")
    described = mockpost.object(PROVIDER, KEY, "sending_event", event["id"])
    assert described["history"][-1] == {
        "from": "PROCESSING",
        "to": "FAILED",
        "at": "2030-03-04T09:03:00Z",
        "cause": "forced",
        "reason": "Returned",
    }
    assert described["timers"] == []
    job_after = mockpost.object(PROVIDER, KEY, "job", job["id"])
    assert history(job_after)[-1] == ("IN_PROGRESS", "COMPLETED", "2030-03-04T09:03:00Z", "forced")
