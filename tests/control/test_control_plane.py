"""The /_mockpost contract: other tools rely on these exact shapes."""

from __future__ import annotations

import httpx
import pytest
from helpers import KEY, START


def test_health_reports_ok_and_version(control: httpx.Client):
    response = control.get("/_mockpost/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["version"]


def test_clock_freeze_advance_unfreeze(control: httpx.Client):
    assert control.get("/_mockpost/clock").json() == {"now": "2030-03-04T09:00:00Z", "frozen": True}
    assert (
        control.post("/_mockpost/clock/advance", json={"seconds": 90}).json()["now"] == "2030-03-04T09:01:30Z"
    )
    assert (
        control.post("/_mockpost/clock/advance", json={"duration": "2h30m"}).json()["now"]
        == "2030-03-04T11:31:30Z"
    )
    assert (
        control.post("/_mockpost/clock/freeze", json={"at": "2031-01-01T00:00:00Z"})
        .json()["now"]
        .startswith("2031-01-01T00:00:00")
    )
    unfrozen = control.post("/_mockpost/clock/unfreeze").json()
    assert unfrozen["frozen"] is False and unfrozen["now"].startswith("2031-01-01T00:00")


def test_freeze_without_body_freezes_now(mockpost):
    client = mockpost.client()
    state = client.post("/_mockpost/clock/freeze").json()
    assert state["frozen"] is True
    assert client.get("/_mockpost/clock").json()["now"] == state["now"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"seconds": -5},
        {"duration": "soon"},
        {"seconds": 1, "duration": "1s"},
        {"seconds": "x"},
        {"extra": 1},
    ],
)
def test_bad_advance_requests_are_422_and_do_not_move_time(control: httpx.Client, body):
    response = control.post("/_mockpost/clock/advance", json=body)
    assert response.status_code == 422 and response.json()["error"]
    assert control.get("/_mockpost/clock").json()["now"] == "2030-03-04T09:00:00Z"


def test_set_clock_moves_to_an_instant(control: httpx.Client):
    assert control.post("/_mockpost/clock/set", json={"at": "2030-05-01T00:00:00Z"}).json()["now"] == (
        "2030-05-01T00:00:00Z"
    )
    assert control.post("/_mockpost/clock/set", json={"at": "yesterday"}).status_code == 422


def test_reset_empties_state_and_returns_to_real_time(frozen, eko, control):
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    response = control.post("/_mockpost/reset")
    assert response.status_code == 200 and response.json()["clock"]["frozen"] is False
    assert eko.get(f"/campaigns/{campaign_id}").status_code == 404


def test_reset_of_one_provider_keeps_the_clock(frozen, eko, control):
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    assert control.post("/_mockpost/reset", params={"provider": "ekopost"}).status_code == 200
    assert eko.get(f"/campaigns/{campaign_id}").status_code == 404
    assert control.get("/_mockpost/clock").json()["frozen"] is True
    assert control.post("/_mockpost/reset", params={"provider": "nope"}).status_code == 404


def test_reset_of_one_tenant_keeps_the_others(frozen, control):
    a = frozen.client("ekopost", headers={"Authorization": "api-key a"})
    b = frozen.client("ekopost", headers={"Authorization": "api-key b"})
    id_a = a.post("/campaigns", json={"name": "a"}).json()["id"]
    id_b = b.post("/campaigns", json={"name": "b"}).json()["id"]
    tenant_a = control.get("/_mockpost/state/ekopost", headers={"Authorization": "api-key a"}).json()[
        "tenant"
    ]
    control.post("/_mockpost/reset", params={"provider": "ekopost", "tenant": tenant_a})
    assert a.get(f"/campaigns/{id_a}").status_code == 404
    assert b.get(f"/campaigns/{id_b}").status_code == 200


def test_journal_records_provider_calls_and_filters(eko, control):
    eko.post("/campaigns", json={"name": "x"})
    eko.get("/campaigns/unknown")
    items = control.get("/_mockpost/journal", params={"provider": "ekopost"}).json()["items"]
    assert [(i["method"], i["path"], i["status"]) for i in items] == [
        ("POST", "/ekopost/campaigns", 200),
        ("GET", "/ekopost/campaigns/unknown", 404),
    ]
    assert items[0]["tenant"] and '"name":"x"' in items[0]["request_body"].replace(" ", "")
    assert '"state":"opened"' in items[0]["response_body"]
    only_404 = control.get("/_mockpost/journal", params={"status": 404}).json()["items"]
    assert len(only_404) == 1
    globbed = control.get("/_mockpost/journal", params={"path": "/ekopost/campaigns/*"}).json()["items"]
    assert len(globbed) == 1
    assert control.get("/_mockpost/journal", params={"status": "abc"}).status_code == 400


