"""Fuzz-style robustness tests for every route of the InPost ShipX mock (/inpost).

The route table comes from the provider's own OpenAPI document, so a new route is fuzzed as soon as
it is served. Per route, a deterministic corpus of bad requests:

  body       garbage bodies (invalid JSON, every wrong JSON type, deep nesting, huge strings)
  fields     each documented body field replaced by junk of every JSON type, alone and inside a
             valid body
  nested     junk inside the nested objects of a valid shipment (receiver, address, parcels, ...)
  path       unknown, malformed, very long and url-encoded junk ids, and another tenant's ids
  query      junk for every documented query parameter
  method     every undocumented method on the route's path (405)
  auth       missing and malformed Authorization headers (401 token_invalid) on token routes
  read_only  every change by a token defined read-only (403 forbidden)

Every answer must be below 500; every non-2xx must be ShipX's `{status, error, message, details}`;
a 4xx must leave the caller's state unchanged; another tenant's state never changes. Cases run
grouped per route and category; a known bug's cases would form their own strict-xfail group.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fuzz_support import deep_array, deep_object, group_cases, group_params, jbody, route_key
from inpost_support import courier_body, locker_body

from mockpost.core.tenancy import tenant_id_for
from mockpost.testing import Mockpost

T0 = "2030-03-04T09:00:00Z"
AUTH_A = {"Authorization": "Bearer fuzz-tenant-a"}
AUTH_B = {"Authorization": "Bearer fuzz-tenant-b"}
AUTH_READER = {"Authorization": "Bearer fuzz-reader"}
ERROR_KEYS = {"status", "error", "message", "details"}
CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _openapi() -> dict[str, Any]:
    with Mockpost(seed=1) as mock:
        document: dict[str, Any] = mock.client("inpost").get("/openapi.json").json()
        return document


OPENAPI = _openapi()
ROUTES = [(m.upper(), p) for p, ops in OPENAPI["paths"].items() for m in ops]
OPS = {(m.upper(), p): op for p, ops in OPENAPI["paths"].items() for m, op in ops.items()}
SCHEMAS = OPENAPI["components"]["schemas"]
CREATE_SHIPMENT = ("POST", "/v1/organizations/{organization_id}/shipments")


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
    def key(self) -> tuple[str, str, str]:
        return (route_key(self.route), self.category, self.label)

    @property
    def id(self) -> str:
        return f"{route_key(self.route)} [{self.category}:{self.label}]"


TYPED_JUNK: list[tuple[str, Any]] = [
    ("null", None),
    ("true", True),
    ("max-double", 1.7976931348623157e308),
    ("negative", -1),
    ("string", "junk\u0000\u202e"),
    ("long-string", "x" * 5000),
    ("array", [1, "a", None, {"b": []}]),
    ("object", {"a": {"b": [1]}}),
    ("deep", deep_object(300)),
]
GARBAGE: list[tuple[str, bytes]] = [
    ("open-brace", b"{"),
    ("nan", b'{"a": NaN}'),
    ("invalid-utf8", b'{"a": "\xff"}'),
    ("null", b"null"),
    ("number", b"0"),
    ("string", b'"x"'),
    ("array", b"[]"),
    ("too-deep", b"[" * 3000 + b"]" * 3000),
    ("deep-array", jbody(deep_array(500))),
    ("deep-object", jbody(deep_object(300))),
    ("huge-string", jbody("x" * 200_000)),
    ("empty-object", b"{}"),
]
# Nested objects of a shipment, each with the fields ShipX validates inside it.
NESTED = {
    "receiver": ("first_name", "email", "phone", "company_name", "address"),
    "sender": ("email", "phone", "address"),
    "custom_attributes": ("target_point", "sending_method", "dropoff_point", "dispatch_order_id"),
    "cod": ("amount", "currency"),
    "insurance": ("amount", "currency"),
}
PARCEL_FIELDS = ("template", "dimensions", "weight", "is_non_standard", "id")
PATH_JUNK = [
    "0",
    "99999999999999999999",
    "a" * 2048,
    "%00",
    "..%2F..%2Fv1",
    quote("żółw-\U0001f4a5"),
    quote("\u00b2"),
]
QUERY_JUNK = [
    "",
    "-1",
    "NaN",
    "x" * 3000,
    "\u202e\u0000",
    "a,b,,",
    "99999999999999999999",
    "\u00b2",
    "1,\u00b2",
]
BAD_AUTH = [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic eDp5"},
    {"Authorization": "\tBearer"},
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _nested_cases(route: tuple[str, str]) -> Iterator[Case]:
    """Junk one level down in an otherwise valid courier shipment (every object ShipX nests)."""
    base = courier_body(sender={"email": "s@example.pl"}, cod={"amount": 10, "currency": "PLN"})
    for name, inner in NESTED.items():
        for part in inner:
            for label, value in TYPED_JUNK:
                body = {**base, name: {**(base.get(name) or {}), part: value}}
                yield Case(route, "nested", f"{name}.{part}={label}", body=jbody(body))
    for part in PARCEL_FIELDS:
        for label, value in TYPED_JUNK:
            parcels = [{**base["parcels"][0], part: value}]
            yield Case(route, "nested", f"parcels.{part}={label}", body=jbody({**base, "parcels": parcels}))
    for part in ("length", "width", "height", "unit"):
        for label, value in TYPED_JUNK:
            parcel = {**base["parcels"][0], "dimensions": {**base["parcels"][0]["dimensions"], part: value}}
            yield Case(
                route, "nested", f"dimensions.{part}={label}", body=jbody({**base, "parcels": [parcel]})
            )


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
                    yield Case(route, "fields", f"{name}={label}", body=jbody({name: value}))
        if route == CREATE_SHIPMENT:
            for name in fields:
                for label, value in TYPED_JUNK:
                    body = jbody({**locker_body(), name: value})
                    yield Case(route, "fields", f"valid+{name}={label}", body=body)
            yield from _nested_cases(route)
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
            if route[0] in CHANGING:
                body = jbody(locker_body()) if fields else None
                yield Case(route, "read_only", "reader", headers=AUTH_READER, body=body)


CASES = list(cases())
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}
GROUPS, GROUP_BUGS = group_cases(CASES, KNOWN_BUGS)


def dump(mock: Mockpost, auth: dict[str, str]) -> Any:
    """The tenant's whole state, straight from the provider (no HTTP round trip per case)."""
    tenant = tenant_id_for("inpost", "bearer:" + auth["Authorization"].split(" ", 1)[1])
    return mock.sandbox.providers["inpost"].dump(tenant)


