"""The seed's Organization resource: shape, paging, sorting, errors, statistics; auth and headers."""

from __future__ import annotations

import pytest
from inpost_support import OTHER_TOKEN, START, TOKEN, assert_error, locker_body

from mockpost.providers.inpost.organizations import valid_nip
from mockpost.testing import Mockpost

ORG_KEYS = {"href", "id", "owner_id", "tax_id", "name", "created_at", "updated_at", "services", "address"}
ADDRESS_KEYS = {"id", "line1", "line2", "street", "building_number", "city", "post_code", "country_code"}


def test_a_new_token_owns_a_polish_organization_shaped_like_the_seed(shipx):
    listing = shipx.get("/v1/organizations").json()
    assert set(listing) == {"href", "count", "page", "per_page", "items"}
    assert listing["href"] == "http://mockpost/inpost/v1/organizations"
    assert (listing["count"], listing["page"], listing["per_page"]) == (1, 1, 30)
    org = listing["items"][0]
    assert set(org) >= ORG_KEYS and set(org["address"]) >= ADDRESS_KEYS
    assert org["href"] == f"http://mockpost/inpost/v1/organizations/{org['id']}"
    assert isinstance(org["id"], int) and isinstance(org["owner_id"], int)
    assert valid_nip(org["tax_id"])
    assert org["address"]["country_code"] == "PL"
    assert org["address"]["post_code"][2] == "-"
    assert {"inpost_locker_standard", "inpost_courier_standard"} <= set(org["services"])
    assert org["created_at"] == "2030-03-04T10:00:00.000+01:00"  # milliseconds, Polish time
    assert shipx.get(f"/v1/organizations/{org['id']}").json() == org


def test_statistics_of_a_new_organization_are_zero(shipx, org_id):
    response = shipx.get(f"/v1/organizations/{org_id}/statistics")
    assert response.json() == {"to_send": 0, "in_logistics": 0, "delivered": 0}


@pytest.mark.parametrize("path", ["/v1/organizations/999999999", "/v1/organizations/abc/statistics"])
def test_unknown_organization_is_resource_not_found(shipx, path):
    assert_error(shipx.get(path), 404, "resource_not_found")


def test_another_tokens_organization_is_token_invalid(frozen, shipx, org_id):
    """Seed 004: "token_invalid - the user does not have access rights to a specific organization"."""
    other = frozen.client("inpost", headers=OTHER_TOKEN)
    other_id = other.get("/v1/organizations").json()["items"][0]["id"]
    assert other_id != org_id
    body = assert_error(other.get(f"/v1/organizations/{org_id}"), 401, "token_invalid")
    assert body["details"] == {
        "resource": "organization",
        "id": str(org_id),
        "reason": "the token has no access rights to this organization",
    }
    for path in ("statistics", "shipments", "dispatch_orders"):
        assert_error(other.get(f"/v1/organizations/{org_id}/{path}"), 401, "token_invalid")
    refused = other.post(f"/v1/organizations/{org_id}/shipments", json=locker_body())
    assert_error(refused, 401, "token_invalid")
    assert shipx.get(f"/v1/organizations/{org_id}/shipments").json()["count"] == 0
    assert other.get(f"/v1/organizations/{other_id}").status_code == 200


def test_an_organization_nobody_has_is_still_resource_not_found(frozen, shipx, org_id):
    frozen.client("inpost", headers=OTHER_TOKEN).get("/v1/organizations")
    assert_error(shipx.get("/v1/organizations/999999999"), 404, "resource_not_found")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "token x"}],
)
def test_missing_or_malformed_token_is_token_invalid(frozen, headers):
    client = frozen.client("inpost", headers=headers)
    assert_error(client.get("/v1/organizations"), 401, "token_invalid")


def test_strict_accounts_refuse_unknown_tokens(tmp_path):
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("inpost:\n  - name: shop\n    token: known\n    organizations: [{name: Sklep}]\n")
    with Mockpost(accounts=accounts) as mock:
        known = mock.client("inpost", headers={"Authorization": "Bearer known"})
        assert known.get("/v1/organizations").json()["items"][0]["name"] == "Sklep"
        stranger = mock.client("inpost", headers={"Authorization": "Bearer stranger"})
        assert_error(stranger.get("/v1/organizations"), 401, "token_invalid")


