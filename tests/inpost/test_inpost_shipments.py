"""Shipments: both creation modes, validation in ShipX's details format, the lifecycle on the clock,
statistics equal to a hand count at every step, tracking, cancel, search."""

from __future__ import annotations

import pytest
from inpost_support import (
    OTHER_TOKEN,
    POP,
    TOKEN,
    all_shipments,
    assert_error,
    courier_body,
    hand_count,
    locker_body,
)

from mockpost.providers.inpost.lifecycle import COURIER_PATH, LOCKER_PATH
from mockpost.testing import Mockpost


def test_simplified_locker_shipment_is_confirmed_within_a_minute_then_delivered(frozen, shipx, create):
    created = create("locker")
    assert created["status"] == "created" and created["tracking_number"] is None
    assert created["href"] == f"http://mockpost/inpost/v1/shipments/{created['id']}"
    assert created["parcels"][0]["template"] == "small"  # parcels given as an object
    seen = []
    for _ in range(12):
        frozen.clock.advance(5)
        status = shipx.get(f"/v1/shipments/{created['id']}").json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
    assert seen == ["offers_prepared", "offer_selected", "confirmed"]
    shipment = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert len(shipment["tracking_number"]) == 24 and shipment["tracking_number"].isdigit()
    assert shipment["parcels"][0]["tracking_number"] == shipment["tracking_number"]
    assert shipment["selected_offer"]["status"] == "bought"
    assert shipment["transactions"][0]["status"] == "success"
    frozen.clock.advance(duration="7d")
    shipment = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert shipment["status"] == "delivered"
    history = shipx.get(f"/v1/tracking/{shipment['tracking_number']}").json()["tracking_details"]
    assert [h["status"] for h in history] == ["confirmed", *LOCKER_PATH][::-1]  # newest first


def test_courier_shipment_follows_the_courier_path(frozen, shipx, create):
    created = create("courier")
    frozen.clock.advance(duration="7d")
    shipment = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert shipment["status"] == "delivered"
    details = shipx.get(f"/v1/tracking/{shipment['tracking_number']}").json()["tracking_details"]
    assert [d["status"] for d in reversed(details)] == ["confirmed", *COURIER_PATH]
    assert shipment["parcels"][0]["dimensions"] == {
        "length": "300",
        "width": "200",
        "height": "100",
        "unit": "mm",
    }


def test_statistics_equal_a_hand_count_at_every_step_of_the_clock(frozen, shipx, org_id, create):
    create("locker")
    create("courier")
    canceled = create("locker")
    shipx.delete(f"/v1/shipments/{canceled['id']}")
    offer_mode = locker_body()
    del offer_mode["service"]
    shipx.post(f"/v1/organizations/{org_id}/shipments", json=offer_mode)
    seen_groups = set()
    for step in ["1s", "5s", "5s", "10s", "10s", "2h", *["6h"] * 10, "1d", "1d"]:
        frozen.clock.advance(duration=step)
        stats = shipx.get(f"/v1/organizations/{org_id}/statistics").json()
        assert stats == hand_count(all_shipments(shipx, org_id))
        seen_groups |= {k for k, v in stats.items() if v}
    assert seen_groups == {"to_send", "in_logistics", "delivered"}
    assert stats == {"to_send": 1, "in_logistics": 0, "delivered": 2}  # offer mode waits; canceled is none


def test_offer_mode_select_then_buy(frozen, shipx, org_id):
    body = courier_body()
    del body["service"]
    created = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body).json()
    assert created["service"] is None and created["offers"] == []
    frozen.clock.advance(10)
    shipment = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert shipment["status"] == "offers_prepared"  # offer mode stops here
    available = [o for o in shipment["offers"] if o["status"] == "available"]
    unavailable = [o for o in shipment["offers"] if o["status"] == "unavailable"]
    assert available and all(o["carrier"]["id"] == "inpost_courier" for o in available)
    assert unavailable and unavailable[0]["unavailability_reasons"][0]["key"]  # lockers need a target point
    refused = shipx.post(
        f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": unavailable[0]["id"]}
    )
    assert_error(refused, 400, "offer_unavailable")
    chosen = next(o for o in available if o["service"]["id"] == "inpost_courier_standard")
    selected = shipx.post(
        f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": chosen["id"]}
    ).json()
    assert selected["status"] == "offer_selected" and selected["selected_offer"]["status"] == "selected"
    assert [o["id"] for o in selected["offers"]] == [chosen["id"]]  # the others are deleted
    assert selected["service"] == "inpost_courier_standard"
    bought = shipx.post(f"/v1/shipments/{created['id']}/buy", json={"offer_id": chosen["id"]}).json()
    assert bought["status"] == "offer_selected" and bought["tracking_number"] is None  # asynchronous
    frozen.clock.advance(30)
    confirmed = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert confirmed["status"] == "confirmed" and confirmed["tracking_number"]
    again = shipx.post(f"/v1/shipments/{created['id']}/buy", json={"offer_id": chosen["id"]})
    assert_error(again, 400, "invalid_action")


