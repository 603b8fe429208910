"""Companies, departments, users; Peppol incoming documents; usage; fixtures; the route table."""

from __future__ import annotations

from pathlib import Path

import httpx
from easypost_connect_support import KEY, error_of, messages, payload_pdf_job, pdf, upload

from mockpost.testing import Mockpost

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "easypost-connect-demo.yaml"
INJECT = "/_mockpost/easypost-connect/peppol-incoming-documents"


# -- companies, departments, users -------------------------------------------------------------
def test_companies_create_list_get_patch(ep: httpx.Client) -> None:
    created = ep.post("/companies", json={"name": "Client BV", "vatNumber": "BE0123456789"})
    assert created.status_code == 201, created.text
    company = created.json()
    assert company["managedByCompanyId"] is not None
    assert ep.get("/companies").json() == [company]
    patched = ep.patch(f"/companies/{company['id']}", json={"email": "info@client.be"}).json()
    assert patched["email"] == "info@client.be" and patched["name"] == "Client BV"
    assert ep.get(f"/companies/{company['id']}").json() == patched
    assert "vatNumber" in error_of(
        ep.post("/companies", json={"name": "Copy", "vatNumber": "BE0123456789"}), 409
    )
    assert "name should not be empty" in messages(ep.post("/companies", json={}))
    assert "email must be an email" in messages(ep.patch(f"/companies/{company['id']}", json={"email": "x"}))
    error_of(ep.get("/companies/nope"), 404)


def test_departments_and_users(ep: httpx.Client) -> None:
    department = ep.post("/departments", json={"name": "Finance"})
    assert department.status_code == 201
    dep = department.json()
    assert ep.patch(f"/departments/{dep['id']}", json={"name": "Accounting"}).json()["name"] == "Accounting"
    assert [d["name"] for d in ep.get("/departments").json()] == ["Accounting"]
    body = {
        "email": "Ann@Example.be",
        "firstName": "Ann",
        "lastName": "Peeters",
        "departmentIds": [dep["id"]],
    }
    user = ep.post("/users", json=body)
    assert user.status_code == 201, user.text
    assert user.json()["role"] == "USER" and user.json()["departmentIds"] == [dep["id"]]
    assert "already exists" in error_of(ep.post("/users", json={**body, "email": "ann@example.be"}), 409)
    bob = ep.post("/users", json={**body, "email": "bob@example.be", "firstName": "Bob"}).json()
    error_of(ep.patch(f"/users/{bob['id']}", json={"email": "ANN@example.be"}), 409)
    patched = ep.patch(f"/users/{bob['id']}", json={"lastName": "Janssens", "role": "ADMIN"}).json()
    assert (patched["firstName"], patched["lastName"], patched["role"]) == ("Bob", "Janssens", "ADMIN")
    assert ep.get(f"/users/{bob['id']}").json() == patched
    assert len(ep.get("/users").json()) == 2
    assert "departmentIds" in messages(
        ep.post("/users", json={**body, "email": "c@example.be", "departmentIds": ["nope"]})
    )
    assert "role must be one of" in messages(
        ep.post("/users", json={**body, "email": "d@example.be", "role": "ROOT"})
    )
    error_of(ep.get("/users/nope"), 404)


def test_departments_and_users_belong_to_the_acting_company(ep: httpx.Client) -> None:
    company = ep.post("/companies", json={"name": "Client BV"}).json()
    managed = {"x-managed-company-id": company["id"]}
    dep = ep.post("/departments", json={"name": "Sales"}, headers=managed).json()
    assert dep["companyId"] == company["id"]
    assert ep.get("/departments").json() == []
    error_of(ep.get(f"/departments/{dep['id']}"), 404)
    assert ep.get(f"/departments/{dep['id']}", headers=managed).json() == dep


# -- peppol ------------------------------------------------------------------------------------------
def inject(m: Mockpost, **fields) -> dict:
    response = m.client().post(INJECT, json=fields, headers=KEY)
    assert response.status_code == 201, response.text
    document: dict = response.json()
    return document


def test_peppol_inject_list_get_download(ep_mock: Mockpost, ep: httpx.Client) -> None:
    first = inject(ep_mock, senderId="0208:0123456789", documentId="INV-1")
    ep_mock.clock.advance(duration="1h")
    second = inject(ep_mock)
    assert second["senderId"] and second["documentType"] and second["senderName"]
    listed = ep.get("/peppol-incoming-documents").json()
    assert [d["id"] for d in listed] == [second["id"], first["id"]]  # createdAt desc by default
    asc = ep.get("/peppol-incoming-documents", params={"sortOrder": "asc"}).json()
    assert [d["id"] for d in asc] == [first["id"], second["id"]]
    got = ep.get(f"/peppol-incoming-documents/sender/{first['senderId']}/document/{first['id']}")
    assert got.json() == first
    error_of(ep.get(f"/peppol-incoming-documents/sender/0208:999/document/{first['id']}"), 404)
    link = ep.get(
        f"/peppol-incoming-documents/sender/0208%3A0123456789/document/{first['id']}/download-url"
    ).json()
    assert link["expiresAt"] == "2030-03-04T10:10:00.000Z"
    xml = ep_mock.client().get(link["url"])
    assert xml.status_code == 200 and b"<cbc:ID>INV-1</cbc:ID>" in xml.content
    ep_mock.clock.advance(duration="10m")
    error_of(ep_mock.client().get(link["url"]), 403)


