"""The Organization page, exactly as it shows: the resource, the paged list with its sorting, the
errors, and the statistics counted by hand over the organization's shipments."""

from __future__ import annotations

from typing import Any

import pytest
from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost

ORGANIZATION_KEYS = {
    "href",
    "id",
    "owner_id",
    "name",
    "tax_id",
    "created_at",
    "updated_at",
    "services",
    "bank_account_number",
    "address",
}
ADDRESS_KEYS = {"id", "line1", "line2", "street", "building_number", "city", "post_code", "country_code"}

SHOP_ORGANIZATIONS = [
    {"id": 1001, "name": "Sklep Zielony", "tax_id": "7010001454", "services": ["inpost_locker_standard"]},
    {"id": 1002, "name": "Apteka Wawel", "tax_id": "5252248481", "services": ["inpost_locker_standard"]},
    {"id": 1003, "name": "Bazar Centralny", "tax_id": "9542751368", "services": ["inpost_courier_standard"]},
]


@pytest.fixture
def three_organizations(mockpost: Mockpost) -> Any:
    sx.load_world(
        mockpost,
        {
            "shop": {"token": "shop-token", "organizations": SHOP_ORGANIZATIONS},
            "neighbour": {"token": "neighbour-token", "organizations": [{"id": 2001, "name": "Obca"}]},
        },
    )
    return mockpost.client("inpost", headers=sx.bearer("shop-token"))


def assert_organization(org: dict[str, Any]) -> None:
    assert set(org) >= ORGANIZATION_KEYS, set(org) ^ ORGANIZATION_KEYS
    assert org["href"] == f"{sx.BASE}/v1/organizations/{org['id']}"
    assert isinstance(org["id"], int) and isinstance(org["owner_id"], int)
    assert isinstance(org["name"], str) and isinstance(org["tax_id"], str)
    assert sx.TIMESTAMP.match(org["created_at"]) and sx.TIMESTAMP.match(org["updated_at"])
    assert isinstance(org["services"], list) and all(isinstance(s, str) for s in org["services"])
    assert org["bank_account_number"] is None or isinstance(org["bank_account_number"], str)
    address = org["address"]
    assert set(address) == ADDRESS_KEYS
    # ambiguous: the attribute table types the address id as a string, the sample shows 808.
    assert isinstance(address["id"], int | str)
    for key in ("line1", "line2"):
        assert address[key] is None or isinstance(address[key], str)
    for key in ("street", "building_number", "city", "post_code", "country_code"):
        assert isinstance(address[key], str)
    assert 2 <= len(address["country_code"]) <= 3


