"""Open mode: a client id's first token request fixes its secret; a wrong one is `invalid_client`."""

from __future__ import annotations

import base64

import httpx

from mockpost.testing import Mockpost


def token(client: httpx.Client, client_id: str = "app", secret: str = "s3cret") -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return client.post("/oauth2/token", data=form)


def test_a_known_client_with_a_wrong_secret_gets_no_token(ep: httpx.Client) -> None:
    assert token(ep).status_code == 200
    refused = token(ep, secret="guess")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    assert "access_token" not in refused.text
    assert token(ep).status_code == 200


def test_basic_client_authentication_is_held_to_the_same_secret(ep: httpx.Client) -> None:
    assert token(ep).status_code == 200
    wrong = base64.b64encode(b"app:guess").decode()
    response = ep.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {wrong}"},
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_each_client_id_fixes_its_own_secret(ep: httpx.Client) -> None:
    assert token(ep, "app", "one").status_code == 200
    assert token(ep, "other-app", "two").status_code == 200


def test_a_reset_forgets_client_secrets(ep_mock: Mockpost, ep: httpx.Client) -> None:
    assert token(ep).status_code == 200
    ep_mock.reset("easypost-connect")
    assert token(ep, secret="new").status_code == 200
