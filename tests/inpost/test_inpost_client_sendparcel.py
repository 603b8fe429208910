"""The calls python-sendparcel-inpost 0.3.2 (PyPI; needs Python 3.12, so it cannot be imported
here) makes, replayed byte for byte against the mock, with the checks its code applies to each
answer. Its ShipXClient is an httpx client with `base_url` (the mock's mount here), the headers
`Authorization: Bearer <token>` and `Content-Type: application/json` on every request (GET and
DELETE included), and paths starting with `/v1/`. Run unchanged against `mockpost serve`, the
library created, followed, labelled, tracked and canceled shipments with this same sequence."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from inpost_support import START

from mockpost.testing import Mockpost

TOKEN = "sendparcel-token"
# ShipX statuses the library maps to its own (status_mapping.py); anything else must be a
# documented ShipX status too, or the library would report "unknown".
MAPPED = {
    "created": "created",
    "offers_prepared": "created",
    "offer_selected": "created",
    "confirmed": "label_ready",
    "dispatched_by_sender": "in_transit",
    "ready_to_pickup": "out_for_delivery",
    "delivered": "delivered",
    "canceled": "cancelled",
    "returned_to_sender": "returned",
}
# What its _address_to_peer builds from a sendparcel address (flat_number included).
RECEIVER = {
    "first_name": "Jan",
    "last_name": "Nowak",
    "phone": "600100200",
    "email": "j@n.pl",
    "address": {
        "street": "Długa",
        "building_number": "5",
        "flat_number": "2",
        "city": "Gdańsk",
        "post_code": "80-827",
        "country_code": "PL",
    },
}
SENDER = {
    "first_name": "Shop",
    "last_name": "Owner",
    "company_name": "Shop",
    "phone": "600100200",
    "email": "s@x.pl",
    "address": {
        "street": "Polna",
        "building_number": "1",
        "city": "Kraków",
        "post_code": "30-001",
        "country_code": "PL",
    },
}


def locker_payload(template: str = "small") -> dict[str, Any]:
    """InPostLockerProvider's body; its default sending_method is dispatch_order."""
    return {
        "receiver": RECEIVER,
        "parcels": [{"template": template}],
        "service": "inpost_locker_standard",
        "custom_attributes": {"target_point": "KRA010", "sending_method": "dispatch_order"},
    }


