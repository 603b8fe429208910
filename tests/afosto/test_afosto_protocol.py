"""Auth, scopes, paging, idempotency, task ids and the error envelope on the Afosto mount."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from afosto_support import TOKEN

from mockpost.testing import Mockpost

ERROR_KEYS = {"code", "message", "reference", "errors"}
CLIENT = {"client_id": "shop", "client_secret": "s3cret", "grant_type": "client_credentials"}


def test_missing_or_foreign_scheme_is_401_in_the_envelope(mockpost: Any) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}):
        response = mockpost.client("afosto", headers=headers).get("/odr/orders")
        assert response.status_code == 401
        assert set(response.json()) == ERROR_KEYS and response.json()["code"] == 401


def test_each_bearer_token_is_its_own_tenant(mockpost: Any) -> None:
    a = mockpost.client("afosto", headers={"Authorization": "Bearer a"})
    b = mockpost.client("afosto", headers={"Authorization": "Bearer b"})
    order = a.post("/odr/orders", json={"type": "order"}).json()
    assert a.get(f"/odr/orders/{order['id']}").status_code == 200
    assert b.get(f"/odr/orders/{order['id']}").status_code == 404
    assert b.get("/odr/orders").json() == []


def test_client_credentials_issue_a_token_for_the_clients_tenant(mockpost: Any) -> None:
    public = mockpost.client("afosto")
    first = public.post("/iam/oauth/authorize", json={**CLIENT, "scope": "odr:orders:read odr:orders:write"})
    assert first.status_code == 200
    token = first.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    one = mockpost.client("afosto", headers={"Authorization": f"Bearer {token['access_token']}"})
    created = one.post("/odr/orders", json={}).json()
    second = public.post("/iam/oauth/authorize", json=CLIENT).json()
    two = mockpost.client("afosto", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert two.get(f"/odr/orders/{created['id']}").status_code == 200  # same client, same tenant


def test_authorize_names_missing_and_invalid_fields(mockpost: Any) -> None:
    public = mockpost.client("afosto")
    missing = public.post("/iam/oauth/authorize", json={"client_id": "x"}).json()
    assert missing["errors"]["required"] == ["client_secret", "grant_type"]
    wrong = public.post(
        "/iam/oauth/authorize", json={**CLIENT, "grant_type": "password", "scope": "nope"}
    ).json()
    assert wrong["errors"]["invalid value"] == ["grant_type", "scope"]


@pytest.mark.mockpost(options={"afosto": {"enforce_scopes": "true"}})
def test_scopes_are_enforced_when_asked(mockpost: Any) -> None:
    public = mockpost.client("afosto")
    token = public.post("/iam/oauth/authorize", json={**CLIENT, "scope": "odr:orders:read"}).json()
    reader = mockpost.client("afosto", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert reader.get("/odr/orders").status_code == 200
    refused = reader.post("/odr/orders", json={})
    assert refused.status_code == 403
    assert "odr:orders:write" in refused.json()["message"]
    assert reader.get("/lcs/parcels").status_code == 403  # lcs:handling:read not granted
    foreign = mockpost.client("afosto", headers={"Authorization": "Bearer made-up"})
    assert foreign.get("/odr/orders").status_code == 403


def test_scopes_are_not_enforced_by_default(mockpost: Any) -> None:
    public = mockpost.client("afosto")
    token = public.post("/iam/oauth/authorize", json={**CLIENT, "scope": "odr:orders:read"}).json()
    reader = mockpost.client("afosto", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert reader.post("/odr/orders", json={}).status_code == 200


def test_paging_by_headers(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    ids = [client.post("/cat/channels", json={"name": f"c{n}"}).json()["id"] for n in range(5)]
    first = client.get("/cat/channels", headers={"x-page-size": "2"})
    assert [c["id"] for c in first.json()] == ids[:2]
    assert first.headers["x-page"] == "2" and first.headers["x-count"] == "5"
    last = client.get("/cat/channels", headers={"x-page-size": "2", "x-page": "3"})
    assert [c["id"] for c in last.json()] == ids[4:]
    assert last.headers["x-page"] == ""
    assert len(client.get("/cat/channels").json()) == 5  # x-page-size defaults to 25
    bad = client.get("/cat/channels", headers={"x-page": "zero"})
    assert bad.status_code == 400 and bad.json()["errors"]["invalid value"] == ["x-page"]


def test_search_filters_stored_items_by_constraints(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    first = client.post("/lcs/parcels", json={"number": "P1"}).json()
    client.post("/lcs/parcels", json={"number": "P2"})
    client.put(f"/lcs/parcels/{first['id']}/transit")
    hits = client.post(
        "/lcs/search/parcels",
        json={"constraints": [{"key": "ids", "operator": "in", "values": [first["id"]]}]},
    )
    assert [p["id"] for p in hits.json()] == [first["id"]]
    moving = client.post(
        "/lcs/search/parcels",
        json={"constraints": [{"key": "is_in_transit", "operator": "in", "value": ["1"]}]},
    )
    assert [p["number"] for p in moving.json()] == ["P1"]
    assert moving.headers["x-count"] == "1"
    bad = client.post("/lcs/search/parcels", json={"constraints": [{"key": "ids", "operator": "between"}]})
    assert bad.status_code == 400
    assert bad.json()["errors"]["required"] == ["constraints[0].values"]


def test_idempotency_key_replays_the_first_answer(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    key = {"x-idempotency-key": "order-1"}
    first = client.post("/odr/orders", json={"type": "order"}, headers=key).json()
    again = client.post("/odr/orders", json={"type": "order"}, headers=key).json()
    assert again == first
    assert len(client.get("/odr/orders").json()) == 1
    client.put(f"/odr/orders/{first['id']}/tags", json={"tags": ["changed"]})
    client.post(f"/odr/orders/{first['id']}/accept")
    assert (
        client.post("/odr/orders", json={"type": "order"}, headers=key).json() == first
    )  # as first answered
    other = client.post(
        "/odr/orders", json={"type": "order"}, headers={"x-idempotency-key": "order-2"}
    ).json()
    assert other["id"] != first["id"]


def test_async_actions_hand_out_a_task_id_readable_at_mes_tasks(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    parcel = client.post("/lcs/parcels", json={}).json()
    label = client.post(f"/lcs/parcels/{parcel['id']}/label")
    assert label.status_code == 204 and not label.content
    task = client.get(f"/mes/tasks/{label.headers['x-task-id']}")
    assert task.status_code == 200
    assert task.json()["id"] == label.headers["x-task-id"] and task.json()["progress"] == 100
    assert client.get("/mes/tasks/unknown").status_code == 404


def test_bad_bodies_name_the_fields(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    wrong = client.post("/odr/orders", json={"type": 5, "tags": "x", "settings": {"due_at": 1}})
    assert wrong.status_code == 400
    assert wrong.json()["errors"]["invalid value"] == ["type", "tags", "settings.due_at"]
    assert client.post("/cat/channels", content=b"{not json").status_code == 400
    assert client.post("/cat/channels").json()["errors"]["required"] == ["body"]


def test_unknown_ids_routes_and_methods(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    unknown = client.get("/cat/channels/nope")
    assert unknown.status_code == 404 and set(unknown.json()) == ERROR_KEYS
    assert client.get("/odr/orders/nope/items").status_code == 404  # the parent must exist
    assert client.get("/nowhere").status_code == 404
    assert client.patch("/odr/orders").status_code == 405


def test_iam_profiles_wrap_errors_in_an_array_where_documented(mockpost: Any) -> None:
    """PUT /iam/profiles/{path} documents 400/401/403/409 wrapped, its GET 403/404; the rest bare."""
    client = mockpost.client("afosto", headers=TOKEN)
    wrong = client.put("/iam/profiles/shop", content=b"[1")
    assert wrong.status_code == 400
    assert isinstance(wrong.json(), list) and set(wrong.json()[0]) == ERROR_KEYS
    assert mockpost.client("afosto").put("/iam/profiles/shop", json={}).json()[0]["code"] == 401
    unknown = client.get("/iam/profiles/nothing-here")
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    refused = mockpost.client("afosto").get("/iam/profiles/shop")
    assert refused.status_code == 401 and refused.json()["code"] == 401
    assert isinstance(client.get("/cat/channels/nope").json(), dict)  # everywhere else: the bare object


def test_read_only_collections_come_with_fixture_items(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    scopes = client.get("/odr/providers").json()
    assert len(scopes) == 2
    assert client.get("/odr/providers").json() == scopes  # stable


def test_soft_delete_keeps_the_object_with_deleted_at(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    route = client.post("/wms/routes", json={"name": "north"}).json()
    deleted = client.delete(f"/wms/routes/{route['id']}")
    assert deleted.status_code == 200 and deleted.json()["deleted_at"]
    assert client.get(f"/wms/routes/{route['id']}").json()["deleted_at"] == deleted.json()["deleted_at"]


def test_strict_accounts_admit_only_listed_clients_and_tokens(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("afosto:\n  - {client_id: shop, client_secret: s3cret, token: fixed}\n")
    with Mockpost(accounts=str(accounts)) as mock:
        public = mock.client("afosto")
        assert public.post("/iam/oauth/authorize", json={**CLIENT, "client_id": "other"}).status_code == 401
        assert public.post("/iam/oauth/authorize", json={**CLIENT, "client_secret": "no"}).status_code == 401
        issued = public.post("/iam/oauth/authorize", json=CLIENT).json()["access_token"]
        by_client = mock.client("afosto", headers={"Authorization": f"Bearer {issued}"})
        order = by_client.post("/odr/orders", json={}).json()
        by_token = mock.client("afosto", headers={"Authorization": "Bearer fixed"})
        assert by_token.get(f"/odr/orders/{order['id']}").status_code == 200  # one account, two credentials
        stranger = mock.client("afosto", headers={"Authorization": "Bearer made-up"})
        assert stranger.get("/odr/orders").status_code == 401


def test_head_reads_like_get_and_state_dump_shows_the_account(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    channel = client.post("/cat/channels", json={"name": "shop"}).json()
    head = client.head(f"/cat/channels/{channel['id']}")
    assert head.status_code == 200 and not head.content
    dump = mockpost.state("afosto", TOKEN)
    assert dump["collections"]["/cat/channels"] == [channel]


def test_put_on_a_field_of_an_item_sets_it(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    order = client.post("/odr/orders", json={"tags": ["new"]}).json()
    assert client.put(f"/odr/orders/{order['id']}/tags", json=["vip", "gift"]).status_code == 204
    assert client.get(f"/odr/orders/{order['id']}").json()["tags"] == ["vip", "gift"]
    assert client.put("/odr/orders/nope/tags", json=["x"]).status_code == 404


def test_a_create_refused_for_a_taken_key_stores_nothing(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    assert client.post("/cnt/proxies", json={"key": "p1"}).status_code == 200
    again = client.post("/cnt/proxies", json={"key": "p1"})
    assert again.status_code == 400 and again.json()["errors"]["invalid value"] == ["key"]
    assert [p["key"] for p in client.get("/cnt/proxies").json()] == ["p1"]


def test_oauth_scopes_list_the_documented_scopes(mockpost: Any) -> None:
    client = mockpost.client("afosto", headers=TOKEN)
    first = client.get("/iam/oauth/scopes")
    assert first.headers["x-count"] == "116" and first.headers["x-page"] == "2"
    scope = client.get("/iam/oauth/scopes/odr:orders:read").json()
    assert scope["description"].startswith("Grants")


def test_extend_and_revoke_tokens(mockpost: Any) -> None:
    public = mockpost.client("afosto")
    issued = public.post("/iam/oauth/authorize", json=CLIENT).json()["access_token"]
    first = mockpost.client("afosto", headers={"Authorization": f"Bearer {issued}"})
    order = first.post("/odr/orders", json={}).json()
    extended = first.get("/iam/jwt/extend").json()["access_token"]
    second = mockpost.client("afosto", headers={"Authorization": f"Bearer {extended}"})
    assert second.get(f"/odr/orders/{order['id']}").status_code == 200  # same account
    assert first.get("/iam/jwt/revoke").status_code == 200  # tokens=current
    assert first.get("/odr/orders").status_code == 401
    assert second.get("/odr/orders").status_code == 200
    assert second.get("/iam/jwt/revoke", params={"tokens": "all"}).status_code == 200
    assert second.get("/odr/orders").json()["message"] == "this access token was revoked"
    assert second.get("/odr/orders").status_code == 401
