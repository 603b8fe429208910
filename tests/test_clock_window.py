"""The clock goes only where every provider still works: 1970-01-02 .. 9998-12-31, else 422."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from easypost_connect_support import single_file_job
from helpers import POSTAL, document
from inpost_support import locker_body
from nirva_support import sign_in

from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.core.clock import EARLIEST, LATEST, ClockRangeError, iso_utc
from mockpost.testing import Mockpost

EDGES = [iso_utc(EARLIEST), iso_utc(LATEST)]
CREDENTIALS = {
    "ekopost": {"Authorization": "api-key edge-key"},
    "easypost-connect": {"x-api-key": "edge-key"},
    "inpost": {"Authorization": "Bearer edge-token"},
    "afosto": {"Authorization": "Bearer edge-token"},
}


@pytest.mark.parametrize(
    ("move", "body"),
    [
        ("freeze", {"at": "9999-12-31T23:59:59.999999Z"}),
        ("set", {"at": "9999-06-01T00:00:00Z"}),
        ("set", {"at": "0001-01-01T00:00:00Z"}),
        ("set", {"at": "1970-01-01T00:00:00Z"}),
    ],
)
def test_instants_outside_the_window_are_refused_with_the_window(
    mockpost: Mockpost, move: str, body: dict[str, str]
) -> None:
    control = mockpost.client()
    before = control.get("/_mockpost/clock").json()
    response = control.post(f"/_mockpost/clock/{move}", json=body)
    assert response.status_code == 422
    assert "1970-01-02T00:00:00Z and 9998-12-31T23:59:59Z" in response.json()["error"]
    assert control.get("/_mockpost/clock").json()["frozen"] == before["frozen"]


@pytest.mark.parametrize("body", [{"duration": "2d"}, {"seconds": 100 * 365 * 86400.0}])
def test_advancing_out_of_the_window_is_refused_and_moves_nothing(
    mockpost: Mockpost, body: dict[str, Any]
) -> None:
    mockpost.clock.freeze("9998-12-30T12:00:00Z")
    eko = mockpost.client("ekopost", headers=CREDENTIALS["ekopost"])
    campaign = eko.post("/campaigns", json={"name": "Edge", "output_date": "9998-12-30T13:00:00"}).json()
    control = mockpost.client()
    response = control.post("/_mockpost/clock/advance", json=body)
    assert response.status_code == 422
    assert "forward" in response.json()["error"]
    assert control.get("/_mockpost/clock").json()["now"] == "9998-12-30T12:00:00Z"
    assert eko.get(f"/campaigns/{campaign['id']}").json()["state"] == campaign["state"]


def test_advancing_to_the_last_instant_is_allowed(mockpost: Mockpost) -> None:
    mockpost.clock.freeze("9998-12-31T00:00:00Z")
    response = mockpost.client().post("/_mockpost/clock/advance", json={"seconds": 86399})
    assert response.status_code == 200
    assert response.json()["now"] == "9998-12-31T23:59:59Z"


def test_a_server_cannot_start_frozen_outside_the_window() -> None:
    with pytest.raises(ClockRangeError, match="9998-12-31T23:59:59Z"):
        create_app(Settings(freeze_at="0001-01-01T00:00:00Z"))


def get_routes(client: httpx.Client) -> list[str]:
    document = client.get("/openapi.json").json()
    return [path for path, operations in document["paths"].items() if "get" in operations and "{" not in path]


@pytest.mark.parametrize("edge", EDGES)
@pytest.mark.parametrize("provider", sorted(CREDENTIALS))
def test_every_list_and_read_answers_at_both_ends_of_the_window(
    mockpost: Mockpost, provider: str, edge: str
) -> None:
    mockpost.clock.freeze(edge)
    client = mockpost.client(provider, headers=CREDENTIALS[provider])
    failures = {path: client.get(path).status_code for path in get_routes(client)}
    assert {path: status for path, status in failures.items() if status >= 500} == {}


@pytest.mark.parametrize("edge", EDGES)
def test_nirva_answers_at_both_ends_of_the_window(mockpost: Mockpost, edge: str) -> None:
    mockpost.clock.freeze(edge)
    client = mockpost.client("nirva")
    client.headers.update(sign_in(client))
    failures = {path: client.get(path).status_code for path in get_routes(client)}
    assert {path: status for path, status in failures.items() if status >= 500} == {}


@pytest.mark.parametrize("edge", EDGES)
def test_work_planned_ahead_is_accepted_at_both_ends_of_the_window(mockpost: Mockpost, edge: str) -> None:
    mockpost.clock.freeze(edge)
    connect = mockpost.client("easypost-connect", headers=CREDENTIALS["easypost-connect"])
    assert single_file_job(connect)["status"] == "AWAITING_FOR_FILE"  # its upload URL expires in 2 h

    eko = mockpost.client("ekopost", headers=CREDENTIALS["ekopost"])
    year = edge[:4]
    campaign = eko.post("/campaigns", json={"name": "Edge", "output_date": f"{year}-12-31T23:59:59"})
    assert campaign.status_code < 500, campaign.text
    if campaign.status_code == 200:
        campaign_id = campaign.json()["id"]
        envelope = eko.post(
            f"/campaigns/{campaign_id}/envelopes",
            json={"name": "E", "address": POSTAL, "postage": "priority", "plex": "simplex", "color": False},
        ).json()
        eko.post(f"/campaigns/{campaign_id}/envelopes/{envelope['id']}/content", json=document())
        assert eko.post(f"/campaigns/{campaign_id}/envelopes/{envelope['id']}/close").status_code < 500
        assert eko.post(f"/campaigns/{campaign_id}/close").status_code < 500

    inpost = mockpost.client("inpost", headers=CREDENTIALS["inpost"])
    organization = inpost.get("/v1/organizations").json()["items"][0]["id"]
    created = inpost.post(f"/v1/organizations/{organization}/shipments", json=locker_body())
    assert created.status_code < 500, created.text
    if edge == iso_utc(EARLIEST):  # at the last instant, work planned later never falls due
        assert mockpost.client().post("/_mockpost/clock/advance", json={"duration": "7d"}).status_code == 200