def test_select_offer_errors(frozen, shipx, create):
    created = create("locker")
    assert_error(shipx.post(f"/v1/shipments/{created['id']}/select_offer", json={}), 400, "validation_failed")
    early = shipx.post(f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": 1})
    assert_error(early, 400, "invalid_action")
    frozen.clock.advance(6)
    unknown = shipx.post(f"/v1/shipments/{created['id']}/select_offer", json={"offer_id": 1})
    assert assert_error(unknown, 400, "validation_failed")["details"] == {"offer_id": ["does_not_exist"]}


@pytest.mark.parametrize(
    ("change", "details"),
    [
        (
            {"custom_attributes": {"target_point": "XXX999"}},
            {"custom_attributes": [{"target_point": ["does_not_exist"]}]},
        ),
        ({"custom_attributes": {}}, {"custom_attributes": [{"target_point": ["required"]}]}),
        ({"receiver": {"first_name": "Jan"}}, {"receiver": [{"email": ["required"], "phone": ["required"]}]}),
        (
            {"receiver": {"email": "nope", "phone": "12"}},
            {"receiver": [{"email": ["invalid_format"], "phone": ["invalid_format"]}]},
        ),
        ({"parcels": []}, {"parcels": ["required"]}),
        ({"parcels": "small"}, {"parcels": ["invalid"]}),
        (
            {"parcels": [{"template": "small"}, {"template": "huge"}]},
            {"parcels": [{}, {"template": ["invalid"]}]},
        ),
        ({"parcels": {"template": "xlarge"}}, {"parcels": [{"template": ["invalid"]}]}),
        (
            {"parcels": {"template": "small", "weight": {"amount": 30}}},
            {"parcels": [{"weight": [{"amount": ["invalid"]}]}]},
        ),
        ({"service": "inpost_teleport"}, {"service": ["invalid"]}),
        ({"reference": "ab"}, {"reference": ["too_short"]}),
        (
            {"cod": {"amount": "lots", "currency": "EUR"}},
            {"cod": [{"amount": ["invalid"], "currency": ["invalid"]}]},
        ),
        ({"additional_services": ["saturday"]}, {"additional_services": ["invalid"]}),
    ],
)
def test_locker_validation_answers_field_by_field(shipx, org_id, change, details):
    response = shipx.post(f"/v1/organizations/{org_id}/shipments", json=locker_body(**change))
    body = assert_error(response, 400, "validation_failed")
    assert body["details"] == details
    assert body["message"] == "There are some validation errors. Check details object for more info."


@pytest.mark.parametrize(
    ("change", "details"),
    [
        (
            {"receiver": {"email": "a@b.pl"}},
            {"receiver": [{"first_name": ["required"], "last_name": ["required"], "address": ["required"]}]},
        ),
        (
            {"receiver": {"company_name": "X", "address": {"street": "A", "city": "B", "post_code": "1234"}}},
            {"receiver": [{"address": [{"post_code": ["invalid_format"]}]}]},
        ),
        (
            {"parcels": [{"template": None}]},
            {"parcels": [{"weight": ["required"]}]},
        ),
        (
            {"parcels": [{"dimensions": {"length": "x", "width": 1, "height": 1}, "weight": {"amount": 1}}]},
            {"parcels": [{"dimensions": [{"length": ["invalid"]}]}]},
        ),
        (
            {"parcels": [{"dimensions": {"length": 1, "width": 1, "height": 1}, "weight": {"amount": 80}}]},
            {"parcels": [{"weight": [{"amount": ["invalid"]}]}]},
        ),
    ],
)
def test_courier_validation_answers_field_by_field(shipx, org_id, change, details):
    response = shipx.post(f"/v1/organizations/{org_id}/shipments", json=courier_body(**change))
    assert assert_error(response, 400, "validation_failed")["details"] == details


def test_numbers_as_strings_letters_and_non_standard_parcels(shipx, org_id):
    body = courier_body(
        parcels=[
            {
                "dimensions": {"length": "1300", "width": "100", "height": "100"},
                "weight": {"amount": "3,5", "unit": "kg"},
            }
        ]
    )
    parcel = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body).json()["parcels"][0]
    assert parcel["is_non_standard"] is True and parcel["weight"]["amount"] == "3.5"
    letter = courier_body(service="inpost_letter_allegro", parcels={"template": "letter_a"})
    assert shipx.post(f"/v1/organizations/{org_id}/shipments", json=letter).status_code == 201


