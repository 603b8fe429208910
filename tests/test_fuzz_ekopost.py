"""Fuzz-style robustness tests for every route of the Ekopost mock (/ekopost).

The route table is read from the provider's own OpenAPI document at collection time, so a new route
is fuzzed as soon as it is served. For each route the generator builds a deterministic corpus of bad
requests, per category:

  body      garbage bodies: invalid JSON, JSON of every wrong type, huge, deep, unicode, NaN-like
  fields    each documented body field (from the OpenAPI schema) wrong-typed or junk, missing, extra
  address   junk inside the nested address object, for every documented address $type
  path      path ids that are unknown, malformed, very long, url-encoded junk, or another tenant's
  query     junk values for every documented query parameter
  method    every undocumented HTTP method on the route's path (405 in Ekopost's envelope)
  auth      wrong and missing Authorization headers (400, error_code "0")
  too_large a body over the size limit (413 in Ekopost's envelope), see test_body_over_limit_*

Every request is checked for: no exception out of the app (the in-process transport re-raises the
app's exception on a 5xx), no 5xx, Ekopost's error envelope on every non-2xx (or an empty body for
the documented bodiless 404s), a message that says what is wrong, no change to the calling tenant's
state when the answer is a 4xx, and no change to another tenant's state whatever the answer.

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
from collections.abc import Callable
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
    route_key,
)

from mockpost.testing import Mockpost

PROVIDER = "ekopost"
MOUNT = "/ekopost"
T0 = "2030-03-04T09:00:00Z"
KEY_A, KEY_B = "fuzz-key-tenant-a", "fuzz-key-tenant-b"
AUTH_A = {"Authorization": f"api-key {KEY_A}"}
AUTH_B = {"Authorization": f"api-key {KEY_B}"}
ERROR_KEYS = {"error_code", "error_message", "developer_message"}
SMALL_LIMIT_MB = 0.01  # Mockpost(max_body_mb=0.01): 10,485 bytes
HUGE = 1 << 20  # ~1 MB strings


# --------------------------------------------------------------------------------------------------
# the route table, from the served OpenAPI document
# --------------------------------------------------------------------------------------------------
def _load_openapi() -> dict[str, Any]:
    with Mockpost(seed=1) as m:
        document: dict[str, Any] = m.client(PROVIDER).get("/openapi.json").json()
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

# Which id of the built state fills each path parameter in an otherwise valid request.
PARAM_TARGET = {"campaign_id": "c1", "envelope_id": "e1", "content_id": "d1", "type": "einbox"}
# ... except where the valid request needs another target: c3 is opened with all envelopes closed.
ROUTE_TARGETS = {("POST", "/campaigns/{campaign_id}/close"): {"campaign_id": "c3"}}
# The documented 404s that carry no body (reachable "not reachable", unknown content id).
BODILESS_404 = {
    ("POST", "/reachable/{type}"),
    ("GET", "/campaigns/{campaign_id}/envelopes/{envelope_id}/content/{content_id}"),
}
# Routes that read a request body (the others ignore it).
BODY_ROUTES = {key for key, op in ROUTE_OPS.items() if "requestBody" in op}


def target_for(route: tuple[str, str], param: str) -> str:
    return ROUTE_TARGETS.get(route, {}).get(param, PARAM_TARGET[param])


# --------------------------------------------------------------------------------------------------
# valid material
# --------------------------------------------------------------------------------------------------
def make_pdf(text: str = "Fuzz AB, Gatan 1, 111 22 Stockholm") -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = make_pdf()
PDF_B64 = base64.b64encode(PDF).decode()
POSTAL = {
    "$type": "postal",
    "name": ["Anna Andersson"],
    "street": ["Storgatan 1"],
    "postal_code": "11122",
    "city": "Stockholm",
    "country": "SE",
}


def document(kind: str = "document") -> dict[str, Any]:
    return {"data": PDF_B64, "mime": "application/pdf", "length": len(PDF), "type": kind}


# A valid body per body-taking route, with every documented field present (checked by a test).
BASE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/campaigns"): {"name": "Fuzz", "output_date": "2030-03-10T12:00:00", "cost_center": "cc-1"},
    ("POST", "/campaigns/{campaign_id}/envelopes"): {
        "name": "Fuzz envelope",
        "address": POSTAL,
        "postage": "economy",
        "plex": "simplex",
        "color": False,
        "agent": "fuzz-agent",
        "unique_id": "fuzz-unique-1",
    },
    ("POST", "/campaigns/{campaign_id}/envelopes/{envelope_id}/content"): {
        **document("attachment"),
        "return_address": False,
        "address": None,
    },
    ("POST", "/reachable/ebank_list"): {"sender": "0000001.000002.SEB.SE"},
    ("POST", "/reachable/einvoiceready"): {
        "ReceiverCin": "556677-8899",
        "SenderCin": "556677-8800",
        "ReceiverGln": "7300000000001",
        "SenderGln": "7300000000002",
    },
    ("POST", "/reachable/{type}"): {"recipient": "198001011234", "sender": "5566778899"},
    ("POST", "/sms"): {
        "From": "Fuzz",
        "Recipient": "+46701234567",
        "Text": "hello",
        "Title": "Fuzz sms",
        "Cost_Center": "cc-1",
    },
}


# --------------------------------------------------------------------------------------------------
# one bad request and what must hold for it
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """A path segment taken from the built state: `ids[tenant][name]`, optionally transformed."""

    tenant: str
    name: str
    transform: str = ""  # "", "upper", "space"


Segment = str | Ref


@dataclass
class Case:
    route: tuple[str, str]
    category: str
    label: str
    method: str = ""  # defaults to the route's
    params: dict[str, Segment] = field(default_factory=dict)  # path overrides (already url-encoded)
    query: str = ""
    body: bytes | None = None
    chunked: bool = False
    headers: list[tuple[str, str]] | None = None  # None: tenant A's valid auth
    extra_headers: dict[str, str] = field(default_factory=dict)
    expect_status: int | Callable[[int], bool] | None = None
    expect_code: str | None = None
    names: tuple[str, ...] = ()  # a 4xx must name one of these in its messages

    @property
    def key(self) -> tuple[str, str, str]:
        return (route_key(self.route), self.category, self.label)


def is_4xx(status: int) -> bool:
    return 400 <= status < 500


UNICODE = "\u202e\u00e5\u00e4\u00f6 \U0001f4a5 \u0000 \ufeff \ud7ff \u4e2d\u6587 \u0301"

# Bodies that are not JSON at all (every body-taking route must answer 400).
INVALID_JSON: list[tuple[str, bytes]] = [
    ("open-brace", b"{"),
    ("bare-NaN", b"NaN"),
    ("NaN-in-object", b'{"name": NaN, "length": -Infinity}'),
    ("number-overflow", b'{"length": 1e400}'),
    ("lone-surrogate", b'{"name": "\\ud800"}'),
    ("invalid-utf8", b'{"name": "\xff\xfe"}'),
    ("nul-byte", b"\x00"),
    ("too-deep-2000", b"[" * 2000 + b"]" * 2000),
]
# JSON documents of every wrong top-level type (a body-taking route must answer 4xx).
WRONG_TYPES: list[tuple[str, bytes]] = [
    ("null", b"null"),
    ("true", b"true"),
    ("zero", b"0"),
    ("max-double", b"1.7976931348623157e308"),
    ("NaN-string", b'"NaN"'),
    ("unicode-string", jbody(UNICODE)),
    ("huge-string-1MB", jbody("x" * HUGE)),
    ("empty-array", b"[]"),
    ("deep-array-500", jbody(deep_array(500))),
]
# JSON objects of junk (no expectation on the status: they may be valid-but-odd requests).
JUNK_OBJECTS: list[tuple[str, bytes]] = [
    ("empty-object", b"{}"),
    ("nested-junk", b'{"": null, "a": [{"b": {"c": [null, true, 1.5, "x", {"d": []}]}}]}'),
    ("deep-object-300", jbody(deep_object(300))),
    ("duplicate-keys", b'{"name": 1, "name": "x", "name": null}'),
]
# Bodies that do not need a body-taking route to make sense (sent to every route).
SMALL_GARBAGE: list[tuple[str, bytes]] = [
    ("open-brace", b"{"),
    ("nul-byte", b"\x00"),
    ("null", b"null"),
    ("deep-array-500", jbody(deep_array(500))),
    ("long-string-64k", jbody("x" * 65536)),  # the route ignores its body: size is no matter here
]

# Values of each JSON type; a field gets those whose type its schema does not allow.
TYPED_JUNK: list[tuple[str, Any]] = [
    ("null", None),
    ("true", True),
    ("max-double", 1.7976931348623157e308),
    ("string", "junk"),
    ("array", [1, "a", None]),
    ("object", {"a": {"b": [1]}}),
]
# Odd values of the right type (strings): junk that parses as JSON strings.
STRING_JUNK: list[tuple[str, str]] = [
    ("NaN-like", "NaN"),
    ("unicode", UNICODE),
    ("date-overflow-high", "9999-12-31T23:59:59-23:59"),
    ("date-overflow-low", "0001-01-01T00:00:00+01:00"),
    ("long-64k", "x" * 65536),
]
INT_JUNK: list[tuple[str, Any]] = [("int-2^64", 2**64), ("int-negative-huge", -(2**63) - 1)]
# Junk for each key inside an address object.
ADDRESS_JUNK: list[tuple[str, Any]] = [("array", ["a", 1]), ("object", {"a": [1]}), ("int", 7)]
ADDRESS_TYPES: dict[str, dict[str, Any]] = {
    "postal": dict(POSTAL, use_coverpage=False),
    "email": {"$type": "email", "recipient": "anna@example.com", "subject": "Hi"},
    "sms": {"$type": "sms", "from_name": "Fuzz", "recipients": ["+46701234567"]},
    "einbox": {
        "$type": "einbox",
        "recipient": "198001011234",
        "template": "t",
        "subject": "s",
        "content": "c",
        "sender_id": "x",
    },
    "einbox_kivra": {
        "$type": "einbox_kivra",
        "recipient": "198001011234",
        "subject": "s",
        "sender_id": "x",
        "kivra_type": 1,
        "invoice": {
            "reference": "r",
            "payable": True,
            "currency": "SEK",
            "due_date": "2030-04-01",
            "total_owed": 100,
            "use_ocr": False,
            "use_bg": True,
            "account": "123-4567",
            "payment_reference": "12345",
            "variable_amount": True,
            "min_amount": 10,
        },
        "booking": {"title": "t", "start_time": "2030-04-01T10:00:00", "end_time": "2030-04-01T11:00:00"},
    },
    "einbox_signer": {
        "$type": "einbox_signer",
        "info_mail": "info@example.com",
        "sender_id": "x",
        "signers": [{"email": "a@example.com", "recipient": "198001011234", "issuer": True}],
    },
    "einvoice": {
        "$type": "einvoice",
        "recipient": "5566778899",
        "format": "svefaktura-1.0",
        "sender": "5566778800",
        "sender_type": "SE.REGNO",
        "recipient_type": "SE.REGNO",
        "intermediator": "peppol",
    },
    "lookup": {"$type": "lookup", "recipient": "198001011234"},
    "ebank": {
        "$type": "ebank",
        "recipient": "198001011234",
        "customer_number": "1",
        "reference_type": "ocr",
        "reference_value": "123",
        "giro_number": "1234567",
        "autogiro": False,
        "amount": 10.5,
        "invoice_date": "2030-03-01",
        "due_date": "2030-04-01",
    },
}

PATH_JUNK: list[tuple[str, Segment]] = [
    ("unknown-uuid", "00000000-0000-4000-8000-000000000000"),
    ("not-a-uuid", "not-a-uuid"),
    ("very-long-4096", "a" * 4096),
    ("pct-nul", "%00"),
    ("pct-encoded-slashes", "..%2F..%2Fcampaigns"),
    ("pct-invalid-utf8", "%FF%FE%25"),
    ("pct-crlf", "%0D%0AX-Evil:%201"),
    ("unicode", quote("\u00e5\u00e4\u00f6-\U0001f4a5-\u202e")),
    ("non-ascii-digit", quote("\u00b2")),
]
QUERY_JUNK: list[tuple[str, str]] = [
    ("empty", ""),
    ("NaN", "NaN"),
    ("date-overflow-high", "9999-12-31T23:59:59-23:59"),
    ("date-overflow-low", "0001-01-01T00:00:00+01:00"),
    ("date-invalid", "2030-02-30"),
    ("long-4096", "x" * 4096),
    ("unicode-and-nul", UNICODE),
    ("array-like", "[]"),
    ("superscript-two", "\u00b2"),
]
BAD_AUTH: list[tuple[str, list[tuple[str, str]] | None]] = [
    ("missing", []),
    ("api-key-blank-value", [("Authorization", "api-key    ")]),
    ("bearer", [("Authorization", f"Bearer {KEY_A}")]),
    ("tab-separated", [("Authorization", f"api-key\t{KEY_A}")]),
    ("basic-not-base64", [("Authorization", "Basic !!!not-base64!!!")]),
    ("basic-no-colon", [("Authorization", "Basic " + base64.b64encode(b"useronly").decode())]),
    ("basic-invalid-utf8", [("Authorization", "Basic " + base64.b64encode(b"\xff\xfe:pw").decode())]),
    ("duplicate-bad-first", [("Authorization", "Bearer x"), ("Authorization", f"api-key {KEY_A}")]),
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


def allowed_types(prop: dict[str, Any]) -> set[str]:
    prop = resolve(prop)
    if "anyOf" in prop:
        return set().union(*(allowed_types(option) for option in prop["anyOf"]))
    kind = prop.get("type")
    if kind is None:
        return {"null", "boolean", "integer", "number", "string", "array", "object"}
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
def fill_params(route: tuple[str, str]) -> list[str]:
    return PATH_PARAM.findall(route[1])


def body_cases(route: tuple[str, str]) -> list[Case]:
    cases = []
    if route in BODY_ROUTES:
        for label, raw in INVALID_JSON:
            cases.append(Case(route, "body", label, body=raw, expect_status=400))
        for label, raw in WRONG_TYPES:
            cases.append(Case(route, "body", label, body=raw, expect_status=is_4xx))
        for label, raw in JUNK_OBJECTS:
            cases.append(Case(route, "body", label, body=raw))
        cases.append(Case(route, "body", "empty-body", body=b""))
        cases.append(Case(route, "body", "whitespace-body", body=b" \r\n\t "))
        cases.append(
            Case(
                route,
                "body",
                "declared-content-length-40MiB",
                body=b"{}",
                extra_headers={"Content-Length": str(40 * 1024 * 1024)},
                expect_status=413,
            )
        )
        cases.append(
            Case(
                route,
                "body",
                "text-plain-content-type",
                body=jbody(BASE_BODIES[route]),
                extra_headers={"Content-Type": "text/plain"},
            )
        )
    else:
        for label, raw in SMALL_GARBAGE:
            cases.append(Case(route, "body", label, body=raw))
    return cases


def field_cases(route: tuple[str, str]) -> list[Case]:
    if route not in BODY_ROUTES:
        return []
    schema = body_schema(route)
    base = BASE_BODIES[route]
    cases = []
    for name, prop in schema.get("properties", {}).items():
        types = allowed_types(prop)
        # wrong-typed values and enum misses: a 4xx for them must name the field
        wrong: list[tuple[str, Any]] = [(lbl, v) for lbl, v in TYPED_JUNK if not accepts(types, v)]
        choices = enum_of(prop)
        if choices:
            wrong += [("not-in-enum", "definitely-not-a-choice"), ("enum-uppercase", str(choices[0]).upper())]
        # junk of the right type: any answer but a crash, an envelope on errors
        odd: list[tuple[str, Any]] = []
        if "string" in types and not choices:
            odd += STRING_JUNK
        if "integer" in types or "number" in types:
            odd += INT_JUNK
        for label, value in wrong:
            body = jbody({**base, name: value})
            cases.append(Case(route, "fields", f"{name}={label}", body=body, names=(name,)))
        for label, value in odd:
            cases.append(Case(route, "fields", f"{name}={label}", body=jbody({**base, name: value})))
        rest = {k: v for k, v in base.items() if k != name}
        cases.append(Case(route, "fields", f"{name}=missing", body=jbody(rest), names=(name,)))
    cases.append(Case(route, "fields", "all-null", body=jbody(dict.fromkeys(base))))
    extra = {"unexpected_field": [1, {}], "__proto__": {"admin": True}, "deep": deep_object(300)}
    cases.append(Case(route, "fields", "extra-fields", body=jbody({**base, **extra})))
    first = next(iter(base))
    cases.append(
        Case(
            route, "fields", "key-case-variant", body=jbody({**base, first.upper(): "x", first.lower(): None})
        )
    )
    return cases


def address_cases(route: tuple[str, str]) -> list[Case]:
    """Junk inside the address object of Create envelope (every $type) and Create content."""
    cases: list[Case] = []
    if route == ("POST", "/campaigns/{campaign_id}/envelopes"):
        base = BASE_BODIES[route]
        for kind, address in ADDRESS_TYPES.items():
            for key in [k for k in address if k != "$type"]:
                for label, value in ADDRESS_JUNK:
                    body = {**base, "address": {**address, key: value}}
                    cases.append(Case(route, "address", f"{kind}.{key}={label}", body=jbody(body)))
            cases.append(
                Case(
                    route,
                    "address",
                    f"{kind}.extra-deep-300",
                    body=jbody({**base, "address": {**address, "deep": deep_array(300)}}),
                )
            )
            cases.append(
                Case(route, "address", f"{kind}.only-type", body=jbody({**base, "address": {"$type": kind}}))
            )
        for label, value in ADDRESS_JUNK:
            cases.append(
                Case(route, "address", f"$type={label}", body=jbody({**base, "address": {"$type": value}}))
            )
    if route == ("POST", "/campaigns/{campaign_id}/envelopes/{envelope_id}/content"):
        base = BASE_BODIES[route]
        for label, value in [
            ("postal", POSTAL),
            ("postal-deep-300", {**POSTAL, "deep": deep_array(300)}),
            ("postal-junk-name", {**POSTAL, "name": {"a": 1}}),
            ("email", ADDRESS_TYPES["email"]),
            ("type-array", {"$type": []}),
        ]:
            body = {**base, "return_address": True, "address": value}
            cases.append(Case(route, "address", f"content.{label}", body=jbody(body)))
    return cases


def path_cases(route: tuple[str, str]) -> list[Case]:
    cases = []
    body = jbody(BASE_BODIES[route]) if route in BODY_ROUTES else None
    for param in fill_params(route):
        target = target_for(route, param)
        junk = list(PATH_JUNK)
        if param != "type":
            junk += [
                ("other-tenant-id", Ref("b", target)),
                ("uppercase-id", Ref("a", target, "upper")),
                ("id-plus-space", Ref("a", target, "space")),
                ("id-of-other-kind", Ref("a", "c2" if param != "campaign_id" else "e1")),
            ]
        for label, segment in junk:
            cases.append(
                Case(
                    route,
                    "path",
                    f"{param}={label}",
                    params={param: segment},
                    body=body,
                    expect_status=is_4xx,
                )
            )
    return cases


def query_cases(route: tuple[str, str]) -> list[Case]:
    cases = []
    names = [p["name"] for p in ROUTE_OPS[route]["parameters"] if p["in"] == "query"]
    for name in names:
        for label, value in QUERY_JUNK:
            cases.append(Case(route, "query", f"{name}={label}", query=f"{name}={quote(value, safe='')}"))
    if {"start", "stop"} <= set(names):
        cases.append(Case(route, "query", "start-after-stop", query="start=2030-03-05&stop=2030-03-01"))
    if names:
        cases.append(Case(route, "query", "unknown-param", query="unexpected=%00&%FF=1"))
    return cases


def method_cases(route: tuple[str, str]) -> list[Case]:
    documented = {m.upper() for m in OPENAPI["paths"][route[1]]}
    if route[0] != sorted(documented)[0]:
        return []  # one set of method cases per path, attached to its first documented route
    cases = []
    for method in EXTRA_METHODS:
        if method in documented or (method == "HEAD" and "GET" in documented):
            continue
        cases.append(Case(route, "method", method, method=method, expect_status=405))
    return cases


def auth_cases(route: tuple[str, str]) -> list[Case]:
    body = jbody(BASE_BODIES[route]) if route in BODY_ROUTES else None
    return [
        Case(route, "auth", label, headers=headers, body=body, expect_status=400, expect_code="0")
        for label, headers in BAD_AUTH
    ]


GENERATORS = [body_cases, field_cases, address_cases, path_cases, query_cases, method_cases, auth_cases]
ALL_CASES: list[Case] = [case for route in ROUTES for gen in GENERATORS for case in gen(route)]

# --------------------------------------------------------------------------------------------------
# known application bugs: (route, category, label) -> reason. The inputs of one bug on one route
# and category run together as one test case marked xfail(strict=True), apart from the bulk.
# --------------------------------------------------------------------------------------------------
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


GROUPS, GROUP_BUGS = group_cases(ALL_CASES, KNOWN_BUGS)


# --------------------------------------------------------------------------------------------------
# the sandbox under test: realistic state for two tenants, restorable between bad requests
# --------------------------------------------------------------------------------------------------
class World:
    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.m = Mockpost(seed=1, **settings)
        self.m.clock.freeze(T0)
        self.client = self.m.client(PROVIDER)
        self.root = self.m.client()
        self.ids = {"a": self._build(AUTH_A, webhook=True), "b": self._build(AUTH_B, webhook=False)}
        self.tenants = {
            "a": self.root.get(f"/_mockpost/state/{PROVIDER}", headers=AUTH_A).json()["tenant"],
            "b": self.root.get(f"/_mockpost/state/{PROVIDER}", headers=AUTH_B).json()["tenant"],
        }
        self.snapshot = self.m.sandbox.store.snapshot()
        # deep copies: dump() hands out live references into the store (monthly_envelopes, addresses)
        self.base = {t: copy.deepcopy(self.fast_dump(t)) for t in ("a", "b")}
        self._async: httpx.AsyncClient | None = None
        self.http_base = {t: self.http_dump(t) for t in ("a", "b")}

    def _build(self, auth: dict[str, str], webhook: bool) -> dict[str, str]:
        """A campaign with an opened envelope holding a document and a closed envelope; a second
        campaign closed (its envelope closed too); optionally a webhook."""

        def ok(response: httpx.Response) -> Any:
            assert response.status_code == 200, response.text
            return response.json() if response.content else None

        c = self.client
        c1 = ok(
            c.post("/campaigns", json={"name": "Spring", "output_date": "2030-03-10T12:00:00"}, headers=auth)
        )
        e1 = ok(
            c.post(f"/campaigns/{c1['id']}/envelopes", json={"name": "E1", "address": POSTAL}, headers=auth)
        )
        d1 = ok(c.post(f"/campaigns/{c1['id']}/envelopes/{e1['id']}/content", json=document(), headers=auth))
        e2 = ok(
            c.post(f"/campaigns/{c1['id']}/envelopes", json={"name": "E2", "address": POSTAL}, headers=auth)
        )
        ok(c.post(f"/campaigns/{c1['id']}/envelopes/{e2['id']}/content", json=document(), headers=auth))
        ok(c.post(f"/campaigns/{c1['id']}/envelopes/{e2['id']}/close", headers=auth))
        c2 = ok(
            c.post("/campaigns", json={"name": "Closed", "output_date": "2030-03-11T12:00:00"}, headers=auth)
        )
        e3 = ok(
            c.post(f"/campaigns/{c2['id']}/envelopes", json={"name": "E3", "address": POSTAL}, headers=auth)
        )
        ok(c.post(f"/campaigns/{c2['id']}/envelopes/{e3['id']}/content", json=document(), headers=auth))
        ok(c.post(f"/campaigns/{c2['id']}/envelopes/{e3['id']}/close", headers=auth))
        ok(c.post(f"/campaigns/{c2['id']}/close", headers=auth))
        c3 = ok(
            c.post("/campaigns", json={"name": "Ready", "output_date": "2030-03-12T12:00:00"}, headers=auth)
        )
        e4 = ok(
            c.post(f"/campaigns/{c3['id']}/envelopes", json={"name": "E4", "address": POSTAL}, headers=auth)
        )
        ok(c.post(f"/campaigns/{c3['id']}/envelopes/{e4['id']}/content", json=document(), headers=auth))
        ok(c.post(f"/campaigns/{c3['id']}/envelopes/{e4['id']}/close", headers=auth))
        if webhook:
            hook = {"url": self.m.inbox_url("fuzz-hook"), "secret": "s3cret"}
            ok(self.root.put(f"/_mockpost/{PROVIDER}/webhook", json=hook, headers=auth))
        return {
            "c1": c1["id"],
            "e1": e1["id"],
            "d1": d1["id"],
            "e2": e2["id"],
            "c2": c2["id"],
            "e3": e3["id"],
            "c3": c3["id"],
            "e4": e4["id"],
        }

    def fast_dump(self, tenant: str) -> Any:
        """The tenant's state as `m.state()` returns it, read in-process (no JSON round trip)."""
        return self.m.sandbox.providers[PROVIDER].dump(self.tenants[tenant])

    def http_dump(self, tenant: str) -> Any:
        """`m.state(...)`, through one reused client."""
        response = self.root.get(f"/_mockpost/state/{PROVIDER}", headers=AUTH_A if tenant == "a" else AUTH_B)
        response.raise_for_status()
        return response.json()["state"]

    def restore(self) -> None:
        self.m.sandbox.store.restore(self.snapshot)

    def send_chunked(
        self, method: str, url: str, body: bytes, headers: list[tuple[str, str]]
    ) -> httpx.Response:
        """A body without Content-Length (Transfer-Encoding: chunked), through an async client: the
        synchronous in-process transport cannot stream a request body."""

        async def chunks() -> Any:
            for start in range(0, len(body), 4096):
                yield body[start : start + 4096]

        async def go() -> httpx.Response:
            if self._async is None:
                self._async = self.m.async_client(PROVIDER)
            response = await self._async.request(method, url, content=chunks(), headers=headers)
            await response.aread()
            return response

        return self.m.run(go())

    def close(self) -> None:
        if self._async is not None:
            self.m.run(self._async.aclose())
        self.m.close()


