"""Labels: only from `confirmed` on; a real one-page PDF showing the tracking number, or ZPL/EPL
printer text; normal (A4) and A6; several shipments in one file; the headers PHP clients check."""

from __future__ import annotations

from typing import Any

import pytest
from acceptance.inpost import shipx_acceptance_support as sx

from mockpost.testing import Mockpost


def confirmed(mockpost: Mockpost, api: Any, org: int, body: dict[str, Any] | None = None) -> dict[str, Any]:
    created = sx.create_shipment(api, org, body or sx.locker_request())
    mockpost.clock.advance(duration="1m")
    result = sx.shipment(api, created["id"])
    assert result["status"] == "confirmed"
    return result


def media_box_area(box: bytes) -> float:
    x0, y0, x1, y1 = (float(v) for v in box.split())
    return (x1 - x0) * (y1 - y0)


def test_label_before_confirmed_is_invalid_action(api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    sx.assert_error(api.get(f"/v1/shipments/{created['id']}/label"), 400, "invalid_action")


def test_default_label_is_a_one_page_pdf_with_the_tracking_number(
    mockpost: Mockpost, api: Any, org: int
) -> None:
    sent = confirmed(mockpost, api, org)
    response = api.get(f"/v1/shipments/{sent['id']}/label")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-transfer-encoding"] == "binary"
    assert sx.pdf_page_count(response.content) == 1
    assert sent["tracking_number"] in sx.pdf_text(response.content)


@pytest.mark.parametrize("format_name", ["Pdf", "pdf", "PDF"])
def test_pdf_format_name_is_case_insensitive(
    mockpost: Mockpost, api: Any, org: int, format_name: str
) -> None:
    sent = confirmed(mockpost, api, org)
    response = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": format_name, "type": "normal"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_a6_label_is_smaller_than_a_normal_one(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed(mockpost, api, org)
    normal = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": "Pdf", "type": "normal"}).content
    small = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": "Pdf", "type": "A6"}).content
    (normal_box,), (small_box,) = sx.pdf_pages(normal), sx.pdf_pages(small)
    assert media_box_area(small_box) < media_box_area(normal_box) / 3
    assert sent["tracking_number"] in sx.pdf_text(small)


def test_zpl_label_is_printer_text_with_the_tracking_number(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed(mockpost, api, org)
    for format_name in ("Zpl", "zpl"):
        response = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": format_name})
        assert response.status_code == 200
        text = response.content.decode()
        assert text.lstrip().startswith("^XA") and text.rstrip().endswith("^XZ")
        assert sent["tracking_number"] in text


def test_epl_label_is_printer_text_with_the_tracking_number(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed(mockpost, api, org)
    response = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": "Epl", "type": "A6"})
    assert response.status_code == 200
    text = response.content.decode()
    assert sent["tracking_number"] in text
    assert text.lstrip().startswith("N") and "P1" in text


def test_courier_label_is_a_real_pdf_too(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed(mockpost, api, org, sx.courier_request())
    response = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": "Pdf", "type": "normal"})
    assert sx.pdf_page_count(response.content) == 1
    assert sent["tracking_number"] in sx.pdf_text(response.content)
    # the documentation: courier services always return A6
    a6 = api.get(f"/v1/shipments/{sent['id']}/label", params={"format": "Pdf", "type": "A6"}).content
    assert sx.pdf_pages(response.content) == sx.pdf_pages(a6)


def test_labels_stay_available_after_delivery(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed(mockpost, api, org)
    mockpost.clock.advance(duration="7d")
    assert sx.shipment(api, sent["id"])["status"] == "delivered"
    assert api.get(f"/v1/shipments/{sent['id']}/label").status_code == 200


@pytest.mark.parametrize("params", [{"format": "Png"}, {"type": "A4"}, {"type": "huge"}])
def test_unknown_label_format_or_type_is_invalid_parameter(
    mockpost: Mockpost, api: Any, org: int, params: dict[str, str]
) -> None:
    sent = confirmed(mockpost, api, org)
    sx.assert_error(api.get(f"/v1/shipments/{sent['id']}/label", params=params), 400, "invalid_parameter")


def test_label_of_a_canceled_shipment_is_invalid_action(api: Any, org: int) -> None:
    created = sx.create_shipment(api, org, sx.locker_request())
    api.delete(f"/v1/shipments/{created['id']}")
    sx.assert_error(api.get(f"/v1/shipments/{created['id']}/label"), 400, "invalid_action")


def test_label_of_another_tokens_shipment_is_not_found(mockpost: Mockpost, api: Any, org: int) -> None:
    sent = confirmed(mockpost, api, org)
    stranger = mockpost.client("inpost", headers={"Authorization": "Bearer stranger"})
    sx.assert_error(stranger.get(f"/v1/shipments/{sent['id']}/label"), 404, "resource_not_found")


def test_bulk_labels_put_every_shipment_in_one_pdf(mockpost: Mockpost, api: Any, org: int) -> None:
    first = sx.create_shipment(api, org, sx.locker_request())
    second = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    numbers = [sx.shipment(api, s["id"])["tracking_number"] for s in (first, second)]
    path = f"/v1/organizations/{org}/shipments/labels"
    response = api.get(
        f"{path}?shipment_ids[]={first['id']}&shipment_ids[]={second['id']}&format=Pdf&type=A6"
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert sx.pdf_page_count(response.content) == 2
    text = sx.pdf_text(response.content)
    assert all(number in text for number in numbers)
    encoded = api.get(f"{path}?shipment_ids%5B%5D={first['id']}&shipment_ids%5B%5D={second['id']}&format=pdf")
    assert sx.pdf_page_count(encoded.content) == 2


def test_bulk_zpl_labels_hold_one_block_per_shipment(mockpost: Mockpost, api: Any, org: int) -> None:
    ids = [sx.create_shipment(api, org, sx.locker_request())["id"] for _ in range(2)]
    mockpost.clock.advance(duration="1m")
    query = "&".join(f"shipment_ids[]={i}" for i in ids)
    text = api.get(f"/v1/organizations/{org}/shipments/labels?{query}&format=Zpl").text
    assert text.count("^XA") == 2


def test_bulk_labels_refuse_an_unconfirmed_shipment(mockpost: Mockpost, api: Any, org: int) -> None:
    ready = sx.create_shipment(api, org, sx.locker_request())
    mockpost.clock.advance(duration="1m")
    fresh = sx.create_shipment(api, org, sx.locker_request())
    query = f"shipment_ids[]={ready['id']}&shipment_ids[]={fresh['id']}"
    response = api.get(f"/v1/organizations/{org}/shipments/labels?{query}")
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_action", "validation_failed")


def test_bulk_labels_without_ids_is_an_error(api: Any, org: int) -> None:
    response = api.get(f"/v1/organizations/{org}/shipments/labels")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "error", "message", "details"}
