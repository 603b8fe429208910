"""Shared InPost ShipX test material: tokens, request bodies, a hand count of statistics."""

from __future__ import annotations

from typing import Any

import httpx

START = "2030-03-04T09:00:00Z"
TOKEN = {"Authorization": "Bearer shipx-test-token"}
OTHER_TOKEN = {"Authorization": "Bearer shipx-other-token"}
LOCKER = "KRA010"
POP = "POP-WAW364"

TO_SEND = {"created", "offers_prepared", "offer_selected", "confirmed"}
IN_LOGISTICS = {
    "dispatched_by_sender",
    "collected_from_sender",
    "taken_by_courier",
    "adopted_at_source_branch",
    "sent_from_source_branch",
    "adopted_at_sorting_center",
    "sent_from_sorting_center",
    "adopted_at_target_branch",
    "out_for_delivery",
    "ready_to_pickup",
    "pickup_reminder_sent",
    "pickup_time_expired",
    "avizo",
    "claimed",
    "returned_to_sender",
}


def locker_body(**extra: Any) -> dict[str, Any]:
    return {
        "service": "inpost_locker_standard",
        "receiver": {
            "first_name": "Jan",
            "last_name": "Kowalski",
            "email": "jan.kowalski@example.pl",
            "phone": "600100200",
        },
        "parcels": {"template": "small"},
        "custom_attributes": {"target_point": LOCKER, "sending_method": "parcel_locker"},
        **extra,
    }


def courier_body(**extra: Any) -> dict[str, Any]:
    return {
        "service": "inpost_courier_standard",
        "receiver": {
            "company_name": "Sklep Sp. z o.o.",
            "first_name": "Anna",
            "last_name": "Nowak",
            "email": "anna@example.pl",
            "phone": "+48 600 200 300",
            "address": {
                "street": "Marszałkowska",
                "building_number": "10",
                "city": "Warszawa",
                "post_code": "00-590",
                "country_code": "PL",
            },
        },
        "parcels": [
            {
                "dimensions": {"length": 300.0, "width": 200.0, "height": 100.0, "unit": "mm"},
                "weight": {"amount": 2.5, "unit": "kg"},
            }
        ],
        **extra,
    }


def hand_count(shipments: list[dict[str, Any]]) -> dict[str, int]:
    statuses = [s["status"] for s in shipments]
    return {
        "to_send": sum(s in TO_SEND for s in statuses),
        "in_logistics": sum(s in IN_LOGISTICS for s in statuses),
        "delivered": statuses.count("delivered"),
    }


def all_shipments(client: httpx.Client, org_id: int) -> list[dict[str, Any]]:
    body = client.get(f"/v1/organizations/{org_id}/shipments", params={"per_page": 100}).json()
    assert body["count"] <= 100
    items: list[dict[str, Any]] = body["items"]
    return items


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"status", "error", "message", "details"}
    assert body["status"] == status and body["error"] == error
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    return body
