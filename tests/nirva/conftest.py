"""Nirva fixtures: a client at /nirva on a frozen clock, signed in as the demo user.

The sandbox is shared by the Nirva tests and fully reset before each one (a reset takes
milliseconds, a new sandbox with every provider far longer); a test marked
`@pytest.mark.mockpost(...)` gets its own sandbox with those settings.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from nirva_support import START, sign_in

from mockpost.testing import Mockpost


@pytest.fixture(scope="session")
def _nirva_shared_sandbox() -> Iterator[Mockpost]:
    with Mockpost() as sandbox:
        yield sandbox


@pytest.fixture
def nirva_mock(request: pytest.FixtureRequest) -> Mockpost:
    if request.node.get_closest_marker("mockpost") is not None:
        sandbox: Mockpost = request.getfixturevalue("mockpost")
    else:
        sandbox = request.getfixturevalue("_nirva_shared_sandbox")
        sandbox.reset()
    sandbox.clock.freeze(START)
    return sandbox


@pytest.fixture
def nirva(nirva_mock: Mockpost) -> httpx.Client:
    return nirva_mock.client("nirva")


@pytest.fixture
def demo(nirva: httpx.Client) -> dict[str, str]:
    return sign_in(nirva, "demo", "demo")


@pytest.fixture
def admin(nirva: httpx.Client) -> dict[str, str]:
    return sign_in(nirva, "admin", "admin")
