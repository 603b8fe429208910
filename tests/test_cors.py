"""--cors-origin: a browser front-end in development can call every provider mount."""

from __future__ import annotations

import pytest

from mockpost.providers import PROVIDERS
from mockpost.testing import Mockpost

APP = "http://localhost:3000"
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, x-api-key",
}
MOUNTS = [entry.mount for entry in PROVIDERS]


@pytest.mark.parametrize("mount", MOUNTS)
@pytest.mark.mockpost(cors_origin=[APP])
def test_preflight_on_a_provider_mount_is_answered_for_an_allowed_origin(
    mockpost: Mockpost, mount: str
) -> None:
    answer = mockpost.client().options(f"{mount}/anything/below", headers=PREFLIGHT)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == APP
    assert "POST" in answer.headers["access-control-allow-methods"]
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-api-key"} <= {h.strip() for h in allowed.split(",")}


@pytest.mark.mockpost(cors_origin=[APP])
def test_answers_to_an_allowed_origin_carry_cors_headers_and_expose_provider_headers(
    mockpost: Mockpost,
) -> None:
    answer = mockpost.client("ekopost").post(
        "/campaigns", json={"name": "March"}, headers={"Origin": APP, "Authorization": "api-key k"}
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == APP
    assert answer.headers["access-control-expose-headers"] == "*"
    assert mockpost.journal(provider="ekopost")[-1]["status"] == 200  # the request itself is journalled


@pytest.mark.mockpost(cors_origin=[APP])
def test_another_origin_gets_no_cors_permission(mockpost: Mockpost) -> None:
    answer = mockpost.client().options(
        "/ekopost/campaigns", headers={**PREFLIGHT, "Origin": "http://evil.test"}
    )
    assert answer.status_code == 400
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.mockpost(cors_origin=["*"])
def test_a_star_allows_any_origin(mockpost: Mockpost) -> None:
    answer = mockpost.client().options(
        "/inpost/v1/shipments", headers={**PREFLIGHT, "Origin": "http://any.test"}
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"


def test_without_cors_origin_a_preflight_is_the_providers_own_405(mockpost: Mockpost) -> None:
    answer = mockpost.client().options("/ekopost/campaigns", headers=PREFLIGHT)
    assert answer.status_code == 405
    assert "access-control-allow-origin" not in answer.headers
    assert "error_code" in answer.json()  # Ekopost's envelope