class Worlds:
    """One World per settings, rebuilt from scratch whenever a request blew up inside the app."""

    def __init__(self) -> None:
        self._worlds: dict[str, World] = {}

    def get(self, **settings: Any) -> World:
        key = repr(sorted(settings.items()))
        if key not in self._worlds:
            self._worlds[key] = World(**settings)
        world = self._worlds[key]
        if any(world.fast_dump(t) != world.base[t] for t in ("a", "b")):
            world.restore()
        return world

    def renew(self, world: World) -> World:
        key = repr(sorted(world.settings.items()))
        world.close()
        self._worlds[key] = World(**world.settings)
        return self._worlds[key]

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
def segment(world: World, value: Segment) -> str:
    if isinstance(value, str):
        return value
    raw = world.ids[value.tenant][value.name]
    return {"": raw, "upper": raw.upper(), "space": raw + "%20"}[value.transform]


def build_url(world: World, case: Case) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in case.params:
            return segment(world, case.params[name])
        target = target_for(case.route, name)
        return world.ids["a"].get(target, target)

    path = PATH_PARAM.sub(fill, case.route[1])
    return path + (f"?{case.query}" if case.query else "")


def describe(case: Case, url: str, headers: list[tuple[str, str]]) -> str:
    body = case.body
    if body is None:
        shown = "none"
    elif len(body) > 160:
        shown = f"{body[:120]!r}... ({len(body)} bytes)"
    else:
        shown = repr(body)
    if case.chunked:
        shown += " [chunked]"
    method = case.method or case.route[0]
    return f"[{'::'.join(case.key)}] {method} {MOUNT}{url[:300]} headers={headers} body={shown}"


