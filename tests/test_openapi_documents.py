"""Every OpenAPI document mockpost serves is a valid OpenAPI document, so generators and validators
(openapi-generator, Prism, Schemathesis) accept it as it is."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from mockpost.providers import PROVIDERS
from mockpost.testing import Mockpost

DOCUMENTS = {entry.name: f"{entry.mount}/openapi.json" for entry in PROVIDERS} | {
    "control": "/_mockpost/openapi.json"
}


def test_every_provider_and_the_control_plane_serve_a_document() -> None:
    assert len(DOCUMENTS) == 6


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_openapi_document_is_valid(mockpost: Mockpost, name: str) -> None:
    response = mockpost.client().get(DOCUMENTS[name])
    assert response.status_code == 200
    validate(response.json())
