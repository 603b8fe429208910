"""Auth (x-api-key, OAuth2 bearer with a TTL, x-managed-company-id), NestJS errors, health."""

from __future__ import annotations

import base64

import httpx
import pytest
import yaml
from easypost_connect_support import KEY, OTHER_KEY, START, error_of

from mockpost.testing import Mockpost


def test_health_needs_no_credentials(ep_mock: Mockpost) -> None:
    response = ep_mock.client("easypost-connect").get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("headers", [{}, {"x-api-key": ""}, {"x-api-key": "   "}])
def test_missing_api_key_is_401_in_nestjs_shape(ep_mock: Mockpost, headers: dict[str, str]) -> None:
    response = ep_mock.client("easypost-connect").get("/jobs", headers=headers)
    assert "x-api-key" in error_of(response, 401)
    assert response.json()["error"] == "Unauthorized"


def test_unknown_route_and_method_use_the_nestjs_shape(ep: httpx.Client) -> None:
    assert "No such route" in error_of(ep.get("/nope"), 404)
    error_of(ep.delete("/jobs"), 405)


def test_each_api_key_is_its_own_account(ep_mock: Mockpost, ep: httpx.Client) -> None:
    other = ep_mock.client("easypost-connect", headers=OTHER_KEY)
    mine = ep.get("/workflows").json()[0]["id"]
    assert other.get(f"/workflows/{mine}").status_code == 404
    assert ep.get(f"/workflows/{mine}").status_code == 200


def token(client: httpx.Client, **form: str) -> httpx.Response:
    return client.post("/oauth2/token", data=form)


def test_client_credentials_token_with_ttl(ep_mock: Mockpost, ep: httpx.Client) -> None:
    response = token(ep, grant_type="client_credentials", client_id="app", client_secret="s3cret")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert ep.get("/jobs", headers=bearer).status_code == 200
    ep_mock.clock.advance(duration="59m")
    assert ep.get("/jobs", headers=bearer).status_code == 200
    ep_mock.clock.advance(duration="1m")
    assert "expired" in error_of(ep.get("/jobs", headers=bearer), 401)


def test_token_accepts_basic_client_authentication(ep: httpx.Client) -> None:
    basic = base64.b64encode(b"app:s3cret").decode()
    response = ep.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "password", "client_id": "a", "client_secret": "b"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 401, "invalid_client"),
    ],
)
def test_token_errors_follow_oauth2(ep: httpx.Client, form: dict[str, str], status: int, error: str) -> None:
    response = token(ep, **form)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["statusCode"] == status


@pytest.mark.parametrize("value", ["Bearer nope", "Bearer", "Basic abc", "Token x"])
def test_a_bad_bearer_token_is_401(ep: httpx.Client, value: str) -> None:
    error_of(ep.get("/jobs", headers={"Authorization": value}), 401)


@pytest.mark.mockpost(options={"easypost-connect": {"require_bearer": "true", "token_ttl": "5m"}})
def test_require_bearer_option(mockpost: Mockpost) -> None:
    mockpost.clock.freeze(START)
    client = mockpost.client("easypost-connect", headers=KEY)
    assert "bearer token is required" in error_of(client.get("/jobs"), 401)
    access = token(client, grant_type="client_credentials", client_id="a", client_secret="b").json()
    assert access["expires_in"] == 300
    assert (
        client.get("/jobs", headers={"Authorization": f"Bearer {access['access_token']}"}).status_code == 200
    )
    assert client.get("/health").status_code == 200


def test_strict_accounts_bind_client_credentials_to_the_account(tmp_path, monkeypatch) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        yaml.safe_dump(
            {
                "easypost-connect": [
                    {
                        "name": "acme",
                        "api_key": "acme-key",
                        "client_id": "acme",
                        "client_secret": "pw",
                        "require_bearer": True,
                    },
                    {"name": "other", "api_key": "other-key", "client_id": "other", "client_secret": "pw2"},
                ]
            }
        )
    )
    with Mockpost(accounts=accounts) as m:
        acme = m.client("easypost-connect", headers={"x-api-key": "acme-key"})
        assert "Invalid API key" in error_of(
            m.client("easypost-connect").get("/jobs", headers={"x-api-key": "x"}), 401
        )
        error_of(acme.get("/jobs"), 401)  # bearer required for this account
        assert (
            token(acme, grant_type="client_credentials", client_id="acme", client_secret="bad").status_code
            == 401
        )
        mine = token(acme, grant_type="client_credentials", client_id="acme", client_secret="pw").json()
        theirs = token(acme, grant_type="client_credentials", client_id="other", client_secret="pw2").json()
        assert (
            acme.get("/jobs", headers={"Authorization": f"Bearer {mine['access_token']}"}).status_code == 200
        )
        error_of(acme.get("/jobs", headers={"Authorization": f"Bearer {theirs['access_token']}"}), 401)


def test_managed_company_header(ep: httpx.Client) -> None:
    company = ep.post("/companies", json={"name": "Client BV"}).json()
    managed = {"x-managed-company-id": company["id"]}
    jobs_of_managed = ep.get("/workflows", headers=managed).json()
    assert jobs_of_managed and all(w["companyId"] == company["id"] for w in jobs_of_managed)
    own = ep.get("/workflows").json()
    assert {w["id"] for w in own}.isdisjoint({w["id"] for w in jobs_of_managed})
    assert "not managed" in error_of(ep.get("/workflows", headers={"x-managed-company-id": "nope"}), 403)


def test_managed_company_of_another_account_is_403(ep_mock: Mockpost, ep: httpx.Client) -> None:
    other = ep_mock.client("easypost-connect", headers=OTHER_KEY)
    theirs = other.post("/companies", json={"name": "Theirs"}).json()["id"]
    error_of(ep.get("/jobs", headers={"x-managed-company-id": theirs}), 403)