def test_organization_list_is_a_paged_collection_with_absolute_hrefs(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    body = api.get("/v1/organizations").json()
    items = sx.assert_collection(body, f"{sx.BASE}/v1/organizations")
    assert body["count"] == len(items) == 1 and body["page"] == 1
    assert_organization(items[0])


def test_organization_read_matches_its_list_item_and_the_seed_shape(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    listed = api.get("/v1/organizations").json()["items"][0]
    response = api.get(f"/v1/organizations/{listed['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == listed
    assert_organization(response.json())


def test_open_mode_organization_has_polish_company_data(mockpost: Mockpost) -> None:
    org = sx.shipx(mockpost).get("/v1/organizations").json()["items"][0]
    digits = [int(d) for d in org["tax_id"]]
    assert len(digits) == 10
    weights = [6, 5, 7, 2, 3, 4, 5, 6, 7]
    assert sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 == digits[9]
    assert org["address"]["country_code"] == "PL"
    assert org["services"], "an organization has services to ship with"


def test_organizations_defined_by_fixtures_keep_their_fields(three_organizations: Any) -> None:
    org = three_organizations.get("/v1/organizations/1002").json()
    assert (org["id"], org["name"], org["tax_id"]) == (1002, "Apteka Wawel", "5252248481")
    assert org["services"] == ["inpost_locker_standard"]


@pytest.mark.parametrize("sort_by", ["id", "name", "tax_id", "created_at"])
def test_organizations_sort_by_each_documented_attribute(three_organizations: Any, sort_by: str) -> None:
    ascending = three_organizations.get("/v1/organizations", params={"sort_by": sort_by}).json()["items"]
    values = [item[sort_by] for item in ascending]
    assert values == sorted(values)
    descending = three_organizations.get(
        "/v1/organizations", params={"sort_by": sort_by, "sort_order": "desc"}
    ).json()["items"]
    if sort_by != "created_at":  # equal creation instants keep no defined order
        assert [item[sort_by] for item in descending] == sorted(values, reverse=True)


def test_organizations_sort_by_address_is_accepted(three_organizations: Any) -> None:
    # ambiguous: the seed names `address` without saying which of its fields orders the list.
    for order in ("asc", "desc"):
        response = three_organizations.get(
            "/v1/organizations", params={"sort_by": "address", "sort_order": order}
        )
        assert response.status_code == 200
        assert sorted(item["id"] for item in response.json()["items"]) == [1001, 1002, 1003]


def test_organizations_default_order_is_id_ascending(three_organizations: Any) -> None:
    items = three_organizations.get("/v1/organizations").json()["items"]
    assert [item["id"] for item in items] == [1001, 1002, 1003]


def test_unknown_sort_by_is_invalid_parameter(three_organizations: Any) -> None:
    response = three_organizations.get("/v1/organizations", params={"sort_by": "owner_id"})
    details = sx.assert_error(response, 400, "invalid_parameter")
    assert "sort_by" in str(details)


def test_unknown_sort_order_is_invalid_parameter(three_organizations: Any) -> None:
    response = three_organizations.get("/v1/organizations", params={"sort_order": "sideways"})
    sx.assert_error(response, 400, "invalid_parameter")


def test_organizations_page_through_with_per_page(three_organizations: Any) -> None:
    second = three_organizations.get("/v1/organizations", params={"page": 2, "per_page": 2}).json()
    assert (second["count"], second["page"], second["per_page"]) == (3, 2, 2)
    assert [item["id"] for item in second["items"]] == [1003]
    assert second["href"] == f"{sx.BASE}/v1/organizations"


def test_unknown_organization_is_resource_not_found(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    sx.assert_error(api.get("/v1/organizations/987654321"), 404, "resource_not_found")
    sx.assert_error(api.get("/v1/organizations/987654321/statistics"), 404, "resource_not_found")


def test_another_tokens_organization_is_not_visible(three_organizations: Any) -> None:
    # the seed: "token_invalid - the user does not have access rights to a specific organization"
    sx.assert_error(three_organizations.get("/v1/organizations/2001"), 401, "token_invalid")
    sx.assert_error(three_organizations.get("/v1/organizations/2001/statistics"), 401, "token_invalid")
    ids = [item["id"] for item in three_organizations.get("/v1/organizations").json()["items"]]
    assert 2001 not in ids


@pytest.mark.parametrize(
    "path", ["/v1/organizations", "/v1/organizations/1001", "/v1/organizations/1001/statistics"]
)
def test_organization_routes_without_token_are_token_invalid(three_organizations: Any, path: str) -> None:
    response = three_organizations.get(path, headers={"Authorization": ""})
    sx.assert_error(response, 401, "token_invalid")


def test_statistics_of_an_organization_without_shipments_are_zero(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    response = api.get(f"/v1/organizations/{sx.organization_id(api)}/statistics")
    assert response.status_code == 200
    assert response.json() == {"to_send": 0, "in_logistics": 0, "delivered": 0}


def test_statistics_equal_a_hand_count_at_every_step_of_the_clock(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)

    def check() -> dict[str, int]:
        counted = sx.hand_count(sx.all_shipments(api, org))
        statistics = api.get(f"/v1/organizations/{org}/statistics").json()
        assert statistics == counted
        return counted

    lockers = [sx.create_shipment(api, org, sx.locker_request()) for _ in range(3)]
    courier = sx.create_shipment(api, org, sx.courier_request())
    offer_mode = sx.create_shipment(
        api, org, {k: v for k, v in sx.locker_request().items() if k != "service"}
    )
    doomed = sx.create_shipment(api, org, sx.locker_request())
    assert api.delete(f"/v1/shipments/{doomed['id']}").status_code == 204
    assert check() == {"to_send": 5, "in_logistics": 0, "delivered": 0}

    seen_groups = set()
    for step in ["10s", "1m", "3h", "6h", "12h", "1d", "1d", "1d", "2d", "3d"]:
        mockpost.clock.advance(duration=step)
        counted = check()
        seen_groups |= {group for group, n in counted.items() if n}
        if step == "3h":
            sx.create_shipment(api, org, sx.locker_request())
            check()
    assert seen_groups == {"to_send", "in_logistics", "delivered"}
    final = check()
    # the offer-mode shipment waits for an offer choice; the canceled one counts nowhere
    assert final == {"to_send": 1, "in_logistics": 0, "delivered": 5}
    assert {lockers[0]["id"], courier["id"], offer_mode["id"]} <= {
        s["id"] for s in sx.all_shipments(api, org)
    }


@pytest.mark.parametrize(
    ("state", "group"),
    [
        ("pickup_time_expired", "in_logistics"),
        ("returned_to_sender", "in_logistics"),
        ("claimed", "in_logistics"),
        ("avizo", "in_logistics"),
        ("undelivered", None),
        ("missing", None),
    ],
)
def test_statistics_follow_the_seed_groups_for_problem_statuses(
    mockpost: Mockpost, state: str, group: str | None
) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    sent = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    mockpost.transition("inpost", sx.bearer(), resource="shipment", id=str(sent["id"]), state=state)
    assert api.get(f"/v1/shipments/{sent['id']}").json()["status"] == state
    statistics = api.get(f"/v1/organizations/{org}/statistics").json()
    expected = {"to_send": 0, "in_logistics": 0, "delivered": 0}
    if group:
        expected[group] = 1
    assert statistics == expected == sx.hand_count(sx.all_shipments(api, org))


def test_statistics_count_only_the_organizations_own_shipments(three_organizations: Any) -> None:
    sx.create_shipment(three_organizations, 1001, sx.locker_request())
    sx.create_shipment(three_organizations, 1001, sx.locker_request())
    sx.create_shipment(three_organizations, 1002, sx.locker_request())
    stats = {
        org: three_organizations.get(f"/v1/organizations/{org}/statistics").json()
        for org in (1001, 1002, 1003)
    }
    assert [s["to_send"] for s in stats.values()] == [2, 1, 0]


SEEDED_STATUSES = [
    "created",
    "offers_prepared",
    "confirmed",
    "dispatched_by_sender",
    "out_for_delivery",
    "ready_to_pickup",
    "pickup_time_expired",
    "returned_to_sender",
    "delivered",
    "delivered",
    "canceled",
]


def test_statistics_of_seeded_shipments_in_every_group(mockpost: Mockpost) -> None:
    locker = {
        "service": "inpost_locker_standard",
        "receiver": {"email": "jan@example.pl", "phone": "600100200"},
        "parcels": {"template": "small"},
        "custom_attributes": {"target_point": "KRA010"},
    }
    organization = {"id": 1001, "name": "Sklep", "services": ["inpost_locker_standard"]}
    seeded = {**organization, "shipments": [{"status": s, "request": locker} for s in SEEDED_STATUSES]}
    sx.load_world(
        mockpost,
        {"shop": {"token": "shop-token", "organizations": [organization]}},
        seed={"accounts": [{"token": "shop-token", "organizations": [seeded]}]},
    )
    api = mockpost.client("inpost", headers=sx.bearer("shop-token"))
    shipments = sx.all_shipments(api, 1001)
    assert sorted(s["status"] for s in shipments) == sorted(SEEDED_STATUSES)
    statistics = api.get("/v1/organizations/1001/statistics").json()
    assert statistics == sx.hand_count(shipments) == {"to_send": 3, "in_logistics": 5, "delivered": 2}


def test_read_only_token_reads_but_every_change_is_forbidden(mockpost: Mockpost) -> None:
    sx.load_world(
        mockpost,
        {"reader": {"token": "reader-token", "read_only": True, "organizations": [{"id": 3001}]}},
    )
    api = mockpost.client("inpost", headers=sx.bearer("reader-token"))
    assert api.get("/v1/organizations/3001").status_code == 200
    assert api.get("/v1/organizations/3001/statistics").json() == {
        "to_send": 0,
        "in_logistics": 0,
        "delivered": 0,
    }
    response = api.post("/v1/organizations/3001/shipments", json=sx.locker_request())
    sx.assert_error(response, 403, "forbidden")
    assert api.get("/v1/organizations/3001/shipments").json()["count"] == 0


def test_timestamps_are_polish_time_with_milliseconds(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)  # frozen at 09:00 UTC, 10:00 in Warsaw in March
    created = sx.create_shipment(api, sx.organization_id(api), sx.locker_request())
    assert created["created_at"] == "2030-03-04T10:00:00.000+01:00"
    mockpost.clock.advance(duration="120d")  # summer time
    later = sx.create_shipment(api, sx.organization_id(api), sx.locker_request())
    assert later["created_at"].endswith("+02:00")
