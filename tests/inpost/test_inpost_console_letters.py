"""ShipX's paperwork in the console: a shipment's labels (the very files the API prints) from
`confirmed` on, a return label where there is one, a dispatch order's printout, and the address
block ShipX holds: the receiver's address, or the target point of a locker delivery."""

from __future__ import annotations

from typing import Any

from inpost_support import LOCKER, TOKEN, courier_body

from mockpost.testing import Mockpost


def account(mock: Mockpost) -> str:
    found: str = mock.accounts("inpost")[0]["account"]
    return found


def described(mock: Mockpost, kind: str, object_id: Any) -> dict[str, Any]:
    return mock.object("inpost", account(mock), kind, str(object_id))


def document(mock: Mockpost, kind: str, object_id: Any, index: int) -> bytes:
    path = f"/_mockpost/accounts/inpost/{account(mock)}/objects/{kind}/{object_id}/documents/{index}"
    answer = mock.client().get(path)
    assert answer.status_code == 200, answer.text
    return answer.content


def test_a_shipment_has_no_label_until_it_is_confirmed(frozen, create):
    created = create("locker")
    assert described(frozen, "shipment", created["id"])["documents"] == []
    frozen.clock.advance(60)
    assert [d["name"] for d in described(frozen, "shipment", created["id"])["documents"]] == [
        f"label_{created['id']}.pdf",
        f"label_{created['id']}.zpl",
        f"label_{created['id']}.epl",
    ]


def test_the_console_s_labels_are_the_files_the_api_prints(frozen, shipx, create):
    created = create("courier")
    frozen.clock.advance(60)
    label = f"/v1/shipments/{created['id']}/label"
    for index, label_format in enumerate(("Pdf", "Zpl", "Epl")):
        printed = shipx.get(label, params={"format": label_format})
        assert printed.status_code == 200
        assert document(frozen, "shipment", created["id"], index) == printed.content


def test_a_locker_delivery_is_addressed_to_its_target_point(frozen, create):
    created = create("locker")
    assert described(frozen, "shipment", created["id"])["address"] == [
        "Jan Kowalski",
        f"InPost point {LOCKER}",
        "Kapelanka 14",
        "30-347 Kraków",
        "600100200",
        "jan.kowalski@example.pl",
    ]


def test_a_courier_delivery_is_addressed_to_the_receiver_s_address(frozen, create):
    created = create("courier")
    assert described(frozen, "shipment", created["id"])["address"] == [
        "Sklep Sp. z o.o.",
        "Anna Nowak",
        "Marszałkowska 10",
        "00-590 Warszawa",
        "PL",
    ]


def test_a_returned_shipment_shows_its_return_label(frozen, shipx, org_id, create):
    created = create("locker")
    frozen.clock.advance(60)
    frozen.transition("inpost", TOKEN, resource="shipment", id=created["id"], state="returned_to_sender")
    listed = described(frozen, "shipment", created["id"])["documents"]
    assert listed[-1]["name"] == f"return_label_{created['id']}.pdf" and listed[-1]["role"] == "return label"
    printed = shipx.get(
        f"/v1/organizations/{org_id}/shipments/return_labels", params={"shipment_ids[]": created["id"]}
    )
    assert document(frozen, "shipment", created["id"], listed[-1]["index"]) == printed.content


def test_a_dispatch_order_shows_its_printout_and_the_pickup_address(frozen, shipx, org_id, create):
    courier = create("courier")
    frozen.clock.advance(60)
    path = f"/v1/organizations/{org_id}/dispatch_orders"
    order = shipx.post(path, json={"shipments": [courier["id"]], "name": "Magazyn"}).json()
    detail = described(frozen, "dispatch_order", order["id"])
    address = order["address"]
    assert detail["address"] == [
        "Magazyn",
        f"{address['street']} {address['building_number']}",
        f"{address['post_code']} {address['city']}",
        address["country_code"],
    ]
    printed = shipx.get(f"{path}/printouts", params={"dispatch_order_id": order["id"]})
    assert [d["role"] for d in detail["documents"]] == ["printout"]
    assert document(frozen, "dispatch_order", order["id"], 0) == printed.content


def test_a_return_shipment_without_a_receiver_goes_back_to_its_sender(frozen, shipx, org_id):
    body = {**courier_body(is_return=True), "receiver": None}
    created = shipx.post(f"/v1/organizations/{org_id}/shipments", json=body)
    assert created.status_code == 201, created.text
    shipment = created.json()
    frozen.clock.advance(60)
    detail = described(frozen, "shipment", shipment["id"])
    sender = shipment["sender"]
    assert detail["address"][-3:] == [
        f"{sender['address']['street']} {sender['address']['building_number']}",
        f"{sender['address']['post_code']} {sender['address']['city']}",
        sender["address"]["country_code"],
    ]
    assert detail["documents"][-1]["role"] == "return label"
