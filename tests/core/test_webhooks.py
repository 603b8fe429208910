import asyncio
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from mockpost.config import Settings
from mockpost.core.clock import Clock
from mockpost.core.http import ApiError
from mockpost.core.provider import Provider, ProviderContext
from mockpost.core.scheduler import Scheduler
from mockpost.core.webhooks import DELIVERY, Outbox, RefusedTarget, RetryPolicy, refuse_control_plane
from mockpost.sandbox import Sandbox

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def outbox_with(statuses, **options):
    clock = Clock()
    clock.freeze(T0)
    scheduler = Scheduler(clock)
    calls = []

    async def sender(url, body, headers):
        calls.append(clock.now())
        status = statuses.pop(0)
        if isinstance(status, Exception):
            raise status
        if status == "hang":
            await asyncio.Event().wait()  # a receiver that never answers
        return status

    outbox = Outbox(clock, scheduler, sender, **options)
    scheduler.runner = outbox.run_timer
    return clock, scheduler, outbox, calls


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


def test_every_interval_policy_and_an_exact_success_status():
    policy = RetryPolicy.every(900, 48 * 3600, accept=(200,))
    assert policy.max_attempts == 193
    assert not policy.succeeded(204) and policy.succeeded(200)
    assert RetryPolicy.from_dict(policy.as_dict()) == policy


def test_redeliver_makes_one_more_attempt():
    _clock, scheduler, outbox, _calls = outbox_with([500, 200])
    delivery = outbox.send("p", "t", "evt", "http://x", b"{}", {}, RetryPolicy(delays=()))
    asyncio.run(scheduler.run_due())
    assert delivery.state == "failed"
    outbox.redeliver(delivery.id)
    asyncio.run(scheduler.run_due())
    assert delivery.state == "delivered" and len(delivery.attempts) == 2


def test_pending_attempts_are_timers_of_kind_delivery():
    _clock, scheduler, outbox, _calls = outbox_with([500])
    delivery = outbox.send("p", "t", "evt", "http://x", b"{}", {}, RetryPolicy(delays=(60,)))
    [timer] = scheduler.pending()
    assert (timer.provider, timer.account, timer.kind, timer.id) == ("p", "t", DELIVERY, delivery.id)


def test_a_receiver_that_never_answers_fails_after_the_timeout():
    _clock, scheduler, outbox, _calls = outbox_with(["hang"], timeout=0.05)
    delivery = outbox.send("p", "t", "evt", "http://x", b"{}", {}, RetryPolicy(delays=()))
    asyncio.run(scheduler.run_due())
    assert delivery.state == "failed"
    assert "TimeoutError" in delivery.attempts[0].error


def test_attempts_due_together_go_out_together():
    """Three hanging receivers at one instant cost one timeout, not three: the attempts overlap."""
    _clock, scheduler, outbox, calls = outbox_with(["hang", "hang", "hang", 200], timeout=0.2)
    hanging = [
        outbox.send("p", "t", "evt", f"http://x/{n}", b"{}", {}, RetryPolicy(delays=())) for n in range(3)
    ]
    healthy = outbox.send("p", "other", "evt", "http://y", b"{}", {}, RetryPolicy(delays=()))
    in_flight: list[int] = []

    async def scenario():
        run = asyncio.create_task(scheduler.run_due())
        await asyncio.sleep(0.05)
        in_flight.append(len(calls))
        await run

    asyncio.run(scenario())
    assert in_flight == [4]  # every attempt of the instant had started before any timed out
    assert healthy.state == "delivered"
    assert all(d.state == "failed" for d in hanging)


def test_the_control_plane_is_never_a_webhook_target_but_inboxes_are():
    with pytest.raises(RefusedTarget):
        refuse_control_plane("/_mockpost/webhooks/deliveries/dlv-1/redeliver")
    refuse_control_plane("/_mockpost/inbox/hooks")
    refuse_control_plane("/hooks/_mockpost/anything")


