"""EasyPost Connect in scenarios: `api_key` sent as `x-api-key` (each key its own account, with
`company_name`); an account's webhook is a subscription to the four event types (or
`webhook_events`), signed `x-webhook-signature: sha256=<hex HMAC-SHA256 of the raw body>`; timeline
options upload_window, processing_after, sent_after, download_ttl, token_ttl,
delivered_after_<channel>; rules watch jobs (`status`) and sending events (`businessStatus`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from mockpost.core.lifecycle import Lifecycle
from mockpost.core.provider import Provider
from mockpost.scenarios.providers.base import ProviderSupport, problem_of, signature_problem

SIGNATURE_HEADER = "x-webhook-signature"
EVENT_TYPES = (
    "job.status.changed",
    "sending.event.status.changed",
    "sending.event.file.ready",
    "peppol.document.received",
)
ACCOUNT_SETTINGS = ("api_key", "company_name", "webhook_events")
SENDING_EVENT = "sending-event"  # a scenario's word for the resource, as forced transitions name it
STATE_FIELDS = {"job": "status", SENDING_EVENT: "businessStatus"}


class EasyPostConnectSupport(ProviderSupport):
    name = "easypost-connect"
    account_keys = ACCOUNT_SETTINGS

    def auth_headers(self, account: dict[str, Any]) -> dict[str, str]:
        if not account.get("api_key"):
            raise ValueError("an EasyPost Connect account needs api_key (sent as the x-api-key header)")
        return {"x-api-key": str(account["api_key"])}

    def load_account(
        self, provider: Provider, account: dict[str, Any], webhook: dict[str, str] | None
    ) -> None:
        self.refuse_unknown_keys(account)
        events = account.get("webhook_events") or list(EVENT_TYPES)
        if not isinstance(events, list) or not set(events) <= set(EVENT_TYPES):
            raise ValueError(f"webhook_events: expected a list of {', '.join(EVENT_TYPES)}; got {events!r}")
        entry: dict[str, Any] = {"api_key": account["api_key"]}
        if account.get("company_name"):
            entry["company_name"] = account["company_name"]
        if webhook is not None:
            entry["webhooks"] = [{"name": "scenario", "eventTypes": events, **webhook}]
        provider.seed({"accounts": [entry]})

    def verify_signature(self, body: str, headers: dict[str, str], secret: str) -> str | None:
        from mockpost.providers.easypost_connect.hooks import sign_body

        expected = sign_body(body.encode(), secret)
        return signature_problem(
            headers, SIGNATURE_HEADER, expected, "sha256= + the HMAC-SHA256 of the body with the secret"
        )

    def timeline_problem(self, overrides: dict[str, Any]) -> str | None:
        from mockpost.providers.easypost_connect.lifecycle import OTHER_OPTIONS, Timeline

        settings = sorted(set(overrides) & OTHER_OPTIONS)
        if settings:
            return f"{', '.join(settings)} is a server option, not a timeline one"
        return problem_of(Timeline.from_options, overrides)

    def resources(self, provider: Provider, tenant: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Jobs, then sending events with their job's `jobName` (so a rule can pick the events of
        jobs named `fail-*`). Read straight from the state: the rules look after every step."""
        from mockpost.providers.easypost_connect import wire

        account = provider.ctx.store.existing(provider.name, tenant)
        if account is None:
            return
        for company in list(account.companies.values()):
            for job in list(company.jobs.values()):
                yield "job", wire.job(job)
            for event in list(company.sending_events.values()):
                job = company.jobs.get(event.job_id)
                yield SENDING_EVENT, {**wire.sending_event(event), "jobName": job.name if job else None}

    def state_of(self, kind: str, resource: dict[str, Any]) -> Any:
        return resource.get(STATE_FIELDS.get(kind, "state"))

    def lifecycles(self) -> list[Lifecycle]:
        """The provider's own state machines, the sending event's under the scenario's word."""
        from mockpost.providers.easypost_connect.lifecycle import JOB
        from mockpost.providers.easypost_connect.lifecycle import SENDING_EVENT as EVENT_LIFECYCLE

        return [JOB, dataclasses.replace(EVENT_LIFECYCLE, resource=SENDING_EVENT)]


SUPPORT = EasyPostConnectSupport()
