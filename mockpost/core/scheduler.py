"""Timed work due by the virtual clock, applied in time order.

A job is a callable (sync or async) with a due instant. `run_until(target)` applies every job due
at or before the target in order — setting the clock to each job's due time first, so the job sees
the "now" it was scheduled for — including jobs that earlier jobs scheduled. Ties keep the order in
which jobs were scheduled.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mockpost.core.clock import Clock

JobFn = Callable[[], Awaitable[None] | None]


@dataclass(order=True)
class Job:
    due: float
    seq: int
    fn: JobFn = field(compare=False)
    label: str = field(default="", compare=False)
    owner: str | None = field(default=None, compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[Job] = []
        self._seq = itertools.count()
        self._lock = asyncio.Lock()
        self.wakeup = asyncio.Event()  # set whenever work is added, so a runner can re-plan

    def schedule(self, due: datetime | float, fn: JobFn, label: str = "", owner: str | None = None) -> Job:
        when = due if isinstance(due, float | int) else due.timestamp()
        job = Job(float(when), next(self._seq), fn, label, owner)
        heapq.heappush(self._heap, job)
        self.wakeup.set()
        return job

    def next_due(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due if self._heap else None

    def pending(self) -> list[Job]:
        return sorted(job for job in self._heap if not job.cancelled)

    @property
    def busy(self) -> bool:
        """Due work is being applied right now (by the ticker, an advance, or a request)."""
        return self._lock.locked()

    def has_due(self) -> bool:
        due = self.next_due()
        return due is not None and due <= self.clock.timestamp()

    def clear(self, owner: str | None = None) -> None:
        if owner is None:
            self._heap.clear()
        else:
            self._heap = [job for job in self._heap if job.owner != owner]
            heapq.heapify(self._heap)

    async def run_due(self) -> int:
        """Apply everything due at the clock's current instant."""
        return await self.run_until(self.clock.timestamp(), move_clock=False)

    async def run_until(self, target: float, move_clock: bool = True) -> int:
        """Apply every job due at or before `target`; with move_clock, walk the clock to each."""
        applied = 0
        async with self._lock:
            while True:
                due = self.next_due()
                if due is None or due > target:
                    break
                job = heapq.heappop(self._heap)
                if move_clock and due > self.clock.timestamp():
                    self.clock.set(_dt(due))
                result = job.fn()
                if inspect.isawaitable(result):
                    await result
                applied += 1
            if move_clock and target > self.clock.timestamp():
                self.clock.set(_dt(target))
        return applied


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)
