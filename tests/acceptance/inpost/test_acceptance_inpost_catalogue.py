"""The public resources: statuses (with `lang`), services (a bare array), sending methods,
tracking (history newest first) and points (list with filters and paging, one point)."""

from __future__ import annotations

from typing import Any

from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost

OFFICIAL_STATUSES = sx.names(
    """created offers_prepared offer_selected confirmed dispatched_by_sender collected_from_sender
    taken_by_courier adopted_at_source_branch sent_from_source_branch ready_to_pickup_from_pok
    ready_to_pickup_from_pok_registered oversized adopted_at_sorting_center
    sent_from_sorting_center adopted_at_target_branch out_for_delivery ready_to_pickup
    pickup_reminder_sent delivered pickup_time_expired avizo claimed returned_to_sender canceled
    other dispatched_by_sender_to_pok out_for_delivery_to_address pickup_reminder_sent_address
    rejected_by_receiver undelivered_wrong_address undelivered_incomplete_address
    undelivered_unknown_receiver undelivered_cod_cash_receiver taken_by_courier_from_pok
    undelivered return_pickup_confirmation_to_sender ready_to_pickup_from_branch
    delay_in_delivery redirect_to_box canceled_redirect_to_box readdressed
    undelivered_no_mailbox undelivered_not_live_address undelivered_lack_of_access_letterbox
    missing stack_in_customer_service_point stack_parcel_pickup_time_expired
    unstack_from_customer_service_point courier_avizo_in_customer_service_point
    taken_by_courier_from_customer_service_point stack_in_box_machine unstack_from_box_machine
    stack_parcel_in_box_machine_pickup_time_expired"""
)


def test_statuses_are_href_and_items_in_the_official_order(public: Any) -> None:
    body = public.get("/v1/statuses").json()
    assert set(body) == {"href", "items"}
    assert body["href"] == f"{sx.BASE}/v1/statuses"
    assert [item["name"] for item in body["items"]] == OFFICIAL_STATUSES
    for item in body["items"]:
        assert set(item) >= {"name", "title", "description"}
        assert isinstance(item["title"], str) and item["title"]


def test_statuses_speak_polish_by_default_and_english_on_request(public: Any) -> None:
    default = public.get("/v1/statuses").json()["items"]
    polish = public.get("/v1/statuses", params={"lang": "pl_PL"}).json()["items"]
    english = public.get("/v1/statuses", params={"lang": "en_GB"}).json()["items"]
    assert default == polish
    assert [i["name"] for i in english] == [i["name"] for i in polish]
    assert [i["title"] for i in english] != [i["title"] for i in polish]


def test_statuses_with_an_unknown_lang_are_invalid_parameter(public: Any) -> None:
    sx.assert_error(public.get("/v1/statuses", params={"lang": "fr_FR"}), 400, "invalid_parameter")


def test_services_are_a_bare_array(public: Any) -> None:
    services = public.get("/v1/services").json()
    assert isinstance(services, list)
    ids = {service["id"] for service in services}
    assert {"inpost_locker_standard", "inpost_courier_standard", "inpost_courier_c2c"} <= ids
    for service in services:
        assert set(service) >= {"id", "name", "description", "additional_services"}
        assert all(set(extra) >= {"id", "name", "description"} for extra in service["additional_services"])


def test_sending_methods_are_href_and_items(public: Any) -> None:
    body = public.get("/v1/sending_methods", params={"service": "inpost_locker_standard"}).json()
    assert {"href", "items"} <= set(body)
    assert all({"id", "name"} <= set(item) for item in body["items"])
    assert "parcel_locker" in {item["id"] for item in body["items"]}


