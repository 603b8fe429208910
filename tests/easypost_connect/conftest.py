"""EasyPost Connect fixtures: a client on a frozen clock."""

from __future__ import annotations

import httpx
import pytest
from easypost_connect_support import KEY, START

from mockpost.testing import Mockpost


@pytest.fixture
def ep_mock(mockpost: Mockpost) -> Mockpost:
    mockpost.clock.freeze(START)
    return mockpost


@pytest.fixture
def ep(ep_mock: Mockpost) -> httpx.Client:
    return ep_mock.client("easypost-connect", headers=KEY)
