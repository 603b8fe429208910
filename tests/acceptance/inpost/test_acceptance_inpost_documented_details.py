"""Smaller documented facts a ShipX integration leans on: field lengths, the PaczkoPunkt service
switch, tracking retention, return tracking numbers, offers' shape, list filters and defaults,
and the label, printout and dispatch point endpoints of the reference's tables."""

from __future__ import annotations

from typing import Any

import pytest
from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost


@pytest.mark.parametrize(("reference", "key"), [("ab", "too_short"), ("x" * 101, "too_long")])
def test_reference_is_3_to_100_characters(api: Any, org: int, reference: str, key: str) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(reference=reference)), 400, "validation_failed"
    )
    assert details == {"reference": [key]}
    assert sx.create_shipment(api, org, sx.locker_request(reference="abc"))["reference"] == "abc"
    assert sx.create_shipment(api, org, sx.locker_request(reference="y" * 100))["reference"] == "y" * 100


def test_paczkopunkt_target_turns_locker_standard_into_customer_service_point(api: Any, org: int) -> None:
    body = sx.locker_request(custom_attributes={"target_point": "POP-WAW364"})
    services = api.get(f"/v1/organizations/{org}").json()["services"]
    response = sx.post_shipment(api, org, body)
    if "inpost_locker_customer_service_point" not in services:
        pytest.skip("the organization has no PaczkoPunkt service")
    assert response.status_code == 201, response.text
    assert response.json()["service"] == "inpost_locker_customer_service_point"


def test_cod_insurance_and_extra_fields_are_kept(api: Any, org: int) -> None:
    body = sx.courier_request(
        cod={"amount": 120.5, "currency": "PLN"},
        additional_services=["sms", "email"],
        external_customer_id="customer-42",
        mpk="Sales",
        comments="Fragile",
        end_of_week_collection=False,
    )
    created = sx.create_shipment(api, org, body)
    assert float(created["cod"]["amount"]) == 120.5 and created["cod"]["currency"] == "PLN"
    assert created["additional_services"] == ["sms", "email"]
    assert created["external_customer_id"] == "customer-42"
    assert (created["mpk"], created["comments"]) == ("Sales", "Fragile")
    assert created["end_of_week_collection"] is False


def test_unknown_additional_service_is_refused(api: Any, org: int) -> None:
    response = sx.post_shipment(api, org, sx.locker_request(additional_services=["teleport"]))
    details = sx.assert_error(response, 400, "validation_failed")
    assert "additional_services" in details


def test_return_shipment_needs_no_receiver(api: Any, org: int) -> None:
    body = sx.locker_request(is_return=True)
    del body["receiver"]
    assert sx.create_shipment(api, org, body)["is_return"] is True