def send(world: World, case: Case) -> tuple[str, httpx.Response | BaseException]:
    url = build_url(world, case)
    headers = list(AUTH_A.items()) if case.headers is None else list(case.headers)
    if case.body is not None and not any(k.lower() == "content-type" for k in case.extra_headers):
        headers.append(("Content-Type", "application/json"))
    headers += list(case.extra_headers.items())
    where = describe(case, url, headers)
    method = case.method or case.route[0]
    try:
        if case.chunked and case.body is not None:
            response = world.send_chunked(method, url, case.body, headers)
        else:
            response = world.client.request(method, url, content=case.body, headers=headers)
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
    expected = case.expect_status
    if callable(expected) and not expected(status):
        problems.append(f"status {status} is not what this input must give")
    elif isinstance(expected, int) and status != expected:
        problems.append(f"status {status}, expected {expected}")
    if status < 300:
        return problems
    if status < 400:
        return [*problems, f"unexpected redirect {status}"]
    method = case.method or case.route[0]
    if method == "HEAD":
        return problems
    if status == 404 and not response.content and case.route in BODILESS_404:
        return problems
    if not response.headers.get("content-type", "").startswith("application/json"):
        problems.append(f"content-type {response.headers.get('content-type')!r} is not JSON")
    try:
        body = json.loads(response.content)
    except ValueError:
        return [*problems, f"non-JSON error body {response.content[:200]!r}"]
    if not isinstance(body, dict) or set(body) != ERROR_KEYS:
        return [*problems, f"not the Ekopost error envelope: {str(body)[:300]}"]
    if not all(isinstance(body[k], str) for k in ERROR_KEYS):
        problems.append(f"envelope members are not all strings: {body}")
        return problems
    if not body["error_code"].strip():
        problems.append("empty error_code")
    text = f"{body['error_message']} {body['developer_message']}"
    if not text.strip():
        problems.append("both error_message and developer_message are empty")
    if case.expect_code is not None and body["error_code"] != case.expect_code:
        problems.append(f"error_code {body['error_code']!r}, expected {case.expect_code!r}")
    if case.names and 400 <= status < 500 and not any(n.lower() in text.lower() for n in case.names):
        problems.append(f"the error does not name {case.names}: {text[:300]!r}")
    return problems


