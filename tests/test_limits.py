"""What the sandbox refuses, caps or trims so that no request, and no long run, can exhaust it:
header blocks, the journal, inboxes, open-mode accounts, fault latency, slow clients."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Iterator

import pytest

from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.core import http
from mockpost.core.asgi import call_asgi
from mockpost.core.faults import FaultSpec
from mockpost.core.inbox import INBOX_BODY_LIMIT, Inboxes
from mockpost.core.journal import BODY_LIMIT, HEADER_VALUE_LIMIT, Entry, Journal
from mockpost.guarded_http import Sweeper
from mockpost.testing import Mockpost
from mockpost.testing.live import LiveServer

EKOPOST = {"Authorization": "api-key limits-key"}
BIG_HEADER = {"X-Big": "a" * (65 * 1024)}


# -- header blocks --------------------------------------------------------------------------------
def test_a_header_block_over_64_kib_is_431_in_the_providers_envelope(mockpost: Mockpost) -> None:
    response = mockpost.client("ekopost", headers=EKOPOST).get("/campaigns", headers=BIG_HEADER)
    assert response.status_code == 431
    assert set(response.json()) == {"error_code", "error_message", "developer_message"}
    assert "65536" in response.json()["error_message"]


def test_a_header_block_over_64_kib_is_431_on_the_control_plane_too(mockpost: Mockpost) -> None:
    response = mockpost.client().get("/_mockpost/clock", headers=BIG_HEADER)
    assert response.status_code == 431
    assert set(response.json()) == {"error", "detail"}


def test_a_header_block_just_under_the_limit_is_served(mockpost: Mockpost) -> None:
    headers = {"X-Big": "a" * (60 * 1024)}
    assert mockpost.client("ekopost", headers=EKOPOST).get("/campaigns", headers=headers).status_code == 200


def test_the_header_limit_is_a_setting() -> None:
    with Mockpost(settings=Settings(max_header_kb=128)) as mock:
        response = mock.client("ekopost", headers=EKOPOST).get("/campaigns", headers=BIG_HEADER)
    assert response.status_code == 200


def test_the_journal_keeps_a_large_header_block_clipped(mockpost: Mockpost) -> None:
    mockpost.client("ekopost", headers=EKOPOST).get("/campaigns", headers=BIG_HEADER)
    entry = mockpost.sandbox.journal.query(status=431)[0]
    kept = dict(entry.request_headers)[b"x-big"]
    assert len(kept) < HEADER_VALUE_LIMIT + 40 and kept.endswith(b"more bytes]")


# -- the journal ----------------------------------------------------------------------------------
def test_journal_bodies_are_clipped_with_a_marker_saying_how_much_was_cut(mockpost: Mockpost) -> None:
    body = b'{"name": "' + b"x" * 100_000 + b'"}'
    mockpost.client("ekopost", headers=EKOPOST).post("/campaigns", content=body)
    recorded = mockpost.client().get("/_mockpost/journal").json()["items"][-1]["request_body"]
    assert recorded.startswith('{"name": "xxx')
    assert recorded.endswith(f"... [{len(body) - BODY_LIMIT} more bytes]")


def row(n: int, body: bytes) -> Entry:
    return Entry(n, 0.0, "ekopost", None, "POST", "/ekopost/campaigns", b"", 200, 1.0, (), body, b"")


def test_the_journal_drops_its_oldest_entries_past_its_byte_budget() -> None:
    journal = Journal(capacity=1_000, max_bytes=50_000)
    for n in range(100):
        journal.record(row(n, b"x" * 3_000))
    assert journal.nbytes <= 50_000
    kept = [entry.id for entry in journal.query()]
    assert kept == list(range(100 - len(kept), 100)) and 10 < len(kept) < 20


def test_the_journal_byte_budget_is_a_setting(mockpost: Mockpost) -> None:
    assert mockpost.sandbox.journal.max_bytes == 64 * 1024 * 1024
    with Mockpost(settings=Settings(journal_max_mb=0.05)) as mock:
        client = mock.client("ekopost", headers=EKOPOST)
        for _ in range(50):
            client.post("/campaigns", json={"name": "x" * 5_000})
        assert mock.sandbox.journal.nbytes <= 0.05 * 1024 * 1024
        assert 0 < len(mock.sandbox.journal) < 50


# -- inboxes --------------------------------------------------------------------------------------
def test_an_inbox_keeps_a_large_body_clipped_with_a_marker(mockpost: Mockpost) -> None:
    control = mockpost.client()
    control.post("/_mockpost/inbox/big", content=b"y" * (INBOX_BODY_LIMIT + 10))
    body = control.get("/_mockpost/inbox/big").json()["items"][0]["body"]
    assert body.endswith("... [10 more bytes]")


def test_inboxes_drop_their_oldest_items_past_their_byte_budget() -> None:
    inboxes = Inboxes(max_bytes=20_000, max_inboxes=10)
    for n in range(20):
        inboxes.put("a", {"body": f"{n}:" + "z" * 2_000})
    kept = [item["body"].split(":")[0] for item in inboxes.items("a")]
    assert inboxes.nbytes <= 20_000 and kept == [str(n) for n in range(20 - len(kept), 20)]


def test_opening_one_inbox_too_many_drops_the_least_recently_used(mockpost: Mockpost) -> None:
    inboxes = Inboxes(max_inboxes=3)
    for name in ("a", "b", "c"):
        inboxes.put(name, {"body": name})
    inboxes.items("a")  # reading counts as use
    inboxes.put("d", {"body": "d"})
    assert [name for name, _ in inboxes.sizes()] == ["a", "c", "d"]


def test_inbox_bounds_are_settings(mockpost: Mockpost) -> None:
    with Mockpost(settings=Settings(max_inboxes=2, inbox_max_mb=1)) as mock:
        control = mock.client()
        for name in ("one", "two", "three"):
            control.post(f"/_mockpost/inbox/{name}", content=b"ping")
        assert control.get("/_mockpost/inbox/one").json()["items"] == []
        assert len(control.get("/_mockpost/inbox/three").json()["items"]) == 1
        assert mock.sandbox.inboxes.max_bytes == 1024 * 1024


# -- open-mode accounts ---------------------------------------------------------------------------
def test_open_mode_drops_the_least_recently_used_account_past_the_cap() -> None:
    with Mockpost(settings=Settings(max_tenants=2)) as mock:
        first = mock.client("ekopost", headers={"Authorization": "api-key first"})
        second = mock.client("ekopost", headers={"Authorization": "api-key second"})
        third = mock.client("ekopost", headers={"Authorization": "api-key third"})
        first.post("/campaigns", json={"name": "kept: used again below"})
        second.post("/campaigns", json={"name": "dropped: used least recently"})
        assert len(first.get("/campaigns").json()) == 1
        third.post("/campaigns", json={"name": "the account past the cap"})
        assert len(first.get("/campaigns").json()) == 1
        assert second.get("/campaigns").json() == []  # the key still works: an empty account
        assert len(list(mock.sandbox.store.tenants("ekopost"))) == 2


# -- faults and disconnects -----------------------------------------------------------------------
@pytest.mark.parametrize("latency", [1e308, 600_001, {"min_ms": 0, "max_ms": 1e308}, -1])
def test_a_fault_latency_beyond_ten_minutes_is_refused(mockpost: Mockpost, latency: object) -> None:
    response = mockpost.client().post("/_mockpost/faults", json={"latency_ms": latency})
    assert response.status_code == 422


def test_a_client_that_leaves_before_its_body_is_recorded_not_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Settings())

    async def leave_early() -> None:
        scope_headers = [(b"authorization", b"api-key gone"), (b"content-length", b"100")]
        received = iter([{"type": "http.request", "body": b"{", "more_body": True}])

        async def receive() -> dict[str, object]:
            return next(received, {"type": "http.disconnect"})

        async def send(message: dict[str, object]) -> None:
            return None

        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/ekopost/campaigns",
            "raw_path": b"/ekopost/campaigns",
            "query_string": b"",
            "root_path": "",
            "headers": scope_headers,
            "client": ("127.0.0.1", 0),
            "server": ("mockpost", 80),
        }
        await app(scope, receive, send)

    with caplog.at_level(logging.WARNING):
        asyncio.run(leave_early())
    assert not [r for r in caplog.records if "unhandled" in r.getMessage()]
    assert app.state.sandbox.journal.query()[-1].status == 499


def test_in_process_calls_still_answer_after_the_limits(mockpost: Mockpost) -> None:
    answer = asyncio.run(call_asgi(create_app(Settings()), "GET", b"/_mockpost/health", b"", [], b""))
    assert answer.status == 200


# -- a real server: slow clients and header blocks too large to read -------------------------------
@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(read_timeout=0.3, log_level="info") as server:
        yield server


def exchange(live: LiveServer, data: bytes) -> bytes:
    """What the server answers to `data` before it closes the connection (10 s at most)."""
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as conn:
        with contextlib.suppress(OSError):  # the server may stop reading before it took everything
            conn.sendall(data)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize(
    "partial",
    [
        b"",
        b"GET /_mockpost/health HTTP/1.1\r\nHost: x\r\n",
        b"POST /_mockpost/inbox/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n\r\n{",
    ],
    ids=["nothing", "half-the-headers", "half-the-body"],
)
def test_a_request_that_does_not_arrive_in_time_is_408_and_closed(live: LiveServer, partial: bytes) -> None:
    assert exchange(live, partial).startswith(b"HTTP/1.1 408 ")


def test_the_read_timeout_holds_for_every_request_of_a_kept_alive_connection(live: LiveServer) -> None:
    """A connection's first request is answered; its second one, sent only in part after that
    answer, is 408."""
    request = b"GET /_mockpost/health HTTP/1.1\r\nHost: x\r\n"
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as conn:
        conn.sendall(request + b"\r\n")
        first = b""
        while not (first.count(b"\r\n\r\n") and first.endswith(b"}")):
            first += conn.recv(65536)
        conn.sendall(request)  # the second request's headers never end
        rest = b""
        while chunk := conn.recv(65536):
            rest += chunk
    assert first.startswith(b"HTTP/1.1 200 ")
    assert rest.startswith(b"HTTP/1.1 408 ")


def test_a_header_block_too_large_to_read_is_a_plain_431_and_closed(live: LiveServer) -> None:
    answer = exchange(live, b"GET /ekopost/campaigns HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_header_block_over_the_limit_is_431_in_the_envelope_from_a_server(live: LiveServer) -> None:
    request = b"GET /ekopost/campaigns HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
    answer = exchange(live, request + b"a" * 100_000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431 ") and b'"error_code":"431"' in answer


def test_a_drop_fault_is_logged_in_one_line_without_a_traceback(live: LiveServer) -> None:
    live.sandbox.faults.add(FaultSpec(provider="ekopost", action="drop", times=1))
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    errors = logging.getLogger("uvicorn.error")
    errors.addHandler(handler)
    try:
        answer = exchange(
            live, b"GET /ekopost/campaigns HTTP/1.1\r\nHost: x\r\nAuthorization: api-key k\r\n\r\n"
        )
    finally:
        errors.removeHandler(handler)
    assert answer.startswith(b"HTTP/1.1 200 ")  # the headers, then the connection is cut
    dropped = [record for record in records if "dropped the connection" in record.getMessage()]
    assert len(dropped) == 1 and dropped[0].exc_info is None and dropped[0].levelno == logging.INFO
    assert not [record for record in records if record.exc_info]


# -- JSON bodies ----------------------------------------------------------------------------------
def test_a_json_body_of_a_million_arrays_is_refused_before_it_is_built(mockpost: Mockpost) -> None:
    body = b"[" + b"[]," * 1_000_000 + b"[]]"
    response = mockpost.client("ekopost", headers=EKOPOST).post("/campaigns", content=body)
    assert response.status_code == 400
    assert "100000 arrays and objects" in response.json()["developer_message"]


def test_a_large_json_body_is_parsed_off_the_event_loop(
    mockpost: Mockpost, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsers: list[threading.Thread] = []
    real = http.parse_json

    def recorded(raw: bytes, *rest: object) -> object:
        parsers.append(threading.current_thread())
        return real(raw, *rest)

    monkeypatch.setattr(http, "parse_json", recorded)
    response = mockpost.client("ekopost", headers=EKOPOST).post("/campaigns", json={"name": "n" * 300_000})
    assert response.status_code == 200
    assert parsers and threading.current_thread() not in parsers  # the loop runs in this thread


@pytest.mark.parametrize("timeout", [0.3, 2.0, 30.0, 45.5])
def test_the_sweep_refuses_a_request_between_its_timeout_and_one_sweep_later(timeout: float) -> None:
    """Requests note the sweep count when they begin; one that began just after a sweep is not late
    before `timeout` has passed, and one that began just before a sweep is late by `timeout + interval`."""
    loop = asyncio.new_event_loop()
    sweeper = Sweeper(loop, timeout)
    loop.close()
    assert sweeper.interval <= min(1.0, timeout / 4) + 1e-9
    since = sweeper.count
    sweeps = 0
    while not sweeper.is_late(since):
        sweeper.count += 1
        sweeps += 1
    # begun just before the sweep after `since`: sweeps - 1 intervals passed when it is refused
    assert (sweeps - 1) * sweeper.interval >= timeout - 1e-9
    # begun just after sweep `since`: sweeps intervals passed
    assert sweeps * sweeper.interval <= timeout + sweeper.interval + 1e-9
