"""Failure and return statuses: reached by forced transition (by id or tracking number) from
confirmed on, never before, never back; counted by the seed's statistics groups."""

from __future__ import annotations

import json

import pytest
from inpost_support import START, TOKEN, all_shipments, hand_count, locker_body

from mockpost.testing.inprocess import Mockpost

# The failure and return statuses a parcel can end a journey in, with the statistics counter the
# Organization page puts each in (None: counted in none).
PROBLEMS = {
    "pickup_time_expired": "in_logistics",
    "oversized": None,
    "delay_in_delivery": None,
    "rejected_by_receiver": None,
    "undelivered": None,
    "undelivered_wrong_address": None,
    "undelivered_incomplete_address": None,
    "undelivered_unknown_receiver": None,
    "undelivered_cod_cash_receiver": None,
    "missing": None,
    "claimed": "in_logistics",
    "returned_to_sender": "in_logistics",
}


def _force(mock: Mockpost, shipment_id: object, status: str):
    return mock.client().post(
        "/_mockpost/inpost/transition",
        headers=TOKEN,
        json={"resource": "shipment", "id": str(shipment_id), "state": status},
    )


@pytest.mark.parametrize("status", PROBLEMS)
def test_every_failure_status_is_reachable_from_logistics_and_stays(frozen, shipx, org_id, create, status):
    created = create("courier")
    frozen.clock.advance(duration="3h")  # taken_by_courier
    moved = _force(frozen, created["id"], status)
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == status
    frozen.clock.advance(duration="7d")  # the timeline never carries a failed parcel on
    shown = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert shown["status"] == status
    assert (shown["return_tracking_number"] is not None) == (status == "returned_to_sender")
    statistics = shipx.get(f"/v1/organizations/{org_id}/statistics").json()
    assert statistics == hand_count(all_shipments(shipx, org_id))
    counter = PROBLEMS[status]
    assert statistics == {"to_send": 0, "in_logistics": int(counter == "in_logistics"), "delivered": 0}


def test_failure_statuses_are_refused_before_confirmed(frozen, create):
    created = create("locker")
    refused = _force(frozen, created["id"], "undelivered")
    assert refused.status_code == 409


def test_a_parcel_can_be_named_by_its_tracking_number(frozen, shipx, create):
    created = create("locker")
    frozen.clock.advance(duration="1m")
    number = shipx.get(f"/v1/shipments/{created['id']}").json()["tracking_number"]
    assert _force(frozen, number, "pickup_time_expired").json()["id"] == created["id"]
    other = frozen.client().post(
        "/_mockpost/inpost/transition",
        headers={"Authorization": "Bearer someone-else"},
        json={"resource": "shipment", "id": number, "state": "missing"},
    )
    assert other.status_code == 404  # another token's parcel is unknown to this one


def test_returned_shipment_cannot_go_back_to_delivery(frozen, create):
    created = create("locker")
    frozen.clock.advance(duration="3h")
    assert _force(frozen, created["id"], "returned_to_sender").status_code == 200
    for earlier in ("out_for_delivery", "delivered", "confirmed"):
        assert _force(frozen, created["id"], earlier).status_code == 409


def test_fixtures_may_start_shipments_in_failure_or_canceled_statuses(tmp_path):
    path = tmp_path / "inpost.yaml"
    body = json.dumps(locker_body())
    path.write_text(
        "inpost:\n  accounts:\n    - token: seeded\n      organizations:\n        - shipments:\n"
        + "".join(
            f"            - {{status: {s}, request: {body}}}\n"
            for s in ("canceled", "pickup_time_expired", "returned_to_sender", "undelivered")
        )
    )
    with Mockpost(fixtures=[path], freeze_at=START) as mock:
        client = mock.client("inpost", headers={"Authorization": "Bearer seeded"})
        org_id = client.get("/v1/organizations").json()["items"][0]["id"]
        shipments = all_shipments(client, org_id)
        assert sorted(s["status"] for s in shipments) == [
            "canceled",
            "pickup_time_expired",
            "returned_to_sender",
            "undelivered",
        ]
        canceled = next(s for s in shipments if s["status"] == "canceled")
        assert canceled["tracking_number"] is None  # canceled straight from created
        expired = next(s for s in shipments if s["status"] == "pickup_time_expired")
        history = mock.state("inpost", {"Authorization": "Bearer seeded"})["shipments"]
        walked = next(h for h in history if h["id"] == expired["id"])["history"]
        assert [h["status"] for h in walked][-2:] == ["ready_to_pickup", "pickup_time_expired"]
        assert client.get(f"/v1/organizations/{org_id}/statistics").json() == hand_count(shipments)
