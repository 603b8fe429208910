"""Snapshots: the whole sandbox (or a provider, or an account) as one versioned JSON document, and
back, in place of what it covers or merged into what is there; all or nothing."""

from __future__ import annotations

import base64
import json

import httpx
import orjson
import pytest
from persist_support import EKO, EKO_KEY, START, letter, listings, without_timing

from mockpost.core.webhooks import DELIVERY
from mockpost.testing import Mockpost, Refused


def world(mockpost: Mockpost) -> tuple[str, str]:
    """A frozen clock, a closed Ekopost letter whose completion webhook goes to an inbox, a fault
    rule and a journal."""
    mockpost.clock.freeze(START)
    control = mockpost.client()
    hook = {"url": mockpost.inbox_url("eko"), "secret": "s3cret"}
    assert control.put("/_mockpost/ekopost/webhook", json=hook, headers=EKO).status_code == 200
    mockpost.faults.add(provider="ekopost", path="/sms", status=503, times=3)
    return letter(mockpost.client("ekopost", headers=EKO))


def test_a_snapshot_in_a_fresh_sandbox_gives_the_same_listings_and_the_same_future(mockpost):
    campaign, envelope = world(mockpost)
    snapshot = mockpost.snapshot()
    assert snapshot["mockpost_snapshot"] == 1 and snapshot["scope"] == {"provider": None, "account": None}
    with Mockpost() as fresh:
        result = fresh.restore(snapshot)
        assert result["restored"] == {"accounts": 1, "timers": 1, "deliveries": 0}
        assert listings(fresh) == listings(mockpost)
        assert fresh.clock.now() == mockpost.clock.now() and fresh.clock.frozen
        assert fresh.faults.list() == mockpost.faults.list()
        assert fresh.journal() == mockpost.journal()

        for sandbox in (mockpost, fresh):
            sandbox.clock.advance(duration="2d")
        assert listings(fresh) == listings(mockpost)
        assert without_timing(fresh.deliveries()) == without_timing(mockpost.deliveries())
        assert [json.loads(i["body"]) for i in fresh.inbox("eko")] == [
            [{"ObjectId": envelope, "StatusName": "posted"}]
        ]
        assert fresh.inbox("eko") == mockpost.inbox("eko")
        eko = fresh.client("ekopost", headers=EKO)
        assert eko.get(f"/campaigns/{campaign}").json()["state"] == "completed"


@pytest.mark.mockpost(seed=7)
def test_with_a_seed_ids_after_a_restore_continue_the_sequence(mockpost):
    world(mockpost)
    snapshot = mockpost.snapshot()
    with Mockpost(seed=7) as fresh:
        fresh.restore(snapshot)
        made = [
            m.client("ekopost", headers=EKO).post("/campaigns", json={"name": "next"}).json()["id"]
            for m in (mockpost, fresh)
        ]
        assert made[0] == made[1]
        assert [m.journal()[-1]["id"] for m in (mockpost, fresh)] == [mockpost.journal()[-1]["id"]] * 2


def test_restoring_puts_the_sandbox_back_where_the_snapshot_was_taken(mockpost):
    campaign, _ = world(mockpost)
    snapshot = mockpost.snapshot()
    eko = mockpost.client("ekopost", headers=EKO)
    eko.post(f"/campaigns/{campaign}/cancel")
    letter(eko, name="April")
    mockpost.clock.advance(duration="3d")
    mockpost.restore(snapshot)
    assert eko.get(f"/campaigns/{campaign}").json()["state"] == "closed"
    assert mockpost.accounts()[0]["objects"] == {"campaign": 1, "envelope": 1}
    assert mockpost.clock.now().isoformat() == "2030-03-04T09:00:00+00:00"


def test_the_fixed_password_of_a_basic_account_survives_a_restore(mockpost):
    eko = mockpost.client("ekopost")
    right = {"Authorization": "Basic " + base64.b64encode(b"anna:first").decode()}
    wrong = {"Authorization": "Basic " + base64.b64encode(b"anna:second").decode()}
    assert eko.post("/campaigns", json={"name": "x"}, headers=right).status_code == 200
    snapshot = mockpost.snapshot()
    with Mockpost() as fresh:
        fresh.restore(snapshot)
        assert fresh.client("ekopost").get("/campaigns", headers=wrong).status_code == 400
        assert fresh.client("ekopost").get("/campaigns", headers=right).status_code == 200
        assert fresh.accounts()[0]["label"] == mockpost.accounts()[0]["label"]


