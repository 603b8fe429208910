"""Outbound webhooks: an outbox delivered off the request path, retried on the virtual clock.

A provider hands the outbox a signed body and a retry policy. Each attempt is a scheduler job, so
attempts happen at their virtual times: advancing the clock 48 hours walks through every retry a
real receiver would see, in order, before the advance returns. Every attempt is recorded.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockpost.core.clock import Clock, iso_utc
from mockpost.core.journal import truncate
from mockpost.core.scheduler import Scheduler

# (url, body, headers) -> receiver's status code; raises on a connection error
Sender = Callable[[str, bytes, dict[str, str]], Awaitable[int]]


def is_2xx(status: int) -> bool:
    return 200 <= status < 300


@dataclass(frozen=True)
class RetryPolicy:
    """`delays[i]` seconds after failed attempt i+1 comes the next attempt; then it gives up."""

    delays: Sequence[float]
    succeeded: Callable[[int], bool] = is_2xx

    @classmethod
    def every(
        cls, interval: float, for_seconds: float, succeeded: Callable[[int], bool] = is_2xx
    ) -> RetryPolicy:
        return cls(tuple(interval for _ in range(int(for_seconds // interval))), succeeded)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1


@dataclass
class Attempt:
    id: int
    delivery_id: str
    number: int
    at: str
    url: str
    headers: dict[str, str]
    body: str
    status: int | None
    error: str | None
    duration_ms: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Delivery:
    id: str
    provider: str
    tenant: str | None
    event: str
    url: str
    body: bytes
    headers: dict[str, str]
    policy: RetryPolicy
    created_at: str
    state: str = "pending"  # pending -> delivered | failed
    attempts: list[Attempt] = field(default_factory=list)
    on_result: Callable[[int | None], None] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider": self.provider,
            "tenant": self.tenant,
            "event": self.event,
            "url": self.url,
            "state": self.state,
            "created_at": self.created_at,
            "headers": self.headers,
            "body": truncate(self.body),
            "attempts": [attempt.as_dict() for attempt in self.attempts],
        }


class Outbox:
    def __init__(self, clock: Clock, scheduler: Scheduler, sender: Sender, capacity: int = 5_000) -> None:
        self.clock = clock
        self.scheduler = scheduler
        self.sender = sender
        self._deliveries: deque[Delivery] = deque(maxlen=capacity)
        self._by_id: dict[str, Delivery] = {}
        self._ids = itertools.count(1)
        self._attempt_ids = itertools.count(1)

    def send(
        self,
        provider: str,
        tenant: str | None,
        event: str,
        url: str,
        body: bytes,
        headers: dict[str, str],
        policy: RetryPolicy,
        on_result: Callable[[int | None], None] | None = None,
        schedule: bool = True,
    ) -> Delivery:
        """Queue a delivery; its first attempt is due now and happens off the request path.

        With `schedule=False` the delivery is only recorded: the caller makes the first attempt
        itself with `deliver_now` (an API that answers with the receiver's status)."""
        delivery = Delivery(
            id=f"dlv-{next(self._ids)}",
            provider=provider,
            tenant=tenant,
            event=event,
            url=url,
            body=body,
            headers={"content-type": "application/json", **headers},
            policy=policy,
            created_at=iso_utc(self.clock.now()),
            on_result=on_result,
        )
        if len(self._deliveries) == self._deliveries.maxlen:
            self._by_id.pop(self._deliveries[0].id, None)
        self._deliveries.append(delivery)
        self._by_id[delivery.id] = delivery
        if schedule:
            self._schedule_attempt(delivery, 0.0, retries_left=len(policy.delays))
        return delivery

    async def deliver_now(self, delivery: Delivery) -> int | None:
        """One attempt right away (for APIs that answer with the receiver's status)."""
        return await self._attempt(delivery, retries_left=0)

    def redeliver(self, delivery_id: str) -> Delivery | None:
        delivery = self._by_id.get(delivery_id)
        if delivery is not None:
            delivery.state = "pending"
            self._schedule_attempt(delivery, 0.0, retries_left=0)
        return delivery

    def get(self, delivery_id: str) -> Delivery | None:
        return self._by_id.get(delivery_id)

    def deliveries(self, provider: str | None = None, tenant: str | None = None) -> list[Delivery]:
        return [
            d
            for d in self._deliveries
            if (provider is None or d.provider == provider) and (tenant is None or d.tenant == tenant)
        ]

    def attempts(self, provider: str | None = None) -> list[Attempt]:
        found = [a for d in self.deliveries(provider) for a in d.attempts]
        return sorted(found, key=lambda attempt: attempt.id)

    def clear(self, provider: str | None = None) -> None:
        keep = [d for d in self._deliveries if provider is not None and d.provider != provider]
        self._deliveries.clear()
        self._deliveries.extend(keep)
        self._by_id = {d.id: d for d in keep}

    # -- internals ----------------------------------------------------------------
    def _schedule_attempt(self, delivery: Delivery, delay: float, retries_left: int) -> None:
        async def attempt() -> None:
            if self._by_id.get(delivery.id) is delivery:  # a reset drops pending retries
                await self._attempt(delivery, retries_left)

        self.scheduler.schedule(self.clock.timestamp() + delay, attempt, f"webhook {delivery.id}")

    async def _attempt(self, delivery: Delivery, retries_left: int) -> int | None:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            status = await self.sender(delivery.url, delivery.body, delivery.headers)
        except Exception as exc:  # any transport failure counts as a failed attempt
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        delivery.attempts.append(
            Attempt(
                id=next(self._attempt_ids),
                delivery_id=delivery.id,
                number=len(delivery.attempts) + 1,
                at=iso_utc(self.clock.now()),
                url=delivery.url,
                headers=delivery.headers,
                body=truncate(delivery.body),
                status=status,
                error=error,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
        )
        if status is not None and delivery.policy.succeeded(status):
            delivery.state = "delivered"
        elif retries_left > 0:
            delays = delivery.policy.delays
            delay = delays[len(delays) - retries_left]
            self._schedule_attempt(delivery, delay, retries_left - 1)
        else:
            delivery.state = "failed"
        if delivery.on_result is not None:
            delivery.on_result(status)
        return status
