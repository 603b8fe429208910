"""Heavy parsing off the event loop, with its outcome kept for where it is used.

Reading an uploaded document (a PDF's pages, a ZIP's entries) can take long enough on a large or
crafted file to stall every other request if it ran on the event loop. A route reads the document
in a worker thread (`await off_loop(...)`) before it calls the backend, and hands the backend the
`Outcome`: the value, or the exception the reading raised, raised again only where the backend
used to read the document. So the order of a request's checks (and which error it answers) stays
what the backend says, while the slow part ran elsewhere.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
# How long the event loop waits for the interpreter lock while a worker thread reads a document:
# at Python's default (5 ms) every step of every other request waits that long, and a request takes
# several steps; at 1 ms they wait a fifth as long (the reading itself takes about a tenth longer).
HANDOFF_SECONDS = 0.001
# A document smaller than this is read where it is: the hop to a worker thread and back costs more
# (about 0.1 ms) than a linear scan of it (under 2 ms for the worst crafted 16 KiB file).
INLINE_BELOW = 16 * 1024


class Outcome(Generic[T]):
    """What a function returned, or the exception it raised."""

    __slots__ = ("_error", "_value")

    def __init__(self, value: T | None = None, error: Exception | None = None) -> None:
        self._value = value
        self._error = error

    def get(self) -> T:
        """The value; the function's exception when it raised one."""
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def attempt(fn: Callable[..., T], *args: object) -> Outcome[T]:
    """Call `fn(*args)` here and now, keeping its result or its exception."""
    try:
        return Outcome(fn(*args))
    except Exception as exc:  # every kind is kept and raised again where the value is used
        return Outcome(error=exc)


async def off_loop(
    fn: Callable[..., T], *args: object, size: int | None = None, inline_below: int = INLINE_BELOW
) -> Outcome[T]:
    """`attempt(fn, *args)` in a worker thread: the event loop answers other requests meanwhile.
    With `size` (the bytes `fn` reads, for a reader that is linear in them): below `inline_below`,
    here and now."""
    if size is not None and size < inline_below:
        return attempt(fn, *args)
    with _quick_handoff():
        return await asyncio.to_thread(attempt, fn, *args)


class _Readings:
    """How many documents are being read, and the switch interval to give back after the last."""

    count = 0
    interval = sys.getswitchinterval()


@contextmanager
def _quick_handoff() -> Iterator[None]:
    """A short switch interval while any document is read off the loop (it is one per process)."""
    if _Readings.count == 0:
        _Readings.interval = sys.getswitchinterval()
        sys.setswitchinterval(min(HANDOFF_SECONDS, _Readings.interval))
    _Readings.count += 1
    try:
        yield
    finally:
        _Readings.count -= 1
        if _Readings.count == 0:
            sys.setswitchinterval(_Readings.interval)