def run_case(worlds: Worlds, world: World, case: Case) -> tuple[World, list[str]]:
    """Send one bad request; return the (possibly renewed) world and what went wrong."""
    where, outcome = send(world, case)
    if isinstance(outcome, BaseException):
        # The sandbox stays usable after an exception; put the state back (a crash may have stored
        # something) and let run_group's final m.state() check renew the world if it is broken.
        world.restore()
        detail = f"{type(outcome).__name__}: {str(outcome)[:200]}"
        return world, [f"{where}\n    -> app raised {detail}"]
    problems = envelope_problems(case, outcome)
    try:
        after = {t: world.fast_dump(t) for t in ("a", "b")}
    except Exception as exc:
        problems.append(f"state dump failed afterwards: {type(exc).__name__}: {exc}")
        world.restore()
        return world, [f"{where}\n    -> {p}" for p in problems]
    if is_4xx(outcome.status_code) and after["a"] != world.base["a"]:
        problems.append(f"answered {outcome.status_code} but changed the calling tenant's state")
    if after["b"] != world.base["b"]:
        problems.append("changed the state of another tenant (B)")
    if after != world.base:
        world.restore()
    if problems:
        problems = [f"{p} [got {outcome.status_code} {outcome.content[:300]!r}]" for p in problems]
    return world, [f"{where}\n    -> {p}" for p in problems]


