"""One handle, three places: the same test body drives an in-process sandbox, the live-server
fixture and a `mockpost serve` subprocess (with a control token) through the same API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from helpers import KEY, START
from serve_support import served

from mockpost.handle import Handle, NotFound, Refused
from mockpost.testing import Mockpost

TOKEN = "handle-token"


@pytest.fixture(scope="module")
def served_url() -> Iterator[str]:
    with served("--control-token", TOKEN) as url:
        yield url


@pytest.fixture(params=["in-process", "live fixture", "serve subprocess"])
def handle(request: pytest.FixtureRequest) -> Iterator[Handle]:
    if request.param == "in-process":
        with Mockpost() as mock:
            yield mock
    elif request.param == "live fixture":
        yield request.getfixturevalue("mockpost_server").handle
    else:
        with Mockpost.connect(request.getfixturevalue("served_url"), control_token=TOKEN) as remote:
            remote.reset()
            yield remote


def test_clock_moves_and_reports_the_same_everywhere(handle: Handle) -> None:
    assert handle.clock.freeze(START).isoformat() == "2030-03-04T09:00:00+00:00"
    assert handle.clock.frozen
    assert handle.clock.advance(duration="1h").hour == 10
    assert handle.clock.advance(60).minute == 1
    assert handle.clock.set("2031-01-01T00:00:00Z").year == 2031
    assert handle.clock.now().year == 2031
    handle.clock.unfreeze()
    assert not handle.clock.frozen
    with pytest.raises(ValueError):
        handle.clock.advance()


def test_a_letter_its_webhook_and_the_journal_through_the_handle(handle: Handle) -> None:
    handle.clock.freeze(START)
    eko = handle.client("ekopost", headers=KEY)
    handle.client(headers=handle.control_headers).put(
        "/_mockpost/ekopost/webhook", json={"url": handle.inbox_url("hooks"), "secret": "k"}, headers=KEY
    )
    sent = eko.post("/sms", json={"From": "Eko", "Recipient": "+46701234567", "Text": "hi"}).json()
    handle.clock.advance(duration="1h")

    hook = handle.inbox("hooks")[0]
    assert json.loads(hook["body"]) == [{"ObjectId": sent["envelope_id"], "StatusName": "posted"}]
    attempts = handle.deliveries("ekopost")
    assert [(a["provider"], a["status"], a["delivery_state"]) for a in attempts] == [
        ("ekopost", 200, "delivered")
    ]
    posted = handle.journal(provider="ekopost", method="POST")
    assert [entry["path"] for entry in posted] == ["/ekopost/sms"]
    assert posted[0]["request_headers"]["authorization"].startswith("api-key te")  # masked over HTTP
    assert handle.har(provider="ekopost")["log"]["entries"][0]["request"]["method"] == "POST"
    handle.clear_inbox("hooks")
    assert handle.inbox("hooks") == []


def test_faults_are_added_listed_and_removed(handle: Handle) -> None:
    eko = handle.client("ekopost", headers=KEY)
    fault = handle.faults.add(provider="ekopost", status=503, times=1)
    assert [f["id"] for f in handle.faults.list()] == [fault["id"]]
    assert eko.get("/campaigns").status_code == 503
    assert eko.get("/campaigns").status_code == 200
    assert handle.faults.remove(fault["id"]) is True
    handle.faults.add(provider="ekopost", status=500)
    handle.faults.clear()
    assert handle.faults.list() == []
    with pytest.raises(ValueError):
        handle.faults.add(status="not a status")


def test_transitions_state_and_the_resource_model(handle: Handle) -> None:
    handle.clock.freeze(START)
    eko = handle.client("ekopost", headers=KEY)
    campaign = eko.post("/campaigns", json={"name": "March", "output_date": "2030-03-05T12:00:00"}).json()
    assert handle.transition("ekopost", KEY, resource="campaign", id=campaign["id"], state="cancelled")
    assert handle.state("ekopost", KEY)["campaigns"][0]["state"] == "cancelled"

    (account,) = handle.accounts("ekopost")
    assert account["objects"]["campaign"] == 1
    (found,) = handle.objects("ekopost", account["account"], kind="campaign")
    assert (found["id"], found["state"]) == (campaign["id"], "cancelled")
    described = handle.object("ekopost", account["account"], "campaign", campaign["id"])
    assert [step["to"] for step in described["history"]] == ["opened", "cancelled"]
    assert isinstance(handle.timers(), list)
    with pytest.raises(LookupError):
        handle.objects("ekopost", "nobody")

    handle.reset()
    assert handle.accounts("ekopost") == []


def test_a_refused_transition_says_why(handle: Handle) -> None:
    eko = handle.client("ekopost", headers=KEY)
    campaign = eko.post("/campaigns", json={"name": "x"}).json()
    handle.transition("ekopost", KEY, resource="campaign", id=campaign["id"], state="cancelled")
    with pytest.raises(Refused, match="409"):
        handle.transition("ekopost", KEY, resource="campaign", id=campaign["id"], state="opened")


def test_snapshots_round_trip_where_the_sandbox_has_them(handle: Handle) -> None:
    if not _has_snapshot_route(handle):
        pytest.skip("this mockpost has no /_mockpost/snapshot route yet")
    eko = handle.client("ekopost", headers=KEY)
    eko.post("/campaigns", json={"name": "kept"})
    snapshot = handle.snapshot()
    handle.reset()
    handle.restore(snapshot)
    assert [c["name"] for c in eko.get("/campaigns").json()] == ["kept"]


def _has_snapshot_route(handle: Handle) -> bool:
    document = handle.client(headers=handle.control_headers).get("/_mockpost/openapi.json").json()
    return "/snapshot" in document["paths"]


def test_a_remote_handle_without_the_token_is_told_so(served_url: str) -> None:
    with Mockpost.connect(served_url) as remote, pytest.raises(Refused) as refused:
        remote.clock.now()
    assert refused.value.status == 401


def test_a_missing_object_is_not_found(mockpost_server) -> None:
    with pytest.raises(NotFound, match="no account"):
        mockpost_server.handle.objects("ekopost", "nobody")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_async_twin_awaits_the_same_operations(served_url: str) -> None:
    async with Mockpost.connect_async(served_url, control_token=TOKEN) as remote:
        await remote.reset()
        assert (await remote.clock.freeze(START)).year == 2030
        assert await remote.clock.frozen
        assert (await remote.clock.advance(duration="2h")).hour == 11
        eko = remote.client("ekopost", headers=KEY)
        campaign = (await eko.post("/campaigns", json={"name": "async"})).json()
        await remote.transition("ekopost", KEY, resource="campaign", id=campaign["id"], state="cancelled")
        assert (await remote.state("ekopost", KEY))["campaigns"][0]["state"] == "cancelled"
        fault = await remote.faults.add(provider="ekopost", status=503)
        assert [f["id"] for f in await remote.faults.list()] == [fault["id"]]
        await remote.faults.clear()
        assert [e["path"] for e in await remote.journal(method="POST")] == ["/ekopost/campaigns"]
        assert (await remote.accounts("ekopost"))[0]["objects"]["campaign"] == 1
        assert remote.inbox_url("x") == f"{served_url}/_mockpost/inbox/x"
        assert await remote.inbox("x") == []
        with pytest.raises(NotFound):
            await remote.objects("ekopost", "nobody")


def test_a_remote_handle_inside_a_container_names_its_own_inbox_address() -> None:
    remote = Mockpost.connect("http://localhost:49153", self_url="http://127.0.0.1:8000")
    with remote:
        assert remote.url("/ekopost") == "http://localhost:49153/ekopost"
        assert remote.inbox_url("h") == "http://127.0.0.1:8000/_mockpost/inbox/h"
        assert isinstance(remote.client("ekopost"), httpx.Client)
        assert str(remote.client("ekopost").base_url) == "http://localhost:49153/ekopost/"