def test_peppol_sorting_filters_and_paging(ep_mock: Mockpost, ep: httpx.Client) -> None:
    a = inject(ep_mock, createdAt="2030-03-01T00:00:00Z")
    b = inject(ep_mock, createdAt="2030-03-02T00:00:00Z")
    c = inject(ep_mock, createdAt="2030-03-03T00:00:00Z")
    ep_mock.client().patch(f"{INJECT}/{a['id']}", json={}, headers=KEY)  # a modified now
    by_modified = ep.get("/peppol-incoming-documents", params={"sortField": "lastModifiedAt"}).json()
    assert [d["id"] for d in by_modified] == [a["id"], c["id"], b["id"]]
    window = ep.get("/peppol-incoming-documents", params={"from": "2030-03-02", "until": "2030-03-03"}).json()
    assert [d["id"] for d in window] == [c["id"], b["id"]]
    page1 = ep.get("/peppol-incoming-documents", params={"maxItems": 2}).json()
    page2 = ep.get("/peppol-incoming-documents", params={"maxItems": 2, "after": page1[-1]["id"]}).json()
    assert [d["id"] for d in page1 + page2] == [c["id"], b["id"], a["id"]]
    assert "sortField must be one of" in messages(
        ep.get("/peppol-incoming-documents", params={"sortField": "x"})
    )
    assert "sortOrder must be one of" in messages(
        ep.get("/peppol-incoming-documents", params={"sortOrder": "up"})
    )
    bad = ep_mock.client().post(INJECT, json={"senderId": "nope"}, headers=KEY)
    assert bad.status_code == 422
    assert ep_mock.client().post(INJECT, json={}).status_code == 401


def test_peppol_webhook(ep_mock: Mockpost, ep: httpx.Client) -> None:
    ep.post(
        "/webhooks",
        json={"name": "p", "url": ep_mock.inbox_url("p"), "eventTypes": ["peppol.document.received"]},
    )
    document = inject(ep_mock)
    (item,) = ep_mock.inbox("p")
    assert f'"documentId":"{document["id"]}"' in item["body"]


# -- usage ------------------------------------------------------------------------------------------
def test_usage_is_computed_from_what_was_sent(ep_mock: Mockpost, ep: httpx.Client) -> None:
    for _ in range(2):
        job = payload_pdf_job(ep).json()
        upload(ep_mock, job, pdf("p1", "p2", "p3"))
    ep_mock.clock.advance(duration="7d")
    usage = ep.get("/usage", params={"from": "2030-03-01", "until": "2030-03-31"}).json()
    assert usage["totals"] == {"jobs": 2, "sendingEvents": 2, "pages": 6, "pagesPrinted": 0}
    assert usage["channels"] == [{"channel": "EMAIL", "sendingEvents": 2, "pages": 6, "sent": 2, "failed": 0}]
    details = ep.get("/usage/details").json()
    assert len(details) == 2 and details[0]["channel"] == "EMAIL"
    assert ep.get("/usage/details", params={"maxItems": 1, "after": details[0]["id"]}).json() == details[1:]
    empty = ep.get("/usage", params={"from": "2031-01-01"}).json()
    assert empty["totals"]["sendingEvents"] == 0
    assert "until must be a valid ISO 8601" in messages(ep.get("/usage", params={"until": "soon"}))


# -- fixtures and the route table ------------------------------------------------------------------
def test_demo_fixtures_load() -> None:
    with Mockpost(fixtures=[DEMO]) as m:
        client = m.client("easypost-connect", headers={"x-api-key": "demo-key"})
        assert len(client.get("/workflows").json()) == 8
        assert client.get("/companies").json()[0]["name"] == "Client BV"
        assert len(client.get("/peppol-incoming-documents").json()) == 2
        assert client.get("/users").json()[0]["role"] == "ADMIN"
        assert client.get("/webhooks").json()[0]["name"] == "Demo inbox"


def test_every_documented_operation_is_served(ep: httpx.Client) -> None:
    paths = ep.get("/openapi.json").json()["paths"]
    operations = {
        (method.upper(), path)
        for path, ops in paths.items()
        for method in ops
        if not path.startswith(("/uploads", "/downloads", "/oauth2"))
    }
    assert len(operations) == 36