def test_the_outbox_keeps_to_its_byte_budget_dropping_the_oldest_finished_first():
    statuses = [200] * 50
    _clock, scheduler, outbox, _calls = outbox_with(statuses, max_bytes=20_000)
    body = b"x" * 1_000
    sent = []
    for _ in range(50):
        sent.append(outbox.send("p", "t", "evt", "http://x", body, {}, RetryPolicy(delays=())))
        asyncio.run(scheduler.run_due())
    assert outbox.bytes_kept <= 20_000
    kept = outbox.deliveries()
    assert kept and kept[-1] is sent[-1]
    assert outbox.get(sent[0].id) is None


def test_a_delivery_aimed_at_the_control_plane_is_refused_not_looped(mockpost):
    """A webhook pointing at its own redeliver route would call itself forever: it fails instead."""
    outbox = mockpost.sandbox.outbox
    delivery = outbox.send(
        "ekopost",
        "t",
        "evt",
        mockpost.url("/_mockpost/webhooks/deliveries/dlv-1/redeliver"),
        b"{}",
        {},
        RetryPolicy(delays=(60,)),
    )
    mockpost.clock.advance(duration="1h")
    assert delivery.state == "failed"
    assert [a.error.split(":")[0] for a in delivery.attempts] == ["RefusedTarget", "RefusedTarget"]
    assert len(outbox.deliveries()) == 1



class PostProvider(Provider):
    """A provider whose own objects are deliveries, each with an `output` step on the clock."""

    name, mount, title = "post", "/post", "Post"
    outputs: ClassVar[list[str]] = []

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        ctx.store.register(self.name, lambda tenant: {"tenant": tenant})

    def endpoints(self) -> list:
        return []

    def error(self, status: int, message: str) -> ApiError:
        return ApiError(message)

    def authenticate(self, request: object) -> str:
        return "acct"

    def timer_actions(self) -> dict:
        return {("delivery", "output"): lambda account, delivery_id: self.outputs.append(delivery_id)}


def test_a_provider_resource_kind_named_delivery_keeps_its_own_timers():
    """Webhook attempts are timers too; a provider's own `delivery` objects (Nirva's) still get
    their timed steps, not taken for webhook attempts."""
    sandbox = Sandbox(Settings(), [PostProvider])
    post = sandbox.providers["post"]
    sandbox.store.tenant("post", "acct")
    post.ctx.schedule("acct", "delivery", "1003", post.ctx.now(), "output")
    asyncio.run(sandbox.run_due())
    assert PostProvider.outputs == ["1003"]


def test_retries_to_a_receiver_that_just_timed_out_fail_at_once_instead_of_waiting_again():
    """A 1-day advance walks through every retry of a hanging receiver: only the first wave waits."""
    statuses = ["hang"] * 6
    _clock, scheduler, outbox, calls = outbox_with(statuses, timeout=0.05)
    hanging = outbox.send("p", "t", "evt", "http://hangs.example/hook", b"{}", {}, RetryPolicy((60, 300)))
    healthy_calls_before = len(calls)
    asyncio.run(scheduler.run_until(T0.timestamp() + 86_400))
    assert hanging.state == "failed" and len(hanging.attempts) == 3
    assert len(calls) - healthy_calls_before == 1  # the retries did not reach the receiver again
    assert all("TimeoutError" in a.error for a in hanging.attempts)
    assert "moments ago" in hanging.attempts[1].error


def test_another_receiver_is_still_waited_for_after_one_timed_out():
    _clock, scheduler, outbox, _calls = outbox_with(["hang", 200], timeout=0.05)
    outbox.send("p", "t", "evt", "http://hangs.example/hook", b"{}", {}, RetryPolicy(()))
    fine = outbox.send("p", "u", "evt", "http://fine.example/hook", b"{}", {}, RetryPolicy(()))
    asyncio.run(scheduler.run_due())
    assert fine.state == "delivered"
