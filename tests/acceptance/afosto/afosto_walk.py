"""Walks one documented Afosto endpoint: builds what its path names, calls it, judges the answer.

Every endpoint is walked in an account of its own (a bearer token is its own tenant), so the walk
shares one sandbox and still starts every endpoint from an empty account. The prerequisite state is
built from the documents only: an id in a path comes from the documented create endpoint of its
collection (a POST, or a PUT upsert, on the path up to that id), else from the documented list of
that collection, else from the flows the documents describe (`FLOWS`). An id nothing documented can
produce is sent as an unknown id, and the endpoint must then answer 404 in the envelope.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

PLACEHOLDER = re.compile(r"^(string|integer|number|boolean|object)( \([\w-]+\))?$")
ENVELOPE_KEYS = {"code", "message", "reference", "errors"}
UNKNOWN = "walk-unknown-0001"
# Answers that echo the JSON schema the walk announced, whose `"type": "object"` is data, not a placeholder.
ECHOES_SCHEMA = {"PUT /iam/profiles/{path}/announce", "GET /iam/profiles/{path}/definition"}
# Fields whose documented values are type words themselves: CntListIndexFilter documents
# `type: string string, boolean, number`, so a filter's type "string" is data, not a placeholder.
TYPE_WORDS = {"GET /cnt/instant/indexes/{id}/settings": re.compile(r"^\$\.filters\[\d+\]\.type=")}
FUTURE = "2031-01-01T12:00:00+00:00"


def fill(example: Any, name: str = "", ids: dict[str, str] | None = None) -> Any:
    """The documented example with every type placeholder replaced by a value of that type."""
    ids = ids or {}
    if isinstance(example, dict):
        return {key: fill(value, key, ids) for key, value in example.items()}
    if isinstance(example, list):
        return [fill(value, name, ids) for value in example]
    if not isinstance(example, str) or not PLACEHOLDER.match(example):
        return example
    kind, _, fmt = example.partition(" ")
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "object":
        return {}
    if name in ids:
        return ids[name]
    fmt = fmt.strip("()")
    return _text(name.lower(), fmt)


# Values by format, then by field name (exact, then a word the name contains): what a client sends.
BY_FORMAT = {
    "date-time": FUTURE,
    "datetime": FUTURE,
    "date": "2031-01-01",
    "uuid": "9b2f6a5e-2f1d-4c59-8f60-0c7a0e6d1a01",
    "base64": base64.b64encode(b"<p>walk</p>").decode(),
    "url": "https://example.com/walk",
}
BY_NAME = {"country_code": "NL", "country": "NL", "currency": "EUR", "operator": "in", "otp": "123456"}
BY_WORD = (("email", "walk@example.com"), ("password", "walk-password-1"), ("url", BY_FORMAT["url"]))


def _text(name: str, fmt: str) -> str:
    if name.endswith("_at"):
        fmt = fmt or "date-time"
    if fmt in BY_FORMAT:
        return BY_FORMAT[fmt]
    if name in BY_NAME:
        return BY_NAME[name]
    if name.endswith("uri"):
        return BY_FORMAT["url"]
    return next((value for word, value in BY_WORD if word in name), "walk")


def leaks(value: Any, path: str = "$") -> list[str]:
    """Paths of the answer that still carry a documented type placeholder."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaks(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for n, item in enumerate(value) for p in leaks(item, f"{path}[{n}]")]
    if isinstance(value, str) and (PLACEHOLDER.match(value) or value.startswith("#/definitions/")):
        return [f"{path}={value!r}"]
    return []


