"""Afosto in the one resource model: its collections of lifecycled objects are the kinds (`orders`,
`checkout_sessions` ...), each object with its state, history, timers and related objects."""

from __future__ import annotations

from typing import Any

import pytest

TOKEN = "model-token-123456"
AFOSTO = {"Authorization": f"Bearer {TOKEN}"}
START = "2030-03-04T09:00:00Z"


def changes(described: dict[str, Any]) -> list[tuple[str | None, str, str, str]]:
    return [(c["from"], c["to"], c["at"], c["cause"]) for c in described["history"]]


def new_order(afosto: Any) -> tuple[str, str]:
    """An order, locked on its calculation: its id and path."""
    order = afosto.post("/odr/orders", json={"type": "order"}).json()
    base = f"/odr/orders/{order['id']}"
    calculation = afosto.post(f"{base}/calculation", json={}).json()
    assert afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]}).status_code == 200
    return order["id"], base


def test_an_order_walks_its_lifecycle_with_its_history_at_exact_instants(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    afosto = mockpost.client("afosto", headers=AFOSTO)
    order, base = new_order(afosto)
    mockpost.clock.advance(duration="10m")
    assert afosto.post(f"{base}/accept").status_code == 204
    assert afosto.post(f"{base}/confirm").status_code == 204
    mockpost.clock.advance(duration="1h")
    assert afosto.post(f"{base}/allocate").status_code == 202
    assert afosto.post(f"{base}/fulfil").status_code == 202

    described = mockpost.client().get(f"/_mockpost/accounts/afosto/{TOKEN}/objects/orders/{order}").json()
    assert (described["kind"], described["id"], described["state"]) == ("orders", order, "fulfilled")
    assert changes(described) == [
        (None, "open", "2030-03-04T09:00:00Z", "request"),
        ("open", "locked", "2030-03-04T09:00:00Z", "request"),
        ("locked", "accepted", "2030-03-04T09:10:00Z", "request"),
        ("accepted", "confirmed", "2030-03-04T09:10:00Z", "request"),
        ("confirmed", "allocated", "2030-03-04T10:10:00Z", "request"),
        ("allocated", "fulfilled", "2030-03-04T10:10:00Z", "request"),
    ]
    assert (described["created_at"], described["updated_at"]) == (START, "2030-03-04T10:10:00Z")
    assert described["timers"] == []
    assert described["wire"] == afosto.get(base).json()
    assert described["wire"]["state"]["is_finished"] is True


def test_a_checkout_session_expires_by_its_timer_at_its_expires_at(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    afosto = mockpost.client("afosto", headers=AFOSTO)
    session = afosto.post("/odr/sessions", json={"audience": "shop"}).json()["id"]
    account = mockpost.accounts("afosto")[0]["account"]
    assert mockpost.timers() == [
        {
            "provider": "afosto",
            "account": account,
            "kind": "checkout_sessions",
            "id": session,
            "due": "2030-03-04T10:00:00Z",
            "action": "expire",
        }
    ]
    before = mockpost.object("afosto", TOKEN, "checkout_sessions", session)
    assert before["timers"] == [{"due": "2030-03-04T10:00:00Z", "action": "expire"}]

    mockpost.clock.advance(duration="2h")

    after = mockpost.object("afosto", TOKEN, "checkout_sessions", session)
    assert changes(after)[-1] == ("open", "expired", "2030-03-04T10:00:00Z", "timer")
    assert after["timers"] == [] and mockpost.timers() == []
    assert after["wire"] == afosto.get(f"/odr/sessions/{session}").json()


def test_an_authorized_session_has_no_expiry_left(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    afosto = mockpost.client("afosto", headers=AFOSTO)
    base = f"/odr/sessions/{afosto.post('/odr/sessions', json={'audience': 'shop'}).json()['id']}"
    assert afosto.post(f"{base}/contact", json={"email": "guest@example.com"}).status_code == 204
    calculation = afosto.get(f"{base}/calculation").json()
    assert afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]}).status_code == 200
    assert mockpost.timers() == []
    mockpost.clock.advance(duration="2h")
    described = mockpost.object("afosto", TOKEN, "checkout_sessions", base.rsplit("/", 1)[1])
    assert [c["to"] for c in described["history"]] == ["open", "authenticated", "authorized"]


