"""A client id's first authorize fixes its secret: a wrong secret is Afosto's 401, never a token
for that client's account."""

from __future__ import annotations

from typing import Any

from mockpost.testing import Mockpost

CLIENT = {"client_id": "shop", "client_secret": "s3cret", "grant_type": "client_credentials"}


def authorize(mockpost: Any, **fields: str) -> Any:
    return mockpost.client("afosto").post("/iam/oauth/authorize", json={**CLIENT, **fields})


def test_a_known_client_with_a_wrong_secret_is_401(mockpost: Any) -> None:
    assert authorize(mockpost).status_code == 200
    refused = authorize(mockpost, client_secret="guess")
    assert refused.status_code == 401
    assert refused.json()["code"] == 401 and "access_token" not in refused.text
    assert authorize(mockpost).status_code == 200


def test_a_wrong_secret_never_reaches_the_clients_orders(mockpost: Any) -> None:
    token = authorize(mockpost).json()["access_token"]
    owner = mockpost.client("afosto", headers={"Authorization": f"Bearer {token}"})
    order = owner.post("/odr/orders", json={"type": "order"}).json()
    assert authorize(mockpost, client_secret="guess").status_code == 401
    stranger = mockpost.client("afosto", headers={"Authorization": "Bearer guess"})
    assert stranger.get(f"/odr/orders/{order['id']}").status_code == 404


def test_another_client_id_is_another_account_with_its_own_secret(mockpost: Any) -> None:
    assert authorize(mockpost).status_code == 200
    assert authorize(mockpost, client_id="other-shop", client_secret="different").status_code == 200


def test_a_reset_forgets_the_clients_secret(mockpost: Any) -> None:
    assert authorize(mockpost).status_code == 200
    mockpost.reset("afosto")
    assert authorize(mockpost, client_secret="new").status_code == 200


def test_a_listed_client_without_a_secret_is_fixed_by_its_first_use(tmp_path: Any) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("afosto:\n  - {name: shop, client_id: shop}\n")
    with Mockpost(accounts=accounts) as mock:
        assert authorize(mock).status_code == 200
        assert authorize(mock, client_secret="guess").status_code == 401
