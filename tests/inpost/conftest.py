"""InPost fixtures: a ShipX client on a frozen clock, its organization, shipment builders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from inpost_support import START, TOKEN, courier_body, locker_body

from mockpost.testing import Mockpost


@pytest.fixture(scope="session")
def _inpost_sandbox() -> Iterator[Mockpost]:
    """One in-process sandbox for the InPost tests, fully reset before each test: as isolated as
    a fresh one, without building every provider again for every test."""
    with Mockpost() as mock:
        yield mock


@pytest.fixture
def frozen(_inpost_sandbox: Mockpost) -> Mockpost:
    _inpost_sandbox.reset()
    _inpost_sandbox.clock.freeze(START)
    return _inpost_sandbox


@pytest.fixture
def shipx(frozen: Mockpost) -> httpx.Client:
    return frozen.client("inpost", headers=TOKEN)


@pytest.fixture
def org_id(shipx: httpx.Client) -> int:
    organization_id: int = shipx.get("/v1/organizations").json()["items"][0]["id"]
    return organization_id


@pytest.fixture
def create(shipx: httpx.Client, org_id: int) -> Callable[..., dict[str, Any]]:
    def make(kind: str = "locker", **extra: Any) -> dict[str, Any]:
        body = locker_body(**extra) if kind == "locker" else courier_body(**extra)
        response = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    return make
