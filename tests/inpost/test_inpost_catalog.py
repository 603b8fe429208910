"""Public resources: statuses (both languages), services (a bare array), points (filters, paging)."""

from __future__ import annotations

import pytest
from inpost_support import assert_error

from mockpost.providers.inpost.lifecycle import SHIPMENT


@pytest.fixture
def public(frozen):
    return frozen.client("inpost")


def test_statuses_in_both_languages_without_a_token(public):
    polish = public.get("/v1/statuses").json()
    english = public.get("/v1/statuses", params={"lang": "en_GB"}).json()
    assert set(polish) == {"href", "items"} and polish["href"] == "http://mockpost/inpost/v1/statuses"
    names = [s["name"] for s in polish["items"]]
    assert names[:4] == ["created", "offers_prepared", "offer_selected", "confirmed"]
    assert set(SHIPMENT.states) <= set(names) and len(names) == 53
    delivered_pl = next(s for s in polish["items"] if s["name"] == "delivered")
    delivered_en = next(s for s in english["items"] if s["name"] == "delivered")
    assert delivered_pl["title"] == "Dostarczona" and delivered_en["title"] == "Delivered"
    assert set(delivered_en) == {"name", "title", "description"}


def test_statuses_refuse_other_languages(public):
    body = assert_error(public.get("/v1/statuses", params={"lang": "fr_FR"}), 400, "invalid_parameter")
    assert body["details"]["lang"] == ["invalid_value"]


def test_services_are_a_bare_array(public):
    services = public.get("/v1/services").json()
    assert isinstance(services, list)
    ids = {s["id"] for s in services}
    assert {"inpost_locker_standard", "inpost_courier_standard", "inpost_courier_c2c"} <= ids
    assert all({"id", "name", "description", "additional_services"} == set(s) for s in services)


def test_points_are_paged_and_filtered(public):
    first = public.get("/v1/points").json()
    assert first["per_page"] == 25 and first["count"] >= 200 and len(first["items"]) == 25
    assert first["total_pages"] == -(-first["count"] // 25)
    names = [p["name"] for p in first["items"]]
    assert names == sorted(names)
    krakow = public.get("/v1/points", params={"city": "Kraków", "per_page": 100}).json()
    assert krakow["count"] > 10 and all(p["address_details"]["city"] == "Kraków" for p in krakow["items"])
    pops = public.get("/v1/points", params={"type": "pop"}).json()
    assert pops["count"] > 0 and all(p["type"] == ["pop"] for p in pops["items"])
    near = public.get(
        "/v1/points",
        params={
            "relative_point": "50.03988,19.92485",
            "sort_by": "distance_to_relative_point",
            "max_distance": 3000,
        },
    ).json()
    assert near["items"][0]["name"] == "KRA010" and near["items"][0]["distance"] == 0
    distances = [p["distance"] for p in near["items"]]
    assert distances == sorted(distances) and max(distances) <= 3000
    assert public.get("/v1/points", params={"name": "KRA010,POP-WAW364"}).json()["count"] == 2


def test_one_point_and_unknown_point(public):
    point = public.get("/v1/points/KRA010").json()
    assert point["href"] == "http://mockpost/inpost/v1/points/KRA010"
    assert point["type"] == ["parcel_locker"] and point["address_details"]["city"] == "Kraków"
    assert {"location", "opening_hours", "functions", "location_247"} <= set(point)
    assert_error(public.get("/v1/points/NOPE01"), 404, "resource_not_found")


@pytest.mark.parametrize(
    "params",
    [
        {"sort_by": "distance_to_relative_point"},
        {"relative_point": "fifty,nineteen"},
        {"max_distance": "100"},
        {"is_next": "maybe"},
        {"sort_by": "city"},
        {"per_page": "0"},
    ],
)
def test_bad_point_queries_are_invalid_parameter(public, params):
    assert_error(public.get("/v1/points", params=params), 400, "invalid_parameter")


def test_statuses_accept_the_short_language_aliases_clients_send(public):
    short = public.get("/v1/statuses", params={"lang": "pl"}).json()
    assert short == public.get("/v1/statuses", params={"lang": "pl_PL"}).json()
    typed = public.get("/v1/statuses", params={"shipment_type": "inpost_locker_standard"})
    assert typed.status_code == 200
    assert_error(public.get("/v1/statuses", params={"shipment_type": "rocket"}), 400, "invalid_parameter")


def test_sending_methods_per_service(public):
    every = public.get("/v1/sending_methods").json()
    assert every["href"] == "http://mockpost/inpost/v1/sending_methods"
    assert {m["id"] for m in every["items"]} >= {"parcel_locker", "dispatch_order", "pop"}
    courier = public.get("/v1/sending_methods", params={"service": "inpost_courier_standard"}).json()
    assert "parcel_locker" not in {m["id"] for m in courier["items"]}
    assert_error(public.get("/v1/sending_methods", params={"service": "x"}), 400, "invalid_parameter")