def envelope_problems(response: httpx.Response, status: int, wrapped: bool = False) -> list[str]:
    """What is wrong with an error answer, judged against the documented envelope."""
    problems: list[str] = []
    if response.status_code != status:
        problems.append(f"status {response.status_code}, expected {status}: {response.text[:300]}")
    try:
        body = response.json()
    except ValueError:
        return [*problems, f"error body is not JSON: {response.text[:200]!r}"]
    if wrapped:
        if not (isinstance(body, list) and len(body) == 1):
            return [*problems, f"error body is not the array-wrapped envelope: {body!r}"]
        body = body[0]
    if not isinstance(body, dict) or set(body) != ENVELOPE_KEYS:
        return [*problems, f"error body is not the envelope: {body!r}"]
    if body["code"] != status or not isinstance(body["errors"], dict):
        problems.append(f"envelope code/errors wrong: {body!r}")
    if not isinstance(body["message"], str) or not isinstance(body["reference"], str):
        problems.append(f"envelope message/reference wrong: {body!r}")
    return problems


@dataclass
class Outcome:
    endpoint: dict[str, Any]
    response: httpx.Response | None = None
    problems: list[str] = field(default_factory=list)
    needs_prior_object: str | None = None


class Walker:
    """Runs endpoints in fresh accounts of one in-process sandbox."""

    def __init__(self, endpoints: list[dict[str, Any]], client: Callable[[str], httpx.Client]) -> None:
        self.endpoints = {(e["method"], e["path"]): e for e in endpoints}
        self.shapes = {(e["method"], _normal(e["path"])): e for e in endpoints}
        self._client = client
        self._accounts = itertools.count(1)

    # -- accounts and calls ---------------------------------------------------------
    def account(self) -> Account:
        return Account(self, self._client(f"walk-{next(self._accounts)}"))

    def run(self, endpoint: dict[str, Any]) -> Outcome:
        return self.account().walk(endpoint)


class Account:
    """One tenant: what was created in it, keyed by collection template."""

    def __init__(self, walker: Walker, http: httpx.Client) -> None:
        self.walker = walker
        self.http = http
        self.made: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.unknown: list[str] = []
        self.target = ""

    # -- requests --------------------------------------------------------------------
    def call(
        self, method: str, path: str, body: Any = None, *, params: dict[str, str] | None = None
    ) -> httpx.Response:
        if body is None:
            return self.http.request(method, path, params=params)
        return self.http.request(method, path, json=body, params=params)

    def body_for(self, endpoint: dict[str, Any]) -> Any:
        if not endpoint["has_request"]:
            return None
        return fill(endpoint["request"], ids=self.ids)

    def documented(self, method: str, template: str) -> dict[str, Any] | None:
        return self.walker.shapes.get((method, _normal(template)))

    # -- building a path ---------------------------------------------------------------
    def path(self, template: str) -> str:
        """The template with every `{param}` replaced by an id that exists in this account."""
        segments = template.strip("/").split("/")
        done: list[str] = []
        for n, segment in enumerate(segments):
            if segment.startswith("{"):
                collection = "/" + "/".join(segments[:n])
                done.append(self.obtain(collection, segment[1:-1], "/" + "/".join(done)))
            else:
                done.append(segment)
        return "/" + "/".join(done)

    def obtain(self, collection: str, param: str, concrete: str) -> str:
        """An id for `{param}` under the (concrete) collection path."""
        key = f"{collection}/{{{param}}}"
        if key in self.made:
            return self.made[key]
        flow = FLOWS.get(key)
        value = flow(self, concrete) if flow else None
        if value is None:
            value = self.create(collection, param, concrete) or self.listed(collection, param, concrete)
        if value is None:
            value = UNKNOWN
            self.unknown.append(key)
        self.made[key] = value
        self.ids.setdefault(_singular(collection.rsplit("/", 1)[-1]) + "_id", value)
        return value

    def create(self, collection: str, param: str, concrete: str) -> str | None:
        for method in ("POST", "PUT"):
            endpoint = self.documented(method, collection)
            if endpoint is None or "search" in endpoint["title"].lower():
                continue
            response = self.call(method, concrete, self.body_for(endpoint))
            found = _key_of(response, param)
            if found is not None:
                return found
        return None

    def listed(self, collection: str, param: str, concrete: str) -> str | None:
        if self.documented("GET", collection) is None:
            return None
        return _key_of(self.call("GET", concrete), param)

    # -- one endpoint ------------------------------------------------------------------
    def send(self, endpoint: dict[str, Any]) -> tuple[str, Any, httpx.Response]:
        """Builds the path's ids and what the call needs first, then makes the documented request:
        the concrete path, the body sent and the answer."""
        method, template = endpoint["method"], endpoint["path"]
        self.target = f"{method} {template}"
        prepare = PREPARE.get(f"{method} {template}")
        concrete = self.path(template)
        if method == "GET" and endpoint["shape"]["type"] == "array":
            self.create(template, "id", concrete)  # so the list has an item to judge
        if prepare:
            prepare(self, concrete)
        body = self.body_for(endpoint)
        special = REQUESTS.get(f"{method} {template}")
        if special:
            response = special(self, concrete, body)
            sent = (
                json.loads(response.request.content) if response.request.content[:1] in (b"{", b"[") else None
            )
            return concrete, sent, response
        query = {p["name"]: p["default"] for p in endpoint["params"] if p["in"] == "query" and "default" in p}
        return concrete, body, self.call(method, concrete, body, params=query)

    def walk(self, endpoint: dict[str, Any]) -> Outcome:
        outcome = Outcome(endpoint)
        _, _, response = self.send(endpoint)
        outcome.response = response
        if self.unknown and response.status_code == 404:
            outcome.needs_prior_object = ", ".join(self.unknown)
            outcome.problems = envelope_problems(response, 404, 404 in endpoint["wrapped_errors"])
            return outcome
        outcome.problems = judge(endpoint, response)
        task = response.headers.get("x-task-id")
        if "x-task-id" in endpoint["headers"] and task:
            read = self.call("GET", f"/mes/tasks/{task}")
            if read.status_code != 200:
                outcome.problems.append(f"x-task-id {task} not readable at /mes/tasks: {read.status_code}")
        return outcome


