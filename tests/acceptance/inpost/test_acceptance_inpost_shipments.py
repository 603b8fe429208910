"""Shipments as the ShipX documentation and its clients use them: both creation modes, parcels as
an object or an array, templates, locker and courier rules, the validation details' shape, the
lifecycle on the clock, cancel, bulk offer selection and payment, and list/search."""

from __future__ import annotations

from typing import Any

import pytest
from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost

SHIPMENT_KEYS = {
    "href",
    "id",
    "status",
    "tracking_number",
    "service",
    "reference",
    "is_return",
    "custom_attributes",
    "cod",
    "insurance",
    "sender",
    "receiver",
    "parcels",
    "selected_offer",
    "offers",
    "created_at",
    "updated_at",
}
PARTY_KEYS = {"name", "company_name", "first_name", "last_name", "email", "phone", "address"}


def offer_mode(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "service"}


def test_simplified_locker_shipment_is_created_with_the_documented_shape(api: Any, org: int) -> None:
    response = sx.post_shipment(api, org, sx.locker_request())
    assert response.status_code == 201
    created = response.json()
    assert set(created) >= SHIPMENT_KEYS, SHIPMENT_KEYS - set(created)
    assert created["href"] == f"{sx.BASE}/v1/shipments/{created['id']}"
    assert created["status"] == "created" and created["tracking_number"] is None
    assert created["service"] == "inpost_locker_standard"
    assert created["reference"] == "Order 1001" and created["is_return"] is False
    assert created["custom_attributes"]["target_point"] == "KRA010"
    assert created["custom_attributes"]["sending_method"] == "parcel_locker"
    assert set(created["receiver"]) >= PARTY_KEYS and set(created["sender"]) >= PARTY_KEYS
    assert created["receiver"]["phone"] == "600100200"
    assert created["receiver"]["email"] == "jan.kowalski@example.pl"
    assert isinstance(created["parcels"], list) and len(created["parcels"]) == 1
    assert created["parcels"][0]["template"] == "small"
    assert set(created["cod"]) == {"amount", "currency"} and set(created["insurance"]) == {
        "amount",
        "currency",
    }
    assert sx.TIMESTAMP.match(created["created_at"]) and sx.TIMESTAMP.match(created["updated_at"])
    assert sx.shipment(api, created["id"]) == created


def test_sender_defaults_to_the_organization(api: Any, org: int) -> None:
    organization = api.get(f"/v1/organizations/{org}").json()
    sender = sx.create_shipment(api, org, sx.locker_request())["sender"]
    assert sender["address"]["city"] == organization["address"]["city"]
    assert sender["address"]["post_code"] == organization["address"]["post_code"]


def test_parcels_as_an_object_or_an_array(api: Any, org: int) -> None:
    single = sx.create_shipment(api, org, sx.locker_request(parcels={"template": "medium"}))
    assert [p["template"] for p in single["parcels"]] == ["medium"]
    several = sx.create_shipment(
        api,
        org,
        sx.locker_request(parcels=[{"template": "small", "id": "a"}, {"template": "large", "id": "b"}]),
    )
    assert [(p["id"], p["template"]) for p in several["parcels"]] == [("a", "small"), ("b", "large")]


@pytest.mark.parametrize("template", ["small", "medium", "large"])
def test_every_locker_template_is_accepted(api: Any, org: int, template: str) -> None:
    created = sx.create_shipment(api, org, sx.locker_request(parcels={"template": template}))
    assert created["parcels"][0]["template"] == template


def test_xlarge_only_fits_the_c2c_courier(api: Any, org: int) -> None:
    response = sx.post_shipment(api, org, sx.locker_request(parcels={"template": "xlarge"}))
    details = sx.assert_error(response, 400, "validation_failed")
    assert details["parcels"][0]["template"]
    services = api.get(f"/v1/organizations/{org}").json()["services"]
    if "inpost_courier_c2c" in services:
        c2c = sx.create_shipment(
            api, org, sx.courier_request(service="inpost_courier_c2c", parcels={"template": "xlarge"})
        )
        assert c2c["parcels"][0]["template"] == "xlarge"


