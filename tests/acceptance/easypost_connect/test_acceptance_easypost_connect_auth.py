"""Authentication, the acting company and the error envelope, seen from a client."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import KEY, MOUNT, assert_nest_error

from mockpost.testing import Mockpost

PROTECTED = [
    ("GET", "/jobs"),
    ("GET", "/jobs/00000000-0000-4000-8000-000000000000"),
    ("POST", "/jobs/single-file"),
    ("POST", "/jobs/payload-pdf"),
    ("POST", "/jobs/payload-word"),
    ("GET", "/sending-events"),
    ("GET", "/sending-events/00000000-0000-4000-8000-000000000000"),
    ("POST", "/sending-events/00000000-0000-4000-8000-000000000000/resend"),
    ("GET", "/sending-events/00000000-0000-4000-8000-000000000000/files/EPOD/download-url"),
    ("GET", "/workflows"),
    ("GET", "/workflows/00000000-0000-4000-8000-000000000000"),
    ("GET", "/peppol-incoming-documents"),
    ("GET", "/peppol-incoming-documents/sender/0208:0123456789/document/x"),
    ("GET", "/peppol-incoming-documents/sender/0208:0123456789/document/x/download-url"),
    ("POST", "/companies"),
    ("GET", "/companies"),
    ("GET", "/companies/x"),
    ("PATCH", "/companies/x"),
    ("POST", "/departments"),
    ("GET", "/departments"),
    ("GET", "/departments/x"),
    ("PATCH", "/departments/x"),
    ("POST", "/users"),
    ("GET", "/users"),
    ("GET", "/users/x"),
    ("PATCH", "/users/x"),
    ("GET", "/usage"),
    ("GET", "/usage/details"),
    ("POST", "/webhooks"),
    ("GET", "/webhooks"),
    ("GET", "/webhooks/x"),
    ("PATCH", "/webhooks/x"),
    ("DELETE", "/webhooks/x"),
    ("POST", "/webhooks/x/reset-secret"),
    ("POST", "/webhooks/x/test"),
]


def token(anonymous: httpx.Client, client_id: str = "app", secret: str = "s3cret") -> str:
    response = anonymous.post(
        f"{MOUNT}/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    # ambiguous: the token URL is not published; RFC 6749 answers a token request with 200.
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert body["token_type"].lower() == "bearer"
    assert body["expires_in"] == 3600
    return str(body["access_token"])


def test_health_answers_without_any_key(anonymous: httpx.Client) -> None:
    response = anonymous.get(f"{MOUNT}/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_operation_but_health_needs_the_api_key(
    anonymous: httpx.Client, method: str, path: str
) -> None:
    response = anonymous.request(method, MOUNT + path, json={})
    assert_nest_error(response, 401)


def test_an_api_key_is_its_own_account(sandbox: Mockpost) -> None:
    first = sandbox.client("easypost-connect", headers={"x-api-key": "first"})
    second = sandbox.client("easypost-connect", headers={"x-api-key": "second"})
    created = first.post("/departments", json={"name": "Finance"})
    assert created.status_code == 201
    assert second.get(f"/departments/{created.json()['id']}").status_code == 404
    assert [d["name"] for d in first.get("/departments").json()].count("Finance") == 1
    assert "Finance" not in [d["name"] for d in second.get("/departments").json()]


def test_a_client_credentials_token_is_accepted_beside_the_key(
    epc: httpx.Client, anonymous: httpx.Client
) -> None:
    bearer = {"Authorization": f"Bearer {token(anonymous)}"}
    assert epc.get("/workflows", headers=bearer).status_code == 200


def test_token_with_basic_client_credentials(anonymous: httpx.Client, epc: httpx.Client) -> None:
    response = anonymous.post(
        f"{MOUNT}/oauth2/token", data={"grant_type": "client_credentials"}, auth=("app", "s3cret")
    )
    assert response.status_code == 200, response.text
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert epc.get("/workflows", headers=bearer).status_code == 200


def test_an_unknown_bearer_token_is_refused(epc: httpx.Client) -> None:
    response = epc.get("/workflows", headers={"Authorization": "Bearer not-a-token"})
    assert_nest_error(response, 401)


def test_an_authorization_header_that_is_not_a_bearer_token_is_refused(epc: httpx.Client) -> None:
    # ambiguous: only bearer tokens are documented; another scheme is refused rather than ignored.
    assert_nest_error(epc.get("/workflows", headers={"Authorization": "Basic YTpi"}), 401)


def test_a_bearer_token_expires_after_its_lifetime(
    sandbox: Mockpost, epc: httpx.Client, anonymous: httpx.Client
) -> None:
    bearer = {"Authorization": f"Bearer {token(anonymous)}"}
    sandbox.clock.advance(3599)
    assert epc.get("/workflows", headers=bearer).status_code == 200
    sandbox.clock.advance(2)
    assert_nest_error(epc.get("/workflows", headers=bearer), 401)


def test_token_request_with_another_grant_is_refused(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        f"{MOUNT}/oauth2/token",
        data={"grant_type": "password", "client_id": "app", "client_secret": "s3cret"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_request_without_client_credentials_is_refused(anonymous: httpx.Client) -> None:
    response = anonymous.post(f"{MOUNT}/oauth2/token", data={"grant_type": "client_credentials"})
    assert response.status_code == 401  # RFC 6749 5.2: invalid_client
    assert response.json()["error"] == "invalid_client"


@pytest.mark.mockpost(options={"easypost-connect": {"require_bearer": True}})
def test_require_bearer_refuses_the_key_alone(sandbox: Mockpost) -> None:
    epc = sandbox.client("easypost-connect", headers=KEY)
    assert_nest_error(epc.get("/workflows"), 401)
    bearer = {"Authorization": f"Bearer {token(sandbox.client())}"}
    assert epc.get("/workflows", headers=bearer).status_code == 200
    assert sandbox.client().get(f"{MOUNT}/health").status_code == 200


def test_strict_accounts_accept_only_listed_keys_and_client_credentials(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "easypost-connect:\n"
        "  - name: acme\n"
        "    api_key: acme-key\n"
        "    client_id: acme-app\n"
        "    client_secret: acme-secret\n"
        "    require_bearer: true\n"
    )
    with Mockpost(accounts=accounts) as mock:
        root = mock.client()
        assert_nest_error(root.get(f"{MOUNT}/workflows", headers={"x-api-key": "other"}), 401)
        refused = root.post(
            f"{MOUNT}/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "acme-app", "client_secret": "no"},
        )
        assert refused.status_code == 401
        assert refused.json()["error"] == "invalid_client"
        assert_nest_error(root.get(f"{MOUNT}/workflows", headers={"x-api-key": "acme-key"}), 401)
        bearer = token(root, "acme-app", "acme-secret")
        listed = root.get(
            f"{MOUNT}/workflows",
            headers={"x-api-key": "acme-key", "Authorization": f"Bearer {bearer}"},
        )
        assert listed.status_code == 200


def test_managed_company_header_acts_for_a_managed_company(epc: httpx.Client) -> None:
    company = epc.post("/companies", json={"name": "Client BV"})
    assert company.status_code == 201, company.text
    managed = {"x-managed-company-id": company.json()["id"]}
    # the managed company has its own seeded workflows, its own departments
    workflows = epc.get("/workflows", headers=managed)
    assert workflows.status_code == 200
    own_ids = {w["id"] for w in epc.get("/workflows").json()}
    assert workflows.json() and not own_ids & {w["id"] for w in workflows.json()}
    created = epc.post("/departments", json={"name": "Managed dept"}, headers=managed)
    assert created.status_code == 201
    assert created.json()["companyId"] == company.json()["id"]
    assert epc.get(f"/departments/{created.json()['id']}").status_code == 404
    assert epc.get(f"/departments/{created.json()['id']}", headers=managed).status_code == 200


def test_managed_company_header_for_a_company_not_managed_is_forbidden(sandbox: Mockpost) -> None:
    epc = sandbox.client("easypost-connect", headers=KEY)
    other = sandbox.client("easypost-connect", headers={"x-api-key": "someone-else"})
    foreign = other.post("/companies", json={"name": "Not yours"}).json()["id"]
    for header in (foreign, "00000000-0000-4000-8000-000000000000"):
        response = epc.get("/workflows", headers={"x-managed-company-id": header})
        assert_nest_error(response, 403)


def test_unknown_route_uses_the_nest_error_shape(epc: httpx.Client) -> None:
    assert_nest_error(epc.get("/no-such-thing"), 404)


def test_malformed_json_is_a_bad_request(epc: httpx.Client) -> None:
    response = epc.post("/companies", content=b"{not json", headers={"content-type": "application/json"})
    assert_nest_error(response, 400)


def test_validation_messages_are_a_list_naming_the_field(epc: httpx.Client) -> None:
    response = epc.post("/jobs/payload-pdf", json={"filename": "a.pdf", "payload": {}})
    body = assert_nest_error(response, 400)
    assert isinstance(body["message"], list)
    text = " ".join(body["message"])
    assert "workflowId" in text
    assert "jobName" in text
