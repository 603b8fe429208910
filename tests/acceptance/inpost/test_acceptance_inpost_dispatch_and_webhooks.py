"""Dispatch orders (courier pickup) and the organization webhook's two events."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost

EVENT_TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def dispatch_body(shipment_ids: list[int]) -> dict[str, Any]:
    return {
        "shipments": shipment_ids,
        "comment": "Pickup at the back door",
        "name": "Magazyn",
        "phone": "600100200",
        "email": "magazyn@example.pl",
        "address": sx.courier_address(),
    }


def confirmed_couriers(mockpost: Mockpost, api: Any, org: int, count: int) -> list[dict[str, Any]]:
    ids = [sx.create_shipment(api, org, sx.courier_request())["id"] for _ in range(count)]
    mockpost.clock.advance(duration="1m")
    return [sx.shipment(api, i) for i in ids]


def test_dispatch_order_is_created_read_and_listed(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed_couriers(mockpost, api, org, 2)
    response = api.post(
        f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([s["id"] for s in sent])
    )
    assert response.status_code in (200, 201)
    order = response.json()
    assert {"href", "id", "status", "address", "shipments", "comments", "created_at", "updated_at"} <= set(
        order
    )
    assert order["href"] == f"{sx.BASE}/v1/dispatch_orders/{order['id']}"
    assert order["status"] == "new"
    assert [s["id"] for s in order["shipments"]] == [s["id"] for s in sent]
    assert all(sx.TRACKING_NUMBER.match(s["tracking_number"]) for s in order["shipments"])
    assert order["shipments"][0]["href"] == f"{sx.BASE}/v1/shipments/{sent[0]['id']}"
    assert order["address"]["post_code"] == "00-590"
    assert api.get(f"/v1/dispatch_orders/{order['id']}").json() == order
    path = f"/v1/organizations/{org}/dispatch_orders"
    listed = api.get(path).json()
    assert [o["id"] for o in sx.assert_collection(listed, f"{sx.BASE}{path}")] == [order["id"]]


def test_dispatch_order_moves_on_with_the_clock(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed_couriers(mockpost, api, org, 1)
    order = api.post(f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([sent[0]["id"]])).json()
    mockpost.clock.advance(duration="5m")
    assert api.get(f"/v1/dispatch_orders/{order['id']}").json()["status"] == "sent"


def test_dispatch_order_comments(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed_couriers(mockpost, api, org, 1)
    order = api.post(f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([sent[0]["id"]])).json()
    path = f"/v1/organizations/{org}/dispatch_orders/{order['id']}/comment"
    added = api.post(path, json={"comment": "Ring twice"})
    assert added.status_code in (200, 201)
    comments = added.json()["comments"]
    comment = next(c for c in comments if c["comment"] == "Ring twice")
    assert {"id", "comment", "created_at"} <= set(comment)
    changed = api.put(path, json={"id": comment["id"], "comment": "Ring three times"})
    assert changed.status_code == 200
    assert "Ring three times" in [c["comment"] for c in changed.json()["comments"]]
    removed = api.request("DELETE", path, json={"comment_ids": [comment["id"]]})
    assert removed.status_code in (200, 204)
    remaining = api.get(f"/v1/dispatch_orders/{order['id']}").json()["comments"]
    assert comment["id"] not in [c["id"] for c in remaining]


def test_dispatch_order_delete_while_new(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed_couriers(mockpost, api, org, 1)
    order = api.post(f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([sent[0]["id"]])).json()
    assert api.delete(f"/v1/dispatch_orders/{order['id']}").status_code == 204


def test_dispatch_order_refuses_unconfirmed_or_foreign_shipments(
    mockpost: Mockpost, api: Any, org: int
) -> None:
    fresh = sx.create_shipment(api, org, sx.courier_request())
    response = api.post(f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([fresh["id"]]))
    details = sx.assert_error(response, 400, "validation_failed")
    assert "shipments" in details
    response = api.post(f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([987654321]))
    sx.assert_error(response, 400, "validation_failed")
    assert api.get(f"/v1/organizations/{org}/dispatch_orders").json()["count"] == 0


def test_dispatch_order_without_shipments_is_validation_failed(api: Any, org: int) -> None:
    response = api.post(f"/v1/organizations/{org}/dispatch_orders", json={"comment": "nothing"})
    details = sx.assert_error(response, 400, "validation_failed")
    assert details["shipments"]


def test_unknown_dispatch_order_is_resource_not_found(api: Any) -> None:
    sx.assert_error(api.get("/v1/dispatch_orders/987654321"), 404, "resource_not_found")


def inbox_events(mockpost: Mockpost, name: str) -> list[dict[str, Any]]:
    return [json.loads(item["body"]) for item in mockpost.inbox(name)]


def subscribe(mockpost: Mockpost, name: str) -> None:
    response = mockpost.client().put(
        "/_mockpost/inpost/webhook", json={"url": mockpost.inbox_url(name)}, headers=sx.bearer()
    )
    assert response.status_code == 200, response.text


def test_webhooks_report_confirmation_and_every_status_change(mockpost: Mockpost, api: Any, org: int) -> None:
    subscribe(mockpost, "shop")
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    tracking_number = sx.shipment(api, created["id"])["tracking_number"]
    events = inbox_events(mockpost, "shop")
    for event in events:
        assert set(event) == {"event_ts", "event", "organization_id", "payload"}
        assert set(event["payload"]) == {"shipment_id", "status", "tracking_number"}
        assert EVENT_TS.match(event["event_ts"]) and event["organization_id"] == org
        assert event["payload"]["shipment_id"] == created["id"]
    confirmations = [e for e in events if e["event"] == "shipment_confirmed"]
    assert len(confirmations) == 1
    assert confirmations[0]["payload"] == {
        "shipment_id": created["id"],
        "status": "confirmed",
        "tracking_number": tracking_number,
    }
    changes = [e["payload"]["status"] for e in events if e["event"] == "shipment_status_changed"]
    assert changes[-1] == "confirmed"
    assert {"offers_prepared", "offer_selected"} <= set(changes)

    mockpost.clock.advance(duration="7d")
    later = [
        e["payload"]["status"]
        for e in inbox_events(mockpost, "shop")
        if e["event"] == "shipment_status_changed"
    ]
    assert later[-1] == "delivered"
    assert len(later) == len(set(later)), "each status is announced once"


def test_webhook_bodies_are_json_posts(mockpost: Mockpost, api: Any, org: int) -> None:
    subscribe(mockpost, "shop")
    sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    first = mockpost.inbox("shop")[0]
    assert first["method"] == "POST"
    assert first["headers"]["content-type"].startswith("application/json")


def test_canceled_shipment_is_announced(mockpost: Mockpost, api: Any, org: int) -> None:
    subscribe(mockpost, "shop")
    created = sx.create_shipment(api, org, sx.locker_request())
    api.delete(f"/v1/shipments/{created['id']}")
    mockpost.clock.advance(duration="1m")
    statuses = [e["payload"]["status"] for e in inbox_events(mockpost, "shop")]
    assert statuses == ["canceled"]


def test_dispatch_order_cannot_be_deleted_once_accepted(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed_couriers(mockpost, api, org, 1)
    order = api.post(f"/v1/organizations/{org}/dispatch_orders", json=dispatch_body([sent[0]["id"]])).json()
    mockpost.clock.advance(duration="2h")
    status = api.get(f"/v1/dispatch_orders/{order['id']}").json()["status"]
    assert status in ("accepted", "done")
    sx.assert_error(api.delete(f"/v1/dispatch_orders/{order['id']}"), 400, "invalid_action")


@pytest.mark.parametrize(
    "sort_by", ["id", "created_at", "address", "post_code", "country_code", "shipment_id", "tracking_number"]
)
def test_dispatch_orders_sort_by_each_documented_attribute(api: Any, org: int, sort_by: str) -> None:
    response = api.get(f"/v1/organizations/{org}/dispatch_orders", params={"sort_by": sort_by})
    assert response.status_code == 200


def test_dispatch_orders_refuse_an_unknown_sort(api: Any, org: int) -> None:
    response = api.get(f"/v1/organizations/{org}/dispatch_orders", params={"sort_by": "comment"})
    sx.assert_error(response, 400, "invalid_parameter")


def test_status_changes_arrive_in_lifecycle_order(mockpost: Mockpost, api: Any, org: int) -> None:
    subscribe(mockpost, "shop")
    sx.create_shipment(api, org, sx.courier_request())
    mockpost.clock.advance(duration="7d")
    statuses = [
        e["payload"]["status"]
        for e in inbox_events(mockpost, "shop")
        if e["event"] == "shipment_status_changed"
    ]
    order = [sx.HAPPY_PATH.index(s) for s in statuses]
    assert order == sorted(order) and statuses[-1] == "delivered"
