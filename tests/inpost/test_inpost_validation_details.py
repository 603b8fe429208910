"""validation_failed details when the request models and the rules across fields both find
problems: every problem is reported at once, a wrong value is not also reported missing."""

from __future__ import annotations

import pytest
from inpost_support import assert_error, courier_body, locker_body


def details_of(shipx, org_id, body):
    response = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body)
    return assert_error(response, 400, "validation_failed")["details"]


def test_a_malformed_field_and_a_missing_one_are_reported_together(shipx, org_id):
    body = locker_body(reference="ab", receiver={"email": "jan@example.pl"})
    assert details_of(shipx, org_id, body) == {
        "reference": ["too_short"],
        "receiver": [{"phone": ["required"]}],
    }


def test_a_malformed_phone_is_not_also_missing(shipx, org_id):
    body = locker_body(receiver={"phone": "12"})
    assert details_of(shipx, org_id, body) == {
        "receiver": [{"phone": ["invalid_format"], "email": ["required"]}]
    }


def test_custom_attributes_that_are_not_an_object_are_invalid(shipx, org_id):
    assert details_of(shipx, org_id, locker_body(custom_attributes="KRA010")) == {
        "custom_attributes": ["invalid"]
    }


@pytest.mark.parametrize("parcels", [None, [], "small"])
def test_bad_parcels_still_let_the_receiver_rules_speak(shipx, org_id, parcels):
    body = courier_body(parcels=parcels, receiver={"company_name": "Sklep"})
    details = details_of(shipx, org_id, body)
    assert details["receiver"] == [{"address": ["required"]}]
    assert details["parcels"] == (["invalid"] if parcels == "small" else ["required"])


def test_a_courier_parcel_with_a_malformed_length_reports_only_the_length(shipx, org_id):
    parcel = {"dimensions": {"length": "long", "width": 100, "height": 100}, "weight": {"amount": 1}}
    assert details_of(shipx, org_id, courier_body(parcels=[{"template": None}, parcel])) == {
        "parcels": [{"weight": ["required"]}, {"dimensions": [{"length": ["invalid"]}]}]
    }
