"""Fuzz-style robustness tests for every route of the control plane (/_mockpost).

The route table is read from /_mockpost/openapi.json at collection time. For each route a
deterministic corpus of bad requests is generated, per category:

  body      garbage bodies: invalid JSON, JSON of every wrong type, huge, deep, unicode, NaN-like
  fields    each documented body field (from the OpenAPI schema) wrong-typed or junk, missing, extra
  path      path parameters that are unknown, malformed, very long, url-encoded junk
  query     junk values for every documented query parameter
  method    every undocumented HTTP method on the route's path (405)
  auth      wrong and missing provider credentials, on the routes that take them
  too_large a body over the size limit (413), see test_body_over_limit_*

Every request is checked for: no exception out of the app (the in-process transport re-raises the
app's exception on a 5xx), no 5xx, the control plane's envelope {"error", "detail"} on every
non-2xx with a non-empty "error" (naming the field for a wrong-typed or missing one), no change to
the sandbox (both tenants' Ekopost state, clock, faults, inboxes, webhook deliveries, pending work)
when the answer is a 4xx, and no change to another tenant's state from a tenant-scoped route.

Known application bugs are listed in KNOWN_BUGS: their inputs are taken out of the bulk cases and
run as one test case per bug, route and category, marked xfail(strict=True), so the suite stays
green while the bug exists and turns red once it is fixed (remove the entries then).
Everything is deterministic: no randomness, a fixed seed, a frozen clock.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fuzz_support import (
    accepts,
    deep_array,
    deep_object,
    group_cases,
    group_params,
    jbody,
    json_type,
    route_key,
)

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

PREFIX = "/_mockpost"
PROVIDER = "ekopost"
T0 = "2030-03-04T09:00:00Z"
KEY_A, KEY_B = "fuzz-control-tenant-a", "fuzz-control-tenant-b"
AUTH_A = {"Authorization": f"api-key {KEY_A}"}
AUTH_B = {"Authorization": f"api-key {KEY_B}"}
ENVELOPE_KEYS = {"error", "detail"}
SMALL_LIMIT_MB = 0.01  # Mockpost(max_body_mb=0.01): 10,485 bytes
HUGE = 1 << 20  # ~1 MB strings
INBOX = "fuzz-inbox"


# --------------------------------------------------------------------------------------------------
# the route table, from the served OpenAPI document
# --------------------------------------------------------------------------------------------------
def _load_openapi() -> dict[str, Any]:
    with Mockpost(seed=1) as m:
        document: dict[str, Any] = m.client().get(f"{PREFIX}/openapi.json").json()
        # Other providers' own control routes take those providers' credentials: their suites fuzz them.
        others = tuple(f"/{name}/" for name in m.sandbox.providers if name != PROVIDER)
        document["paths"] = {p: ops for p, ops in document["paths"].items() if not p.startswith(others)}
        # The console's live feed never ends, so it has no answer to check; test_console_api covers it.
        document["paths"].pop("/events")
        return document


OPENAPI = _load_openapi()
SCHEMAS: dict[str, Any] = OPENAPI.get("components", {}).get("schemas", {})
ROUTES: list[tuple[str, str]] = [
    (method.upper(), path) for path, operations in OPENAPI["paths"].items() for method in operations
]
ROUTE_OPS: dict[tuple[str, str], dict[str, Any]] = {
    (method.upper(), path): operation
    for path, operations in OPENAPI["paths"].items()
    for method, operation in operations.items()
}
PATH_PARAM = re.compile(r"{([^}]+)}")
BODY_ROUTES = {key for key, op in ROUTE_OPS.items() if "requestBody" in op}
# Routes that read a body although they document none: the inbox stores whatever it is sent.
RAW_BODY_ROUTES = {("POST", "/inbox/{name}")}
# Routes that authenticate with the provider's credentials and act on the caller's tenant.
TENANT_ROUTES = {
    ("GET", "/state/{provider}"),
    ("POST", "/{provider}/transition"),
    ("PUT", f"/{PROVIDER}/webhook"),
    ("GET", f"/{PROVIDER}/webhook"),
    ("DELETE", f"/{PROVIDER}/webhook"),
    ("PUT", f"/{PROVIDER}/account"),
}
# Which value fills each path parameter in an otherwise valid request ("@name" = an id of the world).
PARAM_TARGET = {
    "fault_id": "@fault",
    "delivery_id": "@delivery",
    "name": INBOX,
    "provider": PROVIDER,
    "account": KEY_A,  # an account is named by its id, label or credential
    "kind": "campaign",
    "id": "@c1",
    "entry_id": "@entry",  # the newest journal entry (see World.journal_entry)
    "index": "0",
    "page": "1",
}
# Routes whose well-formed request is still refused here, with the documented status: no Ekopost kind
# can be deleted through its API (campaigns and envelopes are cancelled instead).
REFUSED_WHEN_VALID = {("DELETE", "/accounts/{provider}/{account}/objects/{kind}/{id}"): 405}
# Documents are an envelope's: a campaign holds none.
DOCUMENT_TARGET = {"kind": "envelope", "id": "@e1"}
# Path parameters that name something that must exist (junk there is a 4xx); inbox names are free.
ID_PARAMS = {"fault_id", "delivery_id", "provider", "account", "kind", "id", "entry_id", "index", "page"}


# A valid body per body-taking route. "@c1@" is replaced by tenant A's first campaign id.
BASE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/scenarios"): {
        "mockpost": 1,
        "name": "fuzz",
        "description": "a world for the fuzzer",
        "providers": [PROVIDER],
        "random_seed": 1,
        "clock": {"start": "2030-03-04T09:00:00Z", "frozen": True},
        "accounts": {PROVIDER: {"fuzz": {"api_key": "fuzz-scenario-key"}}},
        "seed": {},
        "rules": [],
        "faults": [],
        "variables": {},
        "steps": [],
    },
    ("POST", "/clock/freeze"): {"at": "@now@"},
    ("POST", "/clock/set"): {"at": "@now@"},
    ("POST", "/clock/advance"): {"seconds": 0},  # exactly one of seconds/duration
    ("POST", "/journal/verify"): {
        "provider": PROVIDER,
        "method": "GET",
        "path": "/ekopost/__never__",
        "status": 200,
        "count": 0,
    },
    ("POST", "/faults"): {
        "provider": PROVIDER,
        "method": "GET",
        "path": "/__never__/fuzz",
        "latency_ms": 0,
        "status": 503,
        "body": {"error": "fuzz"},
        "headers": {"X-Fuzz": "1"},
        "action": "respond",
        "times": 1,
        "probability": 1.0,
    },
    ("POST", "/{provider}/transition"): {
        "resource": "campaign",
        "id": "@c1@",
        "state": "cancelled",
        "reason": "x",
    },
    ("PUT", f"/{PROVIDER}/webhook"): {"url": "http://mockpost/_mockpost/inbox/other-hook", "secret": "s"},
    ("PUT", f"/{PROVIDER}/account"): {"credit_limit": 1000, "unreachable": ["198001010000"]},
    ("POST", "/snapshot"): {  # one provider with no accounts: restoring it empties that provider
        "mockpost_snapshot": 1,
        "mockpost_version": "fuzz",
        "taken_at": T0,
        "seed": 1,
        "scope": {"provider": PROVIDER, "account": None},
        "clock": None,
        "providers": {},
        "skipped": {},
        "timers": [],
        "outbox": None,
        "faults": None,
        "journal": None,
        "inboxes": None,
    },
}
# Documented fields a valid body cannot hold together: field -> the base fields it replaces.
EXCLUSIVE_FIELDS: dict[tuple[str, str], dict[str, set[str]]] = {
    ("POST", "/clock/advance"): {"duration": {"seconds"}},
    # the operator's way of naming the account, instead of the provider's credentials
    ("POST", "/{provider}/transition"): {"account": set()},
}


# --------------------------------------------------------------------------------------------------
# one bad request and what must hold for it
# --------------------------------------------------------------------------------------------------
@dataclass
class Case:
    route: tuple[str, str]
    category: str
    label: str
    method: str = ""  # defaults to the route's
    params: dict[str, str] = field(default_factory=dict)  # path overrides (already url-encoded)
    query: str = ""
    body: bytes | None = None
    chunked: bool = False
    headers: list[tuple[str, str]] | None = None  # None: tenant A's credentials
    extra_headers: dict[str, str] = field(default_factory=dict)
    expect: str = ""  # "", "4xx", or an exact status like "405"
    names: tuple[str, ...] = ()  # a 4xx must name one of these in error/detail

    @property
    def key(self) -> tuple[str, str, str]:
        return (route_key(self.route), self.category, self.label)


UNICODE = "\u202e\u00e5\u00e4\u00f6 \U0001f4a5 \u0000 \ufeff \u4e2d\u6587 \u0301"

INVALID_JSON: list[tuple[str, bytes]] = [
    ("open-brace", b"{"),
    ("bare-NaN", b"NaN"),
    ("NaN-in-object", b'{"seconds": NaN, "count": -Infinity}'),
    ("number-overflow", b'{"seconds": 1e400}'),
    ("lone-surrogate", b'{"at": "\\ud800"}'),
    ("invalid-utf8", b'{"at": "\xff\xfe"}'),
    ("nul-byte", b"\x00"),
    ("too-deep-2000", b"[" * 2000 + b"]" * 2000),
]
WRONG_TYPES: list[tuple[str, bytes]] = [
    ("true", b"true"),
    ("zero", b"0"),
    ("max-double", b"1.7976931348623157e308"),
    ("NaN-string", b'"NaN"'),
    ("unicode-string", jbody(UNICODE)),
    ("huge-string-1MB", jbody("x" * HUGE)),
    ("empty-array", b"[]"),
    ("deep-array-500", jbody(deep_array(500))),
]
JUNK_OBJECTS: list[tuple[str, bytes]] = [
    ("null", b"null"),
    ("empty-object", b"{}"),
    ("nested-junk", b'{"": null, "a": [{"b": {"c": [null, true, 1.5, "x", {"d": []}]}}]}'),
    ("deep-object-300", jbody(deep_object(300))),
]
SMALL_GARBAGE: list[tuple[str, bytes]] = [
    ("open-brace", b"{"),
    ("nul-byte", b"\x00"),
    ("null", b"null"),
    ("deep-array-500", jbody(deep_array(500))),
    ("long-string-64k", jbody("x" * 65536)),  # the route ignores its body: size is no matter here
]
TYPED_JUNK: list[tuple[str, Any]] = [
    ("null", None),
    ("true", True),
    ("max-double", 1.7976931348623157e308),
    ("string", "junk"),
    ("array", [1, "a", None]),
    ("object", {"a": {"b": [1]}}),
]
STRING_JUNK: list[tuple[str, str]] = [
    ("NaN-like", "NaN"),
    ("unicode", UNICODE),
    ("date-overflow-high", "9999-12-31T23:59:59-23:59"),
    ("date-overflow-low", "0001-01-01T00:00:00+01:00"),
    ("huge-duration", "99999999999d"),
    ("long-64k", "x" * 65536),
]
NUMBER_JUNK: list[tuple[str, Any]] = [
    ("negative", -1),
    ("int-2^64", 2**64),
    ("int-negative-huge", -(2**63) - 1),
    ("max-double", 1.7976931348623157e308),
]
ANY_JUNK: list[tuple[str, Any]] = [("deep-300", deep_array(300)), ("huge-string-1MB", "x" * HUGE)]
PATH_JUNK: list[tuple[str, str]] = [
    ("unknown-id", "fault-999999"),
    ("not-an-id", "not-an-id"),
    ("very-long-4096", "a" * 4096),
    ("pct-nul", "%00"),
    ("pct-encoded-slashes", "..%2F..%2Fhealth"),
    ("pct-invalid-utf8", "%FF%FE%25"),
    ("pct-crlf", "%0D%0AX-Evil:%201"),
    ("unicode", quote("\u00e5\u00e4\u00f6-\U0001f4a5-\u202e")),
    ("uppercase", "EKOPOST"),
    ("non-ascii-digits", quote("\u00b2\u0663")),
]
QUERY_JUNK: list[tuple[str, str]] = [
    ("empty", ""),
    ("NaN", "NaN"),
    ("negative", "-1"),
    ("huge-int", "9" * 40),
    ("glob-junk", "[!*?[]"),
    ("long-4096", "x" * 4096),
    ("unicode-and-nul", UNICODE),
    ("superscript-two", "\u00b2"),
    ("arabic-indic-three", "\u0663"),
]
BAD_AUTH: list[tuple[str, list[tuple[str, str]]]] = [
    ("missing", []),
    ("empty", [("Authorization", "")]),
    ("api-key-blank-value", [("Authorization", "api-key    ")]),
    ("bearer", [("Authorization", f"Bearer {KEY_A}")]),
    ("basic-not-base64", [("Authorization", "Basic !!!not-base64!!!")]),
    ("basic-no-colon", [("Authorization", "Basic " + base64.b64encode(b"useronly").decode())]),
    ("basic-invalid-utf8", [("Authorization", "Basic " + base64.b64encode(b"\xff\xfe:pw").decode())]),
]
EXTRA_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"]


# --------------------------------------------------------------------------------------------------
# schema helpers
# --------------------------------------------------------------------------------------------------
def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def body_schema(route: tuple[str, str]) -> dict[str, Any]:
    content = ROUTE_OPS[route]["requestBody"]["content"]
    return resolve(next(iter(content.values()))["schema"])


ANY = {"null", "boolean", "integer", "number", "string", "array", "object"}


def allowed_types(prop: dict[str, Any]) -> set[str]:
    prop = resolve(prop)
    if "anyOf" in prop:
        return set().union(*(allowed_types(option) for option in prop["anyOf"]))
    if "enum" in prop and "type" not in prop:
        return {json_type(v) for v in prop["enum"]}
    kind = prop.get("type")
    if kind is None:
        return set(ANY)
    return set(kind) if isinstance(kind, list) else {kind}


def enum_of(prop: dict[str, Any]) -> list[Any] | None:
    prop = resolve(prop)
    if "enum" in prop:
        return list(prop["enum"])
    for option in prop.get("anyOf", []):
        found = enum_of(option)
        if found:
            return found
    return None


# --------------------------------------------------------------------------------------------------
# the corpus
# --------------------------------------------------------------------------------------------------
def reads_body(route: tuple[str, str]) -> bool:
    return route in BODY_ROUTES or route in RAW_BODY_ROUTES


def base_body(route: tuple[str, str]) -> bytes | None:
    return jbody(BASE_BODIES[route]) if route in BODY_ROUTES else None


def body_cases(route: tuple[str, str]) -> list[Case]:
    cases = []
    if route in BODY_ROUTES:
        for label, raw in INVALID_JSON:
            cases.append(Case(route, "body", label, body=raw, expect="400"))
        for label, raw in WRONG_TYPES:
            cases.append(Case(route, "body", label, body=raw, expect="4xx"))
        for label, raw in JUNK_OBJECTS:
            cases.append(Case(route, "body", label, body=raw))
        cases.append(Case(route, "body", "whitespace-body", body=b" \r\n\t "))
    else:
        for label, raw in SMALL_GARBAGE:
            cases.append(Case(route, "body", label, body=raw))
    if reads_body(route):
        cases.append(
            Case(
                route,
                "body",
                "declared-content-length-40MiB",
                body=b"{}",
                extra_headers={"Content-Length": str(40 * 1024 * 1024)},
                expect="413",
            )
        )
    return cases


def field_cases(route: tuple[str, str]) -> list[Case]:
    if route not in BODY_ROUTES:
        return []
    schema = body_schema(route)
    cases = []
    for name, prop in schema.get("properties", {}).items():
        replaced = EXCLUSIVE_FIELDS.get(route, {}).get(name, set())
        base = {k: v for k, v in BASE_BODIES[route].items() if k not in replaced}
        types = allowed_types(prop)
        wrong: list[tuple[str, Any]] = [(lbl, v) for lbl, v in TYPED_JUNK if not accepts(types, v)]
        choices = enum_of(prop)
        if choices:
            wrong += [("not-in-enum", "definitely-not-a-choice")]
        odd: list[tuple[str, Any]] = []
        if types == ANY:
            odd += ANY_JUNK
        elif "string" in types and not choices:
            odd += STRING_JUNK
        if types != ANY and ("integer" in types or "number" in types):
            odd += NUMBER_JUNK
        for label, value in wrong:
            body = jbody({**base, name: value})
            cases.append(Case(route, "fields", f"{name}={label}", body=body, names=(name,)))
        for label, value in odd:
            cases.append(Case(route, "fields", f"{name}={label}", body=jbody({**base, name: value})))
        if name in base:
            rest = {k: v for k, v in base.items() if k != name}
            cases.append(Case(route, "fields", f"{name}=missing", body=jbody(rest), names=(name,)))
    base = BASE_BODIES[route]
    cases.append(Case(route, "fields", "all-null", body=jbody(dict.fromkeys(base))))
    extra = {"unexpected_field": [1, {}], "__proto__": {"admin": True}, "deep": deep_object(300)}
    cases.append(Case(route, "fields", "extra-fields", body=jbody({**base, **extra})))
    return cases


def path_cases(route: tuple[str, str]) -> list[Case]:
    cases = []
    for param in PATH_PARAM.findall(route[1]):
        expect = "4xx" if param in ID_PARAMS else ""
        for label, segment in PATH_JUNK:
            cases.append(
                Case(
                    route,
                    "path",
                    f"{param}={label}",
                    params={param: segment},
                    body=base_body(route),
                    expect=expect,
                )
            )
    return cases


def query_cases(route: tuple[str, str]) -> list[Case]:
    cases = []
    names = [p["name"] for p in ROUTE_OPS[route]["parameters"] if p["in"] == "query"]
    for name in names:
        for label, value in QUERY_JUNK:
            cases.append(Case(route, "query", f"{name}={label}", query=f"{name}={quote(value, safe='')}"))
    if names:
        cases.append(Case(route, "query", "unknown-param", query="unexpected=%00&%FF=1"))
    return cases


def method_cases(route: tuple[str, str]) -> list[Case]:
    documented = {m.upper() for m in OPENAPI["paths"][route[1]]}
    if route[0] != sorted(documented)[0]:
        return []  # one set of method cases per path, attached to its first documented route
    return [
        Case(route, "method", method, method=method, expect="405")
        for method in EXTRA_METHODS
        if method not in documented and not (method == "HEAD" and "GET" in documented)
    ]


def auth_cases(route: tuple[str, str]) -> list[Case]:
    if route not in TENANT_ROUTES:
        return []
    return [
        Case(route, "auth", label, headers=headers, body=base_body(route), expect="4xx")
        for label, headers in BAD_AUTH
    ]


GENERATORS = [body_cases, field_cases, path_cases, query_cases, method_cases, auth_cases]
ALL_CASES: list[Case] = [case for route in ROUTES for gen in GENERATORS for case in gen(route)]

# --------------------------------------------------------------------------------------------------
# known application bugs: (route, category, label) -> reason. The inputs of one bug on one route
# and category run together as one test case marked xfail(strict=True), apart from the bulk.
# --------------------------------------------------------------------------------------------------
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


GROUPS, GROUP_BUGS = group_cases(ALL_CASES, KNOWN_BUGS)


# --------------------------------------------------------------------------------------------------
# the sandbox under test
# --------------------------------------------------------------------------------------------------
class World:
    """A sandbox with realistic state: tenant A has an opened campaign (an opened envelope holding a
    document, a closed envelope) and a completed campaign whose webhook was delivered to an inbox;
    tenant B has an opened campaign with an envelope; one fault rule; one inbox item; clock frozen."""

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.m = Mockpost(seed=1, **settings)
        self.m.clock.freeze(T0)
        self.root = self.m.client()
        self.eko = self.m.client(PROVIDER)
        self.ids = self._build_a()
        self.ids_b = self._build_b()
        self.m.clock.advance(duration="10d")  # campaign 2 of A completes, its webhook is delivered
        self.now = self.m.clock.now().isoformat()
        self.fault_spec = {"provider": PROVIDER, "path": "/__never__", "status": 503}
        self.ids["fault"] = self.m.faults.add(**self.fault_spec)["id"]
        self.inbox_item = {"hello": "world"}
        assert self.root.post(f"{PREFIX}/inbox/{INBOX}", json=self.inbox_item).status_code == 200
        deliveries = self.root.get(f"{PREFIX}/webhooks/outbox").json()["items"]
        assert len(deliveries) == 1 and deliveries[0]["state"] == "delivered", deliveries
        self.ids["delivery"] = deliveries[0]["id"]
        self.tenants = {
            "a": self.root.get(f"{PREFIX}/state/{PROVIDER}", headers=AUTH_A).json()["tenant"],
            "b": self.root.get(f"{PREFIX}/state/{PROVIDER}", headers=AUTH_B).json()["tenant"],
        }
        self.store_snapshot = self.m.sandbox.store.snapshot()
        self.inbox_snapshot = {name: list(items) for name, items in self._inboxes().items()}
        self.base = copy.deepcopy(self.snapshot())
        self.http_base = {t: self.http_dump(t) for t in ("a", "b")}
        self._async: httpx.AsyncClient | None = None

    def _ok(self, response: httpx.Response) -> Any:
        assert response.status_code == 200, response.text
        return response.json() if response.content else None

    def _campaign(self, auth: dict[str, str], output: str, close: bool) -> dict[str, str]:
        pdf = _pdf()
        doc = {"data": base64.b64encode(pdf).decode(), "mime": "application/pdf", "length": len(pdf)}
        address = {"$type": "postal", "name": ["A"], "street": ["S 1"], "postal_code": "11122", "city": "X"}
        c = self._ok(self.eko.post("/campaigns", json={"name": "C", "output_date": output}, headers=auth))
        e = self._ok(
            self.eko.post(f"/campaigns/{c['id']}/envelopes", json={"address": address}, headers=auth)
        )
        self._ok(
            self.eko.post(
                f"/campaigns/{c['id']}/envelopes/{e['id']}/content",
                json={**doc, "type": "document"},
                headers=auth,
            )
        )
        if close:
            self._ok(self.eko.post(f"/campaigns/{c['id']}/envelopes/{e['id']}/close", headers=auth))
            self._ok(self.eko.post(f"/campaigns/{c['id']}/close", headers=auth))
        return {"campaign": c["id"], "envelope": e["id"]}

    def _build_a(self) -> dict[str, str]:
        hook = {"url": self.m.inbox_url("fuzz-hook"), "secret": "s3cret"}
        self._ok(self.root.put(f"{PREFIX}/{PROVIDER}/webhook", json=hook, headers=AUTH_A))
        first = self._campaign(AUTH_A, "2030-03-20T12:00:00", close=False)
        c1 = first["campaign"]
        e2 = self._ok(self.eko.post(f"/campaigns/{c1}/envelopes", json={"name": "E2"}, headers=AUTH_A))
        pdf = _pdf()
        doc = {"data": base64.b64encode(pdf).decode(), "mime": "application/pdf", "length": len(pdf)}
        self._ok(
            self.eko.post(
                f"/campaigns/{c1}/envelopes/{e2['id']}/content",
                json={**doc, "type": "document"},
                headers=AUTH_A,
            )
        )
        self._ok(self.eko.post(f"/campaigns/{c1}/envelopes/{e2['id']}/close", headers=AUTH_A))
        second = self._campaign(AUTH_A, "2030-03-05T12:00:00", close=True)
        return {"c1": c1, "e1": first["envelope"], "c2": second["campaign"]}

    def _build_b(self) -> dict[str, str]:
        return self._campaign(AUTH_B, "2030-03-20T12:00:00", close=False)

    def _inboxes(self) -> dict[str, Any]:
        inboxes = self.m.sandbox.inboxes
        return {name: inboxes.items(name) for name, _ in inboxes.sizes()}

    def snapshot(self) -> dict[str, Any]:
        """Everything a request could change that is not the journal."""
        sandbox = self.m.sandbox
        provider = sandbox.providers[PROVIDER]
        return {
            "a": provider.dump(self.tenants["a"]),
            "b": provider.dump(self.tenants["b"]),
            "clock": sandbox.describe_clock(),
            "faults": [
                {k: v for k, v in rule.model_dump().items() if k != "id"} for rule in sandbox.faults.list()
            ],
            "inboxes": self._inboxes(),
            "deliveries": [d.as_dict() for d in sandbox.outbox.deliveries()],
            "jobs": [timer.as_dict() for timer in sandbox.scheduler.pending()],
        }

    def http_dump(self, tenant: str) -> Any:
        """`m.state(...)`, through one reused client."""
        response = self.root.get(f"{PREFIX}/state/{PROVIDER}", headers=AUTH_A if tenant == "a" else AUTH_B)
        response.raise_for_status()
        return response.json()["state"]

    def restore(self) -> bool:
        """Put back what the public handles allow; False when the world must be rebuilt."""
        sandbox = self.m.sandbox
        now = self.snapshot()
        if now == self.base:
            return True
        if now["a"] != self.base["a"] or now["b"] != self.base["b"]:
            sandbox.store.restore(self.store_snapshot)
        if now["clock"] != self.base["clock"]:
            self.m.clock.freeze(self.now)
        if now["faults"] != self.base["faults"]:
            self.m.faults.clear()
            self.ids["fault"] = self.m.faults.add(**self.fault_spec)["id"]
        if now["inboxes"] != self.base["inboxes"]:
            sandbox.inboxes.clear()
            for name, items in self.inbox_snapshot.items():
                for item in items:
                    sandbox.inboxes.put(name, item)
        return bool(self.snapshot() == self.base)

    def journal_entry(self) -> int:
        """The newest journal entry's id (a fuzz case may have emptied the journal: one refused request
        fills it, one that the base body of /journal/verify does not count)."""
        if not len(self.m.sandbox.journal):
            self.eko.post("/campaigns/__none__/close", headers=AUTH_A)
        return self.m.sandbox.journal.query(limit=1)[0].id

    def send_chunked(
        self, method: str, url: str, body: bytes, headers: list[tuple[str, str]]
    ) -> httpx.Response:
        async def chunks() -> Any:
            for start in range(0, len(body), 4096):
                yield body[start : start + 4096]

        async def go() -> httpx.Response:
            if self._async is None:
                self._async = self.m.async_client()
            response = await self._async.request(method, url, content=chunks(), headers=headers)
            await response.aread()
            return response

        return self.m.run(go())

    def close(self) -> None:
        if self._async is not None:
            self.m.run(self._async.aclose())
        self.m.close()


def _pdf() -> bytes:
    return make_pdf([["fuzz"]])  # a PDF that can be drawn: the console's page images need one


class Worlds:
    def __init__(self) -> None:
        self._worlds: dict[str, World] = {}

    def get(self, **settings: Any) -> World:
        key = repr(sorted(settings.items()))
        world = self._worlds.get(key)
        if world is None or not world.restore():
            if world is not None:
                world.close()
            world = self._worlds[key] = World(**settings)
        return world

    def reset(self, world: World) -> World:
        """Back to the baseline: restore in place, or rebuild when that is not enough."""
        if world.restore():
            return world
        return self.get(**world.settings)

    def close(self) -> None:
        for world in self._worlds.values():
            world.close()


@pytest.fixture(scope="module")
def worlds() -> Any:
    holder = Worlds()
    yield holder
    holder.close()


# --------------------------------------------------------------------------------------------------
# sending and checking
# --------------------------------------------------------------------------------------------------
def build_url(world: World, case: Case) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in case.params:
            return case.params[name]
        if name == "entry_id":
            return str(world.journal_entry())
        target = PARAM_TARGET[name]
        if "/documents/" in case.route[1]:
            target = DOCUMENT_TARGET.get(name, target)
        return world.ids[target[1:]] if target.startswith("@") else target

    path = PREFIX + PATH_PARAM.sub(fill, case.route[1])
    return path + (f"?{case.query}" if case.query else "")


def fill_body(world: World, body: bytes | None) -> bytes | None:
    if body is None:
        return None
    return body.replace(b"@c1@", world.ids["c1"].encode()).replace(b"@now@", world.now.encode())


def describe(case: Case, url: str, headers: list[tuple[str, str]], body: bytes | None) -> str:
    if body is None:
        shown = "none"
    elif len(body) > 160:
        shown = f"{body[:120]!r}... ({len(body)} bytes)"
    else:
        shown = repr(body)
    if case.chunked:
        shown += " [chunked]"
    method = case.method or case.route[0]
    return f"[{'::'.join(case.key)}] {method} {url[:300]} headers={headers} body={shown}"


def default_query(route: tuple[str, str]) -> str:
    # POST /reset without parameters empties everything; aim the valid request at an unknown tenant.
    return "provider=ekopost&tenant=no-such-tenant" if route == ("POST", "/reset") else ""


def send(world: World, case: Case) -> tuple[str, httpx.Response | BaseException]:
    url = build_url(world, case)
    if not case.query and default_query(case.route):
        url += "?" + default_query(case.route)
    headers = list(AUTH_A.items()) if case.headers is None else list(case.headers)
    body = fill_body(world, case.body)
    if body is not None and not any(k.lower() == "content-type" for k in case.extra_headers):
        headers.append(("Content-Type", "application/json"))
    headers += list(case.extra_headers.items())
    where = describe(case, url, headers, body)
    method = case.method or case.route[0]
    try:
        if case.chunked and body is not None:
            response = world.send_chunked(method, url, body, headers)
        else:
            response = world.root.request(method, url, content=body, headers=headers)
    except BaseException as exc:  # the in-process transport re-raises what crashed the app
        if isinstance(exc, KeyboardInterrupt):
            raise
        return where, exc
    return where, response


def envelope_problems(case: Case, response: httpx.Response) -> list[str]:
    status = response.status_code
    problems = []
    if status >= 500:
        problems.append(f"answered {status} (server error)")
    if case.expect == "4xx" and not 400 <= status < 500:
        problems.append(f"status {status} is not a 4xx")
    elif case.expect.isdigit() and status != int(case.expect):
        problems.append(f"status {status}, expected {case.expect}")
    if status < 300:
        return problems
    if status < 400:
        return [*problems, f"unexpected redirect {status}"]
    if (case.method or case.route[0]) == "HEAD":
        return problems
    if not response.headers.get("content-type", "").startswith("application/json"):
        problems.append(f"content-type {response.headers.get('content-type')!r} is not JSON")
    try:
        body = json.loads(response.content)
    except ValueError:
        return [*problems, f"non-JSON error body {response.content[:200]!r}"]
    if case.category == "auth":
        # tenant-scoped routes authenticate with the provider's own headers, so a failure is the
        # provider's own auth error (Ekopost: error_code "0"), as the control-plane contract says
        if not isinstance(body, dict) or body.get("error_code") != "0" or not body.get("developer_message"):
            problems.append(f"not Ekopost's auth error (error_code '0'): {str(body)[:300]}")
        return problems
    if not isinstance(body, dict) or set(body) != ENVELOPE_KEYS:
        return [*problems, f"not the control plane envelope {{error, detail}}: {str(body)[:300]}"]
    if not isinstance(body["error"], str) or not body["error"].strip():
        problems.append(f"empty or non-string 'error': {body!r}")
        return problems
    text = f"{body['error']} {json.dumps(body['detail'], ensure_ascii=False)}"
    if case.names and 400 <= status < 500 and not any(n.lower() in text.lower() for n in case.names):
        problems.append(f"the error does not name {case.names}: {text[:300]!r}")
    return problems


def run_case(worlds: Worlds, world: World, case: Case) -> tuple[World, list[str]]:
    where, outcome = send(world, case)
    if isinstance(outcome, BaseException):
        detail = f"{type(outcome).__name__}: {str(outcome)[:200]}"
        problems = [f"app raised {detail}"]
        try:
            if world.snapshot() != world.base:
                problems.append("and the sandbox was changed (partial change)")
        except Exception as exc:
            problems.append(f"and the sandbox can no longer be read: {exc!r}")
        return worlds.reset(world), [f"{where}\n    -> {p}" for p in problems]
    problems = envelope_problems(case, outcome)
    try:
        after = world.snapshot()
    except Exception as exc:
        problems.append(f"the sandbox can no longer be read: {exc!r}")
        return worlds.reset(world), [f"{where}\n    -> {p}" for p in problems]
    status = outcome.status_code
    if 400 <= status < 500 and after != world.base:
        changed = sorted(k for k in after if after[k] != world.base[k])
        problems.append(f"answered {status} but changed the sandbox: {changed}")
    elif case.route in TENANT_ROUTES and after["b"] != world.base["b"]:
        problems.append("a request with tenant A's credentials changed tenant B's state")
    if after != world.base:
        world = worlds.reset(world)
    if problems:
        problems = [f"{p} [got {status} {outcome.content[:300]!r}]" for p in problems]
    return world, [f"{where}\n    -> {p}" for p in problems]


def run_group(worlds: Worlds, cases: list[Case], **settings: Any) -> list[str]:
    world = worlds.get(**settings)
    problems: list[str] = []
    for case in cases:
        world, found = run_case(worlds, world, case)
        problems += found
    for tenant in ("a", "b"):
        try:
            if world.http_dump(tenant) != world.http_base[tenant]:
                problems.append(f"m.state() of tenant {tenant} differs from the baseline after the group")
        except Exception as exc:
            problems.append(f"m.state() of tenant {tenant} failed after the group: {exc!r}")
    return problems


def fail_on(problems: list[str]) -> None:
    if problems:
        shown = problems[:25]
        more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        pytest.fail(f"{len(problems)} problem(s):\n" + "\n".join(shown) + more, pytrace=False)


# --------------------------------------------------------------------------------------------------
# the tests
# --------------------------------------------------------------------------------------------------
def test_route_table_is_the_served_openapi() -> None:
    """Every path parameter can be filled, every body-taking route has a valid body holding its
    documented fields, and the tenant-scoped routes listed here exist: nothing is silently skipped."""
    assert len(ROUTES) >= 25
    for route in ROUTES:
        for param in PATH_PARAM.findall(route[1]):
            assert param in PARAM_TARGET, f"{route_key(route)}: unknown path parameter {param!r}"
    assert set(BASE_BODIES) == BODY_ROUTES
    for route in BODY_ROUTES:
        documented = set(body_schema(route).get("properties", {}))
        expected = documented - set(EXCLUSIVE_FIELDS.get(route, {}))
        assert expected == set(BASE_BODIES[route]), f"{route_key(route)}: {documented}"
    assert set(ROUTES) >= TENANT_ROUTES
    assert set(ROUTES) >= RAW_BODY_ROUTES
    covered = {(route_key(c.route), c.category) for c in ALL_CASES}
    for route in ROUTES:
        assert (route_key(route), "body") in covered
        if PATH_PARAM.findall(route[1]):
            assert (route_key(route), "path") in covered


def test_known_bugs_name_generated_cases() -> None:
    keys = {case.key for case in ALL_CASES}
    stale = [key for key in KNOWN_BUGS if key not in keys]
    assert not stale, f"KNOWN_BUGS entries that match no generated case: {stale}"


def test_valid_requests_are_accepted(worlds: Worlds) -> None:
    """The base request of every route is served (2xx; 404 only where nothing can exist), so the
    fuzz cases do not all stop at one early error."""
    world = worlds.get()
    for route in ROUTES:
        where, outcome = send(world, Case(route, "valid", "base", body=base_body(route)))
        assert isinstance(outcome, httpx.Response), f"{where}: {outcome!r}"
        expected = REFUSED_WHEN_VALID.get(route)
        if expected is not None:
            assert outcome.status_code == expected, f"{where}: {outcome.status_code} {outcome.text[:300]}"
        else:
            assert outcome.status_code < 300, f"{where}: {outcome.status_code} {outcome.text[:300]}"
        world = worlds.reset(world)


def test_tenant_routes_require_credentials(worlds: Worlds) -> None:
    world = worlds.get()
    for route in sorted(TENANT_ROUTES):
        where, outcome = send(world, Case(route, "auth", "none", headers=[], body=base_body(route)))
        assert isinstance(outcome, httpx.Response), f"{where}: {outcome!r}"
        assert 400 <= outcome.status_code < 500, f"{where}: {outcome.status_code}"
        world = worlds.reset(world)


@pytest.mark.parametrize("group", group_params(GROUPS, GROUP_BUGS))
def test_fuzz(worlds: Worlds, group: str) -> None:
    fail_on(run_group(worlds, GROUPS[group]))


def test_verify_count_mismatch_409_answers_the_documented_result(worlds: Worlds) -> None:
    world = worlds.get()
    response = world.root.post(f"{PREFIX}/journal/verify", json={"path": "/nothing/matches/this", "count": 3})
    worlds.reset(world)
    assert response.status_code == 409
    assert response.json() == {"ok": False, "expected": 3, "actual": 0}
    documented = world.root.get(f"{PREFIX}/openapi.json").json()["paths"]["/journal/verify"]["post"]
    schema = documented["responses"]["409"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/JournalVerifyResult"}


def test_faults_stay_listable_after_a_deep_body(worlds: Worlds) -> None:
    """The follow-up of BUG-C5: after the failed add, GET /faults must still answer."""
    world = worlds.get()
    send(
        world,
        Case(("POST", "/faults"), "fields", "deep", body=jbody({"status": 500, "body": deep_array(300)})),
    )
    where, outcome = send(world, Case(("GET", "/faults"), "follow-up", "list"))
    worlds.reset(world)
    assert isinstance(outcome, httpx.Response), f"{where}\n    -> app raised {outcome!r}"
    assert outcome.status_code == 200


UNSENDABLE_FAULTS: list[Any] = [
    pytest.param({"status": 503, "headers": {"X-Snow": "\u2603"}}, id="unicode-header-value"),
    pytest.param({"status": 503, "headers": {"X-A\nB": "1"}}, id="newline-in-header-name"),
    pytest.param({"status": 503, "headers": {"X-A": "1\r\nX-B: 2"}}, id="header-injection"),
    pytest.param({"status": 503, "headers": {"Content-Length": "1"}}, id="framing-header"),
    pytest.param({"status": 101}, id="informational-status"),
]


@pytest.mark.parametrize("spec", UNSENDABLE_FAULTS)
def test_faults_a_server_could_not_send_are_refused(worlds: Worlds, spec: dict[str, Any]) -> None:
    """A fault HTTP cannot carry is refused when added (422), never accepted and then crashing."""
    world = worlds.get()
    added = world.root.post(f"{PREFIX}/faults", json={"provider": PROVIDER, **spec})
    worlds.reset(world)
    assert added.status_code == 422, added.text
    assert added.json()["error"]


ACCEPTED_FAULTS: list[Any] = [
    pytest.param({"status": 503, "body": "\u2603 " + "x" * 65536}, id="long-unicode-string-body"),
    pytest.param({"status": 599, "body": {"": [None, {"a": 1.5}]}}, id="odd-json-body"),
    pytest.param({"status": 400, "body": None, "headers": {"content-type": "text/plain"}}, id="content-type"),
    pytest.param({"action": "malformed", "status": 502}, id="malformed"),
    pytest.param({"latency_ms": 0.0, "status": 429, "times": 1}, id="zero-latency"),
]


@pytest.mark.parametrize("spec", ACCEPTED_FAULTS)
def test_accepted_faults_fire_without_crashing(worlds: Worlds, spec: dict[str, Any]) -> None:
    """A fault the control plane accepted must be servable: the provider request it matches answers
    with the fault's status instead of raising inside the app."""
    world = worlds.get()
    rule = {"provider": PROVIDER, "method": "GET", "path": "/campaigns", **spec}
    added = world.root.post(f"{PREFIX}/faults", json=rule)
    try:
        assert added.status_code == 201, added.text
        where = f"after POST {PREFIX}/faults {rule!r}: GET /ekopost/campaigns headers={AUTH_A}"
        try:
            response = world.eko.get("/campaigns", headers=AUTH_A)
        except Exception as exc:
            pytest.fail(f"{where}\n    -> app raised {type(exc).__name__}: {exc}", pytrace=False)
        assert response.status_code == spec["status"], f"{where}: {response.status_code}"
    finally:
        worlds.reset(world)