def test_tracking_is_kept_45_days_from_creation(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    number = sx.shipment(api, created["id"])["tracking_number"]
    public = mockpost.client("inpost")
    mockpost.clock.advance(duration="44d")
    assert public.get(f"/v1/tracking/{number}").status_code == 200
    mockpost.clock.advance(duration="2d")
    sx.assert_error(public.get(f"/v1/tracking/{number}"), 404, "resource_not_found")


def test_returned_shipment_gets_a_return_tracking_number(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    assert sx.shipment(api, created["id"])["return_tracking_number"] is None
    mockpost.transition(
        "inpost", sx.bearer(), resource="shipment", id=str(created["id"]), state="returned_to_sender"
    )
    returned = sx.shipment(api, created["id"])
    assert returned["status"] == "returned_to_sender"
    assert sx.TRACKING_NUMBER.match(returned["return_tracking_number"])
    assert returned["return_tracking_number"] != returned["tracking_number"]


def test_transition_by_tracking_number(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    number = sx.shipment(api, created["id"])["tracking_number"]
    mockpost.transition("inpost", sx.bearer(), resource="shipment", id=number, state="pickup_time_expired")
    assert sx.shipment(api, created["id"])["status"] == "pickup_time_expired"


def test_offers_have_the_documented_shape(mockpost: Mockpost, api: Any, org: int) -> None:
    body = {k: v for k, v in sx.locker_request().items() if k != "service"}
    created = sx.create_shipment(api, org, body)
    mockpost.clock.advance(duration="1m")
    offers = sx.shipment(api, created["id"])["offers"]
    for offer in offers:
        assert {"id", "status", "expires_at", "rate", "currency", "additional_services"} <= set(offer)
        assert {"id", "name", "description"} <= set(offer["carrier"])
        assert {"id", "name", "description"} <= set(offer["service"])
        assert offer["status"] in ("available", "unavailable")
        assert isinstance(offer["id"], int)
        if offer["status"] == "unavailable":
            assert all({"key", "message"} <= set(r) for r in offer["unavailability_reasons"])


def test_buying_twice_is_refused(mockpost: Mockpost, api: Any, org: int) -> None:
    body = {k: v for k, v in sx.locker_request().items() if k != "service"}
    created = sx.create_shipment(api, org, body)
    mockpost.clock.advance(duration="1m")
    offer = next(o for o in sx.shipment(api, created["id"])["offers"] if o["status"] == "available")
    api.post(f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": offer["id"]})
    assert api.post(f"/v1/shipments/{created['id']}/buy", json={"offer_id": offer["id"]}).status_code == 200
    again = api.post(f"/v1/shipments/{created['id']}/buy", json={"offer_id": offer["id"]})
    assert again.status_code == 400 and again.json()["error"] in ("offer_unavailable", "invalid_action")
    mockpost.clock.advance(duration="1m")
    assert len(sx.shipment(api, created["id"])["transactions"]) == 1


def test_selecting_an_unavailable_offer_is_offer_unavailable(mockpost: Mockpost, api: Any, org: int) -> None:
    body = {k: v for k, v in sx.locker_request().items() if k != "service"}
    created = sx.create_shipment(api, org, body)
    mockpost.clock.advance(duration="1m")
    unavailable = [o for o in sx.shipment(api, created["id"])["offers"] if o["status"] == "unavailable"]
    if not unavailable:
        pytest.skip("every service can carry this sx.shipment")
    response = api.post(
        f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": unavailable[0]["id"]}
    )
    sx.assert_error(response, 400, "offer_unavailable")


def test_organizations_default_page_size_is_30(mockpost: Mockpost) -> None:
    # ambiguous: the default page size is not stated; the seed's example shows 30.
    assert sx.shipx(mockpost).get("/v1/organizations").json()["per_page"] == 30


def test_organizations_filter_by_name_and_tax_id(api: Any, org: int) -> None:
    organization = api.get(f"/v1/organizations/{org}").json()
    by_name = api.get("/v1/organizations", params={"name": organization["name"]}).json()
    assert [o["id"] for o in by_name["items"]] == [org]
    by_tax = api.get("/v1/organizations", params={"tax_id": organization["tax_id"]}).json()
    assert [o["id"] for o in by_tax["items"]] == [org]
    none = api.get("/v1/organizations", params={"name": "no such company at all"}).json()
    assert none["count"] == 0 and none["items"] == []
    assert api.get("/v1/organizations", params={"sort_by": "address_street"}).status_code == 200


def test_json_answers_use_the_bare_json_media_type(mockpost: Mockpost, api: Any, org: int) -> None:
    # michalbiarda/sx.shipx-php-sdk compares the Content-Type header with "application/json".
    answers = [
        api.get("/v1/organizations"),
        api.get(f"/v1/organizations/{org}/statistics"),
        api.get("/v1/organizations/987654321"),
        mockpost.client("inpost").get("/v1/organizations"),
        sx.post_shipment(api, org, {}),
        mockpost.client("inpost").get("/v1/statuses"),
    ]
    assert [a.headers["content-type"] for a in answers] == ["application/json"] * len(answers)


def test_shipment_list_items_have_absolute_hrefs(api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    item = api.get(f"/v1/organizations/{org}/shipments").json()["items"][0]
    assert item["href"] == f"{sx.BASE}/v1/shipments/{created['id']}"
    assert item == sx.shipment(api, created["id"])


def test_shipment_text_filters_are_contains(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    number = sx.shipment(api, created["id"])["tracking_number"]
    path = f"/v1/organizations/{org}/shipments"
    found = api.get(path, params={"tracking_number_cont": number[5:15]}).json()
    assert [i["id"] for i in found["items"]] == [created["id"]]
    assert api.get(path, params={"status": "confirmed,offers_prepared"}).json()["count"] == 1


def test_points_filters_from_the_documentation(mockpost: Mockpost) -> None:
    public = mockpost.client("inpost")
    collect = public.get("/v1/points", params={"functions": "parcel_collect", "per_page": 50}).json()["items"]
    assert collect and all("parcel_collect" in p["functions"] for p in collect)
    pops = public.get("/v1/points", params={"type": "pop", "per_page": 50}).json()["items"]
    assert pops and all("pop" in p["type"] for p in pops)
    by_array = public.get("/v1/points?type[]=pop&per_page=50").json()["items"]
    assert [p["name"] for p in by_array] == [p["name"] for p in pops]
    near = public.get(
        "/v1/points", params={"relative_post_code": "30-347", "max_distance": 3000, "per_page": 100}
    ).json()["items"]
    assert near and all(p["distance"] is not None and p["distance"] <= 3000 for p in near)


def test_points_per_page_1_as_a_connection_probe(mockpost: Mockpost) -> None:
    probe = mockpost.client("inpost", headers=sx.bearer()).get("/v1/points", params={"per_page": 1}).json()
    assert probe["per_page"] == 1 and len(probe["items"]) == 1 and probe["total_pages"] == probe["count"]


def test_return_labels_for_return_shipments(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    response = api.get(
        f"/v1/organizations/{org}/shipments/return_labels?shipment_ids[]={sent['id']}&format=Pdf"
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert sx.pdf_page_count(response.content) == 1


def confirmed_courier_order(mockpost: Mockpost, api: Any, org: int) -> dict[str, Any]:
    created = sx.create_shipment(api, org, sx.courier_request())
    mockpost.clock.advance(duration="1m")
    body = {
        "shipments": [created["id"]],
        "name": "Magazyn",
        "phone": "600100200",
        "address": sx.courier_address(),
    }
    response = api.post(f"/v1/organizations/{org}/dispatch_orders", json=body)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()
    return order


def test_dispatch_order_printout(mockpost: Mockpost, api: Any, org: int) -> None:
    order = confirmed_courier_order(mockpost, api, org)
    path = f"/v1/organizations/{org}/dispatch_orders/printouts"
    response = api.get(path, params={"dispatch_order_id": order["id"], "format": "Pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert sx.pdf_page_count(response.content) >= 1


def test_dispatch_points_are_listed_and_read(mockpost: Mockpost, api: Any, org: int) -> None:
    confirmed_courier_order(mockpost, api, org)
    path = f"/v1/organizations/{org}/dispatch_points"
    response = api.get(path)
    assert response.status_code == 200, response.text
    points = sx.assert_collection(response.json(), f"{sx.BASE}{path}")
    assert points
    point = points[0]
    assert {"href", "id", "name", "office_hours", "phone", "email", "comments", "address", "status"} <= set(
        point
    )
    assert api.get(f"/v1/dispatch_points/{point['id']}").json() == point


def test_dispatch_orders_filter_by_status(mockpost: Mockpost, api: Any, org: int) -> None:
    order = confirmed_courier_order(mockpost, api, org)
    path = f"/v1/organizations/{org}/dispatch_orders"
    assert [o["id"] for o in api.get(path, params={"status": "new"}).json()["items"]] == [order["id"]]
    assert api.get(path, params={"status": "done"}).json()["count"] == 0
