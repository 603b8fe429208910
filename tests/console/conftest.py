"""The console in a real browser: Debian's Chromium driven by Playwright, against a live server.

Skipped (with the reason) only where /usr/bin/chromium is missing; CI installs it. Screenshots go
to a temporary folder that the run prints (MOCKPOST_SCREENSHOTS chooses another), to be looked at.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_support import CHROMIUM, LAUNCH_ARGS, START

from mockpost.testing import LiveServer

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: the console's browser tests need Debian's chromium", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("MOCKPOST_SCREENSHOTS") or tempfile.mkdtemp(prefix="mockpost-console-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nconsole screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API holds an event loop in this thread while it runs, which
    the in-process tests after these could not share."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer(freeze_at=START) as live:
        yield live


@pytest.fixture
def sandbox_url(server: LiveServer) -> str:
    """A fresh world for each test: reset, clock frozen at START."""
    with httpx.Client(base_url=server.url) as client:
        client.post("/_mockpost/reset").raise_for_status()
        client.post("/_mockpost/clock/freeze", json={"at": START}).raise_for_status()
    return server.url


@pytest.fixture
def page(browser: Any, sandbox_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def shot(screenshots: Path, request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    def take(tab: Any, name: str) -> Path:
        path = screenshots / f"{request.node.name}-{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take