def test_paging_and_sorting_follow_the_seed(tmp_path):
    fixtures = tmp_path / "fixtures.yaml"
    names = ["Delta", "alfa", "Charlie", "Bravo", "Echo"]
    orgs = "".join(f"        - {{name: {n}}}\n" for n in names)
    fixtures.write_text(f"inpost:\n  accounts:\n    - token: many\n      organizations:\n{orgs}")
    with Mockpost(fixtures=[fixtures]) as mock:
        mock.clock.freeze(START)
        client = mock.client("inpost", headers={"Authorization": "Bearer many"})
        default = client.get("/v1/organizations").json()
        ids = [o["id"] for o in default["items"]]
        assert ids == sorted(ids) and default["count"] == 5  # default sort: id ascending
        by_name = client.get("/v1/organizations", params={"sort_by": "name"}).json()
        assert [o["name"] for o in by_name["items"]] == ["alfa", "Bravo", "Charlie", "Delta", "Echo"]
        page = client.get(
            "/v1/organizations", params={"sort_by": "name", "sort_order": "desc", "page": 2, "per_page": 2}
        ).json()
        assert [o["name"] for o in page["items"]] == ["Charlie", "Bravo"]
        assert (page["count"], page["page"], page["per_page"]) == (5, 2, 2)
        assert client.get("/v1/organizations", params={"page": 9}).json()["items"] == []
        filtered = client.get("/v1/organizations", params={"name": "rav"}).json()
        assert [o["name"] for o in filtered["items"]] == ["Bravo"] and filtered["count"] == 1
        for key in ("tax_id", "address", "created_at", "id"):
            assert client.get("/v1/organizations", params={"sort_by": key}).status_code == 200


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"sort_by": "owner_id"}, "sort_by"),
        ({"sort_order": "up"}, "sort_order"),
        ({"page": "0"}, "page"),
        ({"per_page": "-3"}, "per_page"),
        ({"page": "x"}, "page"),
    ],
)
def test_bad_paging_parameters_are_invalid_parameter(shipx, params, parameter):
    body = assert_error(shipx.get("/v1/organizations", params=params), 400, "invalid_parameter")
    assert parameter in body["details"]


def test_error_message_follows_accept_language(shipx):
    english = shipx.get("/v1/organizations/1", headers={"Accept-Language": "en_GB"}).json()
    polish = shipx.get("/v1/organizations/1", headers={"Accept-Language": "pl_PL"}).json()
    keys = shipx.get("/v1/organizations/1", headers={"Accept-Language": "keys"}).json()
    assert english["message"] == "Resource you are looking for are not found"
    assert polish["message"] != english["message"] and "zasobu" in polish["message"]
    assert keys["message"] == "resource_not_found"
    assert english["error"] == polish["error"] == "resource_not_found"


def test_request_id_is_echoed_or_generated(shipx):
    echoed = shipx.get("/v1/organizations", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"
    generated = shipx.get("/v1/organizations/0")  # errors carry one too
    assert len(generated.headers["x-request-id"]) == 36
    assert generated.headers["x-request-id"] != shipx.get("/v1/organizations").headers["x-request-id"]


def test_unknown_route_and_method_use_shipx_envelope(shipx, org_id):
    assert_error(shipx.get("/v1/nothing-here"), 404, "resource_not_found")
    assert_error(shipx.delete("/v1/organizations"), 405, "method_not_allowed")
    body = assert_error(
        shipx.post(f"/v1/organizations/{org_id}/shipments", content=b"{"), 400, "validation_failed"
    )
    assert body["details"]["body"] == ["invalid_format"]


def test_strict_account_file_entry_needs_no_other_setting(tmp_path):
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("inpost:\n  - name: bare\n    token: t1\n")
    with Mockpost(accounts=accounts) as mock:
        client = mock.client("inpost", headers=TOKEN | {"Authorization": "Bearer t1"})
        assert client.get("/v1/organizations").json()["count"] == 1
