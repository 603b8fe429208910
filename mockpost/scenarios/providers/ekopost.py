"""Ekopost in scenarios: `api_key` or `username` + `password`; accounts and seed in the provider's
fixture format; webhooks signed with X-Ekopost-Signature (HMAC-SHA1 hex of the raw body);
timeline options print_after, post_after, electronic_after, registered_delivered_after; rules watch
campaigns and envelopes."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.scenarios.providers.base import ProviderSupport

SIGNATURE_HEADER = "x-ekopost-signature"
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

    def load_account(
        self, provider: Provider, account: dict[str, Any], webhook: dict[str, str] | None
    ) -> None:
        unknown = set(account) - set(ACCOUNT_SETTINGS)
        if unknown:
            raise ValueError(
                f"unknown Ekopost account key(s) {sorted(unknown)}; expected: {', '.join(ACCOUNT_SETTINGS)}, "
                "webhook, env"
            )
        entry = {key: value for key, value in account.items() if key in ACCOUNT_SETTINGS}
        if webhook is not None:
            entry["webhook"] = webhook
        provider.load_fixtures({"accounts": [entry]})

    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        given = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE_HEADER)
        if given is None:
            return "no X-Ekopost-Signature header"
        expected = hmac.new(secret.encode(), body.encode(), hashlib.sha1).hexdigest()
        if not hmac.compare_digest(given, expected):
            return f"X-Ekopost-Signature is {given}, the HMAC-SHA1 of the body with the secret is {expected}"
        return None

    def set_timeline(self, provider: Provider, overrides: dict[str, Any]) -> None:
        # The timeline is read when each step is scheduled, so a new one applies to steps scheduled
        # from now on; the provider and its backend share one Timeline object.
        from mockpost.providers.ekopost.lifecycle import Timeline

        timeline = Timeline.from_options({**provider.ctx.options, **overrides})
        backend = provider.backend  # type: ignore[attr-defined]
        provider.timeline = backend.timeline = timeline  # type: ignore[attr-defined]

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
