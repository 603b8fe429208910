"""403 forbidden: a token defined read-only (fixtures or strict accounts) reads, never changes."""

from __future__ import annotations

import json

import pytest
from inpost_support import START, assert_error, locker_body

from mockpost.sandbox import ConfigError
from mockpost.testing import Mockpost

READ_ONLY = {"Authorization": "Bearer auditor"}


def _fixtures(tmp_path, flag: str = "true"):
    path = tmp_path / "inpost.yaml"
    path.write_text(
        "inpost:\n  accounts:\n    - token: auditor\n"
        f"      read_only: {flag}\n"
        "      organizations:\n        - id: 3001\n          shipments:\n"
        f"            - {{status: confirmed, request: {json.dumps(locker_body())}}}\n"
    )
    return path


@pytest.fixture
def auditor(tmp_path):
    with Mockpost(fixtures=[_fixtures(tmp_path)], freeze_at=START) as mock:
        yield mock


def test_read_only_token_reads_its_organization_and_shipments(auditor):
    client = auditor.client("inpost", headers=READ_ONLY)
    assert client.get("/v1/organizations").json()["count"] == 1
    listed = client.get("/v1/organizations/3001/shipments").json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "confirmed"
    assert client.get("/v1/organizations/3001/statistics").json()["to_send"] == 1
    shipment_id = listed["items"][0]["id"]
    label = client.get(f"/v1/shipments/{shipment_id}/label")
    assert label.status_code == 200 and label.content.startswith(b"%PDF")


def test_every_change_by_a_read_only_token_is_forbidden_and_changes_nothing(auditor):
    client = auditor.client("inpost", headers=READ_ONLY)
    shipment_id = client.get("/v1/organizations/3001/shipments").json()["items"][0]["id"]
    changes = [
        ("POST", "/v1/organizations/3001/shipments", locker_body()),
        ("DELETE", f"/v1/shipments/{shipment_id}", None),
        ("POST", f"/v1/shipments/{shipment_id}/select_offer", {"offer_id": 1}),
        ("POST", f"/v1/shipments/{shipment_id}/buy", {"offer_id": 1}),
        ("POST", "/v1/organizations/3001/shipments/bulk_buy", {"shipments": []}),
        ("POST", "/v1/organizations/3001/dispatch_orders", {"shipments": [shipment_id]}),
        ("DELETE", "/v1/dispatch_orders/1", None),
        ("PUT", "/v1/organizations/3001/dispatch_orders/1/comment", {"id": 1, "comment": "x"}),
    ]
    for method, path, body in changes:
        response = client.request(method, path, json=body)
        error = assert_error(response, 403, "forbidden")
        assert error["message"] == "You have no rights to perform this action."
        assert error["details"]["action"] == f"{method} /inpost{path}"
    after = client.get("/v1/organizations/3001/shipments").json()
    assert after["count"] == 1 and after["items"][0]["status"] == "confirmed"
    assert client.get("/v1/organizations/3001/dispatch_orders").json()["count"] == 0


def test_forbidden_message_follows_accept_language(auditor):
    client = auditor.client("inpost", headers={**READ_ONLY, "Accept-Language": "pl_PL"})
    refused = client.post("/v1/organizations/3001/shipments", json=locker_body())
    assert assert_error(refused, 403, "forbidden")["message"] == "Brak uprawnień do wykonania tej akcji."


def test_tokens_are_not_read_only_unless_defined_so(frozen, shipx, org_id):
    assert shipx.post(f"/v1/organizations/{org_id}/shipments", json=locker_body()).status_code == 201


def test_strict_accounts_can_define_a_read_only_token(tmp_path):
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "inpost:\n  - {name: shop, token: writer}\n  - {name: audit, token: auditor, read_only: true}\n"
    )
    with Mockpost(accounts=accounts) as mock:
        reader = mock.client("inpost", headers=READ_ONLY)
        org_id = reader.get("/v1/organizations").json()["items"][0]["id"]
        refused = reader.post(f"/v1/organizations/{org_id}/shipments", json=locker_body())
        assert_error(refused, 403, "forbidden")
        writer = mock.client("inpost", headers={"Authorization": "Bearer writer"})
        writer_org = writer.get("/v1/organizations").json()["items"][0]["id"]
        assert writer.post(f"/v1/organizations/{writer_org}/shipments", json=locker_body()).status_code == 201


def test_read_only_must_be_a_boolean_in_fixtures(tmp_path):
    with pytest.raises(ConfigError, match="read_only must be true or false"):
        Mockpost(fixtures=[_fixtures(tmp_path, '"yes"')])