def test_letter_templates_are_known(api: Any, org: int) -> None:
    services = api.get(f"/v1/organizations/{org}").json()["services"]
    if "inpost_letter_allegro" not in services:
        pytest.skip("the organization has no letter service")
    for template in ("letter_a", "letter_b", "letter_c"):
        created = sx.create_shipment(
            api, org, sx.courier_request(service="inpost_letter_allegro", parcels={"template": template})
        )
        assert created["parcels"][0]["template"] == template


def test_unknown_template_is_a_nested_parcel_error(api: Any, org: int) -> None:
    response = sx.post_shipment(
        api, org, sx.locker_request(parcels=[{"template": "small"}, {"template": "huge"}])
    )
    details = sx.assert_error(response, 400, "validation_failed")
    assert isinstance(details["parcels"], list) and len(details["parcels"]) == 2
    assert isinstance(details["parcels"][1], dict) and details["parcels"][1]["template"]


def test_dimensions_and_weight_as_strings_are_accepted(api: Any, org: int) -> None:
    body = sx.locker_request(
        parcels={
            "dimensions": {"length": "80", "width": "360", "height": "640", "unit": "mm"},
            "weight": {"amount": "5", "unit": "kg"},
        }
    )
    parcel = sx.create_shipment(api, org, body)["parcels"][0]
    assert float(parcel["dimensions"]["length"]) == 80 and float(parcel["weight"]["amount"]) == 5


def test_locker_parcel_too_heavy_is_refused(api: Any, org: int) -> None:
    body = sx.locker_request(
        parcels={
            "dimensions": {"length": "80", "width": "360", "height": "640", "unit": "mm"},
            "weight": {"amount": "30", "unit": "kg"},
        }
    )
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert isinstance(details["parcels"], list) and isinstance(details["parcels"][0], dict)


def test_locker_needs_a_target_point(api: Any, org: int) -> None:
    body = sx.locker_request(custom_attributes={"sending_method": "parcel_locker"})
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert details == {"custom_attributes": [{"target_point": ["required"]}]}


def test_unknown_target_point_does_not_exist(api: Any, org: int) -> None:
    body = sx.locker_request(custom_attributes={"target_point": "XXX999"})
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert details == {"custom_attributes": [{"target_point": ["does_not_exist"]}]}


def test_locker_receiver_needs_phone_and_email(api: Any, org: int) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(receiver={"email": "a@example.pl"})),
        400,
        "validation_failed",
    )
    assert details == {"receiver": [{"phone": ["required"]}]}
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(receiver={"phone": "600100200"})),
        400,
        "validation_failed",
    )
    assert details == {"receiver": [{"email": ["required"]}]}
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(receiver={})), 400, "validation_failed"
    )
    assert details["receiver"][0]["phone"] == ["required"] and details["receiver"][0]["email"] == ["required"]


def test_malformed_contacts_are_invalid_format(api: Any, org: int) -> None:
    body = sx.locker_request(receiver={"email": "not-an-email", "phone": "abc"})
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert set(details["receiver"][0]) == {"email", "phone"}
    assert all(isinstance(keys, list) and keys for keys in details["receiver"][0].values())


def test_errors_in_several_places_are_reported_together(api: Any, org: int) -> None:
    body = sx.locker_request(receiver={"email": "a@example.pl"}, custom_attributes={"target_point": "NOPE01"})
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert details == {
        "receiver": [{"phone": ["required"]}],
        "custom_attributes": [{"target_point": ["does_not_exist"]}],
    }


def test_missing_parcels_and_receiver_stay_flat(api: Any, org: int) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, {"service": "inpost_locker_standard"}), 400, "validation_failed"
    )
    assert details["parcels"] == ["required"]
    assert details["receiver"] == ["required"]


def test_empty_parcels_list_is_a_flat_error(api: Any, org: int) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(parcels=[])), 400, "validation_failed"
    )
    assert isinstance(details["parcels"], list) and all(isinstance(key, str) for key in details["parcels"])


def test_unknown_service_is_refused(api: Any, org: int) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(service="inpost_teleport")), 400, "validation_failed"
    )
    assert details["service"] == ["invalid"]


def test_courier_shipment_is_created_with_its_address(api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.courier_request())
    assert created["service"] == "inpost_courier_standard"
    assert created["receiver"]["address"]["city"] == "Warszawa"
    assert created["receiver"]["address"]["post_code"] == "00-590"
    assert float(created["insurance"]["amount"]) == 100 and created["insurance"]["currency"] == "PLN"


