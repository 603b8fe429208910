"""Claims, shipments, invoices, payments, identities, 2FA, subtenant invites and purges, step by step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from afosto_support import START, afosto_client, refused

from mockpost.testing import Mockpost


def test_claim_reserved_confirmed_cancelled(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    claim = afosto.post("/wms/claims", json={"reference": "r1"}).json()
    base = f"/wms/claims/{claim['id']}"
    assert afosto.get(f"{base}/status").json() == {"is_cancelable": True, "with_warning": False}
    extended = afosto.put(f"{base}/extend", json={"expires_at": "2030-03-10T00:00:00Z"}).json()
    assert extended["expires_at"] == "2030-03-10T00:00:00Z"
    assert afosto.put(f"{base}/confirm", json={}).json()["errors"]["required"] == ["target_id"]
    confirmed = afosto.put(f"{base}/confirm", json={"target_id": "order-1"}).json()
    assert confirmed["target"] == "order-1"
    assert afosto.get(f"{base}/status").json() == {"is_cancelable": True, "with_warning": True}
    assert afosto.post(f"{base}/cancel").status_code == 204
    assert afosto.get(f"{base}/status").json()["is_cancelable"] is False
    refused(afosto.put(f"{base}/extend", json={"expires_at": "2030-03-11T00:00:00Z"}))
    refused(afosto.post(f"{base}/cancel"))


def test_deleting_a_shipment_cancels_it(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    shipment = afosto.post("/lcs/shipments", json={}).json()
    assert afosto.delete(f"/lcs/shipments/{shipment['id']}").status_code == 204
    assert afosto.get(f"/lcs/shipments/{shipment['id']}").json()["is_canceled"] is True
    refused(afosto.delete(f"/lcs/shipments/{shipment['id']}"))


def test_handling_list_hold_and_assignment(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    handling = afosto.post("/lcs/lists", json={}).json()
    assert (
        afosto.put(f"/lcs/lists/{handling['id']}/state", json={"is_on_hold": True, "sub": "u1"}).status_code
        == 204
    )
    after = afosto.get(f"/lcs/lists/{handling['id']}").json()
    assert (after["is_on_hold"], after["sub"], after["is_assigned"]) == (True, "u1", True)
    wrong = afosto.put(f"/lcs/lists/{handling['id']}/state", json={"is_on_hold": "yes"})
    assert wrong.json()["errors"]["invalid value"] == ["is_on_hold"]


def test_invoice_is_paid_once(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    invoice = afosto.post("/odr/invoices", json={}).json()
    assert invoice["is_paid"] is False
    paid = afosto.put(f"/odr/invoices/{invoice['id']}/paid", json={"paid_at": "2030-03-04"}).json()
    # the request documents paid_at as a date, the answer as a moment: that day's midnight (UTC)
    assert (paid["is_paid"], paid["paid_at"]) == (True, "2030-03-04T00:00:00Z")
    refused(afosto.put(f"/odr/invoices/{invoice['id']}/paid", json={}))


def test_payment_then_partial_refunds(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    transaction = afosto.post("/odr/transactions", json={"amount": 1000}).json()
    secret = transaction["secret"]
    assert afosto.post(f"/odr/payments/{secret}/paid").json()["errors"]["invalid value"] == ["state"]
    payment = afosto.post(
        f"/odr/transactions/{secret}/payments", json={"method_code": "ideal", "amount": 1000}
    )
    assert payment.json()["is_pending"] is True
    paid = afosto.post(f"/odr/payments/{secret}/paid").json()
    assert (paid["is_paid"], paid["paid_at"]) == (True, "2030-03-04T09:00:00Z")
    assert afosto.get(f"/odr/transactions/{secret}").json()["amount_paid"] == 1000
    refund = {"payment_id": paid["id"], "amount": 300}
    assert afosto.post(f"/odr/transactions/{secret}/refunds", json=refund).json()["is_refund"] is True
    assert afosto.get(f"/odr/transactions/{secret}").json()["amount_paid"] == 700
    too_much = afosto.post(f"/odr/transactions/{secret}/refunds", json={**refund, "amount": 800})
    assert too_much.json()["errors"]["invalid value"] == ["amount"]
    rest = afosto.post(f"/odr/transactions/{secret}/refunds", json={"payment_id": paid["id"]}).json()
    assert rest["amount"] == 700


def test_a_refund_is_not_a_pending_payment_the_provider_can_report_paid(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    secret = afosto.post("/odr/transactions", json={"amount": 1000}).json()["secret"]
    afosto.post(f"/odr/transactions/{secret}/payments", json={"method_code": "ideal", "amount": 1000})
    paid = afosto.post(f"/odr/payments/{secret}/paid").json()
    afosto.post(f"/odr/transactions/{secret}/refunds", json={"payment_id": paid["id"], "amount": 300})
    again = afosto.post(f"/odr/payments/{secret}/paid")
    assert again.status_code == 400 and again.json()["errors"]["invalid value"] == ["state"]
    assert afosto.get(f"/odr/transactions/{secret}").json()["amount_paid"] == 700


def test_identity_exists_and_duplicates_conflict(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    who = {"audience": "shop", "email": "Ann@example.com"}
    assert afosto.post("/rel/identity/exists", json=who).status_code == 204
    created = afosto.post("/rel/identity/create", json={**who, "password": "long enough"})
    assert created.status_code == 200 and created.json()["token"]
    again = afosto.post(
        "/rel/identity/create", json={**who, "email": "ann@example.com", "password": "long enough"}
    )
    assert again.status_code == 409 and again.json()["message"] == "Identity already exists"
    assert afosto.post("/rel/identity/exists", json=who).status_code == 409
    short = afosto.post(
        "/rel/identity/create", json={"audience": "x", "email": "b@example.com", "password": "1"}
    )
    assert short.json()["errors"]["invalid value"] == ["password"]


def test_two_factor_secret_is_confirmed_by_a_valid_code(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    assert afosto.post("/iam/2fa/secrets/totp/verify", json={"otp": "123456"}).status_code == 404
    created = afosto.post("/iam/2fa/secrets/totp", json={"name": "phone"}).json()
    assert (
        created["secret"] and created["qr_url"].startswith("otpauth://") and created["is_confirmed"] is False
    )
    shown = afosto.get("/iam/2fa/secrets/totp").json()
    assert shown["secret_last_4"] == created["secret"][-4:] and "secret" not in shown
    assert afosto.post("/iam/2fa/secrets/totp/verify", json={"otp": "000000"}).json() == {
        "is_verified": False
    }
    assert afosto.post("/iam/2fa/secrets/totp/verify", json={"otp": "12"}).status_code == 400
    assert afosto.post("/iam/2fa/secrets/totp/verify", json={"otp": "123456"}).json() == {"is_verified": True}
    assert afosto.get("/iam/2fa/secrets/totp").json()["is_confirmed"] is True


def test_subtenant_invite_is_answered_once(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    invite = afosto.get("/iam/subtenants/invites").json()[0]
    assert invite["state"] == "pending"
    base = f"/iam/subtenants/invites/{invite['id']}"
    assert afosto.put(base, json={"state": "revoked"}).json()["errors"]["invalid value"] == ["state"]
    assert afosto.put(base, json={"state": "declined"}).json()["state"] == "declined"
    refused(afosto.put(base, json={"state": "approved"}))
    request = afosto.get("/iam/subtenants/authorizations/requests").json()[0]
    path = f"/iam/subtenants/authorizations/requests/{request['id']}"
    assert afosto.put(path, json={"state": "approved"}).json()["state"] == "approved"
    assert afosto.put(path, json={"state": "revoked"}).json()["state"] == "revoked"


def test_purge_is_applied_once(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    purge = afosto.post("/iam/purges", json={"domains": ["shop.example.com"]}).json()
    token = purge["token"]
    assert afosto.get(f"/iam/purges/{token}").json()["domains"] == ["shop.example.com"]
    assert afosto.post(f"/iam/purges/{token}").status_code == 200
    refused(afosto.post(f"/iam/purges/{token}"))


def test_transport_is_shipped_then_delivered(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    transfer = afosto.post("/wms/transfers", json={}).json()
    transport = afosto.get(f"/wms/transfers/{transfer['id']}/transports").json()[0]
    assert transport["status"] == "pending"
    path = f"/wms/transfers/{transfer['id']}/transports/{transport['id']}/state"
    refused(afosto.put(path, json={"state": "delivered"}))
    shipped = afosto.put(path, json={"state": "shipped"}).json()
    assert (shipped["status"], shipped["departure_at"]) == ("shipped", "2030-03-04T09:00:00Z")
    assert afosto.put(path, json={"state": "delivered"}).json()["status"] == "delivered"
    assert afosto.put(path, json={"state": "lost"}).json()["errors"]["invalid value"] == ["state"]


def test_installing_an_app_creates_an_integration(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    app = afosto.get("/int/apps/store").json()[0]
    before = len(afosto.get("/int/apps/integrations").json())
    installed = afosto.post(
        f"/int/apps/store/{app['code']}", json={"name": "Mine", "configuration": {"a": 1}}
    )
    # IntInstallResult.state is one of pending_authentication, success, failed (the word the sandbox
    # answered before, "installed", is not among them): an app authenticating by redirect waits
    assert app["authentication"]["type"] == "redirect"
    assert installed.json()["state"] == "pending_authentication"
    assert installed.json()["redirect_url"].endswith("/authenticate")
    integrations = afosto.get("/int/apps/integrations").json()
    assert len(integrations) == before + 1
    assert (integrations[-1]["app_code"], integrations[-1]["name"]) == (app["code"], "Mine")
    assert integrations[-1]["is_installed"] is False
    assert afosto.post("/int/apps/store/unknown-app", json={}).status_code == 404


def test_an_app_taking_posted_credentials_is_installed_with_them(tmp_path: Path) -> None:
    apps = tmp_path / "apps.yaml"
    apps.write_text(
        "afosto:\n  accounts:\n    - token: walk-token\n      collections:\n        /int/apps/store:\n"
        "          - {code: sendcloud, name: Sendcloud, authentication: {type: post, schema: keys}}\n"
    )
    with Mockpost(fixtures=[str(apps)]) as mock:
        afosto = afosto_client(mock)
        without = afosto.post("/int/apps/store/sendcloud", json={"name": "Parcels"}).json()
        assert without["state"] == "pending_authentication"
        installed = afosto.post(
            "/int/apps/store/sendcloud", json={"name": "Parcels", "credentials": {"key": "k", "secret": "s"}}
        ).json()
        assert installed["state"] == "success"
        integration = afosto.get("/int/apps/integrations").json()[-1]
        assert (integration["is_installed"], integration["active_at"]) == (True, START)


def test_checkout_session_choices_become_active(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    session = afosto.post("/odr/sessions", json={"audience": "shop"}).json()
    base = f"/odr/sessions/{session['id']}"
    options = afosto.get(f"{base}/shipping/window").json()
    assert set(options) == {"active", "options"}
    chosen = afosto.put(f"{base}/shipping/window", json={"at": "2030-03-06", "from": 9, "to": 12}).json()
    assert (chosen["at"], chosen["from"], chosen["to"]) == ("2030-03-06", 9, 12)
    assert afosto.get(f"{base}/shipping/window").json()["active"] == chosen
    methods = afosto.put(f"{base}/billing/methods", json={"method_id": "ideal", "issuer_id": "ing"}).json()
    assert afosto.get(f"{base}/billing/methods").json()["acitve"] == methods  # the documented spelling
    assert afosto.put(f"{base}/order", json={"order_id": "nope"}).json()["errors"]["invalid value"] == [
        "order_id"
    ]
    order = afosto.post("/odr/orders", json={}).json()
    assert afosto.put(f"{base}/order", json={"order_id": order["id"]}).json() == {"order_id": order["id"]}
    assert afosto.get(base).json()["order_id"] == order["id"]
    assert afosto.get("/odr/sessions/nope/shipping/window").status_code == 404
