"""Labels: a real one-page PDF with the tracking number, ZPL/EPL text, only from confirmed on."""

from __future__ import annotations

import pytest
from inpost_support import assert_error


def pages(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page>>")


@pytest.fixture
def confirmed(frozen, shipx, create):
    created = create("locker")
    frozen.clock.advance(60)
    shipment = shipx.get(f"/v1/shipments/{created['id']}").json()
    assert shipment["status"] == "confirmed"
    return shipment


def test_pdf_label_is_one_page_showing_the_tracking_number(shipx, confirmed):
    response = shipx.get(f"/v1/shipments/{confirmed['id']}/label", params={"format": "Pdf", "type": "normal"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-transfer-encoding"] == "binary"
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    assert pages(response.content) == 1
    assert confirmed["tracking_number"].encode() in response.content
    assert b"/MediaBox [0 0 595 842]" in response.content
    a6 = shipx.get(f"/v1/shipments/{confirmed['id']}/label", params={"format": "pdf", "type": "a6"})
    assert b"/MediaBox [0 0 298 420]" in a6.content


@pytest.mark.parametrize(("label_format", "marker"), [("Zpl", b"^XA"), ("zpl", b"^XA"), ("EPL", b"\nN\n")])
def test_printer_formats_are_text_with_the_tracking_number(shipx, confirmed, label_format, marker):
    response = shipx.get(f"/v1/shipments/{confirmed['id']}/label", params={"format": label_format})
    assert response.status_code == 200 and marker in response.content
    assert confirmed["tracking_number"].encode() in response.content


def test_label_before_confirmed_or_after_cancel_is_invalid_action(shipx, create):
    created = create("locker")
    assert_error(shipx.get(f"/v1/shipments/{created['id']}/label"), 400, "invalid_action")
    shipx.delete(f"/v1/shipments/{created['id']}")
    assert_error(shipx.get(f"/v1/shipments/{created['id']}/label"), 400, "invalid_action")


@pytest.mark.parametrize("params", [{"format": "Png"}, {"type": "A4"}])
def test_unknown_label_options_are_invalid_parameter(shipx, confirmed, params):
    assert_error(shipx.get(f"/v1/shipments/{confirmed['id']}/label", params=params), 400, "invalid_parameter")


def test_bulk_labels_one_page_per_shipment(frozen, shipx, org_id, create):
    first, second = create("locker"), create("courier")
    frozen.clock.advance(60)
    path = f"/v1/organizations/{org_id}/shipments/labels"
    response = shipx.get(path, params=[("shipment_ids[]", first["id"]), ("shipment_ids[]", second["id"])])
    assert response.status_code == 200 and pages(response.content) == 2
    for created in (first, second):
        number = shipx.get(f"/v1/shipments/{created['id']}").json()["tracking_number"]
        assert number.encode() in response.content
    assert_error(shipx.get(path), 400, "validation_failed")
    assert_error(shipx.get(path, params={"shipment_ids[]": "999"}), 404, "resource_not_found")
    third = create("locker")
    assert_error(
        shipx.get(path, params={"shipment_ids": f"{first['id']},{third['id']}"}), 400, "invalid_action"
    )
