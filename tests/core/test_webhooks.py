import asyncio
from datetime import UTC, datetime

from mockpost.core.clock import Clock
from mockpost.core.scheduler import Scheduler
from mockpost.core.webhooks import Outbox, RetryPolicy

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def outbox_with(statuses):
    clock = Clock()
    clock.freeze(T0)
    scheduler = Scheduler(clock)
    calls = []

    async def sender(url, body, headers):
        calls.append(clock.now())
        status = statuses.pop(0)
        if isinstance(status, Exception):
            raise status
        return status

    return clock, scheduler, Outbox(clock, scheduler, sender), calls


def test_failed_deliveries_retry_on_the_virtual_clock_until_success():
    _clock, scheduler, outbox, calls = outbox_with([500, ConnectionError("refused"), 200])
    delivery = outbox.send("p", "t", "evt", "http://x/hook", b"{}", {}, RetryPolicy(delays=(60, 600)))
    asyncio.run(scheduler.run_until(T0.timestamp() + 3600))
    assert [(c - T0).total_seconds() for c in calls] == [0, 60, 660]
    assert delivery.state == "delivered"
    assert [a.status for a in delivery.attempts] == [500, None, 200]
    assert "refused" in delivery.attempts[1].error


def test_a_delivery_gives_up_after_the_policy_runs_out():
    _clock, scheduler, outbox, _calls = outbox_with([503, 503, 503])
    delivery = outbox.send("p", "t", "evt", "http://x", b"{}", {}, RetryPolicy(delays=(10, 10)))
    asyncio.run(scheduler.run_until(T0.timestamp() + 100))
    assert delivery.state == "failed" and len(delivery.attempts) == 3


def test_every_interval_policy_and_custom_success_rule():
    policy = RetryPolicy.every(900, 48 * 3600, succeeded=lambda status: status == 200)
    assert policy.max_attempts == 193
    assert not policy.succeeded(204)


def test_redeliver_makes_one_more_attempt():
    _clock, scheduler, outbox, _calls = outbox_with([500, 200])
    delivery = outbox.send("p", "t", "evt", "http://x", b"{}", {}, RetryPolicy(delays=()))
    asyncio.run(scheduler.run_due())
    assert delivery.state == "failed"
    outbox.redeliver(delivery.id)
    asyncio.run(scheduler.run_due())
    assert delivery.state == "delivered" and len(delivery.attempts) == 2