def test_insurance_is_optional_unless_required_by_option(shipx, org_id):
    assert shipx.post(f"/v1/organizations/{org_id}/shipments", json=courier_body()).status_code == 201


def test_require_insurance_option_enforces_the_documented_rule():
    with Mockpost(options={"inpost": {"require_insurance": "true"}}) as mock:
        shipx = mock.client("inpost", headers=TOKEN)
        org_id = shipx.get("/v1/organizations").json()["items"][0]["id"]
        check_insurance_rule(shipx, org_id)


def check_insurance_rule(shipx, org_id):
    refused = shipx.post(f"/v1/organizations/{org_id}/shipments", json=courier_body())
    assert assert_error(refused, 400, "validation_failed")["details"] == {
        "insurance": [{"amount": ["required"]}]
    }
    insured = courier_body(insurance={"amount": 100, "currency": "PLN"})
    created = shipx.post(f"/v1/organizations/{org_id}/shipments", json=insured).json()
    assert created["insurance"] == {"amount": 100.0, "currency": "PLN"}
    locker = shipx.post(f"/v1/organizations/{org_id}/shipments", json=locker_body())
    assert locker.status_code == 201


def test_a_paczkopunkt_target_switches_the_service(shipx, org_id):
    body = locker_body(custom_attributes={"target_point": POP})
    created = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body).json()
    assert created["service"] == "inpost_locker_customer_service_point"


def test_refused_create_changes_nothing(frozen, shipx, org_id):
    before = frozen.state("inpost", TOKEN)
    shipx.post(f"/v1/organizations/{org_id}/shipments", json=locker_body(parcels=[{"template": "x"}]))
    assert frozen.state("inpost", TOKEN) == before


def test_cancel_only_before_an_offer_is_selected(frozen, shipx, create):
    first, second = create("locker"), create("locker")
    assert shipx.delete(f"/v1/shipments/{first['id']}").status_code == 204
    assert shipx.get(f"/v1/shipments/{first['id']}").json()["status"] == "canceled"
    frozen.clock.advance(6)
    assert shipx.delete(f"/v1/shipments/{second['id']}").status_code == 204  # from offers_prepared
    third = create("locker")
    frozen.clock.advance(11)
    assert shipx.get(f"/v1/shipments/{third['id']}").json()["status"] == "offer_selected"
    body = assert_error(shipx.delete(f"/v1/shipments/{third['id']}"), 400, "invalid_action")
    assert body["details"]["status"] == "offer_selected"
    frozen.clock.advance(duration="1h")
    assert shipx.get(f"/v1/shipments/{first['id']}").json()["status"] == "canceled"  # never moves on
    assert_error(shipx.delete(f"/v1/shipments/{first['id']}"), 400, "invalid_action")


def test_other_tokens_cannot_see_shipments(frozen, shipx, create):
    created = create("locker")
    other = frozen.client("inpost", headers=OTHER_TOKEN)
    assert_error(other.get(f"/v1/shipments/{created['id']}"), 404, "resource_not_found")
    assert_error(other.delete(f"/v1/shipments/{created['id']}"), 404, "resource_not_found")