def run_group(worlds: Worlds, cases: list[Case], **settings: Any) -> list[str]:
    world = worlds.get(**settings)
    problems: list[str] = []
    for case in cases:
        world, found = run_case(worlds, world, case)
        problems += found
    # The state as m.state() serves it must still be the baseline (and still serve at all).
    for tenant in ("a", "b"):
        try:
            if world.http_dump(tenant) != world.http_base[tenant]:
                problems.append(f"m.state() of tenant {tenant} differs from the baseline after the group")
        except Exception as exc:
            problems.append(f"m.state() of tenant {tenant} failed after the group: {exc!r}")
            worlds.renew(world)
    return problems


def report(problems: list[str]) -> str:
    shown = problems[:25]
    more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    return f"{len(problems)} problem(s):\n" + "\n".join(shown) + more


def fail_on(problems: list[str]) -> None:
    if problems:
        pytest.fail(report(problems), pytrace=False)


# --------------------------------------------------------------------------------------------------
# the tests
# --------------------------------------------------------------------------------------------------
def test_route_table_is_the_served_openapi() -> None:
    """The fuzzer knows how to fill every path parameter and has a valid body (with every
    documented field) for every body-taking route, so no route is silently skipped."""
    assert len(ROUTES) >= 16
    for route in ROUTES:
        for param in fill_params(route):
            assert param in PARAM_TARGET, f"{route_key(route)}: unknown path parameter {param!r}"
    assert set(BASE_BODIES) == BODY_ROUTES
    for route in BODY_ROUTES:
        documented = set(body_schema(route).get("properties", {}))
        assert documented == set(BASE_BODIES[route]), f"{route_key(route)}: {documented}"
    for route in BODILESS_404:
        assert route in ROUTE_OPS
    covered = {(route_key(c.route), c.category) for c in ALL_CASES}
    for route in ROUTES:
        for category in ("body", "auth"):
            assert (route_key(route), category) in covered
        if fill_params(route):
            assert (route_key(route), "path") in covered


