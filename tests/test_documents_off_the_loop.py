"""Reading an uploaded document never holds up other requests: each provider reads it in a worker
thread, so a request sent while a document is being read is answered before the reading ends."""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from easypost_connect_support import pdf, single_file_job
from helpers import POSTAL, document
from nirva_support import PARIS, letter, pdf_of

from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.core.offload import HANDOFF_SECONDS, INLINE_BELOW, off_loop
from mockpost.core.pdf import make_pdf
from mockpost.providers.easypost_connect import files
from mockpost.providers.ekopost import documents as ekopost_documents
from mockpost.providers.nirva import documents as nirva_documents
from mockpost.testing import Mockpost

EKOPOST = {"Authorization": "api-key reader-key"}
BIG_DOCUMENT_PAGES = 100  # a PDF over INLINE_BELOW: read in a worker thread
STALL_LIMIT = 5.0  # seconds a reading waits for the other answer before giving up (the failure case)


class HeldReading:
    """Wraps a provider's document reader: the reading waits until another request was answered."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.started = threading.Event()
        self.other_answered = threading.Event()

    def __call__(self, *args: Any) -> Any:
        self.started.set()
        self.other_answered.wait(STALL_LIMIT)
        return self.real(*args)


async def answered_in_order(
    client: httpx.AsyncClient, held: HeldReading, upload: Any, other: Callable[[], Any]
) -> list[str]:
    """Which answered first: the upload being read, or a request sent while it is read."""
    order: list[str] = []

    async def send_upload() -> None:
        await upload
        order.append("upload")

    task = asyncio.create_task(send_upload())
    await asyncio.to_thread(held.started.wait, STALL_LIMIT)
    await other()
    order.append("other")
    held.other_answered.set()
    await task
    return order


def test_ekopost_answers_others_while_it_reads_a_document(monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldReading(ekopost_documents.has_pages)
    monkeypatch.setattr(ekopost_documents, "has_pages", held)

    async def scenario() -> list[str]:
        transport = httpx.ASGITransport(app=create_app(Settings()))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://mock/ekopost", headers=EKOPOST
        ) as eko:
            campaign = (await eko.post("/campaigns", json={"name": "C", "output_date": "2030-03-05"})).json()
            envelope_body = {"name": "E", "address": POSTAL, "postage": "priority", "plex": "simplex"}
            envelope = (await eko.post(f"/campaigns/{campaign['id']}/envelopes", json=envelope_body)).json()
            content = document(pages=BIG_DOCUMENT_PAGES)
            assert len(content["data"]) >= INLINE_BELOW  # a small one is read where it is
            upload = eko.post(f"/campaigns/{campaign['id']}/envelopes/{envelope['id']}/content", json=content)
            return await answered_in_order(eko, held, upload, lambda: eko.get(f"/campaigns/{campaign['id']}"))

    assert asyncio.run(scenario()) == ["other", "upload"]


def test_nirva_answers_others_while_it_reads_a_document(monkeypatch: pytest.MonkeyPatch) -> None:
    held = HeldReading(nirva_documents.page_texts)
    monkeypatch.setattr(nirva_documents, "page_texts", held)

    async def scenario() -> list[str]:
        transport = httpx.ASGITransport(app=create_app(Settings()))
        async with httpx.AsyncClient(transport=transport, base_url="http://mock/nirva") as nirva:
            signed = await nirva.post(
                "/authentication/authenticate", json={"login": "demo", "password": "demo"}
            )
            nirva.headers["X-Auth-Token"] = signed.json()["token"]
            upload = nirva.post(
                "/jobs",
                data={"parameters": json.dumps({"jobName": "J", "serviceId": "101"})},
                files={"file__file_LETTER_0": ("letter.pdf", pdf_of(letter(PARIS)), "application/pdf")},
            )
            return await answered_in_order(nirva, held, upload, lambda: nirva.get("/options"))

    assert asyncio.run(scenario()) == ["other", "upload"]


def test_connect_reads_an_uploaded_file_off_the_event_loop(
    mockpost: Mockpost, monkeypatch: pytest.MonkeyPatch
) -> None:
    readers: list[threading.Thread] = []
    real = files.pdf_page_texts

    def recorded(*args: Any) -> Any:
        readers.append(threading.current_thread())
        return real(*args)

    monkeypatch.setattr(files, "pdf_page_texts", recorded)
    connect = mockpost.client("easypost-connect", headers={"x-api-key": "reader-key"})
    letter_lines = ["EMAIL_ADDRESS: ann@example.be", *["Dear Ann, here is your statement."] * 600]
    for data in (pdf("EMAIL_ADDRESS: ann@example.be"), make_pdf([letter_lines])):
        job = single_file_job(connect)
        assert mockpost.client().put(job["fileUploadUrl"], content=data).status_code == 200
        mockpost.clock.advance(duration="1h")
        assert connect.get(f"/jobs/{job['id']}").json()["status"] != "FAILED"
    small, large = readers
    assert small is threading.current_thread()  # the loop runs in this thread: a small file is read there
    assert large is not threading.current_thread()  # a large one in a worker thread


def test_a_small_document_is_read_where_it_is_and_a_large_one_in_a_worker_thread() -> None:
    def reader() -> threading.Thread:
        return threading.current_thread()

    async def read(size: int | None) -> threading.Thread:
        return (await off_loop(reader, size=size)).get()

    here = threading.current_thread()
    assert asyncio.run(read(INLINE_BELOW - 1)) is here
    assert asyncio.run(read(INLINE_BELOW)) is not here
    assert asyncio.run(read(None)) is not here  # no size: always off the loop (Nirva's pypdf)


def crafted_pdf(size: int) -> bytes:
    """A PDF header, then `stream` keywords no `endstream` follows: what made the page check and the
    page-text reading take seconds (each keyword searched to the end of the file)."""
    head = b"%PDF-1.4\n"
    return head + b"stream\n" * ((size - len(head)) // 7)


def test_ekopost_refuses_a_crafted_document_with_its_documented_code(mockpost: Mockpost) -> None:
    eko = mockpost.client("ekopost", headers=EKOPOST)
    campaign = eko.post("/campaigns", json={"name": "C", "output_date": "2030-03-05"}).json()
    envelope_body = {"name": "E", "address": POSTAL, "postage": "priority", "plex": "simplex"}
    envelope = eko.post(f"/campaigns/{campaign['id']}/envelopes", json=envelope_body).json()
    data = crafted_pdf(1024 * 1024)
    body = {**document(), "data": base64.b64encode(data).decode(), "length": len(data)}
    response = eko.post(f"/campaigns/{campaign['id']}/envelopes/{envelope['id']}/content", json=body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "107"


def test_connect_fails_a_job_whose_pdf_has_more_pages_than_the_budget(mockpost: Mockpost) -> None:
    connect = mockpost.client("easypost-connect", headers={"x-api-key": "reader-key"})
    job = single_file_job(connect)
    data = b"%PDF-1.4\n" + b"<< /Type /Page >>\n" * (files.MAX_PAGES + 1)
    assert mockpost.client().put(job["fileUploadUrl"], content=data).status_code == 200
    mockpost.clock.advance(duration="1h")
    failed = connect.get(f"/jobs/{job['id']}").json()
    assert failed["status"] == "FAILED"
    assert f"more than {files.MAX_PAGES} pages" in failed["failureReason"]


def test_while_documents_are_read_the_loop_gets_the_interpreter_back_quickly() -> None:
    """Other requests wait for the interpreter lock at most HANDOFF_SECONDS per step while a
    document is read; the process's own switch interval comes back after the last reading."""
    before = sys.getswitchinterval()
    seen: list[float] = []
    both_reading = threading.Barrier(2, timeout=STALL_LIMIT)

    def reading(name: str) -> str:
        both_reading.wait()  # two readings overlap: the first to end must not restore too early
        seen.append(sys.getswitchinterval())
        return name

    async def two_readings() -> list[str]:
        first, second = await asyncio.gather(off_loop(reading, "a"), off_loop(reading, "b"))
        return [first.get(), second.get()]

    assert asyncio.run(two_readings()) == ["a", "b"]
    assert seen == [HANDOFF_SECONDS, HANDOFF_SECONDS]
    assert sys.getswitchinterval() == before


def test_a_reading_that_raises_is_kept_and_still_gives_the_switch_interval_back() -> None:
    before = sys.getswitchinterval()

    def unreadable() -> None:
        raise ValueError("not a PDF")

    outcome = asyncio.run(off_loop(unreadable))
    with pytest.raises(ValueError, match="not a PDF"):
        outcome.get()
    assert sys.getswitchinterval() == before