def test_journal_verify_and_clear(eko, control):
    eko.get("/campaigns")
    ok = control.post(
        "/_mockpost/journal/verify", json={"method": "GET", "path": "/ekopost/campaigns", "count": 1}
    )
    assert ok.status_code == 200 and ok.json() == {"ok": True, "expected": 1, "actual": 1}
    wrong = control.post("/_mockpost/journal/verify", json={"method": "GET", "count": 3})
    assert wrong.status_code == 409 and wrong.json()["actual"] == 1
    control.delete("/_mockpost/journal")
    assert control.get("/_mockpost/journal").json()["items"] == []


def test_status_fault_answers_in_the_provider_envelope_then_expires(eko, control):
    created = control.post(
        "/_mockpost/faults",
        json={"provider": "ekopost", "method": "GET", "path": "/campaigns", "status": 503, "times": 1},
    )
    assert created.status_code == 201 and created.json()["id"]
    first = eko.get("/campaigns")
    assert first.status_code == 503 and set(first.json()) == {
        "error_code",
        "error_message",
        "developer_message",
    }
    assert eko.get("/campaigns").status_code == 200
    journal = control.get("/_mockpost/journal").json()["items"]
    assert journal[0]["fault"] == created.json()["id"] and journal[1]["fault"] is None


def test_fault_with_custom_body_and_glob_path(eko, control):
    control.post(
        "/_mockpost/faults",
        json={
            "path": "/campaigns/*",
            "status": 429,
            "body": {"slow": "down"},
            "headers": {"Retry-After": "3"},
        },
    )
    response = eko.get("/campaigns/abc")
    assert response.status_code == 429 and response.json() == {"slow": "down"}
    assert response.headers["retry-after"] == "3"
    assert eko.get("/campaigns").status_code == 200  # the glob does not match the collection