def test_known_bugs_name_generated_cases() -> None:
    keys = {case.key for case in ALL_CASES}
    stale = [key for key in KNOWN_BUGS if key not in keys]
    assert not stale, f"KNOWN_BUGS entries that match no generated case: {stale}"


def test_valid_requests_are_accepted(worlds: Worlds) -> None:
    """The base request of every route succeeds: otherwise the fuzz cases would only test one error."""
    world = worlds.get()
    for route in ROUTES:
        case = Case(route, "valid", "base", body=jbody(BASE_BODIES[route]) if route in BODY_ROUTES else None)
        where, outcome = send(world, case)
        assert isinstance(outcome, httpx.Response), f"{where}: {outcome!r}"
        assert outcome.status_code < 300, f"{where}: {outcome.status_code} {outcome.text[:300]}"
        world.restore()


@pytest.mark.parametrize("group", group_params(GROUPS, GROUP_BUGS))
def test_fuzz(worlds: Worlds, group: str) -> None:
    problems = run_group(worlds, GROUPS[group])
    fail_on(problems)


BODY_ROUTE_KEYS = sorted(route_key(r) for r in BODY_ROUTES)


def over_limit_cases(route: tuple[str, str]) -> list[Case]:
    limit = int(SMALL_LIMIT_MB * 1024 * 1024)
    padded = jbody({**BASE_BODIES[route], "padding": "x" * (limit + 1)})
    return [
        Case(route, "too_large", "content-length", body=padded, expect_status=413),
        Case(route, "too_large", "chunked", body=padded, chunked=True, expect_status=413),
    ]