def test_one_account_snapshot_replaces_only_that_account(mockpost):
    mockpost.clock.freeze(START)
    letter(mockpost.client("ekopost", headers=EKO), name="mine")
    other = {"Authorization": "api-key other-key-000"}
    letter(mockpost.client("ekopost", headers=other), name="theirs")
    mine = mockpost.snapshot(provider="ekopost", account=EKO_KEY)
    assert list(mine["providers"]["ekopost"]["accounts"]) == [mockpost.accounts()[0]["account"]]
    assert "journal" not in mine and "faults" not in mine and mine["scope"]["account"]
    letter(mockpost.client("ekopost", headers=EKO), name="later")
    letter(mockpost.client("ekopost", headers=other), name="theirs later")
    mockpost.restore(mine)
    counts = {a["label"]: a["objects"]["campaign"] for a in mockpost.accounts()}
    assert sorted(counts.values()) == [1, 2]
    assert len(mockpost.journal()) > 0  # the journal is the sandbox's, not the account's


def test_merge_adds_accounts_and_keeps_what_is_there(mockpost):
    mockpost.clock.freeze(START)
    letter(mockpost.client("ekopost", headers=EKO))
    theirs = mockpost.snapshot()
    with Mockpost() as other:
        other.clock.freeze(START)
        letter(other.client("ekopost", headers={"Authorization": "api-key other-key-000"}))
        other.faults.add(status=500, path="/x")
        other.restore(theirs, merge=True)
        assert sorted(a["objects"]["campaign"] for a in other.accounts()) == [1, 1]
        assert len(other.timers()) == 2
        assert [f["id"] for f in other.faults.list()] == ["fault-1"]


def test_a_merged_delivery_gets_a_new_id_and_keeps_its_pending_attempt(mockpost):
    mockpost.clock.freeze(START)
    mockpost.client().put(
        "/_mockpost/ekopost/webhook", json={"url": "http://127.0.0.1:9/x", "secret": "s"}, headers=EKO
    )
    letter(mockpost.client("ekopost", headers=EKO), output_date="2030-03-04T08:00:00")
    mockpost.clock.advance(duration="10m")  # completed: the first attempt failed, a retry is planned
    snapshot = mockpost.snapshot()
    assert [d["id"] for d in snapshot["outbox"]["deliveries"]] == ["dlv-1"]
    with Mockpost() as other:
        other.clock.freeze(START)
        other.client().put(
            "/_mockpost/ekopost/webhook",
            json={"url": "http://127.0.0.1:9/y", "secret": "s"},
            headers={"Authorization": "api-key b"},
        )
        letter(
            other.client("ekopost", headers={"Authorization": "api-key b"}), output_date="2030-03-04T08:00:00"
        )
        other.clock.advance(duration="10m")
        other.restore(snapshot, merge=True)
        outbox = other.client().get("/_mockpost/webhooks/outbox").json()["items"]
        assert sorted(d["id"] for d in outbox) == ["dlv-1", "dlv-2"]
        assert sorted(t["id"] for t in other.timers() if t["kind"] == DELIVERY) == ["dlv-1", "dlv-2"]


def test_a_bad_snapshot_is_refused_naming_the_field_and_nothing_changes(mockpost):
    campaign, _ = world(mockpost)
    good = mockpost.snapshot()
    before = listings(mockpost)
    bad = json.loads(json.dumps(good))
    account = next(iter(bad["providers"]["ekopost"]["accounts"].values()))
    account["state"]["campaigns"][campaign]["output_date"] = "next tuesday"
    bad["clock"]["frozen_at"] = 0  # would move the clock, if anything were applied
    control = mockpost.client()
    answer = control.post("/_mockpost/snapshot", json=bad)
    assert answer.status_code == 400
    field = f"providers.ekopost.accounts.{next(iter(good['providers']['ekopost']['accounts']))}"
    assert answer.json()["detail"] == [
        {
            "field": f"{field}.state.campaigns.{campaign}.output_date",
            "problem": "Input should be a valid datetime or date, invalid character in year",
        }
    ]
    assert field in answer.json()["error"]
    assert listings(mockpost) == before and mockpost.clock.now().year == 2030


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(mockpost_snapshot=2), "mockpost_snapshot"),
        (lambda d: d["providers"].update(royal_mail={}), "providers.royal_mail"),
        (lambda d: d.pop("mockpost_snapshot"), "mockpost_snapshot"),
        (lambda d: d["timers"].append({"provider": "ekopost", "kind": "x"}), "timers.0.id"),
        (lambda d: d["faults"]["rules"][0].update(status=99), "faults.rules.0.status"),
        (
            lambda d: d["journal"]["entries"][0].update(request_body="not base64!"),
            "journal.entries.0.request_body",
        ),
        (lambda d: d["scope"].update(provider="inpost"), "providers.ekopost"),
        (
            lambda d: next(iter(d["providers"]["ekopost"]["accounts"].values()))["timers"][0].update(
                kind="parcel"
            ),
            "timers.0.kind",
        ),
    ],
)
def test_each_kind_of_bad_snapshot_names_its_field(mockpost, change, field):
    world(mockpost)
    document = mockpost.snapshot()
    change(document)
    with pytest.raises(Refused) as refused:
        mockpost.restore(document)
    fields = [problem["field"] for problem in refused.value.detail]
    assert refused.value.status == 400
    assert any(f.endswith(field) or f.startswith(field) for f in fields), fields


