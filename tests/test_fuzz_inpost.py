"""Fuzz-style robustness tests for every route of the InPost ShipX mock (/inpost).

The route table comes from the provider's own OpenAPI document, so a new route is fuzzed as soon as
it is served. Per route, a deterministic corpus of bad requests:

  body     garbage bodies (invalid JSON, every wrong JSON type, deep nesting, huge strings)
  fields   each documented body field replaced by junk of every JSON type
  path     unknown, malformed, very long and url-encoded junk ids, and another tenant's ids
  query    junk for every documented query parameter
  method   every undocumented method on the route's path (405)
  auth     missing and malformed Authorization headers (401 token_invalid) on token routes

Every answer must be below 500; every non-2xx must be ShipX's `{status, error, message, details}`;
a 4xx must leave the caller's state unchanged; another tenant's state never changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from inpost_support import courier_body, locker_body

from mockpost.core.tenancy import tenant_id_for
from mockpost.testing import Mockpost

T0 = "2030-03-04T09:00:00Z"
AUTH_A = {"Authorization": "Bearer fuzz-tenant-a"}
AUTH_B = {"Authorization": "Bearer fuzz-tenant-b"}
ERROR_KEYS = {"status", "error", "message", "details"}


def _openapi() -> dict[str, Any]:
    with Mockpost(seed=1) as mock:
        document: dict[str, Any] = mock.client("inpost").get("/openapi.json").json()
        return document


OPENAPI = _openapi()
ROUTES = [(m.upper(), p) for p, ops in OPENAPI["paths"].items() for m in ops]
OPS = {(m.upper(), p): op for p, ops in OPENAPI["paths"].items() for m, op in ops.items()}
SCHEMAS = OPENAPI["components"]["schemas"]


def body_fields(route: tuple[str, str]) -> list[str]:
    op = OPS[route]
    if "requestBody" not in op:
        return []
    schema = next(iter(op["requestBody"]["content"].values()))["schema"]
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


@dataclass
class Case:
    route: tuple[str, str]
    category: str
    label: str
    method: str = ""
    params: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    headers: dict[str, str] | None = None

    @property
    def id(self) -> str:
        return f"{self.route[0]} {self.route[1]} [{self.category}:{self.label}]"


TYPED_JUNK: list[tuple[str, Any]] = [
    ("null", None),
    ("true", True),
    ("max-double", 1.7976931348623157e308),
    ("string", "junk\u0000\u202e"),
    ("long-string", "x" * 5000),
    ("array", [1, "a", None, {"b": []}]),
    ("object", {"a": {"b": [1]}}),
]
GARBAGE: list[tuple[str, bytes]] = [
    ("open-brace", b"{"),
    ("nan", b'{"a": NaN}'),
    ("invalid-utf8", b'{"a": "\xff"}'),
    ("null", b"null"),
    ("number", b"0"),
    ("string", b'"x"'),
    ("array", b"[]"),
    ("deep", b"[" * 3000 + b"]" * 3000),
    ("huge-string", json.dumps("x" * 200_000).encode()),
    ("empty-object", b"{}"),
]
PATH_JUNK = [
    "0",
    "99999999999999999999",
    "a" * 2048,
    "%00",
    "..%2F..%2Fv1",
    quote("żółw-\U0001f4a5"),
]
QUERY_JUNK = [
    "",
    "-1",
    "NaN",
    "x" * 3000,
    "\u202e\u0000",
    "a,b,,",
    "99999999999999999999",
]
BAD_AUTH = [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic eDp5"},
    {"Authorization": "\tBearer"},
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def cases() -> Iterator[Case]:
    for route in ROUTES:
        path = route[1]
        op = OPS[route]
        public = op.get("security") == []
        fields = body_fields(route)
        if fields:
            for label, raw in GARBAGE:
                yield Case(route, "body", label, body=raw)
            for name in fields:
                for label, value in TYPED_JUNK:
                    yield Case(route, "fields", f"{name}={label}", body=json.dumps({name: value}).encode())
        for param in [p["name"] for p in op["parameters"] if p["in"] == "path"]:
            for index, junk in enumerate(PATH_JUNK):
                yield Case(route, "path", f"{param}#{index}", params={param: junk})
            yield Case(route, "path", f"{param}=other-tenant", params={param: f"@B:{param}"})
        for param in [p["name"] for p in op["parameters"] if p["in"] == "query"]:
            for index, junk in enumerate(QUERY_JUNK):
                yield Case(route, "query", f"{param}#{index}", query=[(param, junk)])
        allowed = {m.upper() for m in OPENAPI["paths"][path]}
        for other in METHODS:
            if other not in allowed:
                yield Case(route, "method", other, method=other)
        if not public:
            for index, headers in enumerate(BAD_AUTH):
                yield Case(route, "auth", str(index), headers=headers)


CASES = list(cases())


def dump(mock: Mockpost, auth: dict[str, str]) -> Any:
    """The tenant's whole state, straight from the provider (no HTTP round trip per case)."""
    tenant = tenant_id_for("inpost", "bearer:" + auth["Authorization"].split(" ", 1)[1])
    return mock.sandbox.providers["inpost"].dump(tenant)


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    with Mockpost(seed=5) as mock:
        mock.clock.freeze(T0)
        ids: dict[str, dict[str, str]] = {}
        for tenant, auth in (("A", AUTH_A), ("B", AUTH_B)):
            client = mock.client("inpost", headers=auth)
            org = client.get("/v1/organizations").json()["items"][0]["id"]
            base = f"/v1/organizations/{org}"
            confirmed = client.post(base + "/shipments", json=courier_body()).json()["id"]
            mock.clock.advance(60)
            created = client.post(base + "/shipments", json=locker_body()).json()["id"]
            order = client.post(base + "/dispatch_orders", json={"shipments": [confirmed]}).json()["id"]
            number = client.get(f"/v1/shipments/{confirmed}").json()["tracking_number"]
            ids[tenant] = {
                "organization_id": str(org),
                "shipment_id": str(created),
                "dispatch_order_id": str(order),
                "tracking_number": number,
                "name": "KRA010",
            }
        yield {"mock": mock, "ids": ids}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fuzz_route(world, case):
    mock: Mockpost = world["mock"]
    ids = world["ids"]
    path = case.route[1]
    for name in [p for p in ids["A"] if "{" + p + "}" in path]:
        value = case.params.get(name, ids["A"][name])
        if value.startswith("@B:"):
            value = ids["B"][value[3:]]
        path = path.replace("{" + name + "}", value)
    headers = dict(AUTH_A if case.headers is None else case.headers)
    if case.body is not None:
        headers["Content-Type"] = "application/json"
    client = mock.client("inpost")
    before_a, before_b = dump(mock, AUTH_A), dump(mock, AUTH_B)
    response = client.request(
        case.method or case.route[0], path, params=case.query or None, content=case.body, headers=headers
    )
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == ERROR_KEYS, body
        assert body["status"] == response.status_code and isinstance(body["details"], dict)
        assert dump(mock, AUTH_A) == before_a
    if case.category == "auth":
        assert response.status_code == 401 and response.json()["error"] == "token_invalid"
    if case.category == "method":
        assert response.status_code == 405
    assert dump(mock, AUTH_B) == before_b
    assert response.headers.get("x-request-id")
