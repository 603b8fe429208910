"""Shared fixtures: an Ekopost client on a frozen clock, and builders for campaigns/envelopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import KEY, POSTAL, START, document, markup, sms_text

from mockpost.testing import Mockpost


@pytest.fixture
def frozen(mockpost: Mockpost) -> Mockpost:
    mockpost.clock.freeze(START)
    return mockpost


@pytest.fixture
def eko(frozen: Mockpost) -> httpx.Client:
    return frozen.client("ekopost", headers=KEY)


@pytest.fixture
def control(frozen: Mockpost) -> httpx.Client:
    return frozen.client()


@pytest.fixture
def campaign(eko: httpx.Client) -> Callable[..., dict[str, Any]]:
    def create(**fields: Any) -> dict[str, Any]:
        body = {
            "name": "Invoice March",
            "output_date": "2030-03-05T12:00:00",
            "cost_center": "Finance",
            **fields,
        }
        response = eko.post("/campaigns", json=body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    return create


@pytest.fixture
def envelope(eko: httpx.Client) -> Callable[..., dict[str, Any]]:
    def create(
        campaign_id: str, address: Any = POSTAL, content: Any = "document", **fields: Any
    ) -> dict[str, Any]:
        body = {
            "name": "Invoice 1",
            "address": address,
            "postage": "priority",
            "plex": "simplex",
            "color": False,
        }
        response = eko.post(f"/campaigns/{campaign_id}/envelopes", json={**body, **fields})
        assert response.status_code == 200, response.text
        created: dict[str, Any] = response.json()
        builders = {"document": document, "sms": sms_text, "markup": markup}
        if content in builders:
            added = eko.post(
                f"/campaigns/{campaign_id}/envelopes/{created['id']}/content", json=builders[content]()
            )
            assert added.status_code == 200, added.text
        return created

    return create
