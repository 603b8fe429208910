"""InPost ShipX in the one resource model: shipments, their offers and dispatch orders, with their
history in virtual time, their timers as data, and the account under a masked label."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockpost.testing import Mockpost

TOKEN = "ab-shipx-model-token-yz"
SHIPX = {"Authorization": f"Bearer {TOKEN}"}
START = "2030-03-04T09:00:00Z"
LOCKER_BODY = {
    "service": "inpost_locker_standard",
    "only_choice_of_offer": True,  # stops at offer_selected: the client buys
    "receiver": {"email": "jan@example.pl", "phone": "600100200"},
    "parcels": {"template": "small"},
    "custom_attributes": {"target_point": "KRA010"},
}
# After the buy at 09:00:10: confirmed 10 s later, the first scan 2 h later, every logistics step
# 6 h after the last, and the receiver at the locker a day after the parcel is ready.
LOGISTICS = [
    ("dispatched_by_sender", "2030-03-04T11:00:20Z"),
    ("collected_from_sender", "2030-03-04T17:00:20Z"),
    ("adopted_at_source_branch", "2030-03-04T23:00:20Z"),
    ("sent_from_source_branch", "2030-03-05T05:00:20Z"),
    ("adopted_at_sorting_center", "2030-03-05T11:00:20Z"),
    ("sent_from_sorting_center", "2030-03-05T17:00:20Z"),
    ("adopted_at_target_branch", "2030-03-05T23:00:20Z"),
    ("out_for_delivery", "2030-03-06T05:00:20Z"),
    ("ready_to_pickup", "2030-03-06T11:00:20Z"),
    ("delivered", "2030-03-07T11:00:20Z"),
]


@pytest.fixture
def mock() -> Any:
    with Mockpost(freeze_at=START) as sandbox:
        yield sandbox


def bought_locker_shipment(mock: Mockpost) -> tuple[httpx.Client, dict[str, Any]]:
    """A locker shipment created at 09:00, offered and selected on the clock, bought at 09:00:10."""
    shipx = mock.client("inpost", headers=SHIPX)
    org_id = shipx.get("/v1/organizations").json()["items"][0]["id"]
    created = shipx.post(f"/v1/organizations/{org_id}/shipments", json=LOCKER_BODY)
    assert created.status_code == 201, created.text
    shipment_id = created.json()["id"]
    mock.clock.advance(10)
    selected = shipx.get(f"/v1/shipments/{shipment_id}").json()
    assert selected["status"] == "offer_selected"
    bought = shipx.post(
        f"/v1/shipments/{shipment_id}/buy", json={"offer_id": selected["selected_offer"]["id"]}
    )
    assert bought.status_code == 200, bought.text
    return shipx, bought.json()


def test_a_bought_locker_shipment_walks_its_statuses_with_history_and_timers(mock):
    shipx, shipment = bought_locker_shipment(mock)
    path = f"/_mockpost/accounts/inpost/{TOKEN}/objects/shipment/{shipment['id']}"
    control = mock.client()

    before = control.get(path).json()
    assert before["state"] == "offer_selected"
    assert before["timers"] == [{"due": "2030-03-04T09:00:20Z", "action": "confirm"}]
    assert [(c["from"], c["to"], c["at"], c["cause"]) for c in before["history"]] == [
        (None, "created", "2030-03-04T09:00:00Z", "request"),
        ("created", "offers_prepared", "2030-03-04T09:00:05Z", "timer"),
        ("offers_prepared", "offer_selected", "2030-03-04T09:00:10Z", "timer"),
    ]
    assert before["wire"] == shipx.get(f"/v1/shipments/{shipment['id']}").json()
    offer_id = str(shipment["selected_offer"]["id"])
    assert {"kind": "offer", "id": offer_id} in before["related"]

    mock.clock.advance(duration="4d")

    after = control.get(path).json()
    assert after["state"] == "delivered" and after["timers"] == []
    assert [(c["to"], c["at"], c["cause"]) for c in after["history"][3:]] == [
        ("confirmed", "2030-03-04T09:00:20Z", "timer"),
        *((status, at, "timer") for status, at in LOGISTICS),
    ]
    assert after["updated_at"] == "2030-03-07T11:00:20Z"
    assert after["wire"] == shipx.get(f"/v1/shipments/{shipment['id']}").json()
    offer = mock.object("inpost", TOKEN, "offer", offer_id)
    assert [(c["to"], c["at"], c["cause"]) for c in offer["history"]] == [
        ("available", "2030-03-04T09:00:05Z", "timer"),
        ("selected", "2030-03-04T09:00:10Z", "timer"),
        ("bought", "2030-03-04T09:00:10Z", "request"),
    ]
    assert offer["wire"]["status"] == "bought"
    assert offer["related"] == [{"kind": "shipment", "id": str(shipment["id"])}]


def test_shipment_timers_are_listed_as_data_then_gone(mock):
    _, shipment = bought_locker_shipment(mock)
    account = mock.accounts("inpost")[0]["account"]
    assert mock.client().get("/_mockpost/timers").json()["items"] == [
        {
            "provider": "inpost",
            "account": account,
            "kind": "shipment",
            "id": str(shipment["id"]),
            "due": "2030-03-04T09:00:20Z",
            "action": "confirm",
        }
    ]
    mock.clock.advance(10)
    [step] = mock.timers()
    assert (step["kind"], step["due"], step["action"]) == ("shipment", "2030-03-04T11:00:20Z", "advance")
    mock.clock.advance(duration="4d")
    assert mock.timers() == []


def test_the_account_is_listed_under_its_masked_token(mock):
    bought_locker_shipment(mock)
    [account] = mock.client().get("/_mockpost/accounts").json()["items"]
    assert account["provider"] == "inpost"
    assert account["label"] == "bearer ab…yz"
    assert TOKEN not in str(account)
    assert account["objects"] == {"shipment": 1, "offer": 1, "dispatch_order": 0}
    objects = mock.objects("inpost", "bearer ab…yz", kind="shipment", state="offer_selected")
    assert [o["kind"] for o in objects] == ["shipment"]


def test_a_forced_transition_is_recorded_with_the_forced_cause(mock):
    _, shipment = bought_locker_shipment(mock)
    mock.clock.advance(duration="3h")  # dispatched_by_sender at 11:00:20
    mock.transition("inpost", SHIPX, resource="shipment", id=shipment["id"], state="rejected_by_receiver")
    described = mock.object("inpost", TOKEN, "shipment", str(shipment["id"]))
    assert described["history"][-1] == {
        "from": "dispatched_by_sender",
        "to": "rejected_by_receiver",
        "at": "2030-03-04T12:00:10Z",
        "cause": "forced",
        "reason": None,
    }
    assert described["timers"] == []  # the timeline never moves a parcel on from a problem status


def test_a_dispatch_order_carries_its_shipments_and_moves_on_the_clock(mock):
    shipx, shipment = bought_locker_shipment(mock)
    mock.clock.advance(10)  # confirmed: a courier may be ordered
    org_id = shipx.get("/v1/organizations").json()["items"][0]["id"]
    ordered = shipx.post(f"/v1/organizations/{org_id}/dispatch_orders", json={"shipments": [shipment["id"]]})
    assert ordered.status_code == 201, ordered.text
    order_id = str(ordered.json()["id"])
    described = mock.object("inpost", TOKEN, "dispatch_order", order_id)
    assert described["related"] == [{"kind": "shipment", "id": str(shipment["id"])}]
    assert described["timers"] == [{"due": "2030-03-04T09:01:20Z", "action": "advance"}]
    carried = mock.object("inpost", TOKEN, "shipment", str(shipment["id"]))
    assert {"kind": "dispatch_order", "id": order_id} in carried["related"]

    mock.clock.advance(duration="6h")

    moved = mock.object("inpost", TOKEN, "dispatch_order", order_id)
    assert [(c["to"], c["at"], c["cause"]) for c in moved["history"]] == [
        ("new", "2030-03-04T09:00:20Z", "request"),
        ("sent", "2030-03-04T09:01:20Z", "timer"),
        ("accepted", "2030-03-04T10:01:20Z", "timer"),
        ("done", "2030-03-04T14:01:20Z", "timer"),
    ]
    assert moved["wire"] == shipx.get(f"/v1/dispatch_orders/{order_id}").json()


def test_fixture_shipments_walk_their_statuses_under_the_fixture_cause(tmp_path):
    fixtures = tmp_path / "inpost.yaml"
    fixtures.write_text(
        "inpost:\n  accounts:\n    - token: seeded-token\n      organizations:\n        - shipments:\n"
        "            - status: confirmed\n"
        "              request: {service: inpost_locker_standard, parcels: {template: small},\n"
        "                        receiver: {email: jan@example.pl, phone: '600100200'},\n"
        "                        custom_attributes: {target_point: KRA010}}\n"
    )
    with Mockpost(fixtures=[fixtures], freeze_at=START) as mock:
        [summary] = mock.objects("inpost", "seeded-token", kind="shipment")
        described = mock.object("inpost", "seeded-token", "shipment", summary["id"])
        assert [(c["to"], c["cause"]) for c in described["history"]] == [
            ("created", "fixture"),
            ("offers_prepared", "fixture"),
            ("offer_selected", "fixture"),
            ("confirmed", "fixture"),
        ]
        assert described["timers"] == [{"due": "2030-03-04T11:00:00Z", "action": "advance"}]
