"""Organization webhooks, bulk offer selection/payment, dispatch orders, fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from inpost_support import START, TOKEN, assert_error, courier_body, locker_body

from mockpost.testing import Mockpost


def test_webhooks_report_every_status_change_and_the_confirmation(frozen, shipx, org_id, create):
    root = frozen.client()
    put = root.put("/_mockpost/inpost/webhook", headers=TOKEN, json={"url": frozen.inbox_url("shipx")})
    assert put.status_code == 200
    created = create("locker")
    frozen.clock.advance(60)
    bodies = [json.loads(item["body"]) for item in frozen.inbox("shipx")]
    events = [(b["event"], b["payload"]["status"]) for b in bodies]
    assert events == [
        ("shipment_status_changed", "offers_prepared"),
        ("shipment_status_changed", "offer_selected"),
        ("shipment_status_changed", "confirmed"),
        ("shipment_confirmed", "confirmed"),
    ]
    last = bodies[-1]
    assert set(last) == {"event_ts", "event", "organization_id", "payload"}
    assert last["organization_id"] == org_id
    number = shipx.get(f"/v1/shipments/{created['id']}").json()["tracking_number"]
    assert last["payload"] == {"shipment_id": created["id"], "status": "confirmed", "tracking_number": number}
    assert last["event_ts"] == "2030-03-04 10:00:30 +0100"
    frozen.clock.advance(duration="7d")
    statuses = [json.loads(i["body"])["payload"]["status"] for i in frozen.inbox("shipx")]
    assert statuses[-1] == "delivered"


def test_bulk_select_and_buy_apply_all_or_nothing(frozen, shipx, org_id):
    offer_mode = courier_body()
    del offer_mode["service"]
    path = f"/v1/organizations/{org_id}/shipments"
    ids = [shipx.post(path, json=offer_mode).json()["id"] for _ in range(2)]
    frozen.clock.advance(10)
    offers = {
        sid: next(
            o["id"] for o in shipx.get(f"/v1/shipments/{sid}").json()["offers"] if o["status"] == "available"
        )
        for sid in ids
    }
    before = frozen.state("inpost", TOKEN)
    bad = [{"shipment_id": ids[0], "offer_id": offers[ids[0]]}, {"shipment_id": ids[1], "offer_id": 1}]
    body = assert_error(
        shipx.post(path + "/select_offers", json={"shipments": bad}), 400, "validation_failed"
    )
    assert body["details"] == {"shipments": [{}, {"offer_id": ["does_not_exist"]}]}
    assert frozen.state("inpost", TOKEN) == before
    good = [{"id": 1, "shipment_id": sid, "offer_id": offers[sid]} for sid in ids]
    assert shipx.post(path + "/select_offers", json={"shipments": good}).status_code == 204
    assert {shipx.get(f"/v1/shipments/{sid}").json()["status"] for sid in ids} == {"offer_selected"}
    assert shipx.post(path + "/bulk_buy", json={"shipments": good}).status_code == 204
    frozen.clock.advance(30)
    assert {shipx.get(f"/v1/shipments/{sid}").json()["status"] for sid in ids} == {"confirmed"}
    too_many = {"shipments": [good[0]] * 101}
    assert_error(shipx.post(path + "/bulk_buy", json=too_many), 400, "validation_failed")


def test_dispatch_order_lifecycle_and_comments(frozen, shipx, org_id, create):
    courier = create("courier")
    path = f"/v1/organizations/{org_id}/dispatch_orders"
    early = shipx.post(path, json={"shipments": [courier["id"]]})
    assert assert_error(early, 400, "validation_failed")["details"] == {"shipments": ["invalid_status"]}
    frozen.clock.advance(60)
    created = shipx.post(
        path,
        json={
            "shipments": [courier["id"]],
            "comment": "Gate 2",
            "name": "Magazyn",
            "phone": "600100200",
            "email": "m@example.pl",
        },
    )
    assert created.status_code == 201
    order = created.json()
    assert order["status"] == "new" and order["href"].endswith(f"/v1/dispatch_orders/{order['id']}")
    assert order["shipments"][0]["id"] == courier["id"] and order["shipments"][0]["tracking_number"]
    assert order["comments"][0]["comment"] == "Gate 2" and order["address"]["city"]
    comment_path = f"{path}/{order['id']}/comment"
    added = shipx.post(comment_path, json={"comment": "Call first"}).json()
    second = added["comments"][1]
    changed = shipx.put(comment_path, json={"id": second["id"], "comment": "Call twice"}).json()
    assert changed["comments"][1]["comment"] == "Call twice"
    assert shipx.request("DELETE", comment_path, json={"comment_ids": [second["id"]]}).status_code == 204
    assert len(shipx.get(f"/v1/dispatch_orders/{order['id']}").json()["comments"]) == 1
    frozen.clock.advance(duration="2m")
    assert shipx.get(f"/v1/dispatch_orders/{order['id']}").json()["status"] == "sent"
    listing = shipx.get(path, params={"status": "sent"}).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == order["id"]
    frozen.clock.advance(duration="6h")
    assert shipx.get(f"/v1/dispatch_orders/{order['id']}").json()["status"] == "done"
    assert_error(shipx.delete(f"/v1/dispatch_orders/{order['id']}"), 400, "invalid_action")
    assert_error(shipx.get(path, params={"status": "lost"}), 400, "invalid_parameter")


def test_dispatch_order_can_be_deleted_while_new(frozen, shipx, org_id, create):
    courier = create("courier")
    frozen.clock.advance(60)
    order = shipx.post(
        f"/v1/organizations/{org_id}/dispatch_orders", json={"shipments": [courier["id"]]}
    ).json()
    assert shipx.delete(f"/v1/dispatch_orders/{order['id']}").status_code == 204
    assert shipx.get(f"/v1/dispatch_orders/{order['id']}").json()["status"] == "canceled"
    assert_error(shipx.get("/v1/dispatch_orders/12"), 404, "resource_not_found")


FIXTURES = """
inpost:
  accounts:
    - token: demo
      webhook: {url: "http://mockpost/_mockpost/inbox/demo"}
      organizations:
        - name: Sklep Demo Sp. z o.o.
          tax_id: "5252248481"
          services: [inpost_locker_standard, inpost_courier_standard]
          shipments:
            - request: %s
              status: delivered
            - request: %s
              status: out_for_delivery
            - request: %s
