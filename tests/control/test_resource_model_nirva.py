"""Nirva in the one resource model: jobs, packGroups, deliveries and shipments with their history in
virtual time, their timers as data, and organisations labelled by the login that made them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

START = "2030-03-04T09:00:00Z"
LOGIN, PASSWORD = "alice", "alice-password-1234"
OBJECTS = f"/_mockpost/accounts/nirva/{LOGIN}/objects"


def sign_in(client: httpx.Client) -> dict[str, str]:
    answer = client.post("/authentication/authenticate", json={"login": LOGIN, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"X-Auth-Token": answer.json()["token"]}


def upload(client: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    """A registered letter to Paris, with autocreateDeliveryCommand, as multipart."""
    letter = make_pdf([["Jean Dupont", "12 rue de la Paix", "75002 PARIS", "Page 1/1"]])
    parameters = {"jobName": "March", "serviceId": "102", "autocreateDeliveryCommand": True}
    answer = client.post(
        "/jobs",
        headers=headers,
        data={"parameters": json.dumps(parameters)},
        files={"file__file_REGISTERED_0": ("march.pdf", letter, "application/pdf")},
    )
    assert answer.status_code == 200, answer.text
    job: dict[str, Any] = answer.json()
    return job


def moves(described: dict[str, Any]) -> list[tuple[str | None, str, str, str]]:
    return [(c["from"], c["to"], c["at"], c["cause"]) for c in described["history"]]


@pytest.fixture
def mock() -> Any:
    with Mockpost() as sandbox:
        sandbox.clock.freeze(START)
        yield sandbox


def test_a_job_its_delivery_and_a_shipment_through_a_clock_advance(mock: Mockpost) -> None:
    nirva, control = mock.client("nirva"), mock.client()
    headers = sign_in(nirva)
    job_id = str(upload(nirva, headers)["id"])

    job = control.get(f"{OBJECTS}/job/{job_id}").json()
    assert moves(job) == [(None, "PROCESSING", "2030-03-04T09:00:00Z", "request")]
    assert job["timers"] == [{"due": "2030-03-04T09:00:30Z", "action": "process"}]
    assert job["wire"] == nirva.get(f"/jobs/{job_id}", headers=headers).json()
    [timer] = control.get("/_mockpost/timers").json()["items"]
    assert timer == {**timer, "provider": "nirva", "kind": "job", "id": job_id, "action": "process"}

    mock.clock.advance(duration="1m")  # split at 09:00:30, its delivery made 30 s later
    job = control.get(f"{OBJECTS}/job/{job_id}").json()
    assert moves(job)[1:] == [
        ("PROCESSING", "PACK_GROUP_CREATED", "2030-03-04T09:00:30Z", "timer"),
        ("PACK_GROUP_CREATED", "CREATED", "2030-03-04T09:01:00Z", "timer"),
    ]
    assert job["timers"] == []
    [(_, group_id), (_, delivery_id)] = [(r["kind"], r["id"]) for r in job["related"]]
    assert [r["kind"] for r in job["related"]] == ["packGroup", "delivery"]
    group = control.get(f"{OBJECTS}/packGroup/{group_id}").json()
    assert moves(group) == [
        (None, "ELIGIBLE", "2030-03-04T09:00:30Z", "timer"),
        ("ELIGIBLE", "IN_DELIVERY", "2030-03-04T09:01:00Z", "timer"),
    ]
    delivery = control.get(f"{OBJECTS}/delivery/{delivery_id}").json()
    assert moves(delivery) == [(None, "CREATED", "2030-03-04T09:01:00Z", "timer")]
    assert delivery["timers"] == [{"due": "2030-03-04T10:00:00Z", "action": "output"}]

    mock.clock.advance(duration="1h9m")  # the output trigger at 10:00, the shipment ready at 10:10
    delivery = control.get(f"{OBJECTS}/delivery/{delivery_id}").json()
    assert moves(delivery)[1:] == [("CREATED", "OUTPUTTED", "2030-03-04T10:00:00Z", "timer")]
    assert delivery["timers"] == []
    [answered] = nirva.get("/deliveries", params={"jobId": job_id}, headers=headers).json()
    assert delivery["wire"] == answered
    shipment_id = next(r["id"] for r in delivery["related"] if r["kind"] == "shipment")
    shipment = control.get(f"{OBJECTS}/shipment/{shipment_id}").json()
    assert moves(shipment) == [
        (None, "250", "2030-03-04T10:00:00Z", "timer"),
        ("250", "300", "2030-03-04T10:10:00Z", "timer"),
    ]
    assert shipment["state"] == "300" and shipment["wire"]["status"] == 300
    assert shipment["timers"] == [{"due": "2030-03-04T12:10:00Z", "action": "production"}]
    assert {"kind": "delivery", "id": delivery_id} in shipment["related"]

    mock.transition("nirva", headers, resource="shipment", id=shipment_id, state="-900", reason="withdrawn")
    shipment = control.get(f"{OBJECTS}/shipment/{shipment_id}").json()
    assert shipment["history"][-1] == {
        "from": "300",
        "to": "-900",
        "at": "2030-03-04T10:10:00Z",
        "cause": "forced",
        "reason": "withdrawn",
    }
    assert shipment["timers"] == [] and control.get("/_mockpost/timers").json()["items"] == []
    assert shipment["wire"] == nirva.get(f"/shipments/{shipment_id}", headers=headers).json()
    assert shipment["updated_at"] == "2030-03-04T10:10:00Z"


def test_organisations_are_labelled_by_their_login_and_never_show_secrets(mock: Mockpost) -> None:
    nirva = mock.client("nirva")
    headers = sign_in(nirva)
    upload(nirva, headers)
    accounts = mock.client().get("/_mockpost/accounts").json()["items"]
    # the demo organisation, where a sign-in looks for the login first, and the login's own
    labels = [(a["provider"], a["label"]) for a in accounts]
    assert labels == [("nirva", "default"), ("nirva", f"login {LOGIN}")]
    account = accounts[1]
    assert account["objects"] == {"job": 1, "packGroup": 0, "delivery": 0, "shipment": 0}
    assert PASSWORD not in str(account) and headers["X-Auth-Token"] not in str(account)
    for named in (LOGIN, account["label"], account["account"]):
        assert [o["kind"] for o in mock.objects("nirva", named)] == ["job"]


def test_objects_filter_by_kind_and_state(mock: Mockpost) -> None:
    nirva = mock.client("nirva")
    headers = sign_in(nirva)
    job_id = upload(nirva, headers)["id"]
    mock.clock.advance(duration="1h")
    summaries = mock.objects("nirva", LOGIN)
    assert [(o["kind"], o["state"]) for o in summaries] == [
        ("job", "CREATED"),
        ("packGroup", "IN_DELIVERY"),
        ("delivery", "OUTPUTTED"),
        ("shipment", "250"),
    ]
    assert [o["id"] for o in mock.objects("nirva", LOGIN, kind="job", state="CREATED")] == [str(job_id)]
    assert mock.objects("nirva", LOGIN, kind="shipment", state="610") == []


def test_forced_job_failures_keep_their_reason(mock: Mockpost) -> None:
    nirva = mock.client("nirva")
    headers = sign_in(nirva)
    job_id = str(upload(nirva, headers)["id"])
    mock.transition("nirva", headers, resource="job", id=job_id, state="PROCESSING_ERROR", reason="bad fonts")
    job = mock.object("nirva", LOGIN, "job", job_id)
    assert (job["history"][-1]["cause"], job["history"][-1]["reason"]) == ("forced", "bad fonts")
    assert job["timers"] == [] and job["wire"]["errorMessage"] == "bad fonts"


def test_fixture_jobs_carry_the_fixture_cause() -> None:
    demo = Path(__file__).parents[2] / "fixtures" / "nirva-demo.yaml"
    with Mockpost(fixtures=[demo]) as mock:
        [first, *_] = mock.objects("nirva", "default", kind="job")
        job = mock.object("nirva", "default", "job", first["id"])
        assert [(c["to"], c["cause"]) for c in job["history"]] == [
            ("PROCESSING", "fixture"),
            ("PACK_GROUP_CREATED", "fixture"),
            ("CREATED", "fixture"),
        ]
        [delivery] = [r for r in job["related"] if r["kind"] == "delivery"]
        timers = mock.object("nirva", "default", "delivery", delivery["id"])["timers"]
        assert [t["action"] for t in timers] == ["output"]
