"""The console as a developer uses it, in Chromium: live updates, account → campaign → envelope, the
letter's page images, the clock, webhooks, faults, the token login and a phone-sized screen."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from console_support import EKO_KEY, START, ekopost_letter

from mockpost.testing import LiveServer

expect = pytest.importorskip("playwright.sync_api").expect

NO_RELOAD = "window.__stayed = true"


def close_letter(client: httpx.Client, ids: dict[str, str]) -> None:
    """Close the envelope and its campaign: its output date is now, so it goes to production."""
    campaign = f"/ekopost/campaigns/{ids['campaign']}"
    client.post(f"{campaign}/envelopes/{ids['envelope']}/close").raise_for_status()
    client.post(f"{campaign}/close").raise_for_status()


def open_console(page: Any, url: str, fragment: str = "") -> None:
    page.goto(f"{url}/{fragment}")
    page.wait_for_selector("#live.on")  # the event stream is connected
    page.evaluate(NO_RELOAD)


def still_same_page(page: Any) -> bool:
    return bool(page.evaluate("window.__stayed === true"))


def test_a_request_made_after_the_page_loaded_appears_without_a_reload(page, sandbox_url, shot):
    open_console(page, sandbox_url)
    assert page.get_by_text("No requests yet.").is_visible()
    httpx.post(f"{sandbox_url}/ekopost/campaigns", headers=EKO_KEY, json={"name": "Live one"})
    page.get_by_role("cell", name="POST /ekopost/campaigns").wait_for()
    page.get_by_role("link", name="api-key co…ey").wait_for()  # the new account, by its label
    assert still_same_page(page)
    shot(page, "overview")


def test_account_to_campaign_to_envelope_with_the_letter_and_its_address(page, sandbox_url, shot):
    ids = ekopost_letter(sandbox_url)
    open_console(page, sandbox_url)
    page.get_by_role("link", name="api-key co…ey").click()
    page.get_by_role("heading", name="api-key co…ey").wait_for()
    page.get_by_label("Kind").select_option("campaign")
    page.get_by_role("link", name=ids["campaign"]).click()
    page.get_by_role("heading", name=re.compile("campaign")).wait_for()
    page.get_by_role("link", name=ids["envelope"]).click()
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text=ids["envelope"]).wait_for()
    first_page = page.get_by_role("img", name=re.compile(r"page 1 of 2"))
    first_page.wait_for()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first_page.element_handle(), timeout=15_000
    )
    size = first_page.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size == [893, 1263]
    address = page.get_by_role("complementary", name="Address block").locator("address")
    assert address.inner_text().splitlines() == ["Anna Andersson", "Storgatan 1", "41103 Göteborg", "SE"]
    assert page.get_by_role("link", name="Download original").get_attribute("download")
    shot(page, "envelope")


def test_advancing_the_clock_from_the_page_shows_the_new_state_without_a_reload(page, sandbox_url, shot):
    ids = ekopost_letter(sandbox_url)
    with httpx.Client(base_url=sandbox_url, headers=EKO_KEY) as client:
        close_letter(client, ids)
    account = httpx.get(f"{sandbox_url}/_mockpost/accounts").json()["items"][0]["account"]
    open_console(page, sandbox_url, f"#/objects/ekopost/{account}/envelope/{ids['envelope']}")
    badge = page.get_by_role("heading", level=1).locator(".badge")
    badge.filter(has_text="transferred").wait_for()  # the output date was now: transferred at once
    page.get_by_text(re.compile(r"print in \d")).wait_for()  # its pending timer, in virtual time
    page.get_by_label("duration").fill("3d")
    page.get_by_role("button", name="Advance").click()
    badge.filter(has_text="posted").wait_for()
    assert page.locator("#clock-now").inner_text() != START
    timeline = page.locator(".timeline li")
    assert [t for t in timeline.all_inner_texts() if "posted" in t]
    assert still_same_page(page)
    shot(page, "posted")


def test_a_webhook_delivery_can_be_redelivered_from_the_page(page, sandbox_url, shot):
    hooks = f"{sandbox_url}/_mockpost/inbox/hooks"
    ids = ekopost_letter(sandbox_url)
    with httpx.Client(base_url=sandbox_url, headers=EKO_KEY) as client:
        client.put("/_mockpost/ekopost/webhook", json={"url": hooks}).raise_for_status()
        close_letter(client, ids)
        client.post("/_mockpost/clock/advance", json={"duration": "3d"}).raise_for_status()  # completed
    open_console(page, sandbox_url, "#/webhooks")
    card = page.get_by_role("article", name=re.compile("Delivery dlv-"))
    card.get_by_role("cell", name="200").first.wait_for()
    assert "X-Ekopost-Signature" in card.inner_text()
    card.get_by_role("button", name=re.compile("Redeliver")).click()
    expect(card.get_by_role("row")).to_have_count(3)  # header, attempt 1, attempt 2
    page.get_by_role("link", name="hooks", exact=True).click()
    page.get_by_role("article").first.wait_for()
    assert page.get_by_role("article").count() == 2 and '"ObjectId"' in page.locator("pre").first.inner_text()
    assert still_same_page(page)
    shot(page, "inbox")


def test_a_fault_added_from_the_page_fires_on_the_next_request(page, sandbox_url, shot):
    open_console(page, sandbox_url, "#/controls")
    form = page.get_by_role("form", name="Add a fault")
    form.get_by_label("Provider").select_option("ekopost")
    form.get_by_label("Path (glob)").fill("/campaigns*")
    form.get_by_label("Status").fill("503")
    form.get_by_role("button", name="Add fault").click()
    page.get_by_role("cell", name="fault-1", exact=True).wait_for()
    answer = httpx.post(f"{sandbox_url}/ekopost/campaigns", headers=EKO_KEY, json={"name": "x"})
    assert answer.status_code == 503
    page.get_by_role("cell", name="1", exact=True).wait_for()  # fired once, shown live
    shot(page, "controls")
    page.get_by_role("button", name="Remove fault fault-1").click()
    page.get_by_text("No faults.").wait_for()


def test_a_journal_row_opens_its_request_response_and_curl(page, sandbox_url, shot):
    httpx.post(f"{sandbox_url}/ekopost/campaigns", headers=EKO_KEY, json={"name": "Traced"})
    open_console(page, sandbox_url, "#/journal")
    page.get_by_role("cell", name="POST /ekopost/campaigns").click()
    page.get_by_role("heading", name=re.compile(r"Request #\d")).wait_for()
    curl = page.get_by_label("curl command").inner_text()
    assert curl.startswith("curl -X POST") and "/ekopost/campaigns" in curl and '"Traced"' in curl
    assert page.get_by_role("heading", name="Response").is_visible()
    shot(page, "journal-entry")


def test_the_token_login_opens_the_console_and_its_live_feed(browser, screenshots):
    with LiveServer(freeze_at=START, control_token="team-token") as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(server.url + "/")
        assert httpx.get(server.url + "/_mockpost/events").status_code == 401
        page.get_by_label("Control token").fill("wrong")
        page.get_by_role("button", name="Open the console").click()
        page.get_by_text("That is not the control token.").wait_for()
        page.get_by_label("Control token").fill("team-token")
        page.get_by_role("button", name="Open the console").click()
        page.wait_for_selector("#live.on")
        httpx.post(f"{server.url}/ekopost/campaigns", headers=EKO_KEY, json={"name": "x"})
        page.get_by_role("cell", name="POST /ekopost/campaigns").wait_for()
        page.screenshot(path=str(screenshots / "token-login.png"), full_page=True)
        context.close()


def test_every_view_fits_a_390_px_screen(browser, sandbox_url, shot):
    ids = ekopost_letter(sandbox_url)
    httpx.post(f"{sandbox_url}/_mockpost/inbox/hooks", content=b'{"a": 1}')
    account = httpx.get(f"{sandbox_url}/_mockpost/accounts").json()["items"][0]["account"]
    entry = httpx.get(f"{sandbox_url}/_mockpost/journal?limit=1").json()["items"][0]["id"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    views = {
        "overview": ("", "Accounts"),
        "account": (f"#/accounts/ekopost/{account}", "Objects"),
        "envelope": (f"#/objects/ekopost/{account}/envelope/{ids['envelope']}", "History"),
        "journal": ("#/journal", "Journal"),
        "entry": (f"#/journal/{entry}", "Response"),
        "webhooks": ("#/webhooks", "Inboxes"),
        "controls": ("#/controls", "Faults"),
    }
    for name, (fragment, heading) in views.items():
        page.goto(f"{sandbox_url}/{fragment}")
        page.get_by_role("heading", name=heading, exact=True).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
        scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= width, f"{name}: {scroll} px wide on a {width} px screen"
        shot(page, f"390-{name}")
    context.close()
