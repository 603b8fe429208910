"""Warehouse transfers with chained transports, and profiles with their 409 conflicted schema."""

from __future__ import annotations

from typing import Any

from afosto_support import afosto_client, refused

SETTINGS = {"type": "object", "properties": {"api_key": {"type": "string"}, "retries": {"type": "integer"}}}


def test_a_transfer_travels_through_its_chained_transports(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    transfer = afosto.post("/wms/transfers", json={"target": "loc-utrecht"}).json()
    assert (transfer["status"], transfer["is_collection_pending"]) == ("pending", True)
    base = f"/wms/transfers/{transfer['id']}"
    collect, deliver = afosto.get(f"{base}/transports").json()
    assert (collect["next"], deliver["previous"], deliver["to"]) == (
        deliver["id"],
        collect["id"],
        "loc-utrecht",
    )
    refused(
        afosto.put(f"{base}/transports/{deliver['id']}/state", json={"state": "shipped"})
    )  # collect first
    afosto.put(f"{base}/transports/{collect['id']}/state", json={"state": "shipped"})
    moving = afosto.get(base).json()
    assert (moving["status"], moving["is_collection_pending"]) == ("transit", False)
    assert moving["collections"][0]["status"] == "partial"
    afosto.put(f"{base}/transports/{collect['id']}/state", json={"state": "delivered"})
    afosto.put(f"{base}/transports/{deliver['id']}/state", json={"state": "shipped"})
    assert afosto.get(base).json()["status"] == "transit"
    arrived = afosto.put(f"{base}/transports/{deliver['id']}/state", json={"state": "delivered"}).json()
    assert arrived["arrival_at"] == "2030-03-04T09:00:00Z"
    done = afosto.get(base).json()
    assert done["status"] == "delivered"
    assert (done["collections"][0]["status"], done["deliveries"][0]["status"]) == ("delivered", "delivered")
    refused(afosto.put(f"{base}/transports/{deliver['id']}/state", json={"state": "shipped"}))


def test_shipments_attach_to_a_transport_until_it_is_delivered(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    transfer = afosto.post("/wms/transfers", json={}).json()
    base = f"/wms/transfers/{transfer['id']}"
    transport = afosto.get(f"{base}/transports").json()[0]
    path = f"{base}/transports/{transport['id']}/shipment"
    assert afosto.put(path, json={}).json()["errors"]["required"] == [
        "inbound_shipment_id",
        "outbound_shipment_id",
    ]
    refused(afosto.put(path, json={"outbound_shipment_id": "nope"}), "outbound_shipment_id")
    shipment = afosto.post("/lcs/shipments", json={}).json()
    attached = afosto.put(path, json={"outbound_shipment_id": shipment["id"]}).json()
    assert attached["outbound_shipment_id"] == shipment["id"]
    state = f"{base}/transports/{transport['id']}/state"
    afosto.put(state, json={"state": "shipped"})
    afosto.put(state, json={"state": "delivered"})
    refused(afosto.put(path, json={"inbound_shipment_id": shipment["id"]}))
    assert (
        afosto.put(f"/wms/transfers/nope/transports/{transport['id']}/shipment", json={}).status_code == 404
    )


def test_a_profile_follows_its_announced_definition(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    assert afosto.get("/iam/profiles/carrier").status_code == 404
    assert afosto.get("/iam/profiles/carrier/definition").status_code == 404
    announced = afosto.put("/iam/profiles/carrier/announce", json=SETTINGS)
    assert announced.status_code == 200 and announced.json() == SETTINGS
    assert afosto.get("/iam/profiles/carrier/definition").json() == SETTINGS
    assert afosto.get("/iam/profiles/carrier").status_code == 204  # a schema, no profile yet
    stored = afosto.put("/iam/profiles/carrier", json={"api_key": "k-1", "retries": 3})
    assert stored.status_code == 200 and stored.json() == {"api_key": "k-1", "retries": 3}
    assert afosto.get("/iam/profiles/carrier").json() == {"api_key": "k-1", "retries": 3}


def test_content_of_another_type_is_a_wrapped_409(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    afosto.put("/iam/profiles/carrier/announce", json=SETTINGS)
    conflict = afosto.put("/iam/profiles/carrier", json={"api_key": "k", "retries": "three"})
    assert conflict.status_code == 409
    body = conflict.json()
    assert isinstance(body, list)  # the reference documents this endpoint's 409 inside an array
    assert body[0]["code"] == 409 and body[0]["errors"] == {"invalid value": ["retries"]}
    assert "conflicted schema detected" in body[0]["message"]
    assert afosto.get("/iam/profiles/carrier").status_code == 204  # nothing was stored


def test_announcing_another_type_for_a_property_is_a_bare_409(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    afosto.put("/iam/profiles/carrier/announce", json=SETTINGS)
    more = {"type": "object", "properties": {"api_key": {"type": "string"}, "region": {"type": "string"}}}
    assert afosto.put("/iam/profiles/carrier/announce", json=more).status_code == 200  # agreeing: merged
    merged = afosto.get("/iam/profiles/carrier/definition").json()
    assert set(merged["properties"]) == {"api_key", "retries", "region"}
    clash = {"type": "object", "properties": {"retries": {"type": "string"}}}
    conflict = afosto.put("/iam/profiles/carrier/announce", json=clash)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == 409 and conflict.json()["errors"] == {"invalid value": ["retries"]}
    assert afosto.put("/iam/profiles/carrier/announce", json=["not", "an", "object"]).status_code == 400


def test_the_openapi_document_lists_the_204_of_a_profile_announced_but_not_stored(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    afosto.put("/iam/profiles/carrier/announce", json=SETTINGS)
    assert afosto.get("/iam/profiles/carrier").status_code == 204
    responses = afosto.get("/openapi.json").json()["paths"]["/iam/profiles/{path}"]["get"]["responses"]
    assert {"200", "204", "206"} <= set(responses)  # the reference's three answers to a read