class ShipXReplay:
    """The library's request building and _raise_for_status, over the in-process transport."""

    def __init__(self, mock: Mockpost, organization_id: int) -> None:
        self.organization_id = organization_id
        self.http = mock.client(
            "inpost", headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        )

    def create_shipment(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self._json(self.http.post(f"/v1/organizations/{self.organization_id}/shipments", json=payload))

    def get_shipment(self, shipment_id: int) -> dict[str, Any]:
        return self._json(self.http.get(f"/v1/shipments/{shipment_id}"))

    def get_label(self, shipment_id: int, label_format: str = "Pdf", label_type: str = "normal") -> bytes:
        response = self.http.get(
            f"/v1/shipments/{shipment_id}/label", params={"format": label_format, "type": label_type}
        )
        self._raise_for_status(response)
        return response.content

    def cancel_shipment(self, shipment_id: int) -> None:
        self._raise_for_status(self.http.delete(f"/v1/shipments/{shipment_id}"))

    def get_tracking(self, number: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/v1/tracking/{number}"))

    def get_statuses(self) -> Any:
        return self._json(self.http.get("/v1/statuses", params={"lang": "pl"}))

    def get_services(self) -> Any:
        return self._json(self.http.get("/v1/services"))

    def _json(self, response: httpx.Response) -> Any:
        self._raise_for_status(response)
        return response.json()

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        if response.is_success:
            return
        body = response.json()  # the library falls back to {} if this fails; ShipX always sends JSON
        raise ShipXError(
            response.status_code, str(body.get("message") or body.get("error")), body.get("details")
        )


class ShipXError(Exception):
    def __init__(self, status_code: int, detail: str, errors: Any) -> None:
        super().__init__(f"ShipX API error {status_code}: {detail}")
        self.status_code, self.detail, self.errors = status_code, detail, errors


@pytest.fixture
def library() -> Any:
    with Mockpost(freeze_at=START) as mock:
        organizations = mock.client("inpost", headers={"Authorization": f"Bearer {TOKEN}"}).get(
            "/v1/organizations"
        )
        yield mock, ShipXReplay(mock, organizations.json()["items"][0]["id"])


def test_locker_provider_flow_create_follow_label_track(library):
    mock, client = library
    # InPostLockerProvider.create_shipment: a parcel 10 cm high is "medium"
    created = client.create_shipment({**locker_payload("medium"), "sender": SENDER})
    shipment_id = int(str(created["id"]))  # external_id = str(response["id"])
    assert created.get("tracking_number", "") is None  # stored as given until the status is fetched
    assert MAPPED[client.get_shipment(shipment_id)["status"]] == "created"
    mock.clock.advance(duration="1m")
    confirmed = client.get_shipment(shipment_id)
    assert MAPPED[confirmed["status"]] == "label_ready" and len(confirmed["tracking_number"]) == 24
    for label_format, label_type in (("Pdf", "normal"), ("Pdf", "A6"), ("ZPL", "normal"), ("EPL", "normal")):
        content = client.get_label(shipment_id, label_format, label_type)
        assert content.startswith(b"%PDF") == (label_format == "Pdf") and content
    with pytest.raises(ShipXError) as refused:  # cancel after confirmed: REFUSED_IN_TRANSIT (400)
        client.cancel_shipment(shipment_id)
    assert refused.value.status_code == 400 and refused.value.detail
    mock.clock.advance(duration="7d")
    delivered = client.get_shipment(shipment_id)
    assert MAPPED[delivered["status"]] == "delivered"
    tracking = client.get_tracking(delivered["tracking_number"])
    assert tracking["status"] == "delivered" and tracking["tracking_details"][0]["status"] == "delivered"


def test_courier_provider_flow_and_cancel_outcomes(library):
    _, client = library
    created = client.create_shipment(  # InPostCourierProvider: cm -> mm floats, kg floats
        {
            "receiver": RECEIVER,
            "parcels": [
                {
                    "dimensions": {"length": 300.0, "width": 200.0, "height": 100.0, "unit": "mm"},
                    "weight": {"amount": 2.5, "unit": "kg"},
                }
            ],
            "service": "inpost_courier_standard",
            "sender": SENDER,
        }
    )
    assert created["status"] == "created" and created["sender"]["company_name"] == "Shop"
    no_address = client.create_shipment(  # a sendparcel address without street or city: no address
        {**locker_payload(), "sender": {"first_name": "Shop", "last_name": "Owner"}}
    )
    assert no_address["sender"]["address"]["city"]  # filled from the organization
    client.cancel_shipment(created["id"])  # 2xx: CANCELLED
    assert MAPPED[client.get_shipment(created["id"])["status"]] == "cancelled"
    with pytest.raises(ShipXError) as again:  # 400/422: REFUSED_IN_TRANSIT; only 404 means "already"
        client.cancel_shipment(created["id"])
    assert again.value.status_code == 400
    with pytest.raises(ShipXError) as unknown:
        client.get_shipment(1)
    assert (
        unknown.value.status_code == 404
        and unknown.value.detail == "Resource you are looking for are not found"
    )


def test_courier_provider_without_parcel_sizes_sends_weight_only(library):
    _, client = library
    created = client.create_shipment(  # InPostCourierProvider's fallback when it knows no parcel
        {
            "receiver": RECEIVER,
            "parcels": [{"weight": {"amount": 1.0, "unit": "kg"}}],
            "service": "inpost_courier_standard",
        }
    )
    assert created["status"] == "created" and created["parcels"][0]["dimensions"] is None


def test_errors_carry_message_and_details_the_library_reads(library):
    _, client = library
    with pytest.raises(ShipXError) as refused:
        client.create_shipment(
            {"receiver": {}, "parcels": [{"template": "small"}], "service": "inpost_locker_standard"}
        )
    assert refused.value.status_code == 400
    assert refused.value.detail == "There are some validation errors. Check details object for more info."
    assert refused.value.errors == {
        "receiver": [{"email": ["required"], "phone": ["required"]}],
        "custom_attributes": [{"target_point": ["required"]}],
    }


def test_public_catalogue_as_the_library_asks_for_it(library):
    _, client = library
    statuses = client.get_statuses()  # lang=pl, the library's default
    assert [s["name"] for s in statuses["items"]][:4] == [
        "created",
        "offers_prepared",
        "offer_selected",
        "confirmed",
    ]
    services = client.get_services()
    assert isinstance(services, list) and {"inpost_locker_standard", "inpost_courier_standard"} <= {
        s["id"] for s in services
    }


def test_webhook_body_has_what_handle_callback_reads(library):
    mock, client = library
    mock.client().put(
        "/_mockpost/inpost/webhook",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"url": mock.inbox_url("sendparcel")},
    )
    created = client.create_shipment(locker_payload())
    mock.clock.advance(duration="1m")
    bodies = [json.loads(item["body"]) for item in mock.inbox("sendparcel")]
    confirmed = next(b for b in bodies if b["payload"]["status"] == "confirmed")
    payload = confirmed["payload"]  # ctx.payload.get("payload", {})
    assert payload["shipment_id"] == created["id"] and MAPPED[payload["status"]] == "label_ready"
    assert len(str(payload["tracking_number"])) == 24