READER_FIXTURES = """\
inpost:
  accounts:
    - token: fuzz-reader
      read_only: true
      organizations:
        - id: 777
          shipments:
            - {status: confirmed, request: %s}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    fixtures: Path = tmp_path_factory.mktemp("inpost") / "reader.yaml"
    fixtures.write_text(READER_FIXTURES % json.dumps(locker_body()))
    with Mockpost(seed=5, fixtures=[fixtures]) as mock:
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
        reader = mock.client("inpost", headers=AUTH_READER)
        shipment = reader.get("/v1/organizations/777/shipments").json()["items"][0]["id"]
        ids["reader"] = {**ids["A"], "organization_id": "777", "shipment_id": str(shipment)}
        yield {"mock": mock, "ids": ids}


def run_case(mock: Mockpost, ids: dict[str, dict[str, str]], case: Case) -> str | None:
    """What is wrong with the answer to one case, or None."""
    own = ids["reader"] if case.category == "read_only" else ids["A"]
    path = case.route[1]
    for name in [p for p in own if "{" + p + "}" in path]:
        value = case.params.get(name, own[name])
        if value.startswith("@B:"):
            value = ids["B"][value[3:]]
        path = path.replace("{" + name + "}", value)
    headers = dict(AUTH_A if case.headers is None else case.headers)
    if case.body is not None:
        headers["Content-Type"] = "application/json"
    caller = AUTH_READER if case.category == "read_only" else AUTH_A
    before_caller, before_b = dump(mock, caller), dump(mock, AUTH_B)
    response = mock.client("inpost").request(
        case.method or case.route[0], path, params=case.query or None, content=case.body, headers=headers
    )
    problems = []
    if response.status_code >= 500:
        problems.append(f"{response.status_code}: {response.text[:300]}")
    if response.status_code >= 400:
        body = response.json()
        if set(body) != ERROR_KEYS or body["status"] != response.status_code:
            problems.append(f"not ShipX's error envelope: {body}")
        elif not isinstance(body["details"], dict):
            problems.append(f"details is not an object: {body}")
        if dump(mock, caller) != before_caller:
            problems.append(f"a {response.status_code} changed the caller's state")
    expected = {"auth": (401, "token_invalid"), "method": (405, None), "read_only": (403, "forbidden")}
    if case.category in expected:
        status, error = expected[case.category]
        if response.status_code != status or (error and response.json().get("error") != error):
            problems.append(
                f"expected {status} {error or ''}, got {response.status_code} {response.text[:200]}"
            )
    if dump(mock, AUTH_B) != before_b:
        problems.append("another tenant's state changed")
    if not response.headers.get("x-request-id"):
        problems.append("no X-Request-ID")
    return f"{case.id}: {'; '.join(problems)}" if problems else None


def test_every_route_is_fuzzed_in_every_category_it_has():
    covered = {(route_key(c.route), c.category) for c in CASES}
    for route in ROUTES:
        op = OPS[route]
        wanted = {"path"} if any(p["in"] == "path" for p in op["parameters"]) else set()
        if op.get("security") != []:
            wanted |= {"auth"} | ({"read_only"} if route[0] in CHANGING else set())
        if body_fields(route):
            wanted |= {"body", "fields"}
        if any(p["in"] == "query" for p in op["parameters"]):
            wanted.add("query")
        for category in wanted:
            assert (route_key(route), category) in covered, f"{route_key(route)} has no {category} cases"
    assert len(ROUTES) >= 25


def test_known_bugs_name_generated_cases():
    keys = {case.key for case in CASES}
    assert not [key for key in KNOWN_BUGS if key not in keys]


@pytest.mark.parametrize("group", group_params(GROUPS, GROUP_BUGS))
def test_fuzz_route(world, group):
    problems = [p for case in GROUPS[group] if (p := run_case(world["mock"], world["ids"], case))]
    assert not problems, "\n".join(problems[:10])
