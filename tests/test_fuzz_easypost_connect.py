"""Fuzz every route of the EasyPost Connect mock (/easypost-connect) with bad input.

The route table comes from the provider's own OpenAPI document, so a new route is fuzzed as soon as
it is served. Per route: garbage and wrong-typed bodies, each documented body field wrong-typed or
missing, junk path ids, junk query values, bad credentials, undocumented methods. Every answer must
be below 500, in NestJS's error shape when it is an error, and a 4xx must leave the calling
account's state (and any other account's) exactly as it was. Deterministic: fixed seed, frozen clock.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

PROVIDER = "easypost-connect"
KEY_A, KEY_B = {"x-api-key": "fuzz-a"}, {"x-api-key": "fuzz-b"}
ERROR_KEYS = {"statusCode", "message", "error"}
PARAM = re.compile(r"{([^}]+)}")


def _openapi() -> dict[str, Any]:
    with Mockpost(seed=3) as m:
        document: dict[str, Any] = m.client(PROVIDER).get("/openapi.json").json()
        return document


OPENAPI = _openapi()
SCHEMAS = OPENAPI["components"]["schemas"]
ROUTES = [
    (method.upper(), path, op)
    for path, ops in OPENAPI["paths"].items()
    for method, op in ops.items()
    if not path.startswith(("/uploads", "/downloads"))
]


class World:
    """Tenant A with one of everything; tenant B with its own job."""

    def __init__(self) -> None:
        self.m = Mockpost(seed=3)
        self.m.clock.freeze("2030-03-04T09:00:00Z")
        self.a = self.m.client(PROVIDER, headers=KEY_A)
        self.b = self.m.client(PROVIDER, headers=KEY_B)
        flows = {w["inputSource"]: w for w in reversed(self.a.get("/workflows").json()) if w["enabled"]}
        self.ids: dict[str, str] = {
            "wf_single": flows["SINGLE_FILE"]["id"],
            "wf_pdf": flows["PAYLOAD_PDF"]["id"],
            "wf_word": flows["PAYLOAD_WORD"]["id"],
        }
        job = self.a.post(
            "/jobs/payload-pdf",
            json={
                "workflowId": self.ids["wf_pdf"],
                "jobName": "j",
                "filename": "a.pdf",
                "payload": {"channelIdentifiers": [{"kind": "EMAIL_ADDRESS", "value": "a@example.be"}]},
            },
        ).json()
        self.m.client().put(job["fileUploadUrl"], content=make_pdf([["x"]]))
        self.m.clock.advance(duration="7d")
        event = self.a.get("/sending-events").json()[0]
        doc = (
            self.m.client()
            .post(
                "/_mockpost/easypost-connect/peppol-incoming-documents",
                json={"senderId": "0208:0123456789"},
                headers=KEY_A,
            )
            .json()
        )
        company = self.a.post("/companies", json={"name": "Client"}).json()
        department = self.a.post("/departments", json={"name": "Finance"}).json()
        user = self.a.post("/users", json={"email": "u@example.be", "firstName": "U", "lastName": "V"}).json()
        hook = self.a.post(
            "/webhooks",
            json={"name": "h", "url": self.m.inbox_url("h"), "eventTypes": ["job.status.changed"]},
        ).json()
        self.b.post(
            "/jobs/single-file",
            json={
                "workflowId": self.b.get("/workflows").json()[0]["id"],
                "jobName": "b",
                "filename": "b.pdf",
            },
        )
        self.ids.update(
            job=job["id"],
            event=event["id"],
            doc=doc["id"],
            sender=doc["senderId"],
            company=company["id"],
            department=department["id"],
            user=user["id"],
            hook=hook["id"],
        )
        self.path_ids = {
            "/jobs": job["id"],
            "/sending-events": event["id"],
            "/workflows": flows["SINGLE_FILE"]["id"],
            "/companies": company["id"],
            "/departments": department["id"],
            "/users": user["id"],
            "/webhooks": hook["id"],
            "/peppol-incoming-documents": doc["id"],
        }
        self.base = self.dumps()
        self.snapshot = self.m.sandbox.store.snapshot()

    def dumps(self) -> dict[str, Any]:
        provider = self.m.sandbox.providers[PROVIDER]
        tenants = {t: s for t, s in self.m.sandbox.store.tenants(PROVIDER)}
        return {t: json.dumps(provider.dump(t), sort_keys=True) for t in tenants}

    def restore(self) -> None:
        self.m.sandbox.store.restore(self.snapshot)

    def fill(self, path: str, override: dict[str, str] | None = None) -> str:
        """The route's path with this world's ids in it (or the overrides, already url-encoded)."""
        first = "/" + path.split("/")[1]

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if override and name in override:
                return override[name]
            if name == "senderId":
                return quote(self.ids["sender"], safe="")
            if name == "fileReference":
                return "SUBMISSION_REPORT"
            return self.path_ids[first]

        return PARAM.sub(value, path)

    def body(self, method: str, path: str) -> dict[str, Any]:
        ids = self.ids
        identifiers = [{"kind": "EMAIL_ADDRESS", "value": "a@example.be"}]
        return {
            ("POST", "/jobs/single-file"): {
                "workflowId": ids["wf_single"],
                "jobName": "j",
                "filename": "a.pdf",
                "sendingEventExecutionDateUtc": "2030-03-20T00:00:00Z",
            },
            ("POST", "/jobs/payload-pdf"): {
                "workflowId": ids["wf_pdf"],
                "jobName": "j",
                "filename": "a.pdf",
                "sendingEventExecutionDateUtc": "2030-03-20T00:00:00Z",
                "payload": {"channelIdentifiers": identifiers},
            },
            ("POST", "/jobs/payload-word"): {
                "workflowId": ids["wf_word"],
                "jobName": "j",
                "filename": "a.docx",
                "sendingEventExecutionDateUtc": "2030-03-20T00:00:00Z",
                "payload": {"channelIdentifiers": identifiers, "templateData": {"a": 1}},
                "templateData": {"b": 2},
            },
            ("POST", "/companies"): {
                "name": "C",
                "vatNumber": "BE1",
                "companyIdentificationNumber": "1",
                "email": "c@example.be",
                "phoneNumber": "+32",
                "language": "nl",
                "address": {
                    "street": "s",
                    "streetNumber": "1",
                    "box": "b",
                    "postalCode": "1000",
                    "city": "Brussels",
                    "countryCode": "BE",
                },
                "peppolParticipantId": "0208:1",
            },
            ("PATCH", "/companies/{id}"): {"name": "C2", "email": "d@example.be"},
            ("POST", "/departments"): {"name": "D", "description": "d"},
            ("PATCH", "/departments/{id}"): {"name": "D2"},
            ("POST", "/users"): {
                "email": "n@example.be",
                "firstName": "N",
                "lastName": "M",
                "language": "fr",
                "role": "ADMIN",
                "departmentIds": [ids["department"]],
                "active": True,
            },
            ("PATCH", "/users/{id}"): {"firstName": "X"},
            ("POST", "/webhooks"): {
                "name": "w",
                "url": "https://erp.example.be/h",
                "eventTypes": ["job.status.changed"],
            },
            ("PATCH", "/webhooks/{id}"): {"name": "w2"},
            ("POST", "/webhooks/{id}/test"): {"eventType": "job.status.changed"},
            ("POST", "/oauth2/token"): {
                "grant_type": "client_credentials",
                "client_id": "a",
                "client_secret": "b",
            },
        }.get((method, path), {})


@pytest.fixture(scope="module")
def world() -> Any:
    w = World()
    yield w
    w.m.close()


def schema_props(op: dict[str, Any]) -> dict[str, Any]:
    content = op.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema.get("properties", {})


JUNK_VALUES: list[Any] = [
    None,
    True,
    1.7976931348623157e308,
    "junk",
    [1, "a", None],
    {"a": {"b": [1]}},
    "",
    "x" * 70_000,
    "\u202e\u0000\ud7ff",
    2**64,
]
GARBAGE = [
    b"{",
    b"NaN",
    b'{"a": 1e400}',
    b'{"a": "\\ud800"}',
    b'{"a": "\xff\xfe"}',
    b"\x00",
    b"[" * 2000 + b"]" * 2000,
    b"null",
    b"0",
    b"[]",
    b'"s"',
    b"{}",
]
PATH_JUNK = [
    "00000000-0000-4000-8000-000000000000",
    "a" * 4096,
    "%00",
    "..%2F..%2Fjobs",
    "%FF%FE",
    "%0D%0AX:%201",
    quote("\u00e5\U0001f4a5"),
    quote("\u00b2"),
]
QUERY_JUNK = [
    "",
    "\u00b2",
    "\u0663",
    "NaN",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+01:00",
    "2030-02-30",
    "x" * 4096,
    "\u202e\u00e5",
    "[]",
    "-1",
    "0",
    "101",
    "1e3",
]
BAD_AUTH: list[dict[str, str]] = [
    {},
    {"x-api-key": ""},
    {**KEY_A, "Authorization": "Bearer nope"},
    {**KEY_A, "Authorization": "Basic !!"},
    {**KEY_A, "x-managed-company-id": "nope"},
    {**KEY_A, "x-managed-company-id": "a" * 4096},
]


def cases_for(world: World, method: str, path: str, op: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    url = world.fill(path)
    base = world.body(method, path)
    is_form = path == "/oauth2/token"
    found: list[tuple[str, dict[str, Any]]] = []
    if "requestBody" in op and not is_form:
        for raw in GARBAGE:
            found.append((f"garbage {raw[:12]!r}", {"url": url, "content": raw}))
        for name in schema_props(op):
            for value in JUNK_VALUES:
                found.append(
                    (f"field {name}={str(value)[:20]!r}", {"url": url, "json": {**base, name: value}})
                )
            if name in base:
                found.append(
                    (f"missing {name}", {"url": url, "json": {k: v for k, v in base.items() if k != name}})
                )
            if isinstance(base.get(name), dict):
                for key in base[name]:
                    for value in JUNK_VALUES[:6]:
                        inner = {**base[name], key: value}
                        found.append((f"nested {name}.{key}", {"url": url, "json": {**base, name: inner}}))
    if is_form:
        for raw in [b"", b"grant_type=client_credentials&client_id=%FF", b"\x00\xff", b"a=" + b"b" * 70_000]:
            found.append(
                (
                    f"form {raw[:12]!r}",
                    {
                        "url": url,
                        "content": raw,
                        "headers": {"content-type": "application/x-www-form-urlencoded"},
                    },
                )
            )
        found.append(
            ("json form", {"url": url, "content": b"[1]", "headers": {"content-type": "application/json"}})
        )
    for name in PARAM.findall(path):
        for junk in PATH_JUNK:
            found.append((f"path {name}={junk[:12]}", {"url": world.fill(path, {name: junk})}))
    for param in op.get("parameters", []):
        if param["in"] == "query":
            for junk in QUERY_JUNK:
                found.append(
                    (f"query {param['name']}={junk[:12]!r}", {"url": url, "params": {param["name"]: junk}})
                )
    if path not in ("/health", "/oauth2/token"):
        for headers in BAD_AUTH:
            found.append((f"auth {sorted(headers)}", {"url": url, "auth": headers}))
    return found


def check(world: World, method: str, label: str, spec: dict[str, Any]) -> list[str]:
    client = world.m.client(PROVIDER)
    headers = dict(spec.get("auth", KEY_A))
    headers.update(spec.get("headers", {}))
    try:
        if "json" in spec:
            response = client.request(method, spec["url"], json=spec["json"], headers=headers)
        else:
            response = client.request(
                method, spec["url"], content=spec.get("content"), params=spec.get("params"), headers=headers
            )
    except Exception as exc:  # the in-process transport re-raises a crash
        world.restore()
        return [f"{method} {spec['url'][:80]} [{label}]: raised {type(exc).__name__}: {str(exc)[:200]}"]
    problems = []
    where = f"{method} {spec['url'][:80]} [{label}] -> {response.status_code} {response.text[:200]}"
    if response.status_code >= 500:
        problems.append(f"{where}: server error")
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not set(body) >= ERROR_KEYS or not body["message"]:
            problems.append(f"{where}: not the NestJS error shape")
    after = world.dumps()
    if 400 <= response.status_code < 500 and after != world.base:
        problems.append(f"{where}: a 4xx changed state")
    if after != world.base:
        world.restore()
    return problems


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p, _ in ROUTES], ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_fuzz_route(world: World, method: str, path: str) -> None:
    op = next(o for m, p, o in ROUTES if (m, p) == (method, path))
    problems: list[str] = []
    for label, spec in cases_for(world, method, path, op):
        problems += check(world, method, label, spec)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:20])


def test_base_requests_succeed(world: World) -> None:
    for method, path, _op in ROUTES:
        url = world.fill(path)
        client = world.m.client(PROVIDER)
        if path == "/oauth2/token":
            response = client.post(url, data=world.body(method, path))
        else:
            response = client.request(method, url, json=world.body(method, path) or None, headers=KEY_A)
        assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text[:300]}"
        world.restore()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "BREW"])
def test_undocumented_methods_are_405(world: World, method: str) -> None:
    response = world.m.client(PROVIDER).request(method, "/jobs", headers=KEY_A)
    assert response.status_code == 405 and set(response.json()) == ERROR_KEYS


def test_signed_url_routes_refuse_junk(world: World) -> None:
    client = world.m.client(PROVIDER)
    for url in [
        "/uploads/a/b/c",
        "/uploads/a/b/c?expires=1&signature=x",
        "/uploads/a/b/c?expires=x&signature=y",
        "/downloads/a/b/sending-events/c/EPOD?expires=99999999999&signature=" + "0" * 64,
        "/downloads/a/b/peppol/c?expires=" + "9" * 40 + "&signature=x",
        "/downloads/x/y/peppol/z?expires=9999999999&signature=%C3%A9",
        "/uploads/a/b/c?expires=%C2%B2&signature=x",
    ]:
        method = "PUT" if url.startswith("/uploads") else "GET"
        response = client.request(method, url, content=b"x" if method == "PUT" else None)
        assert response.status_code == 403 and set(response.json()) == ERROR_KEYS, url
    assert world.dumps() == world.base


CONTROL = "/_mockpost/easypost-connect"
CONTROL_ROUTES = [
    ("POST", f"{CONTROL}/peppol-incoming-documents"),
    ("PATCH", f"{CONTROL}/peppol-incoming-documents/@doc"),
    ("POST", f"{CONTROL}/workflows"),
]
CONTROL_JUNK: list[Any] = [
    [],
    "s",
    None,
    {"senderId": 1},
    {"senderId": "nope"},
    {"createdAt": "9999-12-31T23:59:59-23:59"},
    {"amount": -1},
    {"amount": 1e400},
    {"xml": ""},
    {"currency": "euro"},
    {"lastModifiedAt": "soon"},
    {"inputSource": "FAX"},
    {"tasks": "EMAIL"},
    {"tasks": [1, None]},
    {"pagesPerSendingEvent": "x"},
    {"acceptedFileTypes": 5},
    {"name": {"a": 1}},
]


@pytest.mark.parametrize(("method", "path"), CONTROL_ROUTES)
def test_fuzz_control_routes(world: World, method: str, path: str) -> None:
    """The provider's own control routes: junk bodies and bad credentials give a 4xx, never a 5xx,
    and change nothing."""
    client = world.m.client()
    url = path.replace("@doc", world.ids["doc"])
    problems = []
    bodies = [json.dumps(value).encode() for value in CONTROL_JUNK] + [b"{", b"\x00", b"[" * 2000]
    for headers in [KEY_A, {}, {"x-api-key": " "}, {**KEY_A, "x-managed-company-id": "nope"}]:
        for body in bodies if headers is KEY_A else [b"{}"]:
            response = client.request(
                method, url, content=body, headers={**headers, "content-type": "application/json"}
            )
            where = f"{method} {url} {body[:40]!r} {headers} -> {response.status_code} {response.text[:200]}"
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
            if 400 <= response.status_code < 500 and world.dumps() != world.base:
                problems.append(f"{where}: a 4xx changed state")
            if world.dumps() != world.base:
                world.restore()
    assert not problems, "\n".join(problems[:20])
