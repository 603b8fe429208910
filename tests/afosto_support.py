"""Shared helpers for the Afosto tests: valid request building from the catalog, and a walker that
creates whatever a route's path needs before calling it."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import httpx

from mockpost.providers.afosto import AfostoProvider
from mockpost.providers.afosto.catalog import Operation, is_param, template
from mockpost.providers.afosto.synth import is_placeholder

TOKEN = {"Authorization": "Bearer walk-token"}
START = "2030-03-04T09:00:00Z"
_SERIAL = itertools.count(1)


def valid(example: Any, field: str = "") -> Any:
    """The documented example with every placeholder replaced by a value of its type."""
    if isinstance(example, dict):
        return {key: valid(value, key) for key, value in example.items()}
    if isinstance(example, list):
        return [valid(value, field) for value in example]
    if not is_placeholder(example):
        return example
    if field == "operator":
        return "in"
    if field == "email":
        return f"walk-{next(_SERIAL)}@example.com"
    if field == "otp":
        return "123456"
    if field == "password":
        return "correct horse battery"
    if example == "string (uuid)":
        return "0b5f8f4e-1c1d-4b8e-9f0e-3a7c2d1e5f60"
    if example.startswith("string (date"):
        return "2030-03-05T10:00:00Z"
    if example.startswith("integer"):
        return 1
    if example.startswith("number"):
        return 1.5
    if example == "boolean":
        return True
    if example == "object":
        return {}
    return f"{field or 'value'}-{next(_SERIAL)}"  # unique, so keys given in bodies never collide


class Walker:
    """Calls any catalog route with a well-formed request, creating what its path names first."""

    def __init__(self, mock: Any, client: httpx.Client) -> None:
        self.mock = mock
        self.client = client
        self.provider: AfostoProvider = mock.sandbox.providers["afosto"]
        self.catalog = self.provider.catalog
        self.engine = self.provider.backend.store

    # -- path parameters ------------------------------------------------------------------
    def fill_path(self, op: Operation, fresh_last: bool = True) -> tuple[str, list[str]]:
        """The op's path with an existing id at every parameter, and those ids."""
        values: list[str] = []
        for index, segment in enumerate(op.segments):
            if not is_param(segment):
                continue
            collection = template(op.segments[:index])
            values.append(self.existing(collection, tuple(values)))
        return self.path_with(op, values), values

    @staticmethod
    def path_with(op: Operation, values: list[str]) -> str:
        parts = iter(values)
        return "/" + "/".join(next(parts) if is_param(s) else s for s in op.segments)

    def existing(self, collection: str, parents: tuple[str, ...]) -> str:
        if collection == "/wms/locations/{}/positions":  # positions are where stock was booked
            stock = [{"sku": "8712345678906", "position": "A34.254", "quantity": 1}]
            booked = self.client.post(f"/wms/locations/{parents[0]}/overage", json=stock)
            assert booked.status_code == 200, booked.text
            return "A34.254"
        if collection == "/odr/filters/keys":  # filter keys are the ones skus were given
            filters = [{"sku": "8712345678906", "filters": {"color": "red"}}]
            given = self.client.put("/odr/filters", json=filters)
            assert given.status_code == 200, given.text
            return "color"
        ops = self.catalog.collections.get(collection, {})
        field = self.engine.key_field(collection) if collection in self.catalog.collections else "id"
        maker = ops.get("create") or ops.get("upsert")
        if maker is not None:
            return self.create(maker, list(parents), field)
        if "list" in ops:
            listed = self.client.get(self.path_with(ops["list"], list(parents)))
            assert listed.status_code == 200, (collection, listed.text)
            return str(listed.json()[0][field])
        return "k1"

    def create(self, op: Operation, parents: list[str], field: str) -> str:
        body = self.body_for(op)
        response = self.client.request(op.method, self.path_with(op, parents), json=body)
        assert response.status_code == op.success, (op.method, op.path, response.text)
        data = response.json()
        created = data[0] if isinstance(data, list) else data
        if field not in created and isinstance(body, list) and body and isinstance(body[0], str):
            return str(body[0])  # named by the body (`PUT /lcs/locations/{id}/positions ["A1"]`)
        return str(created[field])

    # -- bodies ---------------------------------------------------------------------------
    def body_for(self, op: Operation, values: list[str] | None = None) -> Any:
        special = SPECIAL_BODIES.get(op.key)
        if special is not None:
            return special(self, values or [])
        return valid(op.request) if op.request is not None else None

    def hub(self) -> str:
        return self.existing("/spl/hubs", ())

    def shipment(self) -> dict[str, Any]:
        """A new open shipment with one item."""
        body = {"items": [{"sku": "SKU-1", "description": "Walk item", "quantity": 1}]}
        response = self.client.post("/lcs/shipments", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def session_with_contact(self) -> str:
        """A checkout session with a guest contact on it (what authorize and GET contact need)."""
        session = self.existing("/odr/sessions", ())
        contact = self.client.post(f"/odr/sessions/{session}/contact", json={"email": "guest@example.com"})
        assert contact.status_code == 204, contact.text
        return str(session)

    def identity(self, audience: str = "walk") -> dict[str, str]:
        """An identity of `audience`: its email and password."""
        email = f"walk-{next(_SERIAL)}@example.com"
        login = {"audience": audience, "email": email, "password": "walk-secret"}
        response = self.client.post("/rel/identity/create", json=login)
        assert response.status_code == 200, response.text
        return login

    def paid_transaction(self) -> tuple[str, str]:
        """A transaction with one paid payment: its secret and the payment's id."""
        secret = self.existing("/odr/transactions", ())
        payment = self.client.post(
            f"/odr/transactions/{secret}/payments", json={"method_code": "ideal", "amount": 500}
        )
        assert payment.status_code == 200, payment.text
        paid = self.client.post(f"/odr/payments/{secret}/paid")
        assert paid.status_code == 200, paid.text
        return secret, payment.json()["id"]


def _queue_job(walker: Walker, values: list[str]) -> dict[str, Any]:
    return {"hub_id": walker.hub(), "job": "label.zpl", "description": "walk", "tag": "walk"}


def _listed_skus(walker: Walker, values: list[str]) -> list[str]:
    """A sku listed at a position of the location: what the positions search looks up."""
    listing = [{"sku": "8712345678906", "position": "A3.32435"}]
    listed = walker.client.put(f"/lcs/locations/{values[0]}/skus", json=listing)
    assert listed.status_code == 200, listed.text
    return ["8712345678906"]


def _location_address(walker: Walker, values: list[str]) -> dict[str, Any]:
    location = walker.client.post(
        "/wms/locations", json={"name": "Walk", "address_id": "walk-address"}
    ).json()
    return {"address_id": location["address_id"]}


def _list_shipments(walker: Walker, values: list[str]) -> dict[str, Any]:
    return {"due_at": START, "shipments": [{"id": walker.shipment()["id"], "label": "A"}]}


def _list_items(walker: Walker, values: list[str]) -> list[dict[str, Any]]:
    handling = walker.client.get(f"/lcs/lists/{values[0]}").json()
    return [{"id": handling["items"][0]["id"], "is_handled": True}]


def _missing_items(walker: Walker, values: list[str]) -> list[dict[str, Any]]:
    shipment = walker.client.get(f"/lcs/shipments/{values[0]}").json()
    return [{"id": shipment["items"][0]["id"], "is_missing": True}]


def _transport_shipments(walker: Walker, values: list[str]) -> dict[str, Any]:
    return {"inbound_shipment_id": walker.shipment()["id"], "outbound_shipment_id": walker.shipment()["id"]}


def _session_login(walker: Walker, values: list[str]) -> dict[str, Any]:
    login = walker.identity()
    return {"email": login["email"], "password": login["password"]}


def _known_contact(walker: Walker, values: list[str]) -> dict[str, Any]:
    return {"contact_id": walker.existing("/rel/contacts", ())}


def _known_identity(walker: Walker, values: list[str]) -> dict[str, Any]:
    return {"email": walker.identity()["email"]}


SPECIAL_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/lcs/lists"): _list_shipments,
    ("PUT", "/lcs/lists/{id}/items"): _list_items,
    ("PUT", "/lcs/shipments/{id}/items/missing"): _missing_items,
    ("PUT", "/wms/transfers/{transfer_id}/transports/{id}/shipment"): _transport_shipments,
    ("POST", "/odr/sessions"): lambda w, v: {"audience": "walk"},
    ("POST", "/odr/sessions/{id}/authenticate"): _session_login,
    ("POST", "/odr/sessions/{id}/authenticated"): _known_contact,
    ("POST", "/odr/sessions/{id}/identity"): _known_identity,
    ("POST", "/spl/queue"): _queue_job,
    ("PUT", "/spl/queue/{reference}"): lambda w, v: {"status": "pending", "changed_at": START},
    ("POST", "/cnt/html/inline"): lambda w, v: {"content": base64.b64encode(b"<p>Hello</p>").decode()},
    ("POST", "/lcs/locations/{id}/positions/search"): _listed_skus,
    ("POST", "/wms/search/locations"): _location_address,
    ("PUT", "/iam/subtenants/invites/{id}"): lambda w, v: {"state": "approved"},
    ("PUT", "/odr/sessions/{id}/order"): lambda w, v: {"order_id": w.existing("/odr/orders", ())},
    ("PUT", "/wms/transfers/{transfer_id}/transports/{id}/state"): lambda w, v: {"state": "shipped"},
    ("PUT", "/iam/subtenants/authorizations/requests/{id}"): lambda w, v: {"state": "approved"},
    ("POST", "/iam/oauth/authorize"): lambda w, v: {
        "client_id": "walk",
        "client_secret": "s",
        "grant_type": "client_credentials",
        "scope": "",
    },
}


def afosto_client(mock: Any) -> httpx.Client:
    """A client of the walk's account, with the clock frozen at START."""
    mock.clock.freeze(START)
    client: httpx.Client = mock.client("afosto", headers=TOKEN)
    return client


def refused(response: httpx.Response, field: str = "state") -> None:
    """A 400 in the envelope naming `field` (by default `state`: a transition the table refuses)."""
    assert response.status_code == 400, response.text
    assert response.json()["errors"]["invalid value"] == [field]


def shape_ok(example: Any, body: Any) -> bool:
    """The body has the documented shape: the same JSON type, and every documented key of an object."""
    if isinstance(example, dict):
        return isinstance(body, dict) and set(example) <= set(body)
    if isinstance(example, list):
        if not isinstance(body, list):
            return False
        return not body or not example or shape_ok(example[0], body[0])
    return True
