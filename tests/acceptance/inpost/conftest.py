"""Fixtures of the black-box ShipX tests: a token's client on a frozen clock, its organization,
and an anonymous client for the public resources."""

from __future__ import annotations

import httpx
import pytest
from acceptance.inpost.shipx_acceptance_support import START, organization_id, shipx

from mockpost.testing import Mockpost


@pytest.fixture
def api(mockpost: Mockpost) -> httpx.Client:
    return shipx(mockpost)


@pytest.fixture
def org(api: httpx.Client) -> int:
    return organization_id(api)


@pytest.fixture
def public(mockpost: Mockpost) -> httpx.Client:
    mockpost.clock.freeze(START)
    return mockpost.client("inpost")
