"""What scenarios know of Afosto: bearer headers, accounts, watched resources, no webhooks."""

from __future__ import annotations

from typing import Any

import pytest
from afosto_support import START

from mockpost.scenarios.providers import support_for

SUPPORT = support_for("afosto")


def test_accounts_send_their_token_as_a_bearer() -> None:
    assert SUPPORT.auth_headers({"token": "t-1"}) == {"Authorization": "Bearer t-1"}
    with pytest.raises(ValueError, match="needs a token"):
        SUPPORT.auth_headers({"client_id": "shop"})


def test_accounts_refuse_unknown_keys_and_webhooks(mockpost: Any) -> None:
    provider = mockpost.sandbox.providers["afosto"]
    with pytest.raises(ValueError, match="unknown afosto account key"):
        SUPPORT.load_account(provider, {"token": "t", "api_key": "x"}, None)
    with pytest.raises(ValueError, match="no Afosto webhooks"):
        SUPPORT.load_account(provider, {"token": "t"}, {"url": "http://hooks", "secret": "s"})
    assert "no Afosto webhooks" in str(SUPPORT.verify_signature("{}", {}, "s"))


def test_rules_see_hand_modelled_resources_with_their_lifecycle_state(mockpost: Any) -> None:
    mockpost.clock.freeze(START)
    provider = mockpost.sandbox.providers["afosto"]
    SUPPORT.load_account(provider, {"token": "t", "collections": {"/odr/orders": [{"type": "order"}]}}, None)
    client = mockpost.client("afosto", headers={"Authorization": "Bearer t"})
    order = client.get("/odr/orders").json()[0]
    client.post(f"/odr/orders/{order['id']}/accept")
    tenant = provider.ctx.tenancy.resolve("afosto", "bearer:t")
    orders = [res for kind, res in SUPPORT.resources(provider, tenant) if kind == "order"]
    assert [(res["id"], SUPPORT.state_of("order", res)) for res in orders] == [(order["id"], "accepted")]
    names = {lifecycle.resource for lifecycle in SUPPORT.lifecycles()}
    assert {"order", "checkout session", "handling list", "shipment", "transfer"} <= names