def test_drop_fault_breaks_the_connection(eko, control):
    control.post("/_mockpost/faults", json={"action": "drop", "times": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        eko.get("/campaigns")
    assert eko.get("/campaigns").status_code == 200


def test_malformed_fault_sends_truncated_json(eko, control):
    control.post("/_mockpost/faults", json={"action": "malformed"})
    response = eko.get("/campaigns")
    with pytest.raises(ValueError):
        response.json()


def test_latency_fault_delays_without_changing_the_answer(eko, control):
    control.post("/_mockpost/faults", json={"latency_ms": 1, "times": 1})
    assert eko.get("/campaigns").status_code == 200


@pytest.mark.mockpost(seed=3)
def test_probability_faults_are_reproducible_under_a_seed(mockpost):
    def pattern() -> list[int]:
        mockpost.reset()
        mockpost.faults.add(status=500, probability=0.5)
        client = mockpost.client("ekopost", headers=KEY)
        return [client.get("/campaigns").status_code for _ in range(20)]

    first, second = pattern(), pattern()
    assert first == second and 500 in first and 200 in first


def test_fault_list_delete_and_validation(control):
    rule = control.post("/_mockpost/faults", json={"status": 500}).json()
    assert [r["id"] for r in control.get("/_mockpost/faults").json()["items"]] == [rule["id"]]
    assert control.delete(f"/_mockpost/faults/{rule['id']}").status_code == 204
    assert control.delete(f"/_mockpost/faults/{rule['id']}").status_code == 404
    assert control.post("/_mockpost/faults", json={"path": "/x"}).status_code == 422  # does nothing
    assert control.post("/_mockpost/faults", json={"provider": "nope", "status": 500}).status_code == 422
    assert control.post("/_mockpost/faults", json={"status": 700}).status_code == 422
    control.post("/_mockpost/faults", json={"status": 500})
    control.delete("/_mockpost/faults")
    assert control.get("/_mockpost/faults").json()["items"] == []


def test_inbox_stores_raw_requests_oldest_first(control):
    control.post("/_mockpost/inbox/hooks", content=b'{"a": 1}', headers={"X-Sig": "abc"})
    control.post("/_mockpost/inbox/hooks", content=b"second")
    items = control.get("/_mockpost/inbox/hooks").json()["items"]
    assert [i["body"] for i in items] == ['{"a": 1}', "second"]
    assert items[0]["headers"]["x-sig"] == "abc"
    assert control.get("/_mockpost/inbox/other").json() == {"items": []}
    control.delete("/_mockpost/inbox/hooks")
    assert control.get("/_mockpost/inbox/hooks").json()["items"] == []


def test_state_and_transition_use_the_providers_own_auth(eko, control):
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    state = control.get("/_mockpost/state/ekopost", headers=KEY).json()
    assert [c["id"] for c in state["state"]["campaigns"]] == [campaign_id]
    denied = control.get("/_mockpost/state/ekopost")
    assert denied.status_code == 400 and denied.json()["error_code"] == "0"
    other = control.get("/_mockpost/state/ekopost", headers={"Authorization": "api-key someone-else"}).json()
    assert other["state"]["campaigns"] == []
    assert control.get("/_mockpost/state/nope", headers=KEY).status_code == 404


def test_forced_transition_rules(eko, control):
    campaign_id = eko.post("/campaigns", json={"name": "x"}).json()["id"]
    body = {"resource": "campaign", "id": campaign_id, "state": "completed"}
    refused = control.post("/_mockpost/ekopost/transition", json=body, headers=KEY)
    assert refused.status_code == 409 and refused.json()["detail"] == {"from": "opened", "to": "completed"}
    unknown_state = control.post("/_mockpost/ekopost/transition", json={**body, "state": "lost"}, headers=KEY)
    assert unknown_state.status_code == 422
    unknown_id = control.post("/_mockpost/ekopost/transition", json={**body, "id": "nope"}, headers=KEY)
    assert unknown_id.status_code == 404
    numeric_id = control.post("/_mockpost/ekopost/transition", json={**body, "id": 12345}, headers=KEY)
    assert numeric_id.status_code == 404 and "12345" in numeric_id.text  # a number is an id, as text
    numeric_state = control.post("/_mockpost/ekopost/transition", json={**body, "state": 610}, headers=KEY)
    assert numeric_state.status_code == 422 and "'610'" in numeric_state.text  # read as a state name
    for not_an_id in (True, 1.5, None, ["x"]):
        invalid = control.post("/_mockpost/ekopost/transition", json={**body, "id": not_an_id}, headers=KEY)
        assert invalid.status_code == 422, not_an_id
    failed = control.post(
        "/_mockpost/ekopost/transition",
        json={**body, "state": "failed", "reason": "Printer on fire"},
        headers=KEY,
    )
    assert failed.status_code == 200 and failed.json()["state"] == "failed"


def test_openapi_documents_every_control_route(control):
    document = control.get("/_mockpost/openapi.json").json()
    paths = document["paths"]
    for path in [
        "/health",
        "/clock",
        "/clock/advance",
        "/reset",
        "/journal",
        "/faults",
        "/faults/{fault_id}",
        "/webhooks/deliveries",
        "/inbox/{name}",
        "/state/{provider}",
        "/{provider}/transition",
        "/ekopost/webhook",
    ]:
        assert path in paths, path
    assert "AdvanceRequest" in document["components"]["schemas"]


def test_providers_lists_mounts_and_lifecycles(control):
    items = control.get("/_mockpost/providers").json()["items"]
    ekopost = next(i for i in items if i["name"] == "ekopost")
    assert ekopost["mount"] == "/ekopost"
    assert {lc["resource"] for lc in ekopost["lifecycles"]} == {"campaign", "envelope"}


def test_unknown_control_route_is_a_json_404(control):
    response = control.get("/_mockpost/nothing-here")
    assert response.status_code == 404 and "error" in response.json()


def test_index_page_lists_providers(mockpost):
    page = mockpost.client().get("/")
    assert page.status_code == 200 and "/ekopost" in page.text and "openapi.json" in page.text
    assert "No requests yet." in page.text and "No faults." in page.text


def test_start_instant_is_used(frozen):
    assert frozen.clock.now().isoformat().startswith(START[:19])


def test_openapi_info_keeps_its_own_description(control, eko):
    control_doc = control.get("/_mockpost/openapi.json").json()
    assert control_doc["info"]["description"].startswith("Drive the sandbox")
    assert "Campaigns, envelopes" in eko.get("/openapi.json").json()["info"]["description"]