@pytest.mark.parametrize("key", BODY_ROUTE_KEYS)
def test_body_over_limit_is_413(worlds: Worlds, key: str) -> None:
    route = next(r for r in BODY_ROUTES if route_key(r) == key)
    problems = run_group(worlds, over_limit_cases(route), max_body_mb=SMALL_LIMIT_MB)
    fail_on(problems)


@pytest.mark.parametrize("key", sorted(route_key(r) for r in ROUTES))
def test_body_over_limit_never_5xx(worlds: Worlds, key: str) -> None:
    """Whatever the limit does, a body over it never crashes a route or changes state on a 4xx."""
    route = next(r for r in ROUTES if route_key(r) == key)
    limit = int(SMALL_LIMIT_MB * 1024 * 1024)
    body = jbody({**BASE_BODIES.get(route, {}), "padding": "x" * (limit + 1)})
    cases = [
        Case(route, "too_large", "any", body=body),
        Case(route, "too_large", "any", body=body, chunked=True),
    ]
    problems = run_group(worlds, cases, max_body_mb=SMALL_LIMIT_MB)
    fail_on(problems)


@pytest.mark.parametrize(
    "path",
    [
        "/nope%0Anope",
        "/nope",
        "/campaigns/x/y/z/w/v",
        "/%00",
        "/" + "a" * 4096,
        "/openapi.jsonx",
    ],
)
def test_unknown_routes_answer_404_in_envelope(worlds: Worlds, path: str) -> None:
    world = worlds.get()
    problems: list[str] = []
    for method in ("GET", "POST", "DELETE"):
        case = Case(("GET", path), "unknown-route", method, method=method, body=b"{", expect_status=404)
        world, found = run_case(worlds, world, case)
        problems += found
    fail_on(problems)


