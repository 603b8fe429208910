"""Incoming Peppol documents: delivered through the control plane, listed, fetched, downloaded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from acceptance.easypost_connect.epc_acceptance_support import (
    assert_nest_error,
    is_iso_utc,
    now_of,
    parse_instant,
)

from mockpost.testing import Mockpost

INJECT = "/_mockpost/easypost-connect/peppol-incoming-documents"


def deliver(control: httpx.Client, **fields: Any) -> dict[str, Any]:
    response = control.post(INJECT, json=fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


def path_of(document: dict[str, Any]) -> str:
    return (
        f"/peppol-incoming-documents/sender/{quote(document['senderId'], safe='')}/document/{document['id']}"
    )


def test_delivered_document_can_be_fetched_by_sender_and_id(control: httpx.Client, epc: httpx.Client) -> None:
    document = deliver(control, senderId="0208:0123456789", documentId="INV-1")
    response = epc.get(path_of(document))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == document["id"]
    assert body["senderId"] == "0208:0123456789"
    assert body["documentId"] == "INV-1"
    assert is_iso_utc(body["createdAt"]) and is_iso_utc(body["lastModifiedAt"])
    raw = f"/peppol-incoming-documents/sender/0208:0123456789/document/{document['id']}"
    assert epc.get(raw).status_code == 200


def test_wrong_sender_or_unknown_id_is_not_found(control: httpx.Client, epc: httpx.Client) -> None:
    document = deliver(control, senderId="0208:0123456789")
    assert_nest_error(
        epc.get(f"/peppol-incoming-documents/sender/0208%3A9999999999/document/{document['id']}"), 404
    )
    assert_nest_error(epc.get("/peppol-incoming-documents/sender/0208%3A0123456789/document/nope"), 404)


def test_default_order_is_created_at_descending(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client
) -> None:
    ids = []
    for _ in range(3):
        ids.append(deliver(control)["id"])
        sandbox.clock.advance(60)
    listed = epc.get("/peppol-incoming-documents")
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()] == ids[::-1]
    ascending = epc.get("/peppol-incoming-documents", params={"sortOrder": "asc"}).json()
    assert [d["id"] for d in ascending] == ids


def test_sort_on_last_modified_at_and_filter_on_that_field(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client
) -> None:
    old = deliver(control)
    sandbox.clock.advance(duration="1h")
    new = deliver(control)
    sandbox.clock.advance(duration="1h")
    middle = now_of(sandbox)
    sandbox.clock.advance(duration="1h")
    changed = control.patch(f"{INJECT}/{old['id']}", json={})
    assert changed.status_code == 200, changed.text
    params = {"sortField": "lastModifiedAt"}
    assert [d["id"] for d in epc.get("/peppol-incoming-documents", params=params).json()] == [
        old["id"],
        new["id"],
    ]
    iso = middle.isoformat().replace("+00:00", "Z")
    since = epc.get("/peppol-incoming-documents", params={**params, "from": iso}).json()
    assert [d["id"] for d in since] == [old["id"]]
    created_since = epc.get("/peppol-incoming-documents", params={"from": iso}).json()
    assert created_since == []
    until = epc.get("/peppol-incoming-documents", params={"until": iso}).json()
    assert {d["id"] for d in until} == {old["id"], new["id"]}


def test_peppol_list_pages(sandbox: Mockpost, control: httpx.Client, epc: httpx.Client) -> None:
    for _ in range(5):
        deliver(control)
        sandbox.clock.advance(1)
    everything = epc.get("/peppol-incoming-documents").json()
    first = epc.get("/peppol-incoming-documents", params={"maxItems": 3}).json()
    rest = epc.get("/peppol-incoming-documents", params={"maxItems": 3, "after": first[-1]["id"]}).json()
    assert first + rest == everything


@pytest.mark.parametrize(
    "params",
    [
        {"sortField": "name"},
        {"sortOrder": "up"},
        {"maxItems": "0"},
        {"from": "not-a-date"},
        {"after": "never-seen"},
    ],
)
def test_bad_list_parameters_are_bad_requests(epc: httpx.Client, params: dict[str, str]) -> None:
    assert_nest_error(epc.get("/peppol-incoming-documents", params=params), 400)


def test_download_url_is_valid_ten_minutes_and_serves_xml(
    sandbox: Mockpost, control: httpx.Client, epc: httpx.Client, anonymous: httpx.Client
) -> None:
    document = deliver(control, documentId="INV-9")
    response = epc.get(path_of(document) + "/download-url")
    assert response.status_code == 200, response.text
    link = response.json()
    assert parse_instant(link["expiresAt"]) == now_of(sandbox) + timedelta(minutes=10)
    download = anonymous.get(link["url"])
    assert download.status_code == 200
    assert "xml" in download.headers["content-type"]
    assert b"INV-9" in download.content
    sandbox.clock.advance(duration="9m59s")
    assert anonymous.get(link["url"]).status_code == 200
    sandbox.clock.advance(duration="2s")
    assert_nest_error(anonymous.get(link["url"]), 403)


def test_documents_belong_to_their_account(sandbox: Mockpost, control: httpx.Client) -> None:
    document = deliver(control)
    other = sandbox.client("easypost-connect", headers={"x-api-key": "another"})
    assert other.get("/peppol-incoming-documents").json() == []
    assert_nest_error(other.get(path_of(document)), 404)
