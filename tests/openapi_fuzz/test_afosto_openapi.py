"""Afosto's OpenAPI document, fuzzed (see openapi_fuzz_support): no 5xx, answers as documented.

`GET /iam/jwt/revoke` revokes the token it is sent with (or all of its account's), so it runs on
its own: every one of its cases sends a token issued for that case alone, and the rest keep
theirs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from openapi_fuzz_support import FuzzTarget, fuzz_sandbox, known, operations, session_per_case

pytestmark = pytest.mark.fuzz
MAX_EXAMPLES = 10
REVOKE = ("GET /iam/jwt/revoke",)
# a few objects of the kinds fixtures/afosto-demo.yaml holds, created through the API
WORLD = {
    "/cat/channels": {"name": "Webshop NL", "locale": "nl_NL", "currency": "EUR"},
    "/spl/hubs": {"name": "Warehouse Utrecht"},
    "/odr/orders": {"type": "order", "tags": ["demo", "open"]},
    "/lcs/parcels": {"number": "3SDEVC000000001", "tracking_code": "3SDEVC000000001"},
    "/cnt/batches": {"reference": "demo-import"},
}


def bearer(client: httpx.Client, client_id: str) -> dict[str, str]:
    """A token from Afosto's OAuth2 client-credentials route."""
    answer = client.post(
        "/iam/oauth/authorize",
        json={
            "client_id": client_id,
            "client_secret": f"{client_id}-secret",
            "grant_type": "client_credentials",
        },
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="module")
def afosto() -> Iterator[FuzzTarget]:
    with fuzz_sandbox() as mock:
        client = mock.client("afosto")
        token = bearer(client, "fuzz")
        made = []
        for path, body in WORLD.items():
            answer = client.post(path, json=body, headers=token)
            assert answer.status_code == 200, answer.text
            made.append(answer.json())
        yield FuzzTarget(
            mock,
            "/afosto",
            headers=token,
            ids={
                "id": known(item["id"] for item in made),
                "secret": known(
                    a["transaction_secret"] for item in made for a in item.get("acceptances", [])
                ),
                "reference": known(item.get("reference") for item in made),
            },
        )


@pytest.mark.parametrize("operation", operations("/afosto", exclude=REVOKE))
def test_afosto_answers_as_documented(afosto: FuzzTarget, operation: str) -> None:
    afosto.fuzz(operation, MAX_EXAMPLES)


@pytest.fixture(scope="module")
def afosto_revoke() -> Iterator[FuzzTarget]:
    with session_per_case("afosto", lambda client: bearer(client, "fuzz-revoke")) as target:
        yield target


@pytest.mark.parametrize("operation", REVOKE)
def test_afosto_revoke_answers_as_documented(afosto_revoke: FuzzTarget, operation: str) -> None:
    afosto_revoke.fuzz(operation, MAX_EXAMPLES)