def test_courier_needs_a_receiver_address(api: Any, org: int) -> None:
    body = sx.courier_request()
    del body["receiver"]["address"]
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert isinstance(details["receiver"], list) and details["receiver"][0]["address"]


def test_courier_incomplete_address_is_nested_twice(api: Any, org: int) -> None:
    body = sx.courier_request()
    body["receiver"]["address"] = {**sx.courier_address(), "post_code": "wrong"}
    del body["receiver"]["address"]["city"]
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    address_errors = details["receiver"][0]["address"]
    assert isinstance(address_errors, list) and isinstance(address_errors[0], dict)
    assert set(address_errors[0]) == {"city", "post_code"}


def test_courier_needs_a_receiver_name(api: Any, org: int) -> None:
    body = sx.courier_request()
    for key in ("company_name", "first_name", "last_name"):
        del body["receiver"][key]
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert isinstance(details["receiver"], list) and details["receiver"][0]


def test_courier_with_first_and_last_name_only_is_enough(api: Any, org: int) -> None:
    body = sx.courier_request()
    del body["receiver"]["company_name"]
    assert sx.create_shipment(api, org, body)["receiver"]["last_name"] == "Nowak"


def test_locker_shipment_is_confirmed_with_a_tracking_number_then_delivered(
    mockpost: Mockpost, api: Any, org: int
) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    confirmed = sx.shipment(api, created["id"])
    assert confirmed["status"] == "confirmed"
    assert sx.TRACKING_NUMBER.match(confirmed["tracking_number"])
    assert all(p["tracking_number"] == confirmed["tracking_number"] for p in confirmed["parcels"])
    assert confirmed["selected_offer"]["status"] in ("selected", "bought")
    mockpost.clock.advance(duration="7d")
    assert sx.shipment(api, created["id"])["status"] == "delivered"


def walk(mockpost: Mockpost, api: Any, shipment_id: int, hours: int) -> list[str]:
    statuses = []
    for _ in range(hours):
        statuses.append(sx.shipment(api, shipment_id)["status"])
        mockpost.clock.advance(duration="1h")
    return statuses


@pytest.mark.parametrize(
    "request_body", [sx.locker_request(), sx.courier_request()], ids=["locker", "courier"]
)
def test_statuses_never_move_backwards(
    mockpost: Mockpost, api: Any, org: int, request_body: dict[str, Any]
) -> None:
    created = sx.create_shipment(api, org, request_body)
    statuses = walk(mockpost, api, created["id"], 24 * 7)
    assert statuses[0] == "created" and statuses[-1] == "delivered"
    positions = [sx.HAPPY_PATH.index(status) for status in statuses]
    assert positions == sorted(positions), statuses
    assert len(set(statuses)) >= 6, "the sx.shipment walks through the logistics statuses"


def test_locker_path_passes_ready_to_pickup_and_courier_path_out_for_delivery(
    mockpost: Mockpost, api: Any, org: int
) -> None:
    locker = sx.create_shipment(api, org, sx.locker_request())
    courier = sx.create_shipment(api, org, sx.courier_request())
    seen: dict[int, set[str]] = {locker["id"]: set(), courier["id"]: set()}
    for _ in range(24 * 7):
        for shipment_id, statuses in seen.items():
            statuses.add(sx.shipment(api, shipment_id)["status"])
        mockpost.clock.advance(duration="1h")
    assert {"confirmed", "ready_to_pickup", "delivered"} <= seen[locker["id"]]
    assert {"confirmed", "out_for_delivery", "delivered"} <= seen[courier["id"]]
    assert "ready_to_pickup" not in seen[courier["id"]]


