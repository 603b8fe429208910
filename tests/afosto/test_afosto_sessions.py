"""Checkout sessions step by step: who is buying, the hand-off to payment, expiry, refused changes."""

from __future__ import annotations

from typing import Any

import httpx
from afosto_support import TOKEN, afosto_client, refused

LOGIN = {"audience": "shop", "email": "Anna@Example.com", "password": "correct horse"}


def new_session(afosto: httpx.Client, **body: Any) -> str:
    started = afosto.post("/odr/sessions", json={"audience": "shop", **body})
    assert started.status_code == 200, started.text
    return f"/odr/sessions/{started.json()['id']}"


def test_a_session_expires_one_hour_after_it_starts_unless_told(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = new_session(afosto)
    assert afosto.get(base).json()["expires_at"] == "2030-03-04T10:00:00Z"
    told = new_session(afosto, expires_at="2030-03-04T14:30:00+02:00")
    assert afosto.get(told).json()["expires_at"] == "2030-03-04T12:30:00Z"
    past = afosto.post("/odr/sessions", json={"expires_at": "2030-03-01T00:00:00Z"})
    assert past.status_code == 400 and past.json()["errors"]["invalid value"] == ["expires_at"]


def test_an_identity_logs_in_and_becomes_the_session_contact(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    assert afosto.post("/rel/identity/create", json=LOGIN).status_code == 200
    base = new_session(afosto)
    assert afosto.post(f"{base}/identity", json={"email": "anna@example.com"}).status_code == 204
    unknown = afosto.post(f"{base}/identity", json={"email": "nobody@example.com"})
    assert unknown.status_code == 404 and unknown.json()["code"] == 404
    assert afosto.get(f"{base}/contact").status_code == 404  # nobody yet
    wrong = afosto.post(f"{base}/authenticate", json={"email": LOGIN["email"], "password": "nope"})
    assert wrong.status_code == 400 and wrong.json()["errors"]["invalid value"] == ["email", "password"]
    missing = afosto.post(f"{base}/authenticate", json={"email": LOGIN["email"]})
    assert missing.json()["errors"]["required"] == ["password"]
    contact = afosto.post(
        f"{base}/authenticate", json={"email": LOGIN["email"], "password": LOGIN["password"]}
    )
    assert contact.status_code == 200
    assert contact.json()["email"] == "anna@example.com" and contact.json()["id"]
    assert afosto.get(f"{base}/contact").json()["id"] == contact.json()["id"]
    again = new_session(afosto)
    same = afosto.post(
        f"{again}/authenticate", json={"email": "anna@example.com", "password": "correct horse"}
    )
    assert same.json()["id"] == contact.json()["id"]  # one identity, one contact


def test_identities_belong_to_their_audience(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    afosto.post("/rel/identity/create", json=LOGIN)
    other = new_session(afosto, audience="another-shop")
    assert afosto.post(f"{other}/identity", json={"email": LOGIN["email"]}).status_code == 404
    login = afosto.post(
        f"{other}/authenticate", json={"email": LOGIN["email"], "password": LOGIN["password"]}
    )
    assert login.status_code == 400


def test_a_known_contact_or_a_guest_can_be_put_on_the_session(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = new_session(afosto)
    assert afosto.post(f"{base}/authenticated", json={"contact_id": "nope"}).json()["errors"] == {
        "invalid value": ["contact_id"]
    }
    guest = afosto.post(f"{base}/contact", json={"email": "guest@example.com", "given_name": "Gijs"})
    assert guest.status_code == 204
    contact = afosto.get(f"{base}/contact").json()
    assert (contact["email"], contact["given_name"]) == ("guest@example.com", "Gijs")
    assert afosto.get(f"/rel/contacts/{contact['id']}").status_code == 200
    later = new_session(afosto)
    chosen = afosto.post(f"{later}/authenticated", json={"contact_id": contact["id"]}).json()
    assert chosen["email"] == "guest@example.com"
    assert afosto.post(f"{later}/contact", json={"given_name": "x"}).json()["errors"]["required"] == ["email"]


def test_authorize_needs_a_contact_and_the_sessions_calculation(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = new_session(afosto)
    calculation = afosto.get(f"{base}/calculation").json()
    refused(afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]}))  # no contact
    afosto.post(f"{base}/contact", json={"email": "guest@example.com"})
    stale = afosto.post(f"{base}/authorize", json={"calculation_id": "0b5f8f4e-1c1d-4b8e-9f0e-3a7c2d1e5f60"})
    assert stale.json()["errors"]["invalid value"] == ["calculation_id"]
    authorized = afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]})
    assert authorized.status_code == 200
    answer = authorized.json()
    assert answer["accepted"] is True
    secret = answer["forward_uri"].rsplit("/", 1)[-1]
    assert afosto.get(f"/odr/transactions/{secret}").status_code == 200  # what the payment page pays


def test_an_authorized_session_takes_no_more_changes(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = new_session(afosto)
    afosto.post(f"{base}/contact", json={"email": "guest@example.com"})
    calculation = afosto.get(f"{base}/calculation").json()
    afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]})
    refused(afosto.post(f"{base}/authorize", json={"calculation_id": calculation["id"]}))
    refused(afosto.put(f"{base}/shipping/window", json={"at": "2030-03-06", "from": 9, "to": 12}))
    refused(afosto.post(f"{base}/contact", json={"email": "other@example.com"}))
    refused(afosto.put(f"{base}/reference", json={"reference": "late"}))
    assert afosto.get(f"{base}/shipping/window").status_code == 200  # reading stays possible


def test_an_expired_session_refuses_changes(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = new_session(afosto)
    assert afosto.put(f"{base}/reference", json={"reference": "PO-1"}).json() == {"reference": "PO-1"}
    mockpost.clock.advance(3600)
    expired = afosto.put(f"{base}/reference", json={"reference": "PO-2"})
    refused(expired)
    assert "expired" in expired.json()["message"]
    refused(afosto.post(f"{base}/contact", json={"email": "late@example.com"}))
    assert afosto.get(f"{base}/reference").json() == {"reference": "PO-1"}


def test_the_control_plane_can_expire_a_session(mockpost: Any) -> None:
    afosto = afosto_client(mockpost)
    base = new_session(afosto)
    mockpost.transition(
        "afosto", TOKEN, resource="checkout session", id=base.rsplit("/", 1)[-1], state="expired"
    )
    refused(afosto.put(f"{base}/shipping/point", json={"country_code": "NL", "spid": "1"}))