def judge(endpoint: dict[str, Any], response: httpx.Response) -> list[str]:
    """What differs from the documented success answer."""
    status = response.status_code
    if status != endpoint["success"] and status not in endpoint["successes"]:
        return [f"status {status}, documented {endpoint['success']}: {response.text[:400]}"]
    problems: list[str] = []
    for header in endpoint["headers"]:
        if header not in response.headers:
            problems.append(f"documented response header {header} missing")
    kind, keys = endpoint["shape"]["type"], endpoint["shape"]["keys"]
    if status == 204 or kind == "none":
        if status == 204 and response.content:
            problems.append(f"204 with a body: {response.content[:100]!r}")
        return problems
    if kind == "binary":
        if not response.content:
            problems.append("empty binary answer")
        return problems
    try:
        body = response.json()
    except ValueError:
        return [*problems, f"answer is not JSON: {response.content[:100]!r}"]
    name = f"{endpoint['method']} {endpoint['path']}"
    if name not in ECHOES_SCHEMA:
        words = TYPE_WORDS.get(name)
        leaked = [p for p in leaks(body) if words is None or not words.match(p)]
        problems += [f"placeholder leaked: {p}" for p in leaked[:5]]
    if kind == "object":
        if not isinstance(body, dict):
            return [*problems, f"expected an object, got {type(body).__name__}: {str(body)[:200]}"]
        missing = [k for k in keys if k not in body]
    elif kind == "array":
        if not isinstance(body, list):
            return [*problems, f"expected an array, got {type(body).__name__}: {str(body)[:200]}"]
        first = body[0] if body else None
        if keys and first is not None and not isinstance(first, dict):
            return [*problems, f"expected array items to be objects, got {first!r}"]
        missing = [k for k in keys if isinstance(first, dict) and k not in first]
    else:
        missing = []
    if missing:
        problems.append(f"documented top-level keys missing: {missing}")
    return problems