def test_forcing_a_status_backwards_is_refused(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1d")
    before = sx.shipment(api, created["id"])["status"]
    response = mockpost.client().post(
        "/_mockpost/inpost/transition",
        json={"resource": "shipment", "id": str(created["id"]), "state": "offers_prepared"},
        headers=api.headers,
    )
    assert response.status_code == 409
    assert sx.shipment(api, created["id"])["status"] == before


def test_offer_mode_select_and_buy(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, offer_mode(sx.locker_request()))
    assert created["status"] == "created"
    mockpost.clock.advance(duration="1m")
    prepared = sx.shipment(api, created["id"])
    assert prepared["status"] == "offers_prepared"
    available = [offer for offer in prepared["offers"] if offer["status"] == "available"]
    assert available, prepared["offers"]
    offer = available[0]
    assert {"id", "status", "rate", "currency", "carrier", "service", "expires_at"} <= set(offer)
    assert offer["service"]["id"] == "inpost_locker_standard" or offer["service"]["id"]

    selected = api.post(f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": offer["id"]})
    assert selected.status_code == 200
    body = selected.json()
    assert body["status"] == "offer_selected"
    assert body["selected_offer"]["id"] == offer["id"] and body["selected_offer"]["status"] == "selected"
    # the documentation: once an offer is selected, the other offers are deleted
    assert [item["id"] for item in body["offers"]] == [offer["id"]]

    bought = api.post(f"/v1/shipments/{created['id']}/buy", json={"offer_id": offer["id"]})
    assert bought.status_code == 200
    # the answer is the sx.shipment before payment is processed
    assert bought.json()["status"] == "offer_selected" and bought.json()["tracking_number"] is None
    mockpost.clock.advance(duration="1m")
    paid = sx.shipment(api, created["id"])
    assert paid["status"] == "confirmed" and sx.TRACKING_NUMBER.match(paid["tracking_number"])
    assert paid["transactions"][0]["status"] == "success"


def test_offer_mode_waits_at_offers_prepared(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, offer_mode(sx.locker_request()))
    mockpost.clock.advance(duration="3d")
    assert sx.shipment(api, created["id"])["status"] == "offers_prepared"


def test_select_offer_before_offers_are_prepared_is_invalid_action(api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, offer_mode(sx.locker_request()))
    response = api.post(f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": 1})
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_action", "validation_failed", "offer_unavailable")


def test_buy_without_offer_id_is_validation_failed(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, offer_mode(sx.locker_request()))
    mockpost.clock.advance(duration="1m")
    details = sx.assert_error(
        api.post(f"/v1/shipments/{created['id']}/buy", json={}), 400, "validation_failed"
    )
    assert details == {"offer_id": ["required"]}


def test_cancel_from_created_and_offers_prepared(mockpost: Mockpost, api: Any, org: int) -> None:
    fresh = sx.create_shipment(api, org, sx.locker_request())
    response = api.delete(f"/v1/shipments/{fresh['id']}")
    assert response.status_code == 204 and response.content == b""
    assert sx.shipment(api, fresh["id"])["status"] == "canceled"
    waiting = sx.create_shipment(api, org, offer_mode(sx.locker_request()))
    mockpost.clock.advance(duration="1m")
    assert sx.shipment(api, waiting["id"])["status"] == "offers_prepared"
    assert api.delete(f"/v1/shipments/{waiting['id']}").status_code == 204
    mockpost.clock.advance(duration="7d")
    assert sx.shipment(api, fresh["id"])["status"] == "canceled"
    assert sx.shipment(api, waiting["id"])["status"] == "canceled"


def test_cancel_after_confirmed_is_invalid_action(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    sx.assert_error(api.delete(f"/v1/shipments/{created['id']}"), 400, "invalid_action")
    assert sx.shipment(api, created["id"])["status"] == "confirmed"


def test_cancel_twice_is_invalid_action(api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    assert api.delete(f"/v1/shipments/{created['id']}").status_code == 204
    sx.assert_error(api.delete(f"/v1/shipments/{created['id']}"), 400, "invalid_action")


def test_unknown_shipment_is_resource_not_found(api: Any) -> None:
    sx.assert_error(api.get("/v1/shipments/987654321"), 404, "resource_not_found")
    sx.assert_error(api.delete("/v1/shipments/987654321"), 404, "resource_not_found")


def test_another_tokens_shipment_is_not_visible(mockpost: Mockpost, api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    stranger = mockpost.client("inpost", headers={"Authorization": "Bearer stranger"})
    sx.assert_error(stranger.get(f"/v1/shipments/{created['id']}"), 404, "resource_not_found")
    sx.assert_error(stranger.delete(f"/v1/shipments/{created['id']}"), 404, "resource_not_found")
    sx.assert_error(
        stranger.post(f"/v1/organizations/{org}/shipments", json=sx.locker_request()),
        401,
        "token_invalid",
    )
    assert sx.shipment(api, created["id"])["status"] == "created"


def prepared_offers(mockpost: Mockpost, api: Any, org: int, count: int) -> list[tuple[int, int]]:
    ids = [sx.create_shipment(api, org, offer_mode(sx.locker_request()))["id"] for _ in range(count)]
    mockpost.clock.advance(duration="1m")
    pairs = []
    for shipment_id in ids:
        offers = sx.shipment(api, shipment_id)["offers"]
        pairs.append((shipment_id, next(o["id"] for o in offers if o["status"] == "available")))
    return pairs


def test_bulk_select_and_bulk_buy(mockpost: Mockpost, api: Any, org: int) -> None:
    pairs = prepared_offers(mockpost, api, org, 2)
    items = [{"id": n, "shipment_id": s, "offer_id": o} for n, (s, o) in enumerate(pairs, start=1)]
    selected = api.post(f"/v1/organizations/{org}/shipments/select_offers", json={"shipments": items})
    assert selected.status_code == 204
    assert [sx.shipment(api, s)["status"] for s, _ in pairs] == ["offer_selected"] * 2
    bought = api.post(f"/v1/organizations/{org}/shipments/bulk_buy", json={"shipments": items})
    assert bought.status_code == 204
    mockpost.clock.advance(duration="1m")
    assert [sx.shipment(api, s)["status"] for s, _ in pairs] == ["confirmed"] * 2


def test_bulk_select_is_all_or_none(mockpost: Mockpost, api: Any, org: int) -> None:
    pairs = prepared_offers(mockpost, api, org, 2)
    items = [
        {"id": 1, "shipment_id": pairs[0][0], "offer_id": pairs[0][1]},
        {"id": 2, "shipment_id": pairs[1][0], "offer_id": 987654321},
    ]
    response = api.post(f"/v1/organizations/{org}/shipments/select_offers", json={"shipments": items})
    details = sx.assert_error(response, 400, "validation_failed")
    assert isinstance(details["shipments"], list)
    assert [sx.shipment(api, s)["status"] for s, _ in pairs] == ["offers_prepared"] * 2


def test_bulk_select_takes_at_most_100(api: Any, org: int) -> None:
    items = [{"id": n, "shipment_id": n, "offer_id": n} for n in range(101)]
    response = api.post(f"/v1/organizations/{org}/shipments/select_offers", json={"shipments": items})
    sx.assert_error(response, 400, "validation_failed")


def test_shipment_list_filters_sorts_and_pages(mockpost: Mockpost, api: Any, org: int) -> None:
    lockers = [sx.create_shipment(api, org, sx.locker_request(reference=f"Order {n}")) for n in range(3)]
    courier = sx.create_shipment(api, org, sx.courier_request())
    mockpost.clock.advance(duration="1m")
    path = f"/v1/organizations/{org}/shipments"
    listing = api.get(path).json()
    items = sx.assert_collection(listing, f"{sx.BASE}{path}")
    assert listing["count"] == 4 and [i["id"] for i in items] == sorted(i["id"] for i in items)

    by_service = api.get(path, params={"service": "inpost_courier_standard"}).json()
    assert [i["id"] for i in by_service["items"]] == [courier["id"]]
    tracking = sx.shipment(api, lockers[1]["id"])["tracking_number"]
    by_tracking = api.get(path, params={"tracking_number": tracking}).json()
    assert [i["id"] for i in by_tracking["items"]] == [lockers[1]["id"]]
    by_status = api.get(path, params={"status": "confirmed"}).json()
    assert by_status["count"] == 4
    by_email = api.get(path, params={"receiver_email": "anna.nowak@example.pl"}).json()
    assert [i["id"] for i in by_email["items"]] == [courier["id"]]
    second = api.get(path, params={"per_page": 3, "page": 2}).json()
    assert (second["count"], second["per_page"], len(second["items"])) == (4, 3, 1)
    newest_first = api.get(path, params={"sort_by": "id", "sort_order": "desc"}).json()["items"]
    assert [i["id"] for i in newest_first] == sorted((i["id"] for i in items), reverse=True)


@pytest.mark.parametrize(
    "sort_by",
    sx.names("id created_at tracking_number service status insurance_amount cod_amount external_customer_id"),
)
def test_shipment_list_accepts_each_documented_sort(api: Any, org: int, sort_by: str) -> None:
    sx.create_shipment(api, org, sx.locker_request())
    response = api.get(
        f"/v1/organizations/{org}/shipments", params={"sort_by": sort_by, "sort_order": "desc"}
    )
    assert response.status_code == 200


def test_shipment_list_refuses_an_unknown_sort(api: Any, org: int) -> None:
    response = api.get(f"/v1/organizations/{org}/shipments", params={"sort_by": "weight"})
    sx.assert_error(response, 400, "invalid_parameter")


def test_created_at_range_filters(mockpost: Mockpost, api: Any, org: int) -> None:
    early = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1d")
    late = sx.create_shipment(api, org, sx.locker_request())
    path = f"/v1/organizations/{org}/shipments"
    after = api.get(path, params={"created_at_gteq": late["created_at"]}).json()
    assert [i["id"] for i in after["items"]] == [late["id"]]
    before = api.get(path, params={"created_at_lteq": early["created_at"]}).json()
    assert [i["id"] for i in before["items"]] == [early["id"]]


def test_courier_parcel_with_weight_only_is_accepted(api: Any, org: int) -> None:
    # the documentation marks a parcel's dimensions optional; python-sendparcel-inpost sends
    # `[{"weight": {"amount": 1.0, "unit": "kg"}}]` when it knows no sizes
    created = sx.create_shipment(
        api, org, sx.courier_request(parcels=[{"weight": {"amount": 1.0, "unit": "kg"}}])
    )
    parcel = created["parcels"][0]
    assert float(parcel["weight"]["amount"]) == 1 and parcel["is_non_standard"] is False


def test_courier_parcel_without_weight_or_template_is_refused(api: Any, org: int) -> None:
    body = sx.courier_request(
        parcels=[{"dimensions": {"length": 300, "width": 200, "height": 100, "unit": "mm"}}]
    )
    details = sx.assert_error(sx.post_shipment(api, org, body), 400, "validation_failed")
    assert details == {"parcels": [{"weight": ["required"]}]}


def test_non_standard_parcel_is_flagged(api: Any, org: int) -> None:
    long_parcel = {
        "dimensions": {"length": "1300", "width": "100", "height": "100", "unit": "mm"},
        "weight": {"amount": "3,5", "unit": "kg"},
    }
    parcel = sx.create_shipment(api, org, sx.courier_request(parcels=long_parcel))["parcels"][0]
    assert parcel["is_non_standard"] is True and float(parcel["weight"]["amount"]) == 3.5


def test_buy_an_available_offer_without_selecting_it_first(mockpost: Mockpost, api: Any, org: int) -> None:
    # the documentation: the offer to buy must be `available` (or `selected` after a failed attempt)
    created = sx.create_shipment(api, org, offer_mode(sx.locker_request()))
    mockpost.clock.advance(duration="1m")
    offer = next(o for o in sx.shipment(api, created["id"])["offers"] if o["status"] == "available")
    assert api.post(f"/v1/shipments/{created['id']}/buy", json={"offer_id": offer["id"]}).status_code == 200
    mockpost.clock.advance(duration="1m")
    assert sx.shipment(api, created["id"])["status"] == "confirmed"


def test_bulk_buy_of_available_offers(mockpost: Mockpost, api: Any, org: int) -> None:
    pairs = prepared_offers(mockpost, api, org, 2)
    items = [{"id": n, "shipment_id": s, "offer_id": o} for n, (s, o) in enumerate(pairs, start=1)]
    assert (
        api.post(f"/v1/organizations/{org}/shipments/bulk_buy", json={"shipments": items}).status_code == 204
    )
    mockpost.clock.advance(duration="1m")
    assert [sx.shipment(api, s)["status"] for s, _ in pairs] == ["confirmed"] * 2


def test_selecting_another_shipments_offer_is_refused(mockpost: Mockpost, api: Any, org: int) -> None:
    (_, first_offer), (second, _) = prepared_offers(mockpost, api, org, 2)
    response = api.post(f"/v1/shipments/{second}/select_offer", json={"offer_id": first_offer})
    assert response.status_code == 400
    assert response.json()["error"] in ("validation_failed", "offer_unavailable")
    assert sx.shipment(api, second)["status"] == "offers_prepared"


def test_shipment_filters_by_carrier_insurance_and_sender(mockpost: Mockpost, api: Any, org: int) -> None:
    locker = sx.create_shipment(api, org, sx.locker_request())
    courier = sx.create_shipment(api, org, sx.courier_request())
    path = f"/v1/organizations/{org}/shipments"
    by_carrier = api.get(path, params={"carrier": "inpost_locker"}).json()
    assert [i["id"] for i in by_carrier["items"]] == [locker["id"]]
    insured = api.get(path, params={"insurance_amount_gteq": "50"}).json()
    assert [i["id"] for i in insured["items"]] == [courier["id"]]
    by_city = api.get(path, params={"receiver_city": "Warszawa"}).json()
    assert [i["id"] for i in by_city["items"]] == [courier["id"]]
    assert api.get(path, params={"insurance_amount_gteq": "lots"}).status_code == 400


@pytest.mark.parametrize(
    ("change", "field", "inner"),
    [
        ({"cod": {"amount": "x", "currency": "PLN"}}, "cod", "amount"),
        ({"insurance": {"amount": -5, "currency": "PLN"}}, "insurance", "amount"),
        ({"sender": {"email": "not-an-email"}}, "sender", "email"),
    ],
)
def test_nested_objects_report_errors_as_arrays_of_objects(
    api: Any, org: int, change: dict[str, Any], field: str, inner: str
) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.courier_request(**change)), 400, "validation_failed"
    )
    assert list(details) == [field]
    assert isinstance(details[field], list) and len(details[field]) == 1
    assert list(details[field][0]) == [inner]
    assert all(isinstance(key, str) for key in details[field][0][inner])


@pytest.mark.parametrize("value", ["a string", 42, ["list"]])
def test_a_nested_object_of_the_wrong_type_is_a_flat_error(api: Any, org: int, value: Any) -> None:
    details = sx.assert_error(
        sx.post_shipment(api, org, sx.locker_request(receiver=value)), 400, "validation_failed"
    )
    assert isinstance(details["receiver"], list) and all(isinstance(k, str) for k in details["receiver"])


def test_batch_creates_every_shipment_and_is_done_once_offers_are_ready(
    mockpost: Mockpost, api: Any, org: int
) -> None:
    items = [{"id": 1, **sx.locker_request()}, {"id": 2, **sx.courier_request()}]
    response = api.post(f"/v1/organizations/{org}/batches", json={"shipments": items})
    assert response.status_code in (200, 201), response.text
    batch = response.json()
    assert {"href", "id", "status", "shipments", "created_at", "updated_at"} <= set(batch)
    assert batch["href"] == f"{sx.BASE}/v1/batches/{batch['id']}" and batch["status"] == "generated"
    assert [set(s) for s in batch["shipments"]] == [{"href", "id", "tracking_number", "status"}] * 2
    mockpost.clock.advance(duration="1m")
    done = api.get(f"/v1/batches/{batch['id']}").json()
    assert done["status"] == "done"
    assert [s["status"] for s in done["shipments"]] == ["confirmed", "confirmed"]
    assert api.get(f"/v1/organizations/{org}/shipments").json()["count"] == 2


def test_batch_with_only_choice_of_offer_stops_at_offer_selected(
    mockpost: Mockpost, api: Any, org: int
) -> None:
    body = {"only_choice_of_offer": True, "shipments": [sx.locker_request()]}
    batch = api.post(f"/v1/organizations/{org}/batches", json=body).json()
    mockpost.clock.advance(duration="1h")
    assert sx.shipment(api, batch["shipments"][0]["id"])["status"] == "offer_selected"


def test_batch_is_all_or_none(api: Any, org: int) -> None:
    items = [sx.locker_request(), sx.locker_request(custom_attributes={"target_point": "NOPE01"})]
    response = api.post(f"/v1/organizations/{org}/batches", json={"shipments": items})
    details = sx.assert_error(response, 400, "validation_failed")
    assert details == {"shipments": [{}, {"custom_attributes": [{"target_point": ["does_not_exist"]}]}]}
    assert api.get(f"/v1/organizations/{org}/shipments").json()["count"] == 0
    sx.assert_error(api.get("/v1/batches/987654321"), 404, "resource_not_found")
