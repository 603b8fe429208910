"""What the console reads and does over HTTP: its own traffic stays out of the journal, objects page
and filter, documents download and render as page images, the operator's forced transition, the
journal's detail and paging, and the live feed's events and bounds."""

from __future__ import annotations

import asyncio
import base64
import struct

import httpx
import pytest
from helpers import KEY, POSTAL, document

from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.control.stream import EventHub, Subscriber
from mockpost.core.events import Events
from mockpost.core.pdf import make_pdf


def letter(eko: httpx.Client, pages: int = 2) -> tuple[str, str]:
    campaign = eko.post("/campaigns", json={"name": "March"}).json()["id"]
    envelope = eko.post(
        f"/campaigns/{campaign}/envelopes",
        json={"name": "Invoice 7", "address": POSTAL, "postage": "priority"},
    ).json()["id"]
    eko.post(
        f"/campaigns/{campaign}/envelopes/{envelope}/content", json=document(pages=pages)
    ).raise_for_status()
    return campaign, envelope


def account_of(control: httpx.Client) -> str:
    return str(control.get("/_mockpost/accounts?provider=ekopost").json()["items"][0]["account"])


def test_the_console_its_assets_and_favicon_never_enter_the_journal(control):
    assert control.get("/").status_code == 200
    assert control.get("/favicon.ico").status_code == 200
    for name in ("console.js", "console.css", "favicon.svg"):
        assert control.get(f"/_mockpost/console/{name}").status_code == 200
    assert control.get("/_mockpost/journal").json()["items"] == []


def test_unknown_console_assets_are_a_404(control):
    assert control.get("/_mockpost/console/secrets.txt").status_code == 404


def test_the_console_page_works_under_a_path_prefix():
    async def fetch() -> str:
        transport = httpx.ASGITransport(app=create_app(Settings()), root_path="/sandbox")
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return (await client.get("/")).text

    page = asyncio.run(fetch())
    assert '<base href="/sandbox/">' in page and 'src="_mockpost/console/console.js"' in page


def test_an_account_lists_its_objects_by_page_and_by_text(eko, control):
    for n in range(3):
        eko.post("/campaigns", json={"name": f"Batch {n}"})
    account = account_of(control)
    url = f"/_mockpost/accounts/ekopost/{account}/objects"
    first = control.get(url, params={"limit": 2}).json()
    second = control.get(url, params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    found = control.get(url, params={"q": "batch 1"}).json()
    assert found["total"] == 1


def test_an_envelope_shows_its_letter_its_address_block_and_its_allowed_transitions(eko, control):
    _, envelope = letter(eko)
    account = account_of(control)
    detail = control.get(f"/_mockpost/accounts/ekopost/{account}/objects/envelope/{envelope}").json()
    assert detail["address"] == ["Company Inc.", "c/o John Doe", "Street no. 37", "65421 Gothenburg", "SE"]
    assert detail["transitions"] == ["cancelled", "closed", "failed"] and detail["deletable"] is False
    [doc] = detail["documents"]
    assert doc["mime"] == "application/pdf" and doc["role"] == "document" and doc["index"] == 0
    base = f"/_mockpost/accounts/ekopost/{account}/objects/envelope/{envelope}/documents/0"
    original = control.get(base)
    assert original.content == base64.b64decode(document(pages=2)["data"])
    assert original.headers["content-disposition"].startswith("attachment")
    assert control.get(base + "/pages").json() == {"pages": 2, "previewed": 2}
    image = control.get(base + "/pages/2")
    assert image.headers["content-type"] == "image/png" and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image.content[16:24])
    assert (width, height) == (893, 1263)  # A4 at 1.5 x 72 dpi


def test_a_page_the_document_does_not_have_is_a_404(eko, control):
    _, envelope = letter(eko, pages=1)
    base = f"/_mockpost/accounts/ekopost/{account_of(control)}/objects/envelope/{envelope}/documents"
    assert control.get(base + "/0/pages/2").status_code == 404
    assert control.get(base + "/1").status_code == 404


