"""A black-box ShipX client for these tests: requests as an integrator writes them, and
the checks every answer must pass (the error envelope, the paged collection, a real PDF)."""

from __future__ import annotations

import re
import zlib
from typing import Any

import httpx

from mockpost.testing import Mockpost

START = "2030-03-04T09:00:00Z"
BASE = "http://mockpost/inpost"
TOKEN = "shop-token"
ERROR_KEYS = {"status", "error", "message", "details"}
COLLECTION_KEYS = {"href", "count", "page", "per_page", "items"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$")
TRACKING_NUMBER = re.compile(r"^\d{24}$")
VALIDATION_MESSAGE = "There are some validation errors. Check details object for more info."


def names(text: str) -> list[str]:
    """Names written as the documents list them, several to a line."""
    return text.split()


# The Organization page's statistics groups, copied from the seed.
STATISTICS_GROUPS = {
    "to_send": set(names("created offers_prepared offer_selected confirmed")),
    "in_logistics": set(
        names(
            """dispatched_by_sender collected_from_sender taken_by_courier adopted_at_source_branch
            sent_from_source_branch adopted_at_sorting_center sent_from_sorting_center
            adopted_at_target_branch out_for_delivery ready_to_pickup pickup_reminder_sent
            pickup_time_expired avizo claimed returned_to_sender"""
        )
    ),
    "delivered": {"delivered"},
}

# The happy path in the order of the official status list: a status may only move to the right.
HAPPY_PATH = names(
    """created offers_prepared offer_selected confirmed
    dispatched_by_sender collected_from_sender taken_by_courier
    adopted_at_source_branch sent_from_source_branch adopted_at_sorting_center sent_from_sorting_center
    adopted_at_target_branch out_for_delivery ready_to_pickup pickup_reminder_sent delivered"""
)


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def shipx(mockpost: Mockpost, token: str = TOKEN, frozen: bool = True) -> httpx.Client:
    """A client at the ShipX mount with a bearer token, on a frozen clock."""
    if frozen:
        mockpost.clock.freeze(START)
    return mockpost.client("inpost", headers=bearer(token))


def organization_id(api: httpx.Client) -> int:
    response = api.get("/v1/organizations")
    assert response.status_code == 200, response.text
    org_id: int = response.json()["items"][0]["id"]
    return org_id


def locker_request(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service": "inpost_locker_standard",
        "receiver": {"email": "jan.kowalski@example.pl", "phone": "600100200"},
        "parcels": {"template": "small"},
        "custom_attributes": {"target_point": "KRA010", "sending_method": "parcel_locker"},
        "reference": "Order 1001",
    }
    body.update(fields)
    return body


def courier_address() -> dict[str, str]:
    return {
        "street": "Marszałkowska",
        "building_number": "10",
        "city": "Warszawa",
        "post_code": "00-590",
        "country_code": "PL",
    }


def courier_request(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service": "inpost_courier_standard",
        "receiver": {
            "company_name": "Hurtownia Wisła",
            "first_name": "Anna",
            "last_name": "Nowak",
            "email": "anna.nowak@example.pl",
            "phone": "500600700",
            "address": courier_address(),
        },
        "parcels": [
            {
                "id": "box 1",
                "dimensions": {"length": "300", "width": "200", "height": "100", "unit": "mm"},
                "weight": {"amount": "3", "unit": "kg"},
            }
        ],
        "insurance": {"amount": 100, "currency": "PLN"},
        "reference": "Courier order 7",
    }
    body.update(fields)
    return body


def create_shipment(api: httpx.Client, org_id: int, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"/v1/organizations/{org_id}/shipments", json=body)
    assert response.status_code in (200, 201), response.text
    shipment: dict[str, Any] = response.json()
    return shipment


def shipment(api: httpx.Client, shipment_id: int) -> dict[str, Any]:
    response = api.get(f"/v1/shipments/{shipment_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """The ShipX error envelope, exactly; returns its `details`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["status"] == status
    assert body["error"] == error, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["details"], dict)
    details: dict[str, Any] = body["details"]
    return details


def assert_collection(body: dict[str, Any], href: str) -> list[dict[str, Any]]:
    assert set(body) >= COLLECTION_KEYS, body
    assert body["href"] == href
    assert isinstance(body["count"], int) and isinstance(body["page"], int)
    assert isinstance(body["per_page"], int)
    items: list[dict[str, Any]] = body["items"]
    assert isinstance(items, list)
    return items


def all_shipments(api: httpx.Client, org_id: int) -> list[dict[str, Any]]:
    """Every shipment of the organization, page after page."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        response = api.get(f"/v1/organizations/{org_id}/shipments", params={"page": page, "per_page": 10})
        assert response.status_code == 200, response.text
        body = response.json()
        found.extend(body["items"])
        if len(found) >= body["count"] or not body["items"]:
            return found
        page += 1


def hand_count(shipments: list[dict[str, Any]]) -> dict[str, int]:
    return {
        group: sum(1 for item in shipments if item["status"] in statuses)
        for group, statuses in STATISTICS_GROUPS.items()
    }


def load_world(mockpost: Mockpost, accounts: dict[str, Any], seed: dict[str, Any] | None = None) -> None:
    """Defines tokens and their organizations, as `--fixtures` and scenarios do."""
    world: dict[str, Any] = {
        "name": "acceptance world",
        "providers": ["inpost"],
        "clock": {"start": START, "frozen": True},
        "accounts": {"inpost": accounts},
    }
    if seed:
        world["seed"] = {"inpost": seed}
    response = mockpost.client().post("/_mockpost/scenarios", json=world)
    assert response.status_code == 200, response.text


# -- PDF ---------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[bytes]:
    """Checks a PDF's frame (header, objects at their xref offsets, trailer) and returns the page
    objects' media boxes and texts: enough to know it opens and what it shows."""
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    assert pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    assert pdf[startxref:].startswith(b"xref"), "startxref does not point at the xref table"
    table = re.match(rb"xref\s+0 (\d+)\s+((?:\d{10} \d{5} [fn]\s*)+)", pdf[startxref:])
    assert table, "no xref table"
    for number, entry in enumerate(table.group(2).split(b"\n")):
        entry = entry.strip()
        if entry.endswith(b"n"):
            offset = int(entry[:10])
            assert re.match(rb"%d 0 obj" % number, pdf[offset:]), f"object {number} not at its offset"
    counts = re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S)
    assert counts, "no page tree"
    return re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[([^\]]*)\]", pdf, re.S)


def pdf_page_count(pdf: bytes) -> int:
    pdf_pages(pdf)
    return int(re.findall(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", pdf, re.S)[0])


def pdf_text(pdf: bytes) -> str:
    """The text of every content stream, inflated when compressed."""
    texts = []
    for header, data in re.findall(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        if b"FlateDecode" in header:
            data = zlib.decompress(data)
        texts.append(data.decode("latin-1"))
    return "\n".join(texts)


def post_shipment(api: httpx.Client, org_id: int, body: Any) -> httpx.Response:
    """A create request whose answer the test inspects itself (errors included)."""
    return api.post(f"/v1/organizations/{org_id}/shipments", json=body)
