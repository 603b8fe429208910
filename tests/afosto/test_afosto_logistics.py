"""Shipments and handling lists step by step: picking items, missing items, refused edits."""

from __future__ import annotations

from typing import Any

import httpx
from afosto_support import afosto_client, refused

ITEMS = [
    {"sku": "MUG-1", "description": "Mug", "quantity": 2},
    {"sku": "TEE-M", "description": "T-shirt M", "quantity": 1, "position": "A-01"},
]


def new_shipment(afosto: httpx.Client) -> dict[str, Any]:
    created = afosto.post("/lcs/shipments", json={"items": ITEMS, "type": "delivery"})
    assert created.status_code == 200, created.text
    return dict(created.json())


def test_a_new_shipment_is_editable_and_its_items_have_ids(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    assert (shipment["is_editable"], shipment["is_listed"], shipment["is_canceled"]) == (True, False, False)
    assert all(item["id"] and item["is_missing"] is False for item in shipment["items"])


def test_refreshing_positions_fills_the_empty_ones(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    assert afosto.put(f"/lcs/shipments/{shipment['id']}/positions").status_code == 204
    items = afosto.get(f"/lcs/shipments/{shipment['id']}").json()["items"]
    assert items[0]["position"] and items[1]["position"] == "A-01"


def test_backorders_overage_and_missing_items(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    base = f"/lcs/shipments/{shipment['id']}/items"
    backorder = [{"sku": "CAP-1", "description": "Cap", "quantity": 1, "position": "B-02"}]
    answered = afosto.put(f"{base}/backorders", json=backorder)
    assert answered.status_code == 200 and answered.json()["backorders"] == backorder
    over = afosto.put(f"{base}/overage", json=[{"sku": "MUG-1", "description": "Mug", "quantity": 1}]).json()
    assert over["is_overcomplete"] is True and over["overage"][0]["sku"] == "MUG-1"
    wrong = afosto.put(f"{base}/overage", json=[{"sku": "MUG-1", "quantity": "one"}])
    assert wrong.json()["errors"]["invalid value"] == ["quantity"]
    first = shipment["items"][0]["id"]
    assert afosto.put(f"{base}/missing", json=[{"id": first, "is_missing": True}]).status_code == 204
    after = afosto.get(f"/lcs/shipments/{shipment['id']}").json()
    assert after["items"][0]["is_missing"] is True and after["is_complete"] is False
    unknown = afosto.put(f"{base}/missing", json=[{"id": first, "is_missing": False}, {"id": "nope"}])
    refused(unknown, "id")
    assert (
        afosto.get(f"/lcs/shipments/{shipment['id']}").json()["items"][0]["is_missing"] is True
    )  # unchanged
    assert afosto.put(f"{base}/missing", json=[{"is_missing": True}]).json()["errors"]["required"] == ["id"]


def test_a_canceled_shipment_refuses_item_changes(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    afosto.delete(f"/lcs/shipments/{shipment['id']}")
    refused(afosto.put(f"/lcs/shipments/{shipment['id']}/positions"))
    refused(afosto.put(f"/lcs/shipments/{shipment['id']}/items/backorders", json=[]))
    missing = [{"id": shipment["items"][0]["id"], "is_missing": True}]
    refused(afosto.put(f"/lcs/shipments/{shipment['id']}/items/missing", json=missing))


def test_a_handling_list_is_picked_to_the_end(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    handling = afosto.post("/lcs/lists", json={"shipments": [{"id": shipment["id"], "label": "A"}]}).json()
    assert handling["shipments"] == [shipment["id"]]
    assert [line["sku"] for line in handling["items"]] == ["MUG-1", "TEE-M"]
    listed = afosto.get(f"/lcs/shipments/{shipment['id']}").json()
    assert (listed["is_listed"], listed["is_editable"]) == (True, False)
    base = f"/lcs/lists/{handling['id']}"
    first, second = (line["id"] for line in handling["items"])
    assert afosto.put(f"{base}/items", json=[{"id": first, "is_handled": True}]).status_code == 204
    started = afosto.get(base).json()
    assert (started["is_in_progress"], started["started_at"]) == (True, "2030-03-04T09:00:00Z")
    assert started["items"][0]["handled_ids"] == [first]
    mockpost.clock.advance(600)
    done = [{"id": first, "is_finished": True}, {"id": second, "is_handled": True, "is_finished": True}]
    assert afosto.put(f"{base}/items", json=done).status_code == 204
    finished = afosto.get(base).json()
    assert (finished["is_finished"], finished["finished_at"]) == (True, "2030-03-04T09:10:00Z")
    assert afosto.get(f"/lcs/shipments/{shipment['id']}").json()["is_handled"] is True
    refused(afosto.put(f"{base}/items", json=[{"id": first, "is_handled": False}]))
    refused(afosto.put(f"{base}/state", json={"is_on_hold": True}))
    refused(afosto.put(f"/lcs/shipments/{shipment['id']}/items/backorders", json=[]))


def test_a_list_takes_only_open_shipments_it_knows(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    unknown = afosto.post("/lcs/lists", json={"shipments": [{"id": "nope", "label": "A"}]})
    refused(unknown, "shipments")
    twice = [{"id": shipment["id"], "label": "A"}, {"id": shipment["id"], "label": "B"}]
    refused(afosto.post("/lcs/lists", json={"shipments": twice}), "shipments")
    afosto.post("/lcs/lists", json={"shipments": [{"id": shipment["id"], "label": "A"}]})
    again = afosto.post("/lcs/lists", json={"shipments": [{"id": shipment["id"], "label": "B"}]})
    refused(again, "shipments")
    assert len(afosto.get("/lcs/lists").json()) == 1  # the refused one was not stored


def test_a_list_on_hold_takes_no_picking_and_deleting_it_frees_its_shipments(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = new_shipment(afosto)
    handling = afosto.post("/lcs/lists", json={"shipments": [{"id": shipment["id"], "label": "A"}]}).json()
    base = f"/lcs/lists/{handling['id']}"
    afosto.put(f"{base}/state", json={"is_on_hold": True})
    line = handling["items"][0]["id"]
    refused(afosto.put(f"{base}/items", json=[{"id": line, "is_handled": True}]), "is_on_hold")
    refused(afosto.put(f"{base}/items", json=[{"id": "nope", "is_handled": True}]), "is_on_hold")
    afosto.put(f"{base}/state", json={"is_on_hold": False})
    refused(afosto.put(f"{base}/items", json=[{"id": "nope", "is_handled": True}]), "id")
    assert afosto.delete(base).status_code == 204
    freed = afosto.get(f"/lcs/shipments/{shipment['id']}").json()
    assert (freed["is_listed"], freed["is_editable"]) == (False, True)
