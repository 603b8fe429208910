"""Webhook subscriptions of a company: CRUD, secret reset, and the test event."""

from __future__ import annotations

from typing import Any

from mockpost.core.http import dumps
from mockpost.core.webhooks import Delivery, RetryPolicy
from mockpost.providers.easypost_connect import models
from mockpost.providers.easypost_connect.base import BackendBase
from mockpost.providers.easypost_connect.errors import BadRequest, NotFound
from mockpost.providers.easypost_connect.render import iso
from mockpost.providers.easypost_connect.state import Account, Company, Subscription

TEST_RETRY = RetryPolicy(delays=())


class HooksPart(BackendBase):
    def new_secret(self) -> str:
        return "whsec_" + self.ctx.ids.token(40)

    def create_subscription(self, company: Company, body: Any) -> Subscription:
        data = models.validate(models.WebhookCreate, body)
        now = self.now()
        subscription = Subscription(
            id=self.ctx.ids.uuid4(),
            company_id=company.id,
            name=data.name,
            url=data.url,
            event_types=list(dict.fromkeys(data.eventTypes)),
            secret=self.new_secret(),
            created_at=now,
            updated_at=now,
        )
        company.webhooks[subscription.id] = subscription
        return subscription

    def subscription(self, company: Company, subscription_id: str) -> Subscription:
        subscription = company.webhooks.get(subscription_id)
        if subscription is None:
            raise NotFound("Webhook subscription", subscription_id)
        return subscription

    def list_subscriptions(self, company: Company) -> list[Subscription]:
        return sorted(company.webhooks.values(), key=lambda s: (s.created_at, s.id))

    def update_subscription(self, company: Company, subscription_id: str, body: Any) -> Subscription:
        subscription = self.subscription(company, subscription_id)
        data = models.validate(models.WebhookUpdate, body)
        changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
        subscription.name = changes.get("name", subscription.name)
        subscription.url = changes.get("url", subscription.url)
        if "eventTypes" in changes:
            subscription.event_types = list(dict.fromkeys(changes["eventTypes"]))
        if "enabled" in changes:
            subscription.enabled = changes["enabled"]
        subscription.updated_at = self.now()
        return subscription

    def delete_subscription(self, company: Company, subscription_id: str) -> Subscription:
        subscription = self.subscription(company, subscription_id)
        del company.webhooks[subscription.id]
        return subscription

    def reset_secret(self, company: Company, subscription_id: str) -> Subscription:
        subscription = self.subscription(company, subscription_id)
        subscription.secret = self.new_secret()
        subscription.updated_at = self.now()
        return subscription

    def test_delivery(self, account: Account, company: Company, subscription_id: str, body: Any) -> Delivery:
        """The test event as a recorded delivery, not yet attempted (the caller attempts it once)."""
        subscription = self.subscription(company, subscription_id)
        data = models.validate(models.WebhookTest, body if body is not None else {})
        event_type = data.eventType
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
        event = {
            "id": self.ctx.ids.uuid4(),
            "type": event_type,
            "createdAt": iso(self.now()),
            "companyId": company.id,
            "test": True,
            "data": self._sample(event_type),
        }
        raw = dumps(event)
        return self.ctx.outbox.send(
            self.ctx.name,
            account.tenant,
            event_type,
            subscription.url,
            raw,
            self.event_headers(raw, event, subscription.secret),
            TEST_RETRY,
            schedule=False,
        )

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