"""


def test_fixtures_define_organizations_and_shipments_in_any_status(tmp_path):
    path = tmp_path / "inpost.yaml"
    path.write_text(
        FIXTURES % (json.dumps(locker_body()), json.dumps(courier_body()), json.dumps(locker_body()))
    )
    with Mockpost(fixtures=[path], freeze_at=START) as mock:
        client = mock.client("inpost", headers={"Authorization": "Bearer demo"})
        org = client.get("/v1/organizations").json()["items"][0]
        assert org["name"] == "Sklep Demo Sp. z o.o." and org["tax_id"] == "5252248481"
        assert client.get(f"/v1/organizations/{org['id']}/statistics").json() == {
            "to_send": 1,
            "in_logistics": 1,
            "delivered": 1,
        }
        mock.reset()
        client = mock.client("inpost", headers={"Authorization": "Bearer demo"})
        org_again = client.get("/v1/organizations").json()["items"][0]
        assert org_again["name"] == org["name"]


def test_organization_service_limits_what_can_be_created(tmp_path):
    path = tmp_path / "inpost.yaml"
    path.write_text(
        "inpost:\n  accounts:\n    - token: lockers\n      organizations:\n"
        "        - services: [inpost_locker_standard]\n"
    )
    with Mockpost(fixtures=[path]) as mock:
        client = mock.client("inpost", headers={"Authorization": "Bearer lockers"})
        org_id = client.get("/v1/organizations").json()["items"][0]["id"]
        refused = client.post(f"/v1/organizations/{org_id}/shipments", json=courier_body())
        assert assert_error(refused, 400, "validation_failed")["details"] == {"service": ["not_available"]}
        assert client.post(f"/v1/organizations/{org_id}/shipments", json=locker_body()).status_code == 201


def test_the_demo_fixtures_load():
    demo = Path(__file__).resolve().parents[2] / "fixtures" / "inpost-demo.yaml"
    with Mockpost(fixtures=[demo], freeze_at=START) as mock:
        client = mock.client("inpost", headers={"Authorization": "Bearer demo"})
        assert [o["id"] for o in client.get("/v1/organizations").json()["items"]] == [1001, 1002]
        assert client.get("/v1/organizations/1001/statistics").json() == {
            "to_send": 2,
            "in_logistics": 2,
            "delivered": 1,
        }


def test_dispatch_order_and_comment_validation(frozen, shipx, org_id):
    path = f"/v1/organizations/{org_id}/dispatch_orders"
    missing = assert_error(shipx.post(path, json={"phone": "x", "email": "nope"}), 400, "validation_failed")
    assert missing["details"] == {
        "shipments": ["required"],
        "phone": ["invalid_format"],
        "email": ["invalid_format"],
    }
    unknown = assert_error(shipx.post(path, json={"shipments": [1]}), 400, "validation_failed")
    assert unknown["details"] == {"shipments": ["does_not_exist"]}
    assert_error(shipx.post(f"{path}/1/comment", json={"comment": "x"}), 404, "resource_not_found")


def test_validation_messages_follow_accept_language(shipx, org_id):
    polish = shipx.post(
        f"/v1/organizations/{org_id}/shipments", json={}, headers={"Accept-Language": "pl_PL"}
    ).json()
    assert polish["error"] == "validation_failed" and polish["message"].startswith("Wystąpiły")
    assert polish["details"] == {"receiver": ["required"], "parcels": ["required"]}


def test_webhook_setting_is_per_token_and_removable(frozen, create):
    root = frozen.client()
    assert root.put("/_mockpost/inpost/webhook", json={"url": "http://x"}).status_code == 401
    root.put("/_mockpost/inpost/webhook", headers=TOKEN, json={"url": frozen.inbox_url("gone")})
    assert root.get("/_mockpost/inpost/webhook", headers=TOKEN).json()["url"].endswith("/gone")
    assert root.delete("/_mockpost/inpost/webhook", headers=TOKEN).status_code == 204
    create("locker")
    frozen.clock.advance(60)
    assert frozen.inbox("gone") == []