def test_objects_are_listed_by_kind_and_state(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    afosto = mockpost.client("afosto", headers=AFOSTO)
    order, _ = new_order(afosto)
    shipment = afosto.post("/lcs/shipments", json={}).json()["id"]
    listed = mockpost.client().get(f"/_mockpost/accounts/afosto/{TOKEN}/objects").json()["items"]
    assert [(o["kind"], o["id"], o["state"]) for o in listed] == [
        ("orders", order, "locked"),
        ("shipments", shipment, "open"),
    ]
    locked = mockpost.client().get(
        f"/_mockpost/accounts/afosto/{TOKEN}/objects", params={"kind": "orders", "state": "locked"}
    )
    assert [o["id"] for o in locked.json()["items"]] == [order]
    assert mockpost.objects("afosto", TOKEN, kind="orders", state="open") == []
    assert [o["id"] for o in mockpost.objects("afosto", TOKEN, kind="shipments")] == [shipment]


def test_the_account_is_listed_with_a_masked_label_and_counts_per_kind(mockpost: Any) -> None:
    new_order(mockpost.client("afosto", headers=AFOSTO))
    [account] = mockpost.client().get("/_mockpost/accounts").json()["items"]
    assert account["provider"] == "afosto"
    assert account["label"] == "bearer mo…56"
    assert TOKEN not in str(account)
    assert account["objects"]["orders"] == 1 and account["objects"]["checkout_sessions"] == 0
    kinds = {"orders", "shipments", "checkout_sessions", "handling_lists", "transfers", "payments"}
    assert kinds <= set(account["objects"])


@pytest.mark.parametrize("resource", ["order", "orders"])
def test_a_forced_transition_is_recorded_with_the_cause_forced(mockpost: Any, resource: str) -> None:
    mockpost.clock.freeze(START)
    order, base = new_order(mockpost.client("afosto", headers=AFOSTO))
    mockpost.transition("afosto", AFOSTO, resource=resource, id=order, state="confirmed", reason="fraud ok")
    history = mockpost.object("afosto", TOKEN, "orders", order)["history"]
    assert history[-2:] == [
        {"from": "locked", "to": "accepted", "at": START, "cause": "forced", "reason": "fraud ok"},
        {"from": "accepted", "to": "confirmed", "at": START, "cause": "forced", "reason": "fraud ok"},
    ]
    assert mockpost.client("afosto", headers=AFOSTO).get(base).json()["state"]["is_confirmed"] is True


def test_fixture_objects_carry_the_fixture_cause(tmp_path: Any) -> None:
    from mockpost.testing.inprocess import Mockpost

    fixtures = tmp_path / "world.yaml"
    fixtures.write_text(
        "afosto:\n  accounts:\n    - token: fixture-token-9999\n      collections:\n"
        "        /odr/orders: [{type: order, lifecycle: accepted}]\n"
    )
    with Mockpost(fixtures=[fixtures]) as mock:
        [summary] = mock.objects("afosto", "fixture-token-9999", kind="orders")
        history = mock.object("afosto", "fixture-token-9999", "orders", summary["id"])["history"]
        assert [(c["to"], c["cause"]) for c in history] == [("open", "fixture"), ("accepted", "fixture")]


def test_related_objects_follow_the_ids_the_documents_hold(mockpost: Any) -> None:
    afosto = mockpost.client("afosto", headers=AFOSTO)
    order, _ = new_order(afosto)
    session = afosto.post("/odr/sessions", json={"audience": "shop"}).json()["id"]
    afosto.put(f"/odr/sessions/{session}/order", json={"order_id": order})
    shipment = afosto.post("/lcs/shipments", json={"items": [{"sku": "8712345678906"}]}).json()["id"]
    handling = afosto.post("/lcs/lists", json={"shipments": [{"id": shipment, "label": "A"}]}).json()["id"]
    transfer = afosto.post("/wms/transfers", json={}).json()["id"]
    transports = [t["id"] for t in afosto.get(f"/wms/transfers/{transfer}/transports").json()]

    def related(kind: str, key: str) -> list[tuple[str, str]]:
        return [(r["kind"], r["id"]) for r in mockpost.object("afosto", TOKEN, kind, key)["related"]]

    assert related("orders", order) == [("checkout_sessions", session)]
    assert related("checkout_sessions", session) == [("orders", order)]
    assert related("handling_lists", handling) == [("shipments", shipment)]
    assert related("shipments", shipment) == [("handling_lists", handling)]
    assert related("transfers", transfer) == [("transports", key) for key in transports]
    assert related("transports", transports[0]) == [("transfers", transfer)]


def test_wire_is_what_the_api_answers_for_objects_without_a_read_of_their_own(mockpost: Any) -> None:
    afosto = mockpost.client("afosto", headers=AFOSTO)
    secret = afosto.post("/odr/transactions", json={"amount": 1000}).json()["secret"]
    payment = afosto.post(f"/odr/transactions/{secret}/payments", json={"method_code": "ideal"}).json()
    afosto.post(f"/odr/payments/{secret}/paid")
    described = mockpost.object("afosto", TOKEN, "payments", payment["id"])
    assert [c["to"] for c in described["history"]] == ["pending", "paid"]
    assert described["wire"] == afosto.get(f"/odr/transactions/{secret}").json()["payments"][0]
    batch = afosto.post("/cnt/batches", json={}).json()["id"]
    listed_as_read = afosto.get(f"/cnt/batches/{batch}").json()  # a batch's read answers a list
    assert mockpost.object("afosto", TOKEN, "batches", batch)["wire"] == listed_as_read


def test_an_object_deleted_for_good_leaves_the_model(mockpost: Any) -> None:
    afosto = mockpost.client("afosto", headers=AFOSTO)
    batch = afosto.post("/cnt/batches", json={}).json()["id"]
    assert afosto.delete(f"/cnt/batches/{batch}").status_code == 200
    assert mockpost.objects("afosto", TOKEN, kind="batches") == []
    gone = mockpost.client().get(f"/_mockpost/accounts/afosto/{TOKEN}/objects/batches/{batch}")
    assert gone.status_code == 404
