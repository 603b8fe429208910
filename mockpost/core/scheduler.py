"""Timed work due by the virtual clock, applied in time order. Scheduled work is data.

A timer is `{provider, account, kind, id, due, action}`: "at `due`, do `action` to the `kind`
object `id` of this account". It holds no closure, so it can be listed, saved and restored; the
sandbox says who runs each timer (`runner`), and a runner looks the object up when the timer fires.

`run_until(target)` applies every timer due at or before the target in time order — setting the
clock to each timer's due instant first, so the work sees the "now" it was planned for — including
timers that earlier work planned. Timers of one instant run in the order they were scheduled.

Work is split in two so that a slow receiver never holds time still for everyone: a runner applies
its state changes at once and may return an awaitable for the part that waits on the network (a
webhook attempt). The awaitables of the instants within one second — a *wave* — run concurrently,
outside the lock that orders the walk, and the walk goes on only once the wave has settled, so a
retry planned from an attempt's answer still happens at its virtual time.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mockpost.core.clock import Clock

TimerKey = tuple[str, str | None, str, str]  # provider, account, kind, id
# Work due within this span of virtual time is one wave: its state changes run in order, instant
# by instant, and then its network parts together (webhooks a request sent a few microseconds apart
# on a running clock are not made to wait for each other).
WAVE_SECONDS = 1.0
logger = logging.getLogger("mockpost")


@dataclass(order=True, slots=True)
class Timer:
    due: float
    seq: int
    provider: str = field(compare=False)
    account: str | None = field(compare=False)
    kind: str = field(compare=False)
    id: str = field(compare=False)
    action: str = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True

    @property
    def key(self) -> TimerKey:
        return (self.provider, self.account, self.kind, self.id)

    def as_dict(self) -> dict[str, Any]:
        """The listed form (`due` as epoch seconds; the control plane shows it in ISO); the saved
        form adds `seq`, the order among timers of one instant."""
        return {
            "provider": self.provider,
            "account": self.account,
            "kind": self.kind,
            "id": self.id,
            "due": self.due,
            "action": self.action,
        }


# The sandbox's dispatch: runs one timer's state changes now, and may return the awaitable part.
Runner = Callable[[Timer], Awaitable[None] | None]


class Scheduler:
    def __init__(self, clock: Clock, runner: Runner | None = None) -> None:
        self.clock = clock
        self.runner: Runner = runner or _no_runner
        self._heap: list[Timer] = []
        self._by_key: dict[TimerKey, list[Timer]] = {}
        self._seq = itertools.count()
        self._lock = asyncio.Lock()
        self._after_instant: list[Callable[[list[Timer]], None]] = []
        self.wakeup = asyncio.Event()  # set whenever work is added, so a runner can re-plan

    # -- planning --------------------------------------------------------------------
    def schedule(
        self,
        due: datetime | float,
        provider: str,
        account: str | None,
        kind: str,
        id: str,
        action: str,
    ) -> Timer:
        when = due if isinstance(due, float | int) else due.timestamp()
        timer = Timer(float(when), next(self._seq), provider, account, kind, id, action)
        heapq.heappush(self._heap, timer)
        self._by_key.setdefault(timer.key, []).append(timer)
        self.wakeup.set()
        return timer

    def cancel(
        self, provider: str, account: str | None, kind: str, id: str, action: str | None = None
    ) -> int:
        """Cancel an object's pending timers (only those of one action, if given); how many."""
        timers = self._by_key.get((provider, account, kind, id))
        if not timers:
            return 0
        cancelled = 0
        for timer in timers:
            if not timer.cancelled and (action is None or timer.action == action):
                timer.cancelled = True
                cancelled += 1
        self._by_key[(provider, account, kind, id)] = [t for t in timers if not t.cancelled]
        if not self._by_key[(provider, account, kind, id)]:
            del self._by_key[(provider, account, kind, id)]
        return cancelled

    def timers_of(self, provider: str, account: str | None, kind: str, id: str) -> list[Timer]:
        return sorted(t for t in self._by_key.get((provider, account, kind, id), ()) if not t.cancelled)

    def pending(self) -> list[Timer]:
        return sorted(timer for timer in self._heap if not timer.cancelled)

    def live(self) -> list[Timer]:
        """The pending timers in no particular order (cheaper than `pending` when order does not
        matter: saving them, counting them)."""
        return [timer for timer in self._heap if not timer.cancelled]

    def clear(self, provider: str | None = None, account: str | None = None) -> None:
        """Forget timers: all, one provider's, or one account's of a provider."""

        def dropped(timer: Timer) -> bool:
            return (provider is None or timer.provider == provider) and (
                account is None or timer.account == account
            )

        for timer in self._heap:
            if dropped(timer):
                timer.cancelled = True
        self._heap = [timer for timer in self._heap if not timer.cancelled]
        heapq.heapify(self._heap)
        self._by_key = {key: timers for key, timers in self._by_key.items() if not dropped(timers[0])}

    def restore(self, timers: Iterable[dict[str, Any]]) -> None:
        """Add saved timers (`as_dict` forms) in their saved order."""
        for saved in sorted(timers, key=lambda t: (t["due"], t.get("seq", 0))):
            self.schedule(
                float(saved["due"]),
                saved["provider"],
                saved["account"],
                saved["kind"],
                saved["id"],
                saved["action"],
            )

    # -- observing -------------------------------------------------------------------
    def after_instant(self, listener: Callable[[list[Timer]], None]) -> Callable[[], None]:
        """Call `listener(timers)` once the work of every timer due at one instant is applied (before
        the instant's network part is awaited); returns an unsubscribe."""
        self._after_instant.append(listener)

        def unsubscribe() -> None:
            if listener in self._after_instant:
                self._after_instant.remove(listener)

        return unsubscribe

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    @property
    def busy(self) -> bool:
        """Due work is being applied right now (by the ticker, an advance, or a request)."""
        return self._lock.locked()

    def has_due(self) -> bool:
        due = self.next_due()
        return due is not None and due <= self.clock.timestamp()

    # -- running ---------------------------------------------------------------------
    async def run_due(self) -> int:
        """Apply everything due at the clock's current instant."""
        return await self.run_until(self.clock.timestamp(), move_clock=False)

    async def run_until(self, target: float, move_clock: bool = True) -> int:
        """Apply every timer due at or before `target`; with move_clock, walk the clock to each."""
        applied = 0
        while True:
            waiting: list[Awaitable[None]] = []
            async with self._lock:
                due = self.next_due()
                if due is None or due > target:
                    if move_clock and target > self.clock.timestamp():
                        self.clock.set(_dt(target))
                    return applied
                wave_end = min(due + WAVE_SECONDS, target)
                while due is not None and due <= wave_end:
                    if move_clock and due > self.clock.timestamp():
                        self.clock.set(_dt(due))
                    timers, awaiting = self._apply_instant(due)
                    applied += len(timers)
                    waiting += awaiting
                    due = self.next_due()
            if waiting:  # the network part of the wave, outside the lock
                for outcome in await asyncio.gather(*waiting, return_exceptions=True):
                    if isinstance(outcome, Exception):
                        logger.error("timed work failed: %r", outcome)

    def _apply_instant(self, due: float) -> tuple[list[Timer], list[Awaitable[None]]]:
        """Apply every timer due at exactly `due` (including ones the work plans for the same
        instant); returns them and the awaitables they left."""
        applied: list[Timer] = []
        awaiting: list[Awaitable[None]] = []
        while True:
            head = self.next_due()
            if head is None or head != due:
                for listener in list(self._after_instant):
                    listener(applied)
                return applied, awaiting
            timer = heapq.heappop(self._heap)
            self._unindex(timer)
            try:
                result = self.runner(timer)
            except Exception:  # one broken step must not stop time for everyone else
                logger.exception("timed work failed: %s", timer.as_dict())
                result = None
            if inspect.isawaitable(result):
                awaiting.append(result)
            applied.append(timer)

    def _unindex(self, timer: Timer) -> None:
        timers = self._by_key.get(timer.key)
        if timers is None:
            return
        remaining = [t for t in timers if t is not timer]
        if remaining:
            self._by_key[timer.key] = remaining
        else:
            del self._by_key[timer.key]


def _no_runner(timer: Timer) -> None:
    raise RuntimeError(f"no runner for timer {timer.as_dict()}")


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
