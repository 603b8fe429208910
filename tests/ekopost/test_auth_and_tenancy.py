import base64

import pytest
from helpers import error_code


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer abc"},
        {"Authorization": "api-key"},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    ],
)
def test_anything_but_api_key_or_basic_gets_error_code_0(mockpost, headers):
    response = mockpost.client("ekopost", headers=headers).get("/campaigns")
    assert response.status_code == 400
    assert error_code(response) == "0"
    assert response.json()["error_message"] == "Invalid basic authentication token."


def test_api_key_scheme_is_case_insensitive(mockpost):
    assert (
        mockpost.client("ekopost", headers={"Authorization": "API-KEY k"}).get("/campaigns").status_code
        == 200
    )


def test_each_credential_is_its_own_account(mockpost):
    alice = mockpost.client("ekopost", headers={"Authorization": "api-key alice"})
    bob = mockpost.client("ekopost", headers=basic("bob", "secret"))
    campaign_id = alice.post("/campaigns", json={"name": "mine"}).json()["id"]
    assert bob.get(f"/campaigns/{campaign_id}").status_code == 404
    assert bob.get("/campaigns").json() == []
    assert [c["id"] for c in alice.get("/campaigns").json()] == [campaign_id]
    same_bob = mockpost.client("ekopost", headers=basic("bob", "secret"))
    assert same_bob.get("/campaigns").json() == []


def test_strict_accounts_file_admits_only_listed_credentials(tmp_path):
    from mockpost.testing import Mockpost

    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "ekopost:\n  - name: acme\n    api_key: acme-key\n    username: acme\n    password: pw\n"
    )
    with Mockpost(accounts=accounts) as mock:
        by_key = mock.client("ekopost", headers={"Authorization": "api-key acme-key"})
        by_password = mock.client("ekopost", headers=basic("acme", "pw"))
        stranger = mock.client("ekopost", headers={"Authorization": "api-key other"})
        campaign_id = by_key.post("/campaigns", json={"name": "shared"}).json()["id"]
        assert by_password.get(f"/campaigns/{campaign_id}").status_code == 200  # one account, two credentials
        refused = stranger.get("/campaigns")
        assert refused.status_code == 400 and error_code(refused) == "0"
        assert "activated" in refused.json()["developer_message"]
