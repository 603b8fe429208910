"""`Mockpost(data_dir=...)`: the pytest handle keeps its state in a data directory too; closing it
is the graceful stop, and a new handle on the directory continues where it stopped."""

from __future__ import annotations

from pathlib import Path

from easypost_connect_support import KEY as EASYPOST_KEY
from easypost_connect_support import single_file_job
from persist_support import EKO, START, letter, listings

from mockpost.testing import Mockpost


def test_closing_and_opening_again_continues_with_the_same_objects_clock_and_timers(tmp_path):
    with Mockpost(data_dir=tmp_path, seed=3) as first:
        first.clock.freeze(START)
        campaign, _ = letter(first.client("ekopost", headers=EKO))
        first.faults.add(provider="ekopost", path="/sms", status=503)
        first.client().post("/_mockpost/inbox/notes", json={"n": 1})
        seen = listings(first)
        journal = first.journal()
    with Mockpost(data_dir=tmp_path, seed=3) as again:
        assert listings(again) == seen
        assert again.journal() == journal
        assert [f["path"] for f in again.faults.list()] == ["/sms"]
        assert len(again.inbox("notes")) == 1
        again.clock.advance(duration="3d")
        assert (
            again.client("ekopost", headers=EKO).get(f"/campaigns/{campaign}").json()["state"] == "completed"
        )


def test_a_job_waiting_for_its_file_is_still_deleted_two_hours_later_after_a_restart(tmp_path):
    with Mockpost(data_dir=tmp_path) as first:
        first.clock.freeze(START)
        job = single_file_job(first.client("easypost-connect", headers=EASYPOST_KEY))
        first.clock.advance(duration="1h")
    with Mockpost(data_dir=tmp_path) as again:
        client = again.client("easypost-connect", headers=EASYPOST_KEY)
        assert client.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"
        again.clock.advance(duration="59m59s")
        assert client.get(f"/jobs/{job['id']}").status_code == 200
        again.clock.advance(seconds=1)
        assert client.get(f"/jobs/{job['id']}").status_code == 404


def snapshot_file(folder: Path) -> tuple[Path, dict[str, object]]:
    """A snapshot file of a sandbox holding one letter, and what that sandbox listed."""
    with Mockpost() as builder:
        builder.clock.freeze(START)
        letter(builder.client("ekopost", headers=EKO))
        snapshot = folder / "world.json"
        snapshot.write_bytes(builder.client().get("/_mockpost/snapshot").content)
        return snapshot, listings(builder)


def test_a_snapshot_file_starts_a_fresh_data_dir_and_later_starts_continue_from_the_store(tmp_path):
    snapshot, world = snapshot_file(tmp_path)
    data = tmp_path / "data"
    with Mockpost(data_dir=data, snapshot=snapshot) as first:
        assert listings(first) == world
        letter(first.client("ekopost", headers=EKO), name="April")
    with Mockpost(data_dir=data, snapshot=snapshot) as again:  # the store wins over the snapshot now
        assert again.accounts()[0]["objects"]["campaign"] == 2


def test_a_snapshot_file_without_a_data_dir_is_where_the_sandbox_starts(tmp_path):
    snapshot, world = snapshot_file(tmp_path)
    with Mockpost(snapshot=snapshot) as started:
        assert listings(started) == world
        assert started.client().get("/_mockpost/persistence").json() == {"enabled": False}
