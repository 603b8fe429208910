"""Every document the console lists can be downloaded as it is listed, and every PDF among them is
drawn: page 1 is a real PNG, of a page's size, with something printed on it. One object with
documents per provider, walked through the control plane as the console walks it."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import pytest
from easypost_connect_support import delivered_job
from helpers import KEY, POSTAL, START, document
from inpost_support import TOKEN as SHIPX
from inpost_support import courier_body, locker_body
from nirva_support import PARIS, create_job, letter, pdf_of, sign_in

from mockpost.core.pdf import make_pdf
from mockpost.testing import Mockpost

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DARK = bytes(range(128))  # sample values counted as ink
AFOSTO = {"Authorization": "Bearer console-documents"}
EPC = {"x-api-key": "console-documents"}


@pytest.fixture
def mock(mockpost: Mockpost) -> Mockpost:
    mockpost.clock.freeze(START)
    return mockpost


def walk(mock: Mockpost, provider: str, kind: str, object_id: Any) -> dict[str, Any]:
    """The object as the console opens it; then each of its documents downloaded, and page 1 of
    each PDF drawn. Returns the object's detail."""
    account = mock.accounts(provider)[0]["account"]
    base = f"/_mockpost/accounts/{provider}/{account}/objects/{kind}/{object_id}"
    control = mock.client()
    opened = control.get(base)
    assert opened.status_code == 200, opened.text
    detail: dict[str, Any] = opened.json()
    assert detail["documents"], f"the {kind} lists no document"
    for listed in detail["documents"]:
        path = f"{base}/documents/{listed['index']}"
        download = control.get(path)
        assert download.status_code == 200, download.text
        assert download.headers["content-type"].split(";")[0] == listed["mime"]
        assert len(download.content) == listed["size"] > 0
        assert listed["name"] in download.headers["content-disposition"].replace("%20", " ")
        if listed["mime"] == "application/pdf":
            assert download.content.startswith(b"%PDF-")
            pages = control.get(f"{path}/pages")
            assert pages.status_code == 200 and pages.json()["pages"] >= 1, pages.text
            page = control.get(f"{path}/pages/1")
            assert page.status_code == 200, page.text
            assert page.headers["content-type"] == "image/png"
            width, height, ink = read_png(page.content)
            assert width >= 200 and height >= 200, (listed["name"], width, height)
            assert 0 < ink < 0.5, f"{listed['name']}: page 1 is blank ({ink:.4f} of it inked)"
    return detail


def read_png(data: bytes) -> tuple[int, int, float]:
    """(width, height, share of its samples that are dark) of an 8-bit greyscale, RGB or RGBA
    PNG: its chunks checked, its rows unfiltered (all five PNG filters)."""
    assert data.startswith(PNG_SIGNATURE), data[:16]
    chunks: dict[bytes, bytes] = {}
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks[kind] = chunks.get(kind, b"") + body
        offset += 12 + length
    assert b"IEND" in chunks
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    channels = {0: 1, 2: 3, 6: 4}[colour]
    assert depth == 8
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * channels
    assert len(raw) == height * (stride + 1)
    previous = bytearray(stride)
    dark = 0
    for y in range(height):
        start = y * (stride + 1)
        row = bytearray(raw[start + 1 : start + 1 + stride])
        if raw[start]:  # filter 0 leaves the row as it is
            row = _unfilter(raw[start], row, previous, channels)
        dark += len(row) - len(row.translate(None, DARK))
        previous = row
    return width, height, dark / (width * height * channels)


def _unfilter(kind: int, row: bytearray, above: bytearray, bpp: int) -> bytearray:
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        up, corner = above[i], above[i - bpp] if i >= bpp else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            guess = min((abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner))[2]
            row[i] = (row[i] + guess) & 0xFF
    return row


def test_an_ekopost_envelope_s_letter_is_drawn(mock):
    eko = mock.client("ekopost", headers=KEY)
    campaign = eko.post("/campaigns", json={"name": "March"}).json()["id"]
    envelope = eko.post(
        f"/campaigns/{campaign}/envelopes", json={"name": "Invoice", "address": POSTAL}
    ).json()
    path = f"/campaigns/{campaign}/envelopes/{envelope['id']}/content"
    assert eko.post(path, json=document(pages=2)).status_code == 200
    detail = walk(mock, "ekopost", "envelope", envelope["id"])
    assert [d["role"] for d in detail["documents"]] == ["document"]


