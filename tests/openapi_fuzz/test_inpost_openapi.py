"""InPost ShipX's OpenAPI document, fuzzed (see openapi_fuzz_support): no 5xx, answers as
documented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from inpost_support import LOCKER, POP, locker_body
from openapi_fuzz_support import FuzzTarget, fuzz_sandbox, known, operations

pytestmark = pytest.mark.fuzz
TOKEN = {"Authorization": "Bearer demo"}  # the account of fixtures/inpost-demo.yaml
ORGANIZATION = 1001  # the demo organization with shipments in several statuses
MAX_EXAMPLES = 30


@pytest.fixture(scope="module")
def inpost() -> Iterator[FuzzTarget]:
    with fuzz_sandbox("inpost-demo.yaml") as mock:
        shipx = mock.client("inpost", headers=TOKEN)
        org = f"/v1/organizations/{ORGANIZATION}"
        shipments = shipx.get(f"{org}/shipments").json()["items"]
        courier = next(s for s in shipments if s["status"] == "confirmed")
        order = shipx.post(f"{org}/dispatch_orders", json={"shipments": [courier["id"]]})
        assert order.status_code == 201, order.text
        batch = shipx.post(f"{org}/batches", json={"shipments": [locker_body()]})
        assert batch.status_code == 201, batch.text
        points = shipx.get(f"{org}/dispatch_points").json()["items"]
        yield FuzzTarget(
            mock,
            "/inpost",
            headers=TOKEN,
            ids={
                "organization_id": known(o["id"] for o in shipx.get("/v1/organizations").json()["items"]),
                "shipment_id": known(s["id"] for s in shipments),
                "tracking_number": known(s.get("tracking_number") for s in shipments),
                "batch_id": [str(batch.json()["id"])],
                "dispatch_order_id": [str(order.json()["id"])],
                "dispatch_point_id": known(p["id"] for p in points),
                "name": [LOCKER, POP],
            },
        )


@pytest.mark.parametrize("operation", operations("/inpost"))
def test_inpost_answers_as_documented(inpost: FuzzTarget, operation: str) -> None:
    inpost.fuzz(operation, MAX_EXAMPLES)
