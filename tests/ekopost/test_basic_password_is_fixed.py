"""Open mode: a Basic username's first request fixes its password; another one gets Ekopost's own
refusal of bad credentials (every handled Ekopost error is a 400; authentication is error code 0)."""

from __future__ import annotations

import base64


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_a_known_username_with_another_password_is_refused(mockpost):
    owner = mockpost.client("ekopost", headers=basic("bob", "secret"))
    assert owner.post("/campaigns", json={"name": "mine"}).status_code == 200
    refused = mockpost.client("ekopost", headers=basic("bob", "guess")).get("/campaigns")
    assert refused.status_code == 400 and refused.json()["error_code"] == "0"
    assert "username and password are valid" in refused.json()["developer_message"]
    assert [c["name"] for c in owner.get("/campaigns").json()] == ["mine"]


def test_an_empty_first_password_is_fixed_too(mockpost):
    assert mockpost.client("ekopost", headers=basic("eve", "")).get("/campaigns").status_code == 200
    refused = mockpost.client("ekopost", headers=basic("eve", "x")).get("/campaigns")
    assert refused.status_code == 400 and refused.json()["error_code"] == "0"


def test_an_api_key_is_not_held_to_a_basic_password(mockpost):
    assert mockpost.client("ekopost", headers=basic("bob", "secret")).get("/campaigns").status_code == 200
    api = mockpost.client("ekopost", headers={"Authorization": "api-key bob"})
    assert api.get("/campaigns").status_code == 200