def test_what_is_not_a_snapshot_is_a_400(mockpost):
    control = mockpost.client()
    assert control.post("/_mockpost/snapshot", content=b"").status_code == 400
    not_json = control.post("/_mockpost/snapshot", content=b"{nope")
    assert not_json.status_code == 400 and "invalid snapshot" in not_json.json()["error"]
    assert control.post("/_mockpost/snapshot", json=[1, 2]).status_code == 400
    assert control.post("/_mockpost/snapshot?merge=maybe", json={}).status_code == 400


def test_export_of_an_unknown_provider_or_account_is_a_404(mockpost):
    control = mockpost.client()
    assert control.get("/_mockpost/snapshot", params={"provider": "royal_mail"}).status_code == 404
    assert (
        control.get("/_mockpost/snapshot", params={"provider": "ekopost", "account": "nobody"}).status_code
        == 404
    )
    assert control.get("/_mockpost/snapshot", params={"account": "nobody"}).status_code == 404


def test_the_control_plane_serves_the_same_document_as_the_handle(mockpost):
    world(mockpost)
    served = mockpost.client().get("/_mockpost/snapshot")
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    assert orjson.loads(served.content) == mockpost.snapshot()
    restored = mockpost.client().post("/_mockpost/snapshot", content=served.content)
    assert restored.status_code == 200 and restored.json()["restored"]["accounts"] == 1


def test_persistence_is_reported_off_without_a_data_dir(mockpost):
    assert mockpost.client().get("/_mockpost/persistence").json() == {"enabled": False}


@pytest.fixture(scope="module")
def built_world():
    """A world built once for the tests of this module: each one starts from it."""
    with Mockpost() as builder:
        world(builder)
        yield builder.snapshot()


@pytest.mark.parametrize("action", ["cancel", "close"])
def test_each_test_restarts_from_a_world_built_once(mockpost, built_world, action):
    mockpost.restore(built_world)
    campaign = next(o["id"] for o in mockpost.objects("ekopost", EKO_KEY, kind="campaign"))
    eko = mockpost.client("ekopost", headers=EKO)
    assert eko.get(f"/campaigns/{campaign}").json()["state"] == "closed"  # whatever the other test did
    eko.post(f"/campaigns/{campaign}/{action}")


def test_the_live_server_fixture_snapshots_and_restores_over_http(mockpost_server):
    with httpx.Client(base_url=mockpost_server.url, trust_env=False) as client:
        eko_client = httpx.Client(base_url=mockpost_server.url + "/ekopost", headers=EKO, trust_env=False)
        with eko_client as eko:
            letter(eko)
            world = mockpost_server.handle.snapshot()
            assert client.post("/_mockpost/reset").status_code == 200
            assert mockpost_server.handle.restore(world)["restored"]["accounts"] == 1
            assert len(client.get("/_mockpost/accounts").json()["items"]) == 1
        with pytest.raises(Refused, match="400"):
            mockpost_server.handle.restore({"mockpost_snapshot": 9})


def test_a_snapshot_written_by_hand_or_pretty_printed_restores_the_same(mockpost):
    world(mockpost)
    mockpost.client("nirva").post(
        "/authentication/authenticate", json={"login": "demo", "password": "demo", "withProfileDetail": True}
    )
    document = mockpost.snapshot()
    before = listings(mockpost)
    assert document["providers"]["nirva"]["accounts"]
    del document["providers"]["nirva"]["streams"]  # one part as a person might write it
    mockpost.restore(document)
    assert listings(mockpost) == before
    mockpost.restore(json.dumps(document, indent=2))
    assert listings(mockpost) == before