def test_an_easypost_connect_job_s_upload_and_its_proofs_are_drawn(mock):
    api = mock.client("easypost-connect", headers=EPC)
    job = delivered_job(mock, api, make_pdf([["EMAIL_ADDRESS: ann@example.be"]]))
    detail = walk(mock, "easypost-connect", "job", job["id"])
    event = next(r for r in detail["related"] if r["kind"] == "sending_event")
    assert {d["role"] for d in walk(mock, "easypost-connect", "sending_event", event["id"])["documents"]} == {
        "proof"
    }


def test_a_nirva_job_its_pack_group_and_its_shipment_s_tracking_files_are_drawn(mock):
    client = mock.client("nirva")
    headers = sign_in(client)
    job = create_job(client, headers, pdf_of(letter(PARIS)), part="file__file_REGISTERED_0", serviceId="102")
    mock.clock.advance(duration="30d")
    detail = walk(mock, "nirva", "job", job["id"])
    group = next(r for r in detail["related"] if r["kind"] == "packGroup")
    assert walk(mock, "nirva", "packGroup", group["id"])["address"][:3] == PARIS
    account = mock.accounts("nirva")[0]["account"]
    [shipment] = mock.objects("nirva", account, "shipment")
    assert walk(mock, "nirva", "shipment", shipment["id"])["documents"]


def test_inpost_labels_and_a_dispatch_order_printout_are_drawn_and_change_nothing(mock):
    shipx = mock.client("inpost", headers=SHIPX)
    org = shipx.get("/v1/organizations").json()["items"][0]["id"]
    locker = shipx.post(f"/v1/organizations/{org}/shipments", json=locker_body()).json()
    courier = shipx.post(f"/v1/organizations/{org}/shipments", json=courier_body()).json()
    mock.clock.advance(60)
    orders = f"/v1/organizations/{org}/dispatch_orders"
    order = shipx.post(orders, json={"shipments": [courier["id"]], "name": "Magazyn"}).json()
    before = (mock.state("inpost", SHIPX), len(mock.journal()))

    for shipment in (locker, courier):
        detail = walk(mock, "inpost", "shipment", shipment["id"])
        assert [(d["role"], d["mime"]) for d in detail["documents"]] == [
            ("label", "application/pdf"),
            ("label (ZPL)", "text/zpl"),
            ("label (EPL)", "text/epl"),
        ]
    assert walk(mock, "inpost", "dispatch_order", order["id"])["documents"][0]["role"] == "printout"

    assert (mock.state("inpost", SHIPX), len(mock.journal())) == before


def test_afosto_s_parcel_label_invoice_and_print_job_are_drawn_and_change_nothing(mock):
    afosto = mock.client("afosto", headers=AFOSTO)
    address = afosto.post("/rel/addresses", json={"given_name": "Sanne", "locality": "Utrecht"}).json()
    shipment = afosto.post(
        "/lcs/shipments", json={"addressing": {"to": {"entity_type": "address", "entity_id": address["id"]}}}
    ).json()
    parcel = afosto.post("/lcs/parcels", json={"shipment_id": shipment["id"]}).json()
    assert afosto.post(f"/lcs/parcels/{parcel['id']}/label").status_code == 204
    invoice = afosto.post("/odr/invoices", json={"address_id": address["id"], "currency": "EUR"}).json()
    hub = afosto.post("/spl/hubs", json={"name": "Desk"}).json()
    pdf = base64.b64encode(make_pdf([["Packing slip"]])).decode()
    assert afosto.post("/spl/queue", json={"hub_id": hub["id"], "job": pdf, "reference": "slip-1"}).is_success
    before = (mock.state("afosto", AFOSTO), len(mock.journal()))

    assert walk(mock, "afosto", "parcels", parcel["id"])["documents"][0]["role"] == "label"
    assert walk(mock, "afosto", "shipments", shipment["id"])["documents"][0]["role"] == "label"
    assert walk(mock, "afosto", "invoices", invoice["id"])["documents"][0]["role"] == "invoice"
    assert walk(mock, "afosto", "print_jobs", "slip-1")["documents"][0]["role"] == "print job"

    assert (mock.state("afosto", AFOSTO), len(mock.journal())) == before