def _normal(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def _key_of(response: httpx.Response, param: str) -> str | None:
    if response.status_code >= 300 or not response.content:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, list):
        body = body[0] if body else None
    if isinstance(body, str) and body:
        return body  # a list of plain values names its items by the values (`["A34.254"]`)
    if not isinstance(body, dict):
        return None
    for name in (param, "id", "code", "key"):
        value = body.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
            return str(value)
    return None


# Prerequisite state the documents describe, keyed by "collection/{param}" (FLOWS: how an id is
# obtained) or "METHOD path" (PREPARE: what must happen before the call; REQUESTS: the request, when
# the example alone is not a well-formed one).
def _segment(concrete: str, n: int) -> str:
    return concrete.strip("/").split("/")[n]


def _json(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


ORDER_STEPS = ("authorize", "accept", "confirm", "allocate")


def _order_to(account: Account, order: str, steps: int) -> None:
    """Moves an order along the documented flow: calculation + authorize, accept, confirm, allocate."""
    for step in ORDER_STEPS[:steps]:
        if step == "authorize":
            calculation = _json(account.call("POST", f"/odr/orders/{order}/calculation", {}))["id"]
            answer = _json(
                account.call("POST", f"/odr/orders/{order}/authorize", {"calculation_id": calculation})
            )
            account.ids["transaction_secret"] = answer["transaction_secret"]
        else:
            _json(account.call("POST", f"/odr/orders/{order}/{step}"))


def _order_calculation(account: Account, concrete: str) -> None:
    order = _segment(concrete, 2)
    account.ids["calculation_id"] = _json(account.call("POST", f"/odr/orders/{order}/calculation", {}))["id"]


def _order_steps(steps: int) -> Callable[[Account, str], None]:
    return lambda account, concrete: _order_to(account, _segment(concrete, 2), steps)


def _transaction(account: Account, concrete: str) -> str:
    order = account.obtain("/odr/orders", "id", "/odr/orders")
    _order_to(account, order, 1)
    return account.ids["transaction_secret"]


def _pending_payment(account: Account, concrete: str) -> None:
    secret = _segment(concrete, 2)
    body = fill(account.walker.endpoints[("POST", "/odr/transactions/{secret}/payments")]["request"])
    payment = _json(account.call("POST", f"/odr/transactions/{secret}/payments", body))
    account.ids["payment_id"] = payment["id"]


def _paid_payment(account: Account, concrete: str) -> None:
    _pending_payment(account, concrete)
    _json(account.call("POST", f"/odr/payments/{_segment(concrete, 2)}/paid"))


IDENTITY = {"audience": "walk", "email": "walk@example.com", "password": "walk-password-1"}


def _identity(account: Account, concrete: str) -> None:
    _json(account.call("POST", "/rel/identity/create", IDENTITY))


def _contact(account: Account, concrete: str) -> None:
    account.ids["contact_id"] = account.obtain("/rel/contacts", "id", "/rel/contacts")


def _order(account: Account, concrete: str) -> None:
    account.ids["order_id"] = account.obtain("/odr/orders", "id", "/odr/orders")


def _session_contact(account: Account, concrete: str) -> None:
    session = _segment(concrete, 2)
    body = fill(account.walker.endpoints[("POST", "/odr/sessions/{id}/contact")]["request"])
    _json(account.call("POST", f"/odr/sessions/{session}/contact", body))


def _session_ready(account: Account, concrete: str) -> None:
    _session_contact(account, concrete)
    calculation = _json(account.call("GET", f"/odr/sessions/{_segment(concrete, 2)}/calculation"))
    account.ids["calculation_id"] = calculation["id"]


def _validated_batch(account: Account, concrete: str) -> None:
    _json(account.call("PUT", f"/cnt/batches/{_segment(concrete, 2)}/validate"))


def _missing_items(account: Account, concrete: str, body: Any) -> httpx.Response:
    shipment = _json(account.call("GET", f"/lcs/shipments/{_segment(concrete, 2)}"))
    return account.call("PUT", concrete, [{"id": shipment["items"][0]["id"], "is_missing": True}])


def _list_body(account: Account) -> dict[str, Any]:
    shipment = account.obtain("/lcs/shipments", "id", "/lcs/shipments")
    return {"due_at": FUTURE, "shipments": [{"id": shipment, "label": "walk"}]}


def _new_list(account: Account, concrete: str, body: Any) -> httpx.Response:
    return account.call("POST", "/lcs/lists", _list_body(account))


def _list(account: Account, concrete: str) -> str | None:
    return _key_of(account.call("POST", "/lcs/lists", _list_body(account)), "id")


def _sku_at_position(account: Account, concrete: str, body: Any) -> httpx.Response:
    skus = [{"position": "A3.32435", "sku": "8712345678906", "created_at": FUTURE}]
    _json(account.call("PUT", f"/lcs/locations/{_segment(concrete, 2)}/skus", skus))
    return account.call("POST", concrete, ["8712345678906"])


def _list_items(account: Account, concrete: str, body: Any) -> httpx.Response:
    items = _json(account.call("GET", concrete.rsplit("/", 1)[0]))["items"]
    return account.call("PUT", concrete, [{**body[0], "id": items[0]["id"]}])


def _shipments(account: Account, concrete: str) -> None:
    account.ids["inbound_shipment_id"] = account.obtain("/lcs/shipments", "id", "/lcs/shipments")
    account.ids["outbound_shipment_id"] = account.ids["inbound_shipment_id"]


def _wms_location(account: Account, concrete: str) -> None:
    _json(
        account.call("PUT", "/wms/locations", {"id": "walk-location", "name": "walk", "address_id": "walk"})
    )


def _hub(account: Account, concrete: str) -> str | None:
    account.obtain("/spl/hubs", "id", "/spl/hubs")
    return None  # the documented create of the print queue then works


def _hub_ready(account: Account, concrete: str) -> None:
    account.obtain("/spl/hubs", "id", "/spl/hubs")


def _put(**fields: Any) -> Callable[[Account, str, Any], httpx.Response]:
    return lambda account, concrete, body: account.call("PUT", concrete, {**(body or {}), **fields})


def _client_credentials(account: Account, concrete: str, body: Any) -> httpx.Response:
    credentials = {"client_id": "walk", "client_secret": "walk", "grant_type": "client_credentials"}
    return account.call("POST", concrete, {**credentials, "scope": "odr:orders:read"})


def _two_factor(account: Account, concrete: str) -> str:
    if account.target != "POST /iam/2fa/secrets/{type}":
        _json(account.call("POST", "/iam/2fa/secrets/totp", fill({"name": "string"})))
    return "totp"


def _task(account: Account, concrete: str) -> str:
    parcel = account.obtain("/lcs/parcels", "id", "/lcs/parcels")
    response = account.call("POST", f"/lcs/parcels/{parcel}/label")
    _json(response)
    return response.headers["x-task-id"]


PROFILE = "walk-profile"


def _profile(account: Account, concrete: str) -> str:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}}
    if not account.target.startswith("PUT /iam/profiles/{path}/announce"):
        _json(account.call("PUT", f"/iam/profiles/{PROFILE}/announce", schema))
    if account.target == "GET /iam/profiles/{path}":
        _json(account.call("PUT", f"/iam/profiles/{PROFILE}", {"name": "walk"}))
    return PROFILE


