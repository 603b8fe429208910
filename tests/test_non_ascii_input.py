"""Digits that are not ASCII ("²", "٣") and non-ASCII signatures get each provider's own refusal."""

from __future__ import annotations

import httpx
import pytest

from mockpost.testing import Mockpost

INPOST = {"Authorization": "Bearer shipx-token"}
CONNECT = {"x-api-key": "connect-key"}
AFOSTO = {"Authorization": "Bearer afosto-token"}


@pytest.fixture
def client(mockpost: Mockpost) -> httpx.Client:
    return mockpost.client()


def test_inpost_shipment_id_in_superscript_is_not_found(client: httpx.Client) -> None:
    response = client.get("/inpost/v1/shipments/%C2%B2", headers=INPOST)
    assert response.status_code == 404
    assert response.json()["error"] == "resource_not_found"


def test_inpost_page_in_superscript_is_an_invalid_parameter(client: httpx.Client) -> None:
    response = client.get("/inpost/v1/points?page=%C2%B2", headers=INPOST)
    assert response.status_code == 400
    assert response.json()["details"]["page"] == ["invalid_value"]


def test_connect_max_items_in_superscript_is_a_bad_request(client: httpx.Client) -> None:
    response = client.get("/easypost-connect/jobs?maxItems=%C2%B2", headers=CONNECT)
    assert response.status_code == 400
    assert response.json()["message"] == ["maxItems must be an integer number"]


def test_connect_max_items_in_arabic_indic_digits_is_a_bad_request(client: httpx.Client) -> None:
    response = client.get("/easypost-connect/jobs?maxItems=%D9%A3", headers=CONNECT)
    assert response.status_code == 400


def test_connect_non_ascii_signature_is_a_forbidden_url(client: httpx.Client) -> None:
    response = client.get("/easypost-connect/downloads/x/y/peppol/z?expires=9999999999&signature=%C3%A9")
    assert response.status_code == 403
    assert "signature does not match" in response.json()["message"]


def test_afosto_integration_id_in_superscript_is_answered_like_any_text_id(client: httpx.Client) -> None:
    words = client.put("/afosto/int/apps/integrations/abc", headers=AFOSTO, json={})
    superscript = client.put("/afosto/int/apps/integrations/%C2%B2", headers=AFOSTO, json={})
    assert superscript.status_code == words.status_code < 500
