"""The control plane's OpenAPI lists the errors its routes answer: a client generated from it
expects exactly these (401 comes with control-plane credentials and is listed for every route)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockpost.testing import Mockpost

TENANT_HEADERS = {
    "Authorization": "api-key openapi-key",  # Ekopost
    "x-api-key": "openapi-key",  # EasyPost Connect
}
PATH_VALUES = {"provider": "ekopost", "id": "no-such-document"}


def operations(control: httpx.Client) -> list[tuple[str, str, dict[str, Any]]]:
    document = control.get("/_mockpost/openapi.json").json()
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def url_of(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return "/_mockpost" + path


@pytest.fixture
def control(mockpost: Mockpost) -> httpx.Client:
    return mockpost.client()


def test_every_route_taking_a_json_body_documents_what_bad_bodies_get(control: httpx.Client) -> None:
    undocumented = []
    for method, path, operation in operations(control):
        if "application/json" not in operation.get("requestBody", {}).get("content", {}):
            continue
        for body in (b"{", b"[1, 2]", b'{"unexpected": true}'):
            headers = {**TENANT_HEADERS, "Content-Type": "application/json"}
            if path == "/inpost/webhook":
                headers["Authorization"] = "Bearer openapi-token"
            status = control.request(method, url_of(path), content=body, headers=headers).status_code
            if status >= 400 and status != 401 and str(status) not in operation["responses"]:
                undocumented.append(f"{method} {path} answered {status} to {body!r}")
    assert undocumented == []


def test_the_journal_documents_its_400_for_a_non_integer_filter(control: httpx.Client) -> None:
    response = control.get("/_mockpost/journal", params={"limit": "ten"})
    assert response.status_code == 400
    journal = next(op for method, path, op in operations(control) if (method, path) == ("GET", "/journal"))
    assert "400" in journal["responses"]


def test_a_refused_transition_is_documented_as_409(control: httpx.Client) -> None:
    transition = next(op for _, path, op in operations(control) if path == "/{provider}/transition")
    assert {"400", "404", "409", "422"} <= set(transition["responses"])
