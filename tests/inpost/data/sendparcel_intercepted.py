"""python-sendparcel-inpost's ShipXClient, unchanged, at its default sandbox URL, inside
`intercept()`: run by test_inpost_client_sendparcel_intercepted.py under Python 3.12 (the
library's minimum). Prints what the library got, as JSON, for the test to check."""

import asyncio
import json
import sys

import httpx
from sendparcel_inpost.client import SANDBOX_BASE_URL, ShipXClient

from mockpost.testing import Mockpost

TOKEN = "sendparcel-token"
LOCKER = {
    "receiver": {"first_name": "Jan", "last_name": "Nowak", "phone": "600100200", "email": "j@n.pl"},
    "parcels": [{"template": "small"}],
    "service": "inpost_locker_standard",
    "custom_attributes": {"target_point": "KRA010", "sending_method": "dispatch_order"},
}


async def flow(mock: Mockpost, organization_id: int) -> dict:
    async with ShipXClient(token=TOKEN, organization_id=organization_id, sandbox=True) as client:
        created = await client.create_shipment(LOCKER)
        shipment_id = int(created["id"])
        mock.clock.advance(duration="1m")
        confirmed = await client.get_shipment(shipment_id)
        label = await client.get_label(shipment_id)
        mock.clock.advance(duration="7d")
        delivered = await client.get_shipment(shipment_id)
        tracking = await client.get_tracking(delivered["tracking_number"])
        statuses = await client.get_statuses()
    return {
        "base_url": client.base_url,
        "created": created["status"],
        "href": created["href"],
        "confirmed": confirmed["status"],
        "label": label[:4].decode(),
        "delivered": delivered["status"],
        "tracking": tracking["status"],
        "statuses": len(statuses),
        "journal": [entry["path"] for entry in mock.journal(provider="inpost")],
    }


def main() -> None:
    with Mockpost(freeze_at=sys.argv[1]) as mock, mock.intercept():
        organizations = httpx.get(
            f"{SANDBOX_BASE_URL}/v1/organizations", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        result = asyncio.run(flow(mock, organizations.json()["items"][0]["id"]))
    print(json.dumps(result))


main()
