"""What ShipX client libraries do on the wire: bearer tokens, request ids, message languages,
base URLs joined as strings, trailing slashes, JSON media types, PHP-style query arrays, and
parsing every error as `{status, error, message, details}`."""

from __future__ import annotations

import json

import pytest
from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic c2hvcDpzZWNyZXQ=", "Token shop-token", "shop-token"],
)
def test_missing_or_malformed_token_is_token_invalid(mockpost: Mockpost, authorization: str | None) -> None:
    api = mockpost.client("inpost")
    headers = {} if authorization is None else {"Authorization": authorization}
    sx.assert_error(api.get("/v1/organizations", headers=headers), 401, "token_invalid")


def test_token_invalid_also_guards_shipments_and_changes(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    anonymous = mockpost.client("inpost")
    sx.assert_error(anonymous.get("/v1/shipments/1"), 401, "token_invalid")
    response = anonymous.post(f"/v1/organizations/{org}/shipments", json=sx.locker_request())
    sx.assert_error(response, 401, "token_invalid")
    assert api.get(f"/v1/organizations/{org}/shipments").json()["count"] == 0


def test_bearer_scheme_is_case_insensitive(mockpost: Mockpost) -> None:
    api = mockpost.client("inpost", headers={"Authorization": "bearer shop-token"})
    assert api.get("/v1/organizations").status_code == 200


def test_a_jwt_like_token_is_its_own_account(mockpost: Mockpost) -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzaG9wIn0.c2lnbmF0dXJl"
    first = sx.shipx(mockpost, jwt)
    other = sx.shipx(mockpost, "other-token", frozen=False)
    first_org, other_org = sx.organization_id(first), sx.organization_id(other)
    assert first_org != other_org
    assert first.get(f"/v1/organizations/{first_org}").status_code == 200
    sx.assert_error(first.get(f"/v1/organizations/{other_org}"), 401, "token_invalid")


def test_request_id_is_echoed_on_success_and_on_errors(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    ok = api.get("/v1/organizations", headers={"X-Request-ID": "trace-123"})
    assert ok.headers["x-request-id"] == "trace-123"
    failed = api.get("/v1/organizations/999999999", headers={"X-Request-ID": "trace-404"})
    assert failed.headers["x-request-id"] == "trace-404"
    unauthorized = mockpost.client("inpost").get("/v1/organizations", headers={"X-Request-ID": "trace-401"})
    assert unauthorized.headers["x-request-id"] == "trace-401"


def test_request_id_is_generated_when_not_sent(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    first = api.get("/v1/organizations").headers.get("x-request-id")
    second = api.get("/v1/organizations").headers.get("x-request-id")
    assert first and second and first != second
    assert mockpost.client("inpost").get("/v1/statuses").headers.get("x-request-id")


def test_optional_client_headers_are_accepted(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    headers = {"X-User-Agent": "shop-plugin", "X-User-Agent-Version": "1.2.3"}
    assert api.get("/v1/organizations", headers=headers).status_code == 200


def test_accept_language_chooses_the_message_language(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    messages = {
        language: api.get("/v1/organizations/999999999", headers={"Accept-Language": language}).json()
        for language in ("en_GB", "pl_PL")
    }
    assert messages["en_GB"]["error"] == messages["pl_PL"]["error"] == "resource_not_found"
    assert messages["en_GB"]["message"] != messages["pl_PL"]["message"]
    default = api.get("/v1/organizations/999999999").json()["message"]
    assert default == messages["en_GB"]["message"]


def test_validation_message_is_the_live_api_wording_in_english(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    english = api.post(
        f"/v1/organizations/{org}/shipments",
        json={"service": "inpost_locker_standard"},
        headers={"Accept-Language": "en_GB"},
    )
    sx.assert_error(english, 400, "validation_failed")
    assert english.json()["message"] == sx.VALIDATION_MESSAGE
    polish = api.post(
        f"/v1/organizations/{org}/shipments",
        json={"service": "inpost_locker_standard"},
        headers={"Accept-Language": "pl_PL"},
    )
    assert sx.assert_error(polish, 400, "validation_failed") == english.json()["details"]
    assert polish.json()["message"] != sx.VALIDATION_MESSAGE


def test_accept_language_keys_gives_the_error_key(mockpost: Mockpost) -> None:
    # ambiguous: the documentation lists `keys` without saying what it shows; the mock shows the key.
    response = sx.shipx(mockpost).get("/v1/organizations/999999999", headers={"Accept-Language": "keys"})
    assert response.json()["message"] == "resource_not_found"


def test_token_invalid_message_is_localised_too(mockpost: Mockpost) -> None:
    api = mockpost.client("inpost")
    english = api.get("/v1/organizations", headers={"Accept-Language": "en_GB"}).json()
    polish = api.get("/v1/organizations", headers={"Accept-Language": "pl_PL"}).json()
    assert english["error"] == polish["error"] == "token_invalid"
    assert english["message"] != polish["message"]


def test_base_url_with_trailing_slash_joined_as_a_string(mockpost: Mockpost) -> None:
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    api = mockpost.client(headers=sx.bearer())
    response = api.get(f"{sx.BASE}/" + "/v1/organizations")
    assert response.status_code == 200
    assert response.json()["href"] == f"{sx.BASE}/v1/organizations"


def test_trailing_slash_on_a_path_is_accepted(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    assert api.get("/v1/organizations/").status_code == 200
    assert api.get(f"/v1/organizations/{org}/").json()["id"] == org
    assert set(api.get(f"/v1/organizations/{org}/statistics/").json()) == {
        "to_send",
        "in_logistics",
        "delivered",
    }
    created = api.post(f"/v1/organizations/{org}/shipments/", json=sx.locker_request())
    assert created.status_code == 201
    assert mockpost.client("inpost").get("/v1/statuses/").status_code == 200


def test_json_with_charset_and_bare_json_media_type_are_both_read(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    for content_type in (
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
    ):
        response = api.post(
            f"/v1/organizations/{org}/shipments",
            content=json.dumps(sx.locker_request()).encode(),
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 201, (content_type, response.text)


def test_answers_are_json_with_the_json_media_type(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    for response in (api.get("/v1/organizations"), api.get("/v1/organizations/1"), api.get("/v1/services")):
        assert response.headers["content-type"].split(";")[0] == "application/json"


def test_unreadable_json_body_is_validation_failed_not_a_crash(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    for body in (b"{not json", b"[1, 2]", b"", b'"text"'):
        response = api.post(
            f"/v1/organizations/{org}/shipments", content=body, headers={"Content-Type": "application/json"}
        )
        sx.assert_error(response, 400, "validation_failed")
    assert api.get(f"/v1/organizations/{org}/shipments").json()["count"] == 0


def test_unknown_route_and_wrong_method_use_the_shipx_envelope(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    sx.assert_error(api.get("/v1/no_such_resource"), 404, "resource_not_found")
    response = api.put("/v1/organizations", json={})
    assert response.status_code in (404, 405)
    assert set(response.json()) == {"status", "error", "message", "details"}


def test_non_integer_ids_are_resource_not_found(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    sx.assert_error(api.get("/v1/organizations/abc"), 404, "resource_not_found")
    sx.assert_error(api.get("/v1/shipments/abc"), 404, "resource_not_found")


def test_ids_in_answers_are_integers(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    created = sx.create_shipment(api, org, sx.locker_request())
    assert isinstance(created["id"], int) and isinstance(org, int)


@pytest.mark.parametrize(
    "path", ["/v1/statuses", "/v1/services", "/v1/points", "/v1/points/KRA010", "/v1/sending_methods"]
)
def test_public_resources_need_no_token_and_ignore_a_wrong_one(mockpost: Mockpost, path: str) -> None:
    anonymous = mockpost.client("inpost")
    assert anonymous.get(path).status_code == 200
    assert anonymous.get(path, headers={"Authorization": "Bearer whatever"}).status_code == 200


def test_query_arrays_in_php_style_filter_shipments(mockpost: Mockpost) -> None:
    # ambiguous: ShipX documents comma lists for `id`; PHP clients build `id[]=` from arrays.
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    ids = [sx.create_shipment(api, org, sx.locker_request())["id"] for _ in range(3)]
    path = f"/v1/organizations/{org}/shipments"
    by_array = api.get(f"{path}?id[]={ids[0]}&id[]={ids[2]}").json()
    assert sorted(item["id"] for item in by_array["items"]) == [ids[0], ids[2]]
    encoded = api.get(f"{path}?id%5B%5D={ids[1]}").json()
    assert [item["id"] for item in encoded["items"]] == [ids[1]]
    by_comma = api.get(path, params={"id": f"{ids[0]},{ids[1]}"}).json()
    assert sorted(item["id"] for item in by_comma["items"]) == ids[:2]
    status_array = api.get(f"{path}?status[]=created&status[]=confirmed").json()
    assert status_array["count"] == 3


def test_malformed_paging_is_invalid_parameter(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    for params in ({"page": "0"}, {"page": "x"}, {"per_page": "-1"}, {"per_page": "many"}):
        sx.assert_error(api.get("/v1/organizations", params=params), 400, "invalid_parameter")


def test_per_page_is_clamped_and_a_page_past_the_end_is_empty(mockpost: Mockpost) -> None:
    api = sx.shipx(mockpost)
    far = api.get("/v1/organizations", params={"page": 9}).json()
    assert far["items"] == [] and far["count"] == 1 and far["page"] == 9
    # ambiguous: the cap on per_page is not documented; the mock clamps to 100.
    assert api.get("/v1/organizations", params={"per_page": 1000}).json()["per_page"] <= 1000


def test_json_content_type_on_bodiless_requests_is_harmless(mockpost: Mockpost) -> None:
    # python-sendparcel-inpost sets `Content-Type: application/json` on every request, GET and DELETE too.
    api = mockpost.client("inpost", headers={**sx.bearer(), "Content-Type": "application/json"})
    mockpost.clock.freeze("2030-03-04T09:00:00Z")
    org = sx.organization_id(api)
    created = sx.create_shipment(api, org, sx.locker_request())
    assert api.get(f"/v1/shipments/{created['id']}").status_code == 200
    assert api.get("/v1/statuses", params={"lang": "pl"}).status_code == 200
    assert api.delete(f"/v1/shipments/{created['id']}").status_code == 204


def test_indexed_php_arrays_from_http_build_query_are_read(mockpost: Mockpost) -> None:
    # PHP's http_build_query writes arrays as `shipment_ids[0]=..&shipment_ids[1]=..`.
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    ids = [sx.create_shipment(api, org, sx.locker_request())["id"] for _ in range(2)]
    mockpost.clock.advance(duration="1m")
    labels = api.get(
        f"/v1/organizations/{org}/shipments/labels?shipment_ids%5B0%5D={ids[0]}&shipment_ids%5B1%5D={ids[1]}"
    )
    assert labels.status_code == 200 and sx.pdf_page_count(labels.content) == 2
    listed = api.get(f"/v1/organizations/{org}/shipments?id%5B0%5D={ids[1]}").json()
    assert [item["id"] for item in listed["items"]] == [ids[1]]


def test_shipment_is_also_read_under_its_organization(mockpost: Mockpost) -> None:
    # older documentation and imper86/php-inpost-api read `/v1/organizations/{org}/shipments/{id}`
    api = sx.shipx(mockpost)
    org = sx.organization_id(api)
    created = sx.create_shipment(api, org, sx.locker_request())
    nested = api.get(f"/v1/organizations/{org}/shipments/{created['id']}")
    assert nested.status_code == 200 and nested.json() == api.get(f"/v1/shipments/{created['id']}").json()
    sx.assert_error(api.get(f"/v1/organizations/{org}/shipments/987654321"), 404, "resource_not_found")
