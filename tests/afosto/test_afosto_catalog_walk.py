"""Every one of the 544 documented method+path pairs answers a well-formed request with its documented
success status and a body of the documented shape (what a route's path names is created first)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from afosto_support import START, TOKEN, Walker, shape_ok

from mockpost.providers.afosto.catalog import Operation

# Routes whose documented success needs the object in a given lifecycle state first.
PRIOR_STATE = {
    ("POST", "/odr/orders/{id}/confirm"): ("order", "accepted"),
    ("POST", "/odr/orders/{id}/allocate"): ("order", "confirmed"),
    ("POST", "/odr/orders/{id}/fulfil"): ("order", "allocated"),
    ("PUT", "/cnt/batches/{id}/confirm"): ("batch", "accepted"),
}
LABEL = ("POST", "/lcs/parcels/{id}/label")
SESSION_WITH_CONTACT = {("GET", "/odr/sessions/{id}/contact"), ("POST", "/odr/sessions/{id}/authorize")}
QUERIES = {
    ("GET", "/cnt/barcode"): {"t": "ean", "v": "8712345678906"},
    ("GET", "/cnt/gif/transform"): {"url": "https://example.com/a.gif"},
}


def call_route(mockpost: Any, walker: Walker, op: Operation) -> Any:
    path, values = walker.fill_path(op)
    prior = PRIOR_STATE.get(op.key)
    if prior is not None:
        mockpost.transition("afosto", TOKEN, resource=prior[0], id=values[-1], state=prior[1])
    query = {p["name"]: p["enum"][0] for p in op.parameters if p["in"] == "query" and p.get("enum")}
    query.update(QUERIES.get(op.key, {}))
    kwargs: dict[str, Any] = {"params": query}
    if op.key == ("GET", "/iam/jwt/revoke"):  # revoke a token of its own, not the walk's
        spare = walker.client.get("/iam/jwt/extend").json()["access_token"]
        kwargs["headers"] = {"Authorization": f"Bearer {spare}"}
    if op.key == ("GET", "/mes/tasks/{id}"):
        label = walker.client.post(walker.fill_path(walker.catalog.by_key[LABEL])[0])
        path = f"/mes/tasks/{label.headers['x-task-id']}"
    if op.key == ("POST", "/iam/2fa/secrets/{type}/verify"):
        walker.client.post(path.removesuffix("/verify"), json={"name": "phone"})
    if op.key == ("POST", "/odr/payments/{secret}/paid"):
        secret = walker.existing("/odr/transactions", ())
        walker.client.post(f"/odr/transactions/{secret}/payments", json={"method_code": "ideal"})
        path = f"/odr/payments/{secret}/paid"
    if op.key == ("POST", "/odr/transactions/{secret}/refunds"):
        secret, payment_id = walker.paid_transaction()
        return walker.client.post(f"/odr/transactions/{secret}/refunds", json={"payment_id": payment_id})
    if op.key in SESSION_WITH_CONTACT:
        path = path.replace(values[0], walker.session_with_contact())
    if op.key == ("POST", "/odr/sessions/{id}/authorize"):
        calculation = walker.client.get(path.replace("/authorize", "/calculation")).json()
        kwargs["json"] = {"calculation_id": calculation["id"]}
    elif op.key == ("POST", "/odr/orders/{id}/authorize"):
        calculation = walker.client.post(path.replace("/authorize", "/calculation"), json={}).json()
        kwargs["json"] = {"calculation_id": calculation["id"]}
    elif any(p["in"] == "formData" for p in op.parameters):
        signature = walker.client.post("/cnt/files/signature", json={"path": "/labels"}).json()["signature"]
        path = f"/cnt/files/upload/{signature}"
        kwargs["files"] = {"file": ("label.pdf", b"%PDF-1.4 walk", "application/pdf")}
    else:
        body = walker.body_for(op, values)
        if body is not None:
            kwargs["json"] = body
    return walker.client.request(op.method, path, **kwargs)


def test_every_catalog_route_answers_its_documented_success(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    walker = Walker(mockpost, mockpost.client("afosto", headers=TOKEN))
    failures = []
    started = time.process_time()  # CPU time: the bound holds on a busy machine too
    for op in walker.catalog.operations:
        response = call_route(mockpost, walker, op)
        problem = None
        if response.status_code != op.success:
            problem = f"status {response.status_code}: {response.text[:200]}"
        elif op.success == 204 or (op.success_example is None and not response.content):
            problem = "a body on 204" if op.success == 204 and response.content else None
        elif response.headers.get("content-type", "").startswith("application/json"):
            if not shape_ok(op.success_example, response.json()):
                problem = f"shape differs: {response.text[:200]}"
        elif op.response_type != "application/json" or op.success_example in (None, "file"):
            problem = None if response.content else "no bytes"
        else:
            problem = f"unexpected content type {response.headers.get('content-type')}"
        if problem:
            failures.append(f"{op.method} {op.path}: {problem}")
    assert not failures, "\n".join(failures)
    assert len(walker.catalog.operations) == 544
    assert time.process_time() - started < 15


def test_placeholders_never_reach_the_client(mockpost: Any) -> None:
    """Created objects carry realistic values, not the reference's type names."""
    client = mockpost.client("afosto", headers=TOKEN)
    walker = Walker(mockpost, client)
    for path in ("/odr/orders", "/lcs/parcels", "/iam/users", "/cat/channels"):
        op = walker.catalog.by_key[("POST", path)]
        created = client.post(path, json={}).json()
        text = str(created)
        for placeholder in ("string (uuid)", "string (date-time)", "'integer'", "'boolean'", "'string'"):
            assert placeholder not in text, (path, placeholder)
        assert shape_ok(op.success_example, created)


@pytest.mark.mockpost(seed=7)
def test_created_objects_repeat_under_a_seed(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    client = mockpost.client("afosto", headers=TOKEN)
    first = client.post("/lcs/parcels", json={"number": "P-1"}).json()
    mockpost.reset()
    mockpost.clock.freeze(START)
    again = mockpost.client("afosto", headers=TOKEN).post("/lcs/parcels", json={"number": "P-1"}).json()
    assert first == again


def test_every_catalog_route_answers_the_media_type_its_openapi_documents(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    client = mockpost.client("afosto", headers=TOKEN)
    walker = Walker(mockpost, client)
    paths = client.get("/openapi.json").json()["paths"]
    mismatches = []
    for op in walker.catalog.operations:
        response = call_route(mockpost, walker, op)
        documented = paths[op.path][op.method.lower()]["responses"][str(op.success)].get("content", {})
        answered = response.headers.get("content-type", "").split(";")[0]
        if response.status_code == op.success and documented and answered not in documented:
            mismatches.append(f"{op.method} {op.path}: answers {answered}, documents {sorted(documented)}")
    assert mismatches == []
