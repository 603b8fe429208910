import asyncio
from datetime import UTC, datetime, timedelta

from mockpost.core.clock import Clock
from mockpost.core.scheduler import Scheduler

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def make() -> tuple[Clock, Scheduler]:
    clock = Clock()
    clock.freeze(T0)
    return clock, Scheduler(clock)


def run(coroutine):
    return asyncio.run(coroutine)


def test_jobs_run_in_due_order_each_seeing_its_own_now():
    clock, scheduler = make()
    seen = []
    scheduler.schedule(T0 + timedelta(hours=2), lambda: seen.append(("b", clock.now())))
    scheduler.schedule(T0 + timedelta(hours=1), lambda: seen.append(("a", clock.now())))
    run(scheduler.run_until((T0 + timedelta(days=1)).timestamp()))
    assert seen == [("a", T0 + timedelta(hours=1)), ("b", T0 + timedelta(hours=2))]
    assert clock.now() == T0 + timedelta(days=1)


def test_jobs_scheduled_by_jobs_run_in_the_same_advance():
    clock, scheduler = make()
    seen = []

    def first():
        seen.append("first")
        scheduler.schedule(clock.now() + timedelta(minutes=5), lambda: seen.append("second"))

    scheduler.schedule(T0 + timedelta(minutes=1), first)
    run(scheduler.run_until((T0 + timedelta(minutes=10)).timestamp()))
    assert seen == ["first", "second"]


def test_work_beyond_the_target_waits():
    _clock, scheduler = make()
    seen = []
    scheduler.schedule(T0 + timedelta(hours=3), lambda: seen.append("late"))
    run(scheduler.run_until((T0 + timedelta(hours=2)).timestamp()))
    assert seen == [] and scheduler.next_due() == (T0 + timedelta(hours=3)).timestamp()


def test_ties_keep_scheduling_order_and_cancelled_jobs_do_not_run():
    _clock, scheduler = make()
    seen = []
    at = T0 + timedelta(minutes=1)
    scheduler.schedule(at, lambda: seen.append(1))
    cancelled = scheduler.schedule(at, lambda: seen.append(2))
    scheduler.schedule(at, lambda: seen.append(3))
    cancelled.cancel()
    run(scheduler.run_until(at.timestamp()))
    assert seen == [1, 3]


def test_async_jobs_are_awaited_in_order():
    _clock, scheduler = make()
    seen = []

    async def slow():
        await asyncio.sleep(0)
        seen.append("async")

    scheduler.schedule(T0 + timedelta(seconds=1), slow)
    scheduler.schedule(T0 + timedelta(seconds=2), lambda: seen.append("sync"))
    run(scheduler.run_until((T0 + timedelta(seconds=5)).timestamp()))
    assert seen == ["async", "sync"]


def test_clearing_one_owner_keeps_the_others():
    _clock, scheduler = make()
    seen = []
    scheduler.schedule(T0, lambda: seen.append("a"), owner="a")
    scheduler.schedule(T0, lambda: seen.append("b"), owner="b")
    scheduler.clear(owner="a")
    run(scheduler.run_due())
    assert seen == ["b"]
