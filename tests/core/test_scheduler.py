import asyncio
from datetime import UTC, datetime, timedelta

from mockpost.core.clock import Clock
from mockpost.core.scheduler import Scheduler, Timer

T0 = datetime(2030, 1, 1, tzinfo=UTC)


class Recorder:
    """A runner that records each timer with the instant it ran at; `work` may add more."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.seen: list[tuple[str, datetime]] = []
        self.work: dict[str, object] = {}

    def __call__(self, timer: Timer):
        self.seen.append((timer.id, self.clock.now()))
        action = self.work.get(timer.id)
        return action() if callable(action) else None


def make() -> tuple[Clock, Scheduler, Recorder]:
    clock = Clock()
    clock.freeze(T0)
    recorder = Recorder(clock)
    return clock, Scheduler(clock, recorder), recorder


def plan(scheduler: Scheduler, at: datetime, id: str, account: str = "acct", kind: str = "thing") -> Timer:
    return scheduler.schedule(at, "p", account, kind, id, "step")


def run(coroutine):
    return asyncio.run(coroutine)


def test_timers_run_in_due_order_each_seeing_its_own_now():
    clock, scheduler, recorder = make()
    plan(scheduler, T0 + timedelta(hours=2), "b")
    plan(scheduler, T0 + timedelta(hours=1), "a")
    run(scheduler.run_until((T0 + timedelta(days=1)).timestamp()))
    assert recorder.seen == [("a", T0 + timedelta(hours=1)), ("b", T0 + timedelta(hours=2))]
    assert clock.now() == T0 + timedelta(days=1)


def test_timers_planned_by_work_run_in_the_same_advance():
    clock, scheduler, recorder = make()
    recorder.work["first"] = lambda: plan(scheduler, clock.now() + timedelta(minutes=5), "second")
    plan(scheduler, T0 + timedelta(minutes=1), "first")
    run(scheduler.run_until((T0 + timedelta(minutes=10)).timestamp()))
    assert [name for name, _ in recorder.seen] == ["first", "second"]


def test_work_beyond_the_target_waits():
    _clock, scheduler, recorder = make()
    plan(scheduler, T0 + timedelta(hours=3), "late")
    run(scheduler.run_until((T0 + timedelta(hours=2)).timestamp()))
    assert recorder.seen == [] and scheduler.next_due() == (T0 + timedelta(hours=3)).timestamp()


def test_ties_keep_scheduling_order_and_cancelled_timers_do_not_run():
    _clock, scheduler, recorder = make()
    at = T0 + timedelta(minutes=1)
    plan(scheduler, at, "1")
    plan(scheduler, at, "2")
    plan(scheduler, at, "3")
    assert scheduler.cancel("p", "acct", "thing", "2") == 1
    run(scheduler.run_until(at.timestamp()))
    assert [name for name, _ in recorder.seen] == ["1", "3"]


def test_timers_are_data_listed_in_due_order_and_by_object():
    _clock, scheduler, _recorder = make()
    plan(scheduler, T0 + timedelta(hours=2), "x")
    plan(scheduler, T0 + timedelta(hours=1), "x")
    plan(scheduler, T0 + timedelta(hours=1), "y")
    listed = [timer.as_dict() for timer in scheduler.pending()]
    assert [(t["id"], t["due"]) for t in listed] == [
        ("x", (T0 + timedelta(hours=1)).timestamp()),
        ("y", (T0 + timedelta(hours=1)).timestamp()),
        ("x", (T0 + timedelta(hours=2)).timestamp()),
    ]
    assert set(listed[0]) == {"provider", "account", "kind", "id", "due", "action"}
    assert [t.due for t in scheduler.timers_of("p", "acct", "thing", "x")] == [
        (T0 + timedelta(hours=1)).timestamp(),
        (T0 + timedelta(hours=2)).timestamp(),
    ]


def test_saved_timers_restore_in_their_order():
    _clock, scheduler, _recorder = make()
    plan(scheduler, T0, "first")
    plan(scheduler, T0, "second")
    saved = [timer.as_dict() for timer in scheduler.pending()]
    _clock2, restored, recorder = make()
    restored.restore(saved)
    run(restored.run_due())
    assert [name for name, _ in recorder.seen] == ["first", "second"]


def test_clearing_one_account_keeps_the_others():
    _clock, scheduler, recorder = make()
    plan(scheduler, T0, "a", account="one")
    plan(scheduler, T0, "b", account="two")
    scheduler.clear("p", "one")
    run(scheduler.run_due())
    assert [name for name, _ in recorder.seen] == ["b"]
    assert scheduler.timers_of("p", "one", "thing", "a") == []


def test_a_failing_timer_does_not_stop_the_others():
    _clock, scheduler, recorder = make()

    def broken():
        raise RuntimeError("boom")

    recorder.work["broken"] = broken
    plan(scheduler, T0, "broken")
    plan(scheduler, T0, "after")
    assert run(scheduler.run_due()) == 2
    assert [name for name, _ in recorder.seen] == ["broken", "after"]


def test_the_network_parts_of_one_instant_wait_together_outside_the_lock():
    _clock, scheduler, recorder = make()
    release = asyncio.Event()
    during: list[bool] = []

    async def slow():
        during.append(scheduler.busy)  # the walk's lock is free while the network waits
        await release.wait()

    recorder.work["a"] = slow
    recorder.work["b"] = slow
    plan(scheduler, T0 + timedelta(seconds=1), "a")
    plan(scheduler, T0 + timedelta(seconds=1), "b")
    plan(scheduler, T0 + timedelta(seconds=3), "next")  # beyond the wave (a second from the first)

    async def scenario():
        advance = asyncio.create_task(scheduler.run_until((T0 + timedelta(seconds=5)).timestamp()))
        for _ in range(5):
            await asyncio.sleep(0)
        started = len(during)
        next_ran_early = any(name == "next" for name, _ in recorder.seen)
        release.set()
        await advance
        return started, next_ran_early

    started, next_ran_early = run(scenario())
    assert started == 2  # both attempts of the instant were in flight at once
    assert during == [False, False]
    assert not next_ran_early  # the walk goes on only once the instant has settled
    assert recorder.seen[-1] == ("next", T0 + timedelta(seconds=3))


def test_network_parts_due_within_a_second_go_out_together_each_instant_applied_in_turn():
    """On a running clock, webhooks a request sent microseconds apart must not wait for each other."""
    _clock, scheduler, recorder = make()
    release = asyncio.Event()
    started: list[str] = []

    def slow(name):
        async def wait():
            started.append(name)
            await release.wait()

        return wait

    recorder.work["a"] = slow("a")
    recorder.work["b"] = slow("b")
    plan(scheduler, T0 + timedelta(seconds=1), "a")
    plan(scheduler, T0 + timedelta(seconds=1, milliseconds=1), "b")

    async def scenario():
        advance = asyncio.create_task(scheduler.run_until((T0 + timedelta(seconds=5)).timestamp()))
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight = list(started)
        release.set()
        await advance
        return in_flight

    assert run(scenario()) == ["a", "b"]
    assert [at for _, at in recorder.seen] == [
        T0 + timedelta(seconds=1),
        T0 + timedelta(seconds=1, milliseconds=1),
    ]


def test_listeners_hear_once_the_work_of_an_instant_is_applied():
    _clock, scheduler, _recorder = make()
    heard: list[list[str]] = []
    stop = scheduler.after_instant(lambda timers: heard.append([t.id for t in timers]))
    plan(scheduler, T0, "a")
    plan(scheduler, T0, "b")
    plan(scheduler, T0 + timedelta(seconds=1), "c")
    run(scheduler.run_until((T0 + timedelta(seconds=1)).timestamp()))
    stop()
    plan(scheduler, T0 + timedelta(seconds=2), "d")
    run(scheduler.run_until((T0 + timedelta(seconds=2)).timestamp()))
    assert heard == [["a", "b"], ["c"]]
