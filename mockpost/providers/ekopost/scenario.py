"""Ekopost in scenarios: `api_key` or `username` + `password`; accounts and seed in the provider's
fixture format; webhooks signed with X-Ekopost-Signature (HMAC-SHA1 hex of the raw body);
timeline options print_after, post_after, electronic_after, registered_delivered_after; rules watch
campaigns and envelopes."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.scenarios.providers.base import (
    ProviderSupport,
    problem_of,
    signature_problem,
)

SIGNATURE_HEADER = "X-Ekopost-Signature"
ACCOUNT_SETTINGS = ("api_key", "username", "password", "credit_limit", "unreachable", "fui")


class EkopostSupport(ProviderSupport):
    name = "ekopost"
    account_keys = ACCOUNT_SETTINGS

    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        if account.get("api_key"):
            return {"Authorization": f"api-key {account['api_key']}"}
        if account.get("username") is not None and account.get("password") is not None:
            pair = f"{account['username']}:{account['password']}".encode()
            return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
        raise ValueError("an Ekopost account needs api_key, or username and password")

    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        from mockpost.providers.ekopost.backend import sign

        expected = sign(body.encode(), secret)
        return signature_problem(
            headers, SIGNATURE_HEADER, expected, "the HMAC-SHA1 of the body with the secret"
        )

    def timeline_problem(self, overrides: dict[str, Any]) -> str | None:
        from mockpost.providers.ekopost.lifecycle import Timeline

        return problem_of(Timeline.from_options, overrides)

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for campaign in provider.dump(tenant).get("campaigns", []):
            envelopes = campaign.pop("envelopes", [])
            yield "campaign", campaign
            for envelope in envelopes:
                yield "envelope", {**envelope, "campaign_id": campaign["id"]}

    def lifecycles(self) -> list[Lifecycle]:
        from mockpost.providers.ekopost.lifecycle import CAMPAIGN, ENVELOPE

        return [CAMPAIGN, ENVELOPE]


SUPPORT = EkopostSupport()