def _signature(account: Account, concrete: str) -> str | None:
    body = fill(account.walker.endpoints[("POST", "/cnt/files/signature")]["request"])
    return _key_of(account.call("POST", "/cnt/files/signature", body), "signature")


def _upload(account: Account, concrete: str, body: Any) -> httpx.Response:
    return account.http.post(concrete, files={"file": ("walk.txt", b"walk", "text/plain")})


def _method_provider(account: Account, concrete: str) -> str | None:
    methods = _json(account.call("GET", "/odr/methods"))
    account.made["/odr/methods/{provider_code}/{code}"] = methods[0]["code"]
    return str(methods[0]["provider_code"])


def _stock_position(account: Account, concrete: str) -> str:
    """A warehouse location's positions are the ones stock was booked at (POST .../overage)."""
    stock = [{"sku": "8712345678906", "position": "A34.254", "quantity": 1}]
    _json(account.call("POST", f"/wms/locations/{_segment(concrete, 2)}/overage", stock))
    return stock[0]["position"]


def _filter_key(account: Account, concrete: str) -> str:
    """Filter keys are the ones skus were given (PUT /odr/filters)."""
    _json(account.call("PUT", "/odr/filters", [{"sku": "8712345678906", "filters": {"color": "red"}}]))
    return "color"