REMOTE_BODY_ROUTES = sorted(route_key(r) for r in ROUTES if reads_body(r))


def over_limit_cases(route: tuple[str, str]) -> list[Case]:
    limit = int(SMALL_LIMIT_MB * 1024 * 1024)
    padded = jbody({**BASE_BODIES.get(route, {}), "padding": "x" * (limit + 1)})
    return [
        Case(route, "too_large", "content-length", body=padded, expect="413"),
        Case(route, "too_large", "chunked", body=padded, chunked=True, expect="413"),
    ]


@pytest.mark.parametrize("key", REMOTE_BODY_ROUTES)
def test_body_over_limit_is_413(worlds: Worlds, key: str) -> None:
    route = next(r for r in ROUTES if route_key(r) == key)
    fail_on(run_group(worlds, over_limit_cases(route), max_body_mb=SMALL_LIMIT_MB))


@pytest.mark.parametrize("key", sorted(route_key(r) for r in ROUTES))
def test_body_over_limit_never_5xx(worlds: Worlds, key: str) -> None:
    route = next(r for r in ROUTES if route_key(r) == key)
    cases = [
        Case(c.route, c.category, c.label, body=c.body, chunked=c.chunked) for c in over_limit_cases(route)
    ]
    fail_on(run_group(worlds, cases, max_body_mb=SMALL_LIMIT_MB))


@pytest.mark.parametrize(
    "path",
    [
        "/nope%0Anope",
        "/nope",
        "/faults/x/y/z",
        "/%00",
        "/" + "a" * 4096,
        "/openapi.jsonx",
    ],
)
def test_unknown_routes_answer_404_in_envelope(worlds: Worlds, path: str) -> None:
    world = worlds.get()
    problems: list[str] = []
    for method in ("GET", "POST", "DELETE"):
        case = Case(("GET", path), "unknown-route", method, method=method, body=b"{", expect="404")
        world, found = run_case(worlds, world, case)
        problems += found
    fail_on(problems)
