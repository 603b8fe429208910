"""Webhook subscriptions of a company (CRUD, secret reset, the test event) and the events every
other part sends through them, signed `sha256=<hex HMAC-SHA256 of the raw body>`."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from mockpost.core.http import dumps
from mockpost.core.provider import ProviderContext
from mockpost.core.webhooks import RetryPolicy
from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.errors import BadRequest, found
from mockpost.providers.easypost_connect.state import Account, Company, Subscription
from mockpost.providers.easypost_connect.wire import iso

# Undocumented; chosen here and written in the docs: 6 attempts over about 8.5 hours.
WEBHOOK_RETRY = RetryPolicy(delays=(60, 300, 1800, 7200, 21600))
TEST_RETRY = RetryPolicy(delays=())
USER_AGENT = "EasyPost-Connect-Webhooks/1.0 (mockpost)"


def sign_body(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Hooks:
    ctx: ProviderContext

    # -- outgoing events -----------------------------------------------------------------------
    def emit(self, account: Account, company: Company, event_type: str, data: dict[str, Any]) -> None:
        """Send an event to every enabled subscription of the company that takes its type."""
        targets = [s for s in company.webhooks.values() if s.enabled and event_type in s.event_types]
        if not targets:
            return
        event = self._event(company, event_type, data)
        body = dumps(event)
        for subscription in targets:
            self.ctx.send_webhook(
                account.tenant,
                event_type,
                subscription.url,
                body,
                event_headers(body, event, subscription.secret),
                WEBHOOK_RETRY,
            )

    def _event(self, company: Company, event_type: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return {
            "id": self.ctx.ids.uuid4(),
            "type": event_type,
            "createdAt": iso(self.ctx.now()),
            "companyId": company.id,
            **extra,
            "data": data,
        }

    # -- subscriptions ---------------------------------------------------------------------------
    def new_secret(self) -> str:
        return "whsec_" + self.ctx.ids.token(40)

    def create(self, company: Company, data: models.WebhookCreate) -> Subscription:
        subscription = Subscription(
            **self.ctx.fresh(),
            company_id=company.id,
            name=data.name,
            url=data.url,
            event_types=list(dict.fromkeys(data.eventTypes)),
            secret=self.new_secret(),
        )
        company.webhooks[subscription.id] = subscription
        return subscription

    def get(self, company: Company, subscription_id: str) -> Subscription:
        return found(company.webhooks, subscription_id, "Webhook subscription")

    def subscriptions(self, company: Company) -> list[Subscription]:
        return sorted(company.webhooks.values(), key=lambda s: (s.created_at, s.id))

    def update(self, company: Company, subscription_id: str, data: models.WebhookUpdate) -> Subscription:
        subscription = self.get(company, subscription_id)
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        subscription.name = changes.get("name", subscription.name)
        subscription.url = changes.get("url", subscription.url)
        if "eventTypes" in changes:
            subscription.event_types = list(dict.fromkeys(changes["eventTypes"]))
        if "enabled" in changes:
            subscription.enabled = changes["enabled"]
        subscription.updated_at = self.ctx.now()
        return subscription

    def delete(self, company: Company, subscription_id: str) -> Subscription:
        subscription = self.get(company, subscription_id)
        del company.webhooks[subscription.id]
        return subscription

    def reset_secret(self, company: Company, subscription_id: str) -> Subscription:
        subscription = self.get(company, subscription_id)
        subscription.secret = self.new_secret()
        subscription.updated_at = self.ctx.now()
        return subscription

    async def test(
        self, account: Account, company: Company, subscription_id: str, data: models.WebhookTest
    ) -> tuple[int | None, str | None]:
        """Send a test event once, now: the receiver's status (None when it could not be reached)
        and, then, why."""
        subscription = self.get(company, subscription_id)
        event_type: str | None = data.eventType
        if event_type is None:
            if len(subscription.event_types) > 1:
                raise BadRequest(
                    "eventType must be provided when the subscription has more than one event type "
                    f"({', '.join(subscription.event_types)})"
                )
            event_type = subscription.event_types[0]
        elif event_type not in subscription.event_types:
            raise BadRequest(
                f"eventType {event_type} is not one of the subscription's event types "
                f"({', '.join(subscription.event_types)})"
            )
        event = self._event(company, event_type, {}, test=True)
        event["data"] = self._sample(event_type)  # its ids drawn after the event's own
        raw = dumps(event)
        delivery = self.ctx.send_webhook(
            account.tenant,
            event_type,
            subscription.url,
            raw,
            event_headers(raw, event, subscription.secret),
            TEST_RETRY,
            schedule=False,
        )
        status = await self.ctx.outbox.deliver_now(delivery)
        error = delivery.attempts[-1].error if status is None and delivery.attempts else None
        return status, error

    def _sample(self, event_type: str) -> dict[str, Any]:
        ids = self.ctx.ids
        if event_type == "job.status.changed":
            return {
                "jobId": ids.uuid4(),
                "jobName": "Test job",
                "workflowId": ids.uuid4(),
                "previousStatus": "IN_PROGRESS",
                "status": "COMPLETED",
            }
        if event_type == "sending.event.status.changed":
            return {
                "sendingEventId": ids.uuid4(),
                "jobId": ids.uuid4(),
                "previousBusinessStatus": "SENT",
                "businessStatus": "DELIVERED",
            }
        if event_type == "sending.event.file.ready":
            return {"sendingEventId": ids.uuid4(), "jobId": ids.uuid4(), "fileReference": "SUBMISSION_REPORT"}
        return {
            "documentId": ids.uuid4(),
            "senderId": "0208:0123456789",
            "receiverId": "0208:0987654321",
            "documentType": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice",
        }


def event_headers(body: bytes, event: dict[str, Any], secret: str) -> dict[str, str]:
    return {
        "x-webhook-signature": sign_body(body, secret),
        "x-webhook-id": str(event["id"]),
        "x-webhook-event": str(event["type"]),
        "user-agent": USER_AGENT,
    }
