"""Outbound webhooks: an outbox delivered off the request path, retried on the virtual clock.

A provider hands the outbox a signed body and a retry policy. Each attempt is a timer (kind
`delivery`), so attempts happen at their virtual times: advancing the clock 48 hours walks through
every retry a real receiver would see, in order, before the advance returns. Every attempt is
recorded.

A receiver cannot hold time still: an attempt is cut after `timeout` seconds (real time), attempts
due at the same virtual instant go out together (at most `concurrency` at once), and the network
wait happens outside the scheduler's lock (see core/scheduler.py). What the outbox keeps is bounded
by a count and by bytes: the oldest finished deliveries go first.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from mockpost.core.clock import Clock, iso_utc
from mockpost.core.events import Events
from mockpost.core.journal import truncate
from mockpost.core.scheduler import Scheduler, Timer

# (url, body, headers) -> receiver's status code; raises on a connection error
Sender = Callable[[str, bytes, dict[str, str]], Awaitable[int]]
DELIVERY = "outbox"  # the timer kind of webhook attempts; not a word any provider uses for its objects
CONTROL_PREFIX = "/_mockpost/"
INBOX_PREFIX = "/_mockpost/inbox/"
ATTEMPT_OVERHEAD = 200  # bytes an attempt record costs besides its headers


class RefusedTarget(Exception):
    """A webhook URL the sandbox will not call (its own control plane: it could loop forever)."""


@dataclass(frozen=True)
class RetryPolicy:
    """`delays[i]` seconds after failed attempt i+1 comes the next attempt; then it gives up.
    An attempt succeeds on any 2xx, or only on the statuses in `accept` when it is given."""

    delays: Sequence[float]
    accept: frozenset[int] | None = None

    @classmethod
    def every(cls, interval: float, for_seconds: float, accept: Sequence[int] | None = None) -> RetryPolicy:
        delays = tuple(interval for _ in range(int(for_seconds // interval)))
        return cls(delays, frozenset(accept) if accept is not None else None)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def succeeded(self, status: int) -> bool:
        return status in self.accept if self.accept is not None else 200 <= status < 300

    def as_dict(self) -> dict[str, Any]:
        return {"delays": list(self.delays), "accept": sorted(self.accept) if self.accept else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RetryPolicy:
        accept = data.get("accept")
        return cls(tuple(data["delays"]), frozenset(accept) if accept is not None else None)


@dataclass(slots=True)
class Attempt:
    id: int
    number: int
    at: str
    status: int | None
    error: str | None
    duration_ms: float


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
    retries_left: int = 0  # after the attempt that is planned next

    def attempt_dict(self, attempt: Attempt) -> dict[str, Any]:
        return {
            "id": attempt.id,
            "delivery_id": self.id,
            "number": attempt.number,
            "at": attempt.at,
            "url": self.url,
            "headers": self.headers,
            "body": truncate(self.body),
            "status": attempt.status,
            "error": attempt.error,
            "duration_ms": attempt.duration_ms,
        }

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
            "attempts": [self.attempt_dict(attempt) for attempt in self.attempts],
        }

    @property
    def size(self) -> int:
        headers = sum(len(k) + len(v) for k, v in self.headers.items())
        return len(self.body) + len(self.url) + headers + ATTEMPT_OVERHEAD * (1 + len(self.attempts))


class Outbox:
    def __init__(
        self,
        clock: Clock,
        scheduler: Scheduler,
        sender: Sender,
        capacity: int = 5_000,
        max_bytes: int = 64 * 1024 * 1024,
        timeout: float = 5.0,
        concurrency: int = 32,
        events: Events | None = None,
    ) -> None:
        self.clock = clock
        self.events = events if events is not None else Events()
        self.scheduler = scheduler
        self.sender = sender
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._gate = asyncio.Semaphore(concurrency)
        self._silent: dict[str, float] = {}  # receiver (host:port) -> real time it is skipped until
        self._deliveries: OrderedDict[str, Delivery] = OrderedDict()
        self._bytes = 0
        self._last_id = 0
        self._last_attempt_id = 0

    def send(
        self,
        provider: str,
        tenant: str | None,
        event: str,
        url: str,
        body: bytes,
        headers: dict[str, str],
        policy: RetryPolicy,
        schedule: bool = True,
    ) -> Delivery:
        """Queue a delivery; its first attempt is due now and happens off the request path.

        With `schedule=False` the delivery is only recorded: the caller makes the first attempt
        itself with `deliver_now` (an API that answers with the receiver's status)."""
        delivery = Delivery(
            id=self._new_id(),
            provider=provider,
            tenant=tenant,
            event=event,
            url=url,
            body=body,
            headers={"content-type": "application/json", **headers},
            policy=policy,
            created_at=iso_utc(self.clock.now()),
        )
        self._keep(delivery)
        if schedule:
            self._plan(delivery, 0.0, retries_left=len(policy.delays))
        return delivery

    async def deliver_now(self, delivery: Delivery) -> int | None:
        """One attempt right away (for APIs that answer with the receiver's status)."""
        delivery.retries_left = 0
        return await self._attempt(delivery)

    def redeliver(self, delivery_id: str) -> Delivery | None:
        delivery = self._deliveries.get(delivery_id)
        if delivery is not None:
            delivery.state = "pending"
            self._plan(delivery, 0.0, retries_left=0)
        return delivery

    def get(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def deliveries(self, provider: str | None = None, tenant: str | None = None) -> list[Delivery]:
        return [
            d
            for d in self._deliveries.values()
            if (provider is None or d.provider == provider) and (tenant is None or d.tenant == tenant)
        ]

    def attempts(self, provider: str | None = None) -> list[dict[str, Any]]:
        found = [d.attempt_dict(a) for d in self.deliveries(provider) for a in d.attempts]
        return sorted(found, key=lambda attempt: attempt["id"])

    def clear(self, provider: str | None = None, tenant: str | None = None) -> None:
        """Forget deliveries (all, a provider's, or one account's), with their pending attempts."""
        for delivery in self.deliveries(provider, tenant):
            self._forget(delivery)

    @property
    def bytes_kept(self) -> int:
        return self._bytes

    # -- saving ---------------------------------------------------------------------
    def counters(self) -> dict[str, int]:
        """Where delivery and attempt ids go on (deliveries themselves are data: `deliveries()`)."""
        return {"last_delivery": self._last_id, "last_attempt": self._last_attempt_id}

    def restore(self, deliveries: Iterable[Delivery], counters: dict[str, int]) -> None:
        """Keep saved deliveries as they were (their pending attempts are timers, restored with the
        scheduler's) and continue the ids after the saved ones."""
        for delivery in deliveries:
            self._forget_id(delivery.id)
            self._keep(delivery)
        self._last_id = max(self._last_id, counters.get("last_delivery", 0))
        self._last_attempt_id = max(self._last_attempt_id, counters.get("last_attempt", 0))

    def adopt(self, delivery: Delivery) -> Delivery:
        """Keep a saved delivery under new ids (merging a snapshot into a sandbox that has its own);
        the caller moves its pending attempt to the returned delivery's id."""
        for attempt in delivery.attempts:
            attempt.id = self._new_attempt_id()
        delivery.id = self._new_id()
        self._keep(delivery)
        return delivery

    # -- timers ---------------------------------------------------------------------
    def run_timer(self, timer: Timer) -> Awaitable[None] | None:
        """A due attempt: the network part is returned for the scheduler to await in its wave."""
        delivery = self._deliveries.get(timer.id)
        if delivery is None:  # forgotten (a reset, or pushed out of the outbox)
            return None
        return self._attempt_quietly(delivery)

    async def _attempt_quietly(self, delivery: Delivery) -> None:
        await self._attempt(delivery)

    # -- internals ----------------------------------------------------------------
    def _note_silent(self, receiver: str) -> None:
        """A receiver that let an attempt time out is not waited for again for one timeout of real
        time: the retries an advance walks through seconds later fail at once instead of each
        holding the advance (and every other account's webhooks) for another timeout."""
        now = time.monotonic()
        if receiver not in self._silent:
            for host in [host for host, until in self._silent.items() if until <= now]:
                del self._silent[host]  # keeps the table to the receivers hanging right now
        self._silent[receiver] = now + self.timeout

    def _new_id(self) -> str:
        self._last_id += 1
        return f"dlv-{self._last_id}"

    def _new_attempt_id(self) -> int:
        self._last_attempt_id += 1
        return self._last_attempt_id

    def _forget_id(self, delivery_id: str) -> None:
        kept = self._deliveries.pop(delivery_id, None)
        if kept is not None:
            self._bytes -= kept.size

    def _plan(self, delivery: Delivery, delay: float, retries_left: int) -> None:
        delivery.retries_left = retries_left
        self.scheduler.schedule(
            self.clock.timestamp() + delay,
            delivery.provider,
            delivery.tenant,
            DELIVERY,
            delivery.id,
            "attempt",
        )

    async def _attempt(self, delivery: Delivery) -> int | None:
        started = time.perf_counter()
        at = iso_utc(self.clock.now())
        status: int | None = None
        error: str | None = None
        receiver = urlsplit(delivery.url).netloc
        try:
            if self._silent.get(receiver, 0.0) > time.monotonic():
                raise TimeoutError(f"{receiver} did not answer within {self.timeout:g} s moments ago")
            async with self._gate:
                status = await asyncio.wait_for(
                    self.sender(delivery.url, delivery.body, delivery.headers), self.timeout
                )
        except TimeoutError as exc:
            error = f"TimeoutError: {str(exc) or f'no answer within {self.timeout:g} s'}"
            self._note_silent(receiver)
        except Exception as exc:  # any transport failure counts as a failed attempt
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self._bytes -= delivery.size
        delivery.attempts.append(
            Attempt(
                id=self._new_attempt_id(),
                number=len(delivery.attempts) + 1,
                at=at,
                status=status,
                error=error,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
        )
        self._bytes += delivery.size
        if status is not None and delivery.policy.succeeded(status):
            delivery.state = "delivered"
        elif delivery.retries_left > 0:
            delays = delivery.policy.delays
            self._plan(delivery, delays[len(delays) - delivery.retries_left], delivery.retries_left - 1)
        else:
            delivery.state = "failed"
        if self.events:
            self.events.publish(
                "delivery",
                {
                    **delivery.attempt_dict(delivery.attempts[-1]),
                    "provider": delivery.provider,
                    "account": delivery.tenant,
                    "event": delivery.event,
                    "delivery_state": delivery.state,
                },
            )
        self._trim()
        return status

    def _keep(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery
        self._bytes += delivery.size
        self._trim()

    def _trim(self) -> None:
        """Oldest first, finished ones before pending ones, down to the count and byte budgets."""
        if len(self._deliveries) <= self.capacity and self._bytes <= self.max_bytes:
            return
        for finished_only in (True, False):
            for delivery in list(self._deliveries.values()):
                if len(self._deliveries) <= self.capacity and self._bytes <= self.max_bytes:
                    return
                if finished_only and delivery.state == "pending":
                    continue
                if len(self._deliveries) == 1:
                    return  # the newest is kept whatever its size: it is being sent
                self._forget(delivery)

    def _forget(self, delivery: Delivery) -> None:
        if self._deliveries.pop(delivery.id, None) is not None:
            self._bytes -= delivery.size
            self.scheduler.cancel(delivery.provider, delivery.tenant, DELIVERY, delivery.id)


def refuse_control_plane(path: str) -> None:
    """A webhook may reach the sandbox's inboxes, never the rest of a control plane: a delivery
    aimed at `.../redeliver` would call itself forever."""
    if path.startswith(CONTROL_PREFIX) and not path.startswith(INBOX_PREFIX):
        raise RefusedTarget(
            f"webhooks may not call a mockpost control plane ({path}); use {INBOX_PREFIX}NAME"
        )
