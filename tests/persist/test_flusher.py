"""What the flusher notes as the sandbox changes, and what one flush writes."""

from __future__ import annotations

import orjson
from persist_support import EKO, START, letter

from mockpost.core.webhooks import DELIVERY
from mockpost.testing import Mockpost


def account_timers(batch, provider: str = "ekopost") -> dict[str, list[dict[str, object]]]:
    return {
        account: orjson.loads(body)["timers"]
        for (name, account), body in batch.accounts.items()
        if name == provider and body is not None
    }


def test_a_retry_planned_while_a_flush_ran_is_written_by_the_next_one(tmp_path):
    with Mockpost(data_dir=tmp_path) as mock:
        persistence = mock.sandbox.persistence
        mock.clock.freeze(START)
        mock.client().put("/_mockpost/ekopost/webhook", json={"url": "http://127.0.0.1:9/x"}, headers=EKO)
        letter(mock.client("ekopost", headers=EKO), output_date="2030-03-04T08:00:00")
        persistence.capture()
        during: list[object] = []

        async def refused(url: str, body: bytes, headers: dict[str, str]) -> int:
            during.append(persistence.capture())  # a flush while the attempt waits on the network
            raise ConnectionRefusedError("nobody listens")

        mock.sandbox.outbox.sender = refused
        mock.clock.advance(duration="10m")  # the campaign completes; its webhook's first attempt fails
        assert during
        retry = [t for t in mock.timers() if t["kind"] == DELIVERY]
        assert [t["due"] for t in retry] == ["2030-03-04T09:11:00Z"]
        written = account_timers(persistence.capture())
        assert [t["kind"] for timers in written.values() for t in timers] == [DELIVERY]


def test_reads_of_the_control_plane_change_nothing_to_write(tmp_path):
    with Mockpost(data_dir=tmp_path) as mock:
        persistence = mock.sandbox.persistence
        letter(mock.client("ekopost", headers=EKO))
        persistence.capture()
        assert not persistence.unsaved
        control = mock.client()
        for path in ("/_mockpost/accounts", "/_mockpost/timers", "/_mockpost/journal", "/_mockpost/clock"):
            assert control.get(path).status_code == 200
        assert not persistence.unsaved and not persistence.capture()


def test_an_inbox_written_to_is_saved_and_one_emptied_is_deleted(tmp_path):
    with Mockpost(data_dir=tmp_path) as mock:
        persistence = mock.sandbox.persistence
        persistence.capture()
        mock.client().post("/_mockpost/inbox/box", json={"n": 1})
        assert [item["body"] for item in orjson.loads(persistence.capture().inboxes["box"])] == ['{"n":1}']
        mock.client().delete("/_mockpost/inbox/box")
        assert persistence.capture().inboxes == {"box": None}


def test_a_reset_deletes_the_accounts_it_emptied_and_the_journal(tmp_path):
    with Mockpost(data_dir=tmp_path) as mock:
        persistence = mock.sandbox.persistence
        letter(mock.client("ekopost", headers=EKO))
        saved = persistence.capture()
        assert next(iter(saved.accounts.values())) is not None and saved.journal
        mock.client().post("/_mockpost/reset")
        after = persistence.capture()
        assert list(after.accounts.values()) == [None] and after.journal_cleared


def test_without_a_data_dir_nothing_listens_so_a_request_publishes_nothing(mockpost):
    assert not mockpost.sandbox.events
    letter(mockpost.client("ekopost", headers=EKO))
    assert mockpost.sandbox.persistence is None


def test_each_answered_request_is_published_to_listeners_with_its_account(mockpost):
    seen: list[tuple[str, dict[str, object]]] = []
    mockpost.sandbox.events.subscribe(lambda kind, data: seen.append((kind, data)))
    mockpost.client("ekopost", headers=EKO).post("/campaigns", json={"name": "x"})
    mockpost.client().get("/_mockpost/clock")
    mockpost.client().post("/_mockpost/clock/freeze", json={})
    requests = [data for kind, data in seen if kind == "request"]
    assert [(r["provider"], r["account"], r["method"], r["status"]) for r in requests] == [
        ("ekopost", mockpost.accounts()[0]["account"], "POST", 200)
    ]
    controls = [data for kind, data in seen if kind == "control"]
    assert controls == [{"method": "POST", "path": "/_mockpost/clock/freeze", "account": None}]


def test_an_account_open_modes_bound_evicted_is_deleted_from_the_store(tmp_path):
    with Mockpost(data_dir=tmp_path, max_tenants=2) as mock:
        persistence = mock.sandbox.persistence
        for key in ("first-key-0001", "second-key-002", "third-key-0003"):
            mock.client("ekopost", headers={"Authorization": f"api-key {key}"}).post("/campaigns", json={})
        batch = persistence.capture()
        kept = {account for (_, account), body in batch.accounts.items() if body is not None}
        assert len(kept) == 2 and len(mock.accounts()) == 2
        mock.client("ekopost", headers={"Authorization": "api-key fourth-key-004"}).post(
            "/campaigns", json={}
        )
        deleted = [account for (_, account), body in persistence.capture().accounts.items() if body is None]
        assert len(deleted) == 1 and deleted[0] in kept