def _query(values: dict[str, str]) -> Callable[[Account, str, Any], httpx.Response]:
    return lambda account, concrete, body: account.call("GET", concrete, params=values)


FLOWS: dict[str, Callable[[Account, str], str | None]] = {
    "/odr/transactions/{secret}": _transaction,
    "/odr/payments/{secret}": _transaction,
    "/lcs/lists/{id}": _list,
    "/spl/queue/{reference}": _hub,
    "/iam/2fa/secrets/{type}": _two_factor,
    "/mes/tasks/{id}": _task,
    "/iam/profiles/{path}": _profile,
    "/cnt/files/upload/{signature}": _signature,
    "/odr/methods/{provider_code}": _method_provider,
    "/wms/locations/{id}/positions/{position}": _stock_position,
    "/odr/filters/keys/{key}": _filter_key,
}
PREPARE: dict[str, Callable[[Account, str], None]] = {
    "POST /odr/orders/{id}/authorize": _order_calculation,
    "POST /odr/orders/{id}/accept": _order_steps(1),
    "POST /odr/orders/{id}/confirm": _order_steps(2),
    "POST /odr/orders/{id}/allocate": _order_steps(3),
    "POST /odr/orders/{id}/fulfil": _order_steps(4),
    "POST /odr/payments/{secret}/paid": _pending_payment,
    "POST /odr/transactions/{secret}/refunds": _paid_payment,
    "POST /odr/sessions/{id}/authenticate": _identity,
    "POST /odr/sessions/{id}/identity": _identity,
    "POST /odr/sessions/{id}/authenticated": _contact,
    "PUT /odr/sessions/{id}/order": _order,
    "GET /odr/sessions/{id}/contact": _session_contact,
    "POST /odr/sessions/{id}/authorize": _session_ready,
    "PUT /cnt/batches/{id}/confirm": _validated_batch,
    "POST /wms/search/locations": _wms_location,
    "POST /spl/queue": _hub_ready,
    "PUT /wms/transfers/{transfer_id}/transports/{id}/shipment": _shipments,
}
REQUESTS: dict[str, Callable[[Account, str, Any], httpx.Response]] = {
    "PUT /lcs/shipments/{id}/items/missing": _missing_items,
    "POST /lcs/lists": _new_list,
    "PUT /lcs/lists/{id}/items": _list_items,
    "POST /lcs/locations/{id}/positions/search": _sku_at_position,
    "PUT /spl/queue/{reference}": _put(status="pending"),
    "PUT /wms/transfers/{transfer_id}/transports/{id}/state": _put(state="shipped"),
    "PUT /iam/subtenants/invites/{id}": _put(state="approved"),
    "PUT /iam/subtenants/authorizations/requests/{id}": _put(state="approved"),
    "POST /iam/oauth/authorize": _client_credentials,
    "POST /cnt/files/upload/{signature}": _upload,
    "GET /cnt/barcode": _query({"t": "ean", "v": "8712345678906"}),
    "GET /cnt/gif/transform": _query({"url": "https://example.com/walk.gif"}),
}
