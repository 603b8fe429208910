"""Afosto's paperwork in the console: a parcel's label once one was asked for (and on its
shipment), an invoice as its generated PDF, a print job's file as queued, and the delivery address
block of shipments, parcels, orders and invoices, read from the account's addresses."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
from afosto_support import afosto_client
from pypdf import PdfReader

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

SANNE = {
    "organisation": "Tuin & Thee",
    "given_name": "Sanne",
    "family_name": "de Vries",
    "thoroughfare": "Keizersgracht",
    "premise_number": 12,
    "premise_number_suffix": "A",
    "postal_code": "1015 CJ",
    "locality": "Amsterdam",
    "country_code": "NL",
    "additional_name": "",
}
SANNE_BLOCK = ["Tuin & Thee", "Sanne de Vries", "Keizersgracht 12A", "1015 CJ Amsterdam", "NL"]


def described(mock: Mockpost, kind: str, key: str) -> dict[str, Any]:
    return mock.object("afosto", mock.accounts("afosto")[0]["account"], kind, key)


def document(mock: Mockpost, kind: str, key: str, index: int = 0) -> bytes:
    account = mock.accounts("afosto")[0]["account"]
    answer = mock.client().get(f"/_mockpost/accounts/afosto/{account}/objects/{kind}/{key}/documents/{index}")
    assert answer.status_code == 200, answer.text
    return answer.content


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def made(afosto: httpx.Client, path: str, body: Any) -> dict[str, Any]:
    answer = afosto.post(path, json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_parcel_shows_its_label_once_one_was_asked_for_and_so_does_its_shipment(mockpost):
    afosto = afosto_client(mockpost)
    address = made(afosto, "/rel/addresses", SANNE)
    to = {"entity_type": "address", "entity_id": address["id"]}
    shipment = made(afosto, "/lcs/shipments", {"addressing": {"to": to}})
    parcel = made(afosto, "/lcs/parcels", {"shipment_id": shipment["id"], "tracking_code": "3SABC1234"})
    assert described(mockpost, "parcels", parcel["id"])["documents"] == []

    assert afosto.post(f"/lcs/parcels/{parcel['id']}/label").status_code == 204
    listed = described(mockpost, "parcels", parcel["id"])["documents"]
    assert [(d["name"], d["role"]) for d in listed] == [(f"label {parcel['number']}.pdf", "label")]
    label = text_of(document(mockpost, "parcels", parcel["id"]))
    assert "3SABC1234" in label and "Keizersgracht 12A" in label
    assert described(mockpost, "shipments", shipment["id"])["documents"] == listed


def test_a_shipment_is_addressed_where_its_addressing_points(mockpost):
    afosto = afosto_client(mockpost)
    address = made(afosto, "/rel/addresses", SANNE)
    to_address = {"entity_type": "address", "entity_id": address["id"]}
    shipment = made(afosto, "/lcs/shipments", {"addressing": {"to": to_address}})
    assert described(mockpost, "shipments", shipment["id"])["address"] == SANNE_BLOCK
    parcel = made(afosto, "/lcs/parcels", {"shipment_id": shipment["id"]})
    assert described(mockpost, "parcels", parcel["id"])["address"] == SANNE_BLOCK

    location = made(afosto, "/lcs/locations", {"name": "Depot Noord", "address_id": address["id"]})
    to_location = {"entity_type": "location", "entity_id": location["id"]}
    at_depot = made(afosto, "/lcs/shipments", {"addressing": {"to": to_location}})
    assert described(mockpost, "shipments", at_depot["id"])["address"] == ["Depot Noord", *SANNE_BLOCK]


def test_an_order_and_its_shipment_are_addressed_to_the_order_s_shipping_address(mockpost):
    afosto = afosto_client(mockpost)
    address = made(afosto, "/rel/addresses", SANNE)
    order = made(
        afosto, "/odr/orders", {"type": "order", "settings": {"shipping": {"address_id": address["id"]}}}
    )
    assert described(mockpost, "orders", order["id"])["address"] == SANNE_BLOCK
    nowhere = {"entity_type": "address", "entity_id": "no-such-address"}
    shipment = made(afosto, "/lcs/shipments", {"order_id": order["id"], "addressing": {"to": nowhere}})
    assert described(mockpost, "shipments", shipment["id"])["address"] == SANNE_BLOCK


def test_an_invoice_shows_the_pdf_print_makes_of_it_and_its_address(mockpost):
    afosto = afosto_client(mockpost)
    address = made(afosto, "/rel/addresses", SANNE)
    invoice = made(afosto, "/odr/invoices", {"address_id": address["id"], "currency": "EUR"})
    detail = described(mockpost, "invoices", invoice["id"])
    assert detail["address"] == SANNE_BLOCK
    assert [(d["name"], d["mime"], d["role"]) for d in detail["documents"]] == [
        (f"invoice {invoice['number']}.pdf", "application/pdf", "invoice")
    ]
    text = text_of(document(mockpost, "invoices", invoice["id"]))
    assert f"Invoice {invoice['number']}" in text and f"Total: {invoice['total']} EUR" in text


def test_a_print_job_shows_the_file_it_carries_or_else_its_text(mockpost):
    afosto = afosto_client(mockpost)
    hub = made(afosto, "/spl/hubs", {"name": "Desk"})
    slip = make_pdf([["Packing slip"]])
    zpl = b"^XA^FO40,40^FDParcel 1^FS^XZ"
    jobs = {
        "pdf": base64.b64encode(slip).decode(),
        "zpl": base64.b64encode(zpl).decode(),
        "url": "https://files.example.com/slip.pdf",
    }
    for reference, job in jobs.items():
        made(afosto, "/spl/queue", {"hub_id": hub["id"], "job": job, "reference": reference})
    shown = {ref: described(mockpost, "print_jobs", ref)["documents"][0]["mime"] for ref in jobs}
    assert shown == {"pdf": "application/pdf", "zpl": "text/zpl", "url": "text/plain"}
    assert document(mockpost, "print_jobs", "pdf") == slip
    assert document(mockpost, "print_jobs", "zpl") == zpl
    assert document(mockpost, "print_jobs", "url") == jobs["url"].encode()


def test_kinds_that_carry_no_paper_list_no_documents(mockpost):
    afosto = afosto_client(mockpost)
    order = made(afosto, "/odr/orders", {"type": "order"})
    detail = described(mockpost, "orders", order["id"])
    assert detail["documents"] == [] and detail["address"] is None


def test_a_long_invoice_runs_onto_more_pages(mockpost):
    afosto = afosto_client(mockpost)
    lines = [{"description": f"Tea {n}", "quantity": 1, "amount": 450} for n in range(60)]
    invoice = made(afosto, "/odr/invoices", {"currency": "EUR", "items": lines})
    pages = PdfReader(io.BytesIO(document(mockpost, "invoices", invoice["id"]))).pages
    assert len(pages) == 2 and "Tea 59" in pages[1].extract_text()