def test_tracking_shows_the_history_newest_first(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    created = sx.create_shipment(api, sx.organization_id(api), sx.locker_request())
    mockpost.clock.advance(duration="8d")
    delivered = sx.shipment(api, created["id"])
    assert delivered["status"] == "delivered"
    tracking = mockpost.client("inpost").get(f"/v1/tracking/{delivered['tracking_number']}")
    assert tracking.status_code == 200
    body = tracking.json()
    assert body["tracking_number"] == delivered["tracking_number"]
    assert body["service"] == "inpost_locker_standard" and body["status"] == "delivered"
    assert {
        "type",
        "created_at",
        "updated_at",
        "custom_attributes",
        "tracking_details",
        "expected_flow",
    } <= set(body)
    details = body["tracking_details"]
    assert details[0]["status"] == "delivered"
    assert all(set(step) >= {"status", "origin_status", "agency", "datetime"} for step in details)
    times = [step["datetime"] for step in details]
    assert times == sorted(times, reverse=True)
    assert "confirmed" in {step["status"] for step in details}
    assert body["custom_attributes"]["target_machine_id"] == "KRA010"


def test_tracking_unknown_number_is_resource_not_found(public: Any) -> None:
    sx.assert_error(public.get("/v1/tracking/000000000000000000000000"), 404, "resource_not_found")


def test_points_are_a_paged_collection_with_total_pages(public: Any) -> None:
    body = public.get("/v1/points").json()
    items = sx.assert_collection(body, f"{sx.BASE}/v1/points")
    assert {"total_pages", "meta"} <= set(body)
    # ambiguous: the default page size of points; the IT documentation's example shows 25.
    assert body["per_page"] == 25 and len(items) == 25
    assert body["total_pages"] == -(-body["count"] // body["per_page"])
    second = public.get("/v1/points", params={"page": 2, "per_page": 10}).json()
    assert second["page"] == 2 and len(second["items"]) == 10
    first_ten = public.get("/v1/points", params={"per_page": 10}).json()["items"]
    assert not {p["name"] for p in first_ten} & {p["name"] for p in second["items"]}


def test_point_is_read_by_name(public: Any) -> None:
    point = public.get("/v1/points/KRA010").json()
    assert point["href"] == f"{sx.BASE}/v1/points/KRA010"
    assert point["name"] == "KRA010" and "parcel_locker" in point["type"]
    assert {"latitude", "longitude"} <= set(point["location"])
    assert {"line1", "line2"} <= set(point["address"])
    assert {"city", "province", "post_code", "street", "building_number"} <= set(point["address_details"])
    assert isinstance(point["functions"], list) and point["distance"] is None
    sx.assert_error(public.get("/v1/points/NOPE999"), 404, "resource_not_found")


def test_kra010_is_the_point_the_documentation_shows(public: Any) -> None:
    point = public.get("/v1/points/KRA010").json()
    assert point["location"] == {"latitude": 50.03988, "longitude": 19.92485}
    assert point["address"] == {"line1": "Kapelanka 14", "line2": "30-347 Kraków"}
    details = point["address_details"]
    assert (details["city"], details["province"], details["post_code"]) == ("Kraków", "małopolskie", "30-347")
    assert (details["street"], details["building_number"]) == ("Kapelanka", "14")
    assert point["opening_hours"] == "24/7" and point["location_247"] is True
    assert {"parcel", "parcel_send", "parcel_collect"} <= set(point["functions"])


def test_paczkopunkt_from_the_documentation_exists(public: Any) -> None:
    assert public.get("/v1/points/POP-WAW364").status_code == 200


def test_points_filter_by_name_type_and_city(public: Any) -> None:
    by_name = public.get("/v1/points", params={"name": "KRA010"}).json()
    assert [p["name"] for p in by_name["items"]] == ["KRA010"]
    lockers = public.get("/v1/points", params={"type": "parcel_locker", "per_page": 100}).json()["items"]
    assert lockers and all("parcel_locker" in p["type"] for p in lockers)
    krakow = public.get("/v1/points", params={"city": "Kraków", "per_page": 100}).json()["items"]
    assert krakow and all(p["address_details"]["city"] == "Kraków" for p in krakow)


def test_points_near_a_relative_point_sort_by_distance(public: Any) -> None:
    params = {"relative_point": "50.03988,19.92485", "sort_by": "distance_to_relative_point", "per_page": 5}
    items = public.get("/v1/points", params=params).json()["items"]
    distances = [p["distance"] for p in items]
    assert all(isinstance(d, int | float) for d in distances)
    assert distances == sorted(distances) and items[0]["name"] == "KRA010"


def test_points_sort_by_name_and_refuse_an_unknown_sort(public: Any) -> None:
    names = [p["name"] for p in public.get("/v1/points", params={"sort_by": "name"}).json()["items"]]
    assert names == sorted(names)
    sx.assert_error(public.get("/v1/points", params={"sort_by": "city"}), 400, "invalid_parameter")


def test_points_malformed_number_is_an_error(public: Any) -> None:
    response = public.get("/v1/points", params={"relative_point": "north,south"})
    sx.assert_error(response, 400, "invalid_parameter")


def test_points_malformed_integer_filter_is_an_error(public: Any) -> None:
    # the documentation (1.7.0): malformed Integer, Double and List parameters are errors, not ignored
    sx.assert_error(public.get("/v1/points", params={"partner_id": "abc"}), 400, "invalid_parameter")
    assert public.get("/v1/points", params={"partner_id": "0"}).json()["count"] > 0


def test_points_updated_since_filters(public: Any) -> None:
    everything = public.get("/v1/points").json()["count"]
    assert public.get("/v1/points", params={"updated_from": "2020-01-01"}).json()["count"] == everything
    assert public.get("/v1/points", params={"updated_from": "2099-01-01T00:00:00Z"}).json()["count"] == 0
    assert public.get("/v1/points", params={"updated_to": "2020-01-01"}).json()["count"] == 0
    sx.assert_error(public.get("/v1/points", params={"updated_from": "yesterday"}), 400, "invalid_parameter")