def test_forced_failure_and_return_statuses_never_go_back(frozen, shipx, create):
    headers = TOKEN
    created = create("locker")
    frozen.clock.advance(duration="3h")
    moved = frozen.transition(
        "inpost", headers, resource="shipment", id=str(created["id"]), state="pickup_time_expired"
    )
    assert moved["status"] == "pickup_time_expired"
    returned = frozen.transition(
        "inpost", headers, resource="shipment", id=str(created["id"]), state="returned_to_sender"
    )
    assert (
        returned["return_tracking_number"]
        and returned["return_tracking_number"] != returned["tracking_number"]
    )
    frozen.clock.advance(duration="7d")
    assert shipx.get(f"/v1/shipments/{created['id']}").json()["status"] == "returned_to_sender"
    refused = frozen.client().post(
        "/_mockpost/inpost/transition",
        headers=headers,
        json={"resource": "shipment", "id": str(created["id"]), "state": "created"},
    )
    assert refused.status_code == 409


def test_search_filters_and_sorting(frozen, shipx, org_id, create):
    locker = create("locker", external_customer_id="client-7", reference="order-1")
    courier = create("courier")
    frozen.clock.advance(duration="1m")
    path = f"/v1/organizations/{org_id}/shipments"

    def ids(**params):
        body = shipx.get(path, params=params).json()
        return [s["id"] for s in body["items"]]

    assert ids() == [locker["id"], courier["id"]]
    assert ids(sort_by="id", sort_order="desc") == [courier["id"], locker["id"]]
    assert ids(service="inpost_courier_standard") == [courier["id"]]
    assert ids(status="confirmed,created") == [locker["id"], courier["id"]]
    assert ids(id=str(locker["id"])) == [locker["id"]]
    assert ids(external_customer_id="client-7") == [locker["id"]]
    assert ids(receiver_email="anna@") == [courier["id"]]
    assert ids(receiver_city="warszawa") == [courier["id"]]
    number = shipx.get(f"/v1/shipments/{courier['id']}").json()["tracking_number"]
    assert ids(tracking_number=number) == [courier["id"]]
    assert ids(tracking_number_cont=number[5:15]) == [courier["id"]]
    assert ids(created_at_gteq="2030-03-05T00:00:00Z") == []
    assert ids(created_at_lteq="2030-03-05T00:00:00Z") == [locker["id"], courier["id"]]
    assert ids(sending_method="parcel_locker") == [locker["id"]]
    for params in ({"status": "lost_in_space"}, {"sort_by": "weight"}, {"created_at_gteq": "yesterday"}):
        assert_error(shipx.get(path, params=params), 400, "invalid_parameter")


def test_tracking_needs_no_token_and_unknown_numbers_are_not_found(frozen, shipx, create):
    created = create("locker")
    frozen.clock.advance(60)
    number = shipx.get(f"/v1/shipments/{created['id']}").json()["tracking_number"]
    public = frozen.client("inpost")
    tracked = public.get(f"/v1/tracking/{number}").json()
    assert tracked["status"] == "confirmed" and tracked["service"] == "inpost_locker_standard"
    assert tracked["custom_attributes"]["target_machine_id"] == "KRA010"
    assert tracked["custom_attributes"]["target_machine_detail"]["name"] == "KRA010"
    assert_error(public.get("/v1/tracking/000000000000000000000000"), 404, "resource_not_found")
    frozen.clock.advance(duration="46d")  # kept 45 days
    assert_error(public.get(f"/v1/tracking/{number}"), 404, "resource_not_found")


def test_partial_sender_address_is_completed_from_the_organization(shipx, org_id):
    organization = shipx.get(f"/v1/organizations/{org_id}").json()
    body = courier_body(sender={"company_name": "Magazyn", "address": {"street": "Polna"}})
    created = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body).json()
    assert created["sender"]["company_name"] == "Magazyn"
    assert created["sender"]["address"]["street"] == "Polna"
    assert created["sender"]["address"]["city"] == organization["address"]["city"]
    bad = courier_body(sender={"address": {"post_code": "1"}})
    refused = shipx.post(f"/v1/organizations/{org_id}/shipments", json=bad)
    assert assert_error(refused, 400, "validation_failed")["details"] == {
        "sender": [{"address": [{"post_code": ["invalid_format"]}]}]
    }
    locker = locker_body()
    locker["receiver"]["address"] = {"city": "Kraków"}  # lockers ignore how complete it is
    assert shipx.post(f"/v1/organizations/{org_id}/shipments", json=locker).status_code == 201
