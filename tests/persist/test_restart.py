"""A server with --data-dir continues exactly after a restart: graceful (SIGTERM) loses nothing,
`kill -9` loses at most the last second and never part of a change, and a store it cannot use is
refused at start with one line."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from easypost_connect_support import KEY as EASYPOST_KEY
from easypost_connect_support import single_file_job
from persist_support import EKO, START, ServerProcess, letter, serve_refused


def test_a_graceful_restart_keeps_objects_clock_timers_journal_faults_and_inboxes(tmp_path):
    with ServerProcess(tmp_path) as server, server.client() as control, server.client("/ekopost", EKO) as eko:
        control.post("/_mockpost/clock/freeze", json={"at": START})
        campaign, envelope = letter(eko)
        control.post(
            "/_mockpost/faults", json={"provider": "ekopost", "path": "/sms", "status": 503, "times": 2}
        )
        control.post("/_mockpost/inbox/notes", json={"hello": "world"})
        before = {
            path: control.get(path).json()
            for path in (
                "/_mockpost/accounts",
                f"/_mockpost/accounts/ekopost/{EKO['Authorization'][8:]}/objects",
                f"/_mockpost/accounts/ekopost/{EKO['Authorization'][8:]}/objects/campaign/{campaign}",
                "/_mockpost/timers",
                "/_mockpost/clock",
                "/_mockpost/faults",
                "/_mockpost/inbox/notes",
            )
        }
        journal = control.get("/_mockpost/journal").json()["items"]
        assert "Traceback" not in server.stop()

    with ServerProcess(tmp_path, port=server.port) as again, again.client() as control:
        after = {path: control.get(path).json() for path in before}
        assert after == before
        assert after["/_mockpost/clock"] == {"now": START, "frozen": True}
        assert control.get("/_mockpost/journal").json()["items"] == journal
        with again.client("/ekopost", EKO) as eko:
            assert eko.get(f"/campaigns/{campaign}/envelopes/{envelope}").json()["state"] == "closed"
            assert eko.post("/sms", json={}).status_code == 503  # the fault fires its remaining times
            assert control.get("/_mockpost/journal").json()["items"][-1]["id"] == journal[-1]["id"] + 2


def test_a_job_awaiting_its_file_and_a_completion_webhook_planned_before_a_restart_happen_after_it(
    tmp_path,
):
    with ServerProcess(tmp_path) as server, server.client() as control, server.client("/ekopost", EKO) as eko:
        control.post("/_mockpost/clock/freeze", json={"at": START})
        hook = {"url": f"{server.url}/_mockpost/inbox/eko", "secret": "s3cret"}
        assert control.put("/_mockpost/ekopost/webhook", json=hook, headers=EKO).status_code == 200
        campaign, envelope = letter(eko)
        with server.client("/easypost-connect", EASYPOST_KEY) as easypost:
            job = single_file_job(easypost)  # deleted two hours later unless its file arrives
        server.stop()

    with ServerProcess(tmp_path, port=server.port) as again, again.client() as control:
        with again.client("/easypost-connect", EASYPOST_KEY) as easypost:
            assert easypost.get(f"/jobs/{job['id']}").json()["status"] == "AWAITING_FOR_FILE"
            control.post("/_mockpost/clock/advance", json={"duration": "1h59m59s"})
            assert easypost.get(f"/jobs/{job['id']}").status_code == 200
            control.post("/_mockpost/clock/advance", json={"seconds": 1})
            assert easypost.get(f"/jobs/{job['id']}").status_code == 404
        assert control.get("/_mockpost/inbox/eko").json()["items"] == []
        control.post("/_mockpost/clock/advance", json={"duration": "2d"})
        items = control.get("/_mockpost/inbox/eko").json()["items"]
        assert [json.loads(item["body"]) for item in items] == [
            [{"ObjectId": envelope, "StatusName": "posted"}]
        ]
        with again.client("/ekopost", EKO) as eko:
            assert eko.get(f"/campaigns/{campaign}").json()["state"] == "completed"


def test_a_failing_webhook_keeps_its_retries_across_a_restart(tmp_path):
    with ServerProcess(tmp_path) as server, server.client() as control, server.client("/ekopost", EKO) as eko:
        control.post("/_mockpost/clock/freeze", json={"at": START})
        hook = {"url": "http://127.0.0.1:9/nobody-listens", "secret": "s"}
        control.put("/_mockpost/ekopost/webhook", json=hook, headers=EKO)
        letter(eko, output_date="2030-03-04T08:00:00")  # due at once: completes 10 minutes later
        control.post("/_mockpost/clock/advance", json={"duration": "10m"})
        first = control.get("/_mockpost/webhooks/outbox").json()["items"]
        assert [len(d["attempts"]) for d in first] == [1] and first[0]["state"] == "pending"
        server.stop()

    with ServerProcess(tmp_path, port=server.port) as again, again.client() as control:
        assert control.get("/_mockpost/webhooks/outbox").json()["items"] == first
        control.post("/_mockpost/clock/advance", json={"duration": "1d"})
        retried = control.get("/_mockpost/webhooks/outbox").json()["items"][0]
        assert [a["at"] for a in retried["attempts"]] == [
            "2030-03-04T09:10:00Z",
            "2030-03-04T09:11:00Z",
            "2030-03-04T09:16:00Z",
            "2030-03-04T09:46:00Z",
            "2030-03-04T11:46:00Z",
            "2030-03-04T17:46:00Z",
        ]
        assert retried["state"] == "failed"


def test_kill_9_after_the_change_was_written_loses_nothing(tmp_path):
    with ServerProcess(tmp_path) as server, server.client() as control, server.client("/ekopost", EKO) as eko:
        control.post("/_mockpost/clock/freeze", json={"at": START})
        campaign, _ = letter(eko)
        status = server.saved()  # within the second the flusher promises
        assert status["interval_seconds"] == 1.0 and status["last_error"] is None
        server.kill()

    with ServerProcess(tmp_path, port=server.port) as again, again.client("/ekopost", EKO) as eko:
        assert eko.get(f"/campaigns/{campaign}").json()["state"] == "closed"


def test_kill_9_in_the_middle_of_writes_leaves_a_store_that_opens_whole(tmp_path):
    with ServerProcess(tmp_path) as server, server.client() as control, server.client("/ekopost", EKO) as eko:
        control.post("/_mockpost/clock/freeze", json={"at": START})
        for n in range(5):
            letter(eko, name=f"saved {n}")
        server.saved()
        for n in range(30):
            letter(eko, name=f"letter {n}")
        server.kill()  # without waiting: the last second's changes may be lost, never half of one

    with ServerProcess(tmp_path, port=server.port) as again, again.client() as control:
        with again.client("/ekopost", EKO) as eko:
            listed = eko.get("/campaigns", params={"start": "2030-03-01", "stop": "2030-03-31"}).json()
        transfers = {
            t["id"] for t in control.get("/_mockpost/timers").json()["items"] if t["action"] == "transfer"
        }
        assert {f"saved {n}" for n in range(5)} <= {c["name"] for c in listed}
        for campaign in listed:  # a campaign closed before the kill comes back whole
            if campaign["state"] == "closed":
                assert campaign["envelope_count"] == 1 and campaign["id"] in transfers
        assert control.post("/_mockpost/clock/advance", json={"duration": "3d"}).status_code == 200


def test_a_damaged_store_is_refused_with_one_line_and_exit_2(tmp_path):
    store = tmp_path / "mockpost.db"
    store.write_bytes(b"this is not a database at all" * 100)
    result = serve_refused("--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(store) in lines[0] and "damaged" in lines[0]
    assert "move it away" in lines[0]


def test_a_store_with_a_mangled_row_is_refused_as_damaged(tmp_path):
    with ServerProcess(tmp_path) as server, server.client("/ekopost", EKO) as eko:
        letter(eko)
        server.stop()
    with closing(sqlite3.connect(tmp_path / "mockpost.db", isolation_level=None)) as db:
        db.execute("UPDATE accounts SET body = ?", (b'{"state": {"campaigns": 12}}',))
    result = serve_refused("--data-dir", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "damaged" in result.stderr


def test_a_store_of_another_version_that_does_not_read_is_refused_naming_both_versions(tmp_path):
    with ServerProcess(tmp_path) as server, server.client("/ekopost", EKO) as eko:
        letter(eko)
        server.stop()
    with closing(sqlite3.connect(tmp_path / "mockpost.db", isolation_level=None)) as db:
        db.execute("UPDATE meta SET value='0.0.1' WHERE key='mockpost_version'")
        db.execute("UPDATE accounts SET body = ?", (b'{"state": {"campaigns": 12}}',))
    result = serve_refused("--data-dir", str(tmp_path))
    line = result.stderr.strip()
    assert result.returncode == 2 and "Traceback" not in line and "\n" not in line
    assert "written by mockpost 0.0.1" in line and "mockpost 0." in line and "cannot read it" in line


def test_a_store_of_another_format_is_refused_naming_both_versions(tmp_path):
    with ServerProcess(tmp_path) as server:
        server.stop()
    with closing(sqlite3.connect(tmp_path / "mockpost.db", isolation_level=None)) as db:
        db.execute("UPDATE meta SET value='2' WHERE key='format'")
        db.execute("UPDATE meta SET value='9.0.0' WHERE key='mockpost_version'")
    result = serve_refused("--data-dir", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "mockpost 9.0.0" in line and "this is mockpost 0." in line and "\n" not in line


def test_a_store_of_another_version_with_the_same_format_is_taken_over(tmp_path):
    with ServerProcess(tmp_path) as server, server.client("/ekopost", EKO) as eko:
        campaign, _ = letter(eko)
        server.stop()
    with closing(sqlite3.connect(tmp_path / "mockpost.db", isolation_level=None)) as db:
        db.execute("UPDATE meta SET value='0.0.1' WHERE key='mockpost_version'")
    with ServerProcess(tmp_path, port=server.port) as again, again.client("/ekopost", EKO) as eko:
        assert eko.get(f"/campaigns/{campaign}").status_code == 200
        eko.post("/campaigns", json={"name": "after"})
        again.saved()
        again.stop()
    with closing(sqlite3.connect(tmp_path / "mockpost.db", isolation_level=None)) as db:
        assert db.execute("SELECT value FROM meta WHERE key='mockpost_version'").fetchone()[0] != "0.0.1"


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path):
    with ServerProcess(tmp_path):
        result = serve_refused("--data-dir", str(tmp_path))
    assert result.returncode == 2 and "in use by another mockpost" in result.stderr


def test_a_data_dir_that_is_a_file_is_refused(tmp_path):
    taken = tmp_path / "file"
    taken.write_text("x")
    result = serve_refused("--data-dir", str(taken))
    assert result.returncode == 2 and str(taken) in result.stderr and "Traceback" not in result.stderr


def test_snapshot_save_and_load_against_a_running_server_with_a_control_token(tmp_path, capsys):
    from mockpost.cli import main

    token = ["--control-token", "t0ken"]
    with ServerProcess(tmp_path / "data", *token) as server, server.client("/ekopost", EKO) as eko:
        campaign, _ = letter(eko)
        saved = tmp_path / "world.json"
        target = ["--target", server.url]
        assert main(["snapshot", "save", str(saved), *target]) == 1
        assert "control token" in capsys.readouterr().err
        assert main(["snapshot", "save", str(saved), *target, *token]) == 0
        eko.post(f"/campaigns/{campaign}/cancel")
        assert main(["snapshot", "load", str(saved), *target, *token]) == 0
        assert "1 accounts, 1 timers, 0 deliveries restored into" in capsys.readouterr().out
        assert eko.get(f"/campaigns/{campaign}").json()["state"] == "closed"

        broken = tmp_path / "broken.json"
        broken.write_text(saved.read_text().replace('"mockpost_snapshot":1', '"mockpost_snapshot":"one"'))
        assert main(["snapshot", "load", str(broken), *target, *token]) == 1
        assert "mockpost_snapshot" in capsys.readouterr().err
        assert main(["snapshot", "load", str(tmp_path / "missing.json"), *target, *token]) == 2
    assert main(["snapshot", "save", str(saved), "--target", "http://127.0.0.1:9"]) == 2


def test_a_snapshot_file_that_cannot_be_used_stops_start_up_with_one_line(tmp_path):
    missing = serve_refused("--snapshot", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "missing.json" in missing.stderr and "Traceback" not in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"mockpost_snapshot": 1, "providers": {"ekopost": {"accounts": {"a": {"state": 5}}}}}')
    refused = serve_refused("--snapshot", str(bad))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "providers.ekopost.accounts.a.state" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