def test_an_unreadable_pdf_is_refused_with_a_message_not_a_crash(mockpost):
    from mockpost.control.page_images import PageImages, Unrenderable

    with pytest.raises(Unrenderable):
        asyncio.run(PageImages().page(b"%PDF-1.4 not really", 1))
    assert asyncio.run(PageImages().page_count(make_pdf([["a"], ["b"], ["c"]]))) == 3


def test_the_operator_forces_a_transition_by_naming_the_account(eko, control):
    campaign, _ = letter(eko)
    body = {"resource": "campaign", "id": campaign, "state": "cancelled", "account": account_of(control)}
    moved = control.post("/_mockpost/ekopost/transition", json=body)
    assert moved.status_code == 200 and moved.json()["state"] == "cancelled"
    unknown = control.post("/_mockpost/ekopost/transition", json={**body, "account": "nobody"})
    assert unknown.status_code == 404


def test_objects_their_api_cannot_delete_are_refused(eko, control):
    campaign, _ = letter(eko)
    answer = control.delete(f"/_mockpost/accounts/ekopost/{account_of(control)}/objects/campaign/{campaign}")
    assert answer.status_code == 405


def test_a_journal_entry_shows_request_and_response_headers_and_bodies(eko, control):
    eko.post("/campaigns", json={"name": "Shown"})
    [entry] = control.get("/_mockpost/journal").json()["items"]
    detail = control.get(f"/_mockpost/journal/{entry['id']}").json()
    assert detail["response_headers"]["content-type"].startswith("application/json")
    assert '"Shown"' in detail["request_body"] and '"Shown"' in detail["response_body"]
    assert detail["request_headers"]["authorization"] != KEY["Authorization"]  # masked
    assert control.get("/_mockpost/journal/999").status_code == 404


def test_the_journal_pages_back_with_before(eko, control):
    for n in range(5):
        eko.get(f"/campaigns/none-{n}")
    newest = control.get("/_mockpost/journal", params={"limit": 2}).json()
    assert newest["total"] == 5 and [e["path"][-1] for e in newest["items"]] == ["3", "4"]
    older = control.get("/_mockpost/journal", params={"limit": 2, "before": newest["items"][0]["id"]}).json()
    assert [e["path"][-1] for e in older["items"]] == ["1", "2"] and older["total"] == 3


def test_inboxes_are_listed_with_their_sizes(control):
    control.post("/_mockpost/inbox/hooks", content=b"{}")
    control.post("/_mockpost/inbox/hooks", content=b"{}")
    assert control.get("/_mockpost/inbox").json() == {"items": [{"name": "hooks", "count": 2}]}


def test_requests_and_clock_moves_are_published_as_events(frozen, eko):
    seen: list[tuple[str, dict]] = []
    frozen.sandbox.events.subscribe(lambda type, data: seen.append((type, data)))
    eko.post("/campaigns", json={"name": "x"})
    frozen.clock.advance(duration="1h")
    request = next(data for type, data in seen if type == "request")
    assert set(request) == {"id", "provider", "account", "method", "path", "status"}
    assert request["method"] == "POST" and request["status"] == 200 and request["provider"] == "ekopost"
    assert ("clock", {"now": "2030-03-04T10:00:00Z", "frozen": True}) in seen


def test_nobody_listening_means_no_listener_stays_subscribed():
    events = Events()
    hub = EventHub(events)

    async def open_and_close() -> None:
        subscriber = hub.open()
        assert events
        hub.close(subscriber)

    asyncio.run(open_and_close())
    assert not events


def test_a_browser_that_falls_behind_is_told_to_resync_and_its_backlog_is_dropped():
    async def flood() -> bytes:
        subscriber = Subscriber(asyncio.get_running_loop(), limit=3)
        for n in range(10):
            subscriber.offer(f"data: {n}\n\n".encode())
        return subscriber.take()

    taken = asyncio.run(flood())
    assert taken.startswith(b"event: resync") and taken.count(b"data: ") <= 4