@pytest.mark.parametrize(
    "key",
    [
        "POST /campaigns/{campaign_id}/envelopes",
        "POST /sms",
    ],
)
def test_credit_limit_refusal_changes_nothing(worlds: Worlds, key: str) -> None:
    """At the monthly credit limit, Create envelope and Direct sms are refused (113) and leave no
    trace: Direct sms must not leave behind the campaign it would have created."""
    route = next(r for r in BODY_ROUTES if route_key(r) == key)
    world = worlds.get()
    used = world.fast_dump("a")["monthly_envelopes"].get("2030-03", 0)
    response = world.root.put(f"/_mockpost/{PROVIDER}/account", json={"credit_limit": used}, headers=AUTH_A)
    assert response.status_code == 200, response.text
    at_limit = copy.deepcopy(world.fast_dump("a"))
    case = Case(route, "credit-limit", "at-limit", body=jbody(BASE_BODIES[route]), expect_status=400)
    where, outcome = send(world, case)
    after = copy.deepcopy(world.fast_dump("a"))
    world.restore()
    assert isinstance(outcome, httpx.Response), f"{where}\n    -> app raised {outcome!r}"
    problems = envelope_problems(case, outcome)
    assert outcome.json().get("error_code") == "113", outcome.text
    assert not problems, f"{where}: {problems}"
    assert after == at_limit, f"{where}\n    -> answered {outcome.status_code} but changed the state"
