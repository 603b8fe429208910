"""uvicorn's HTTP protocols with two bounds they lack, for `mockpost serve`.

- A read timeout: a request must arrive whole (request line, headers and body) within
  `read_timeout` seconds of its first byte (of the connection, for its first request). Past it the
  server answers a plain `408` (when no answer was started) and closes the connection, so a client
  that opens connections and trickles bytes holds none of them for long. uvicorn's own keep-alive
  timeout only closes connections that sit idle between requests. One sweep a server looks at every
  connection (each `read_timeout / 4`, at most a second apart), so the 408 comes that much after
  the deadline at most: a pending timer per kept-alive connection cost every request about 5 µs
  under uvloop. A request notes the sweep count, not the time, so it reads no clock either.
- A hard bound on a header block: one larger than `hard_header_bytes` is not read on; the server
  answers a plain `431` and closes the connection (httptools has no such bound; h11's is raised to
  this one). The limit users see is the smaller `--max-header-kb`, answered by the app in the
  provider's own envelope; this one only keeps a client from making the server buffer a block of
  any size, where there is no request yet to answer in an envelope.
"""

from __future__ import annotations

import asyncio
import importlib
import math
from typing import Any

from mockpost.config import Settings

PROTOCOLS = {
    "httptools": "uvicorn.protocols.http.httptools_impl:HttpToolsProtocol",
    "h11": "uvicorn.protocols.http.h11_impl:H11Protocol",
}
REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}
LINGER = 1.0  # seconds a refused client's remaining bytes are read and dropped before closing
MAX_SWEEP_INTERVAL = 1.0  # seconds between two looks at the connections' deadlines, at most
MIN_SWEEPS = 4  # looks per timeout, at least


def hard_header_bytes(settings: Settings) -> int:
    """The block past which headers are not read at all: four times the answered limit, 1 MiB at least."""
    return max(1024 * 1024, 4 * settings.max_header_bytes)


class Watch:
    """A connection's guard state, in one attribute of the protocol: uvicorn's protocol has 27
    attributes of its own, and CPython keeps an instance's attributes in its fast shared layout only
    up to 30 (more, and every attribute read of the protocol, uvicorn's included, is slower)."""

    __slots__ = ("cycle_before", "header_bytes", "linger", "reading", "refused", "since", "sweeper")

    def __init__(self, sweeper: Sweeper) -> None:
        self.sweeper = sweeper
        self.since = 0  # the sweep count when the request being read began
        self.reading = False
        self.refused = False
        self.cycle_before: Any = None
        self.header_bytes = 0
        self.linger: asyncio.TimerHandle | None = None


class Sweeper:
    """The one timer of a server's guarded connections. It counts sweeps, `interval` apart: a
    request notes the count when it begins (no clock read, no timer of its own), and is late once
    more than `timeout / interval` sweeps have passed since, between `timeout` and `timeout +
    interval` after its first byte. It stops while there are no connections."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout: float) -> None:
        self.loop = loop
        # sweeps a request may take: 4, or one a second (a whole number of intervals per timeout)
        self.allowed = max(MIN_SWEEPS, math.ceil(timeout / MAX_SWEEP_INTERVAL))
        self.interval = timeout / self.allowed
        self.count = 0
        self.connections: set[RequestGuard] = set()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, connection: RequestGuard) -> None:
        self.connections.add(connection)
        if self._timer is None:
            self._timer = self.loop.call_later(self.interval, self._sweep)

    def discard(self, connection: RequestGuard) -> None:
        self.connections.discard(connection)

    def is_late(self, since: int) -> bool:
        return self.count - since > self.allowed

    def _sweep(self) -> None:
        self.count += 1
        for connection in list(self.connections):
            connection.check()
        self._timer = self.loop.call_later(self.interval, self._sweep) if self.connections else None


class RequestGuard:
    """Mixed in before a uvicorn protocol class: watches the bytes it is given and its request cycles."""

    read_timeout: float = 30.0
    hard_header_bytes: int = 1024 * 1024
    sweepers: dict[asyncio.AbstractEventLoop, Sweeper] = {}  # per class: see guarded_protocol
    # set by uvicorn's protocols
    transport: asyncio.Transport
    loop: asyncio.AbstractEventLoop
    cycle: Any

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        sweeper = self.sweepers.get(self.loop)
        if sweeper is None:
            sweeper = self.sweepers[self.loop] = Sweeper(self.loop, self.read_timeout)
        self._watch = Watch(sweeper)
        self._begin(self._watch)
        sweeper.add(self)

    def data_received(self, data: bytes) -> None:
        watch = self._watch
        if watch.refused:
            return  # read and dropped, so that closing does not reset the answer away
        if not watch.reading:
            self._begin(watch)
        if self.cycle is watch.cycle_before:  # the request line and headers are still coming
            watch.header_bytes += len(data)
            if watch.header_bytes > self.hard_header_bytes:
                self._answer_and_close(431)
                return
        super().data_received(data)  # type: ignore[misc]
        cycle = self.cycle
        if cycle is not None and cycle is not watch.cycle_before and not cycle.more_body:
            watch.reading = False  # the whole request is in: the app's time is not limited here

    def connection_lost(self, exc: Exception | None) -> None:
        self._watch.sweeper.discard(self)
        if self._watch.linger is not None:
            self._watch.linger.cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def check(self) -> None:
        """The sweep's look: a request still being read past its time is refused."""
        watch = self._watch
        # a refused connection has left the sweep already
        if watch.reading and watch.sweeper.is_late(watch.since) and not self.transport.is_closing():
            self._timed_out()

    def _begin(self, watch: Watch) -> None:
        watch.reading = True
        watch.since = watch.sweeper.count
        watch.cycle_before = self.cycle  # uvicorn starts a new cycle once the headers are in
        watch.header_bytes = 0

    def _timed_out(self) -> None:
        cycle = self.cycle
        if cycle is not None and cycle is not self._watch.cycle_before and cycle.response_started:
            self.transport.close()
        else:
            self._answer_and_close(408)

    def _answer_and_close(self, status: int) -> None:
        """Answer, end our side of the connection, and close it once the client's bytes in flight
        were drained: closing with unread bytes would reset the connection, and the answer with it."""
        reason = REASONS[status]
        self._watch.refused = True
        self._watch.sweeper.discard(self)
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason, len(reason), reason)
        )
        if self.transport.can_write_eof():
            self.transport.write_eof()
        # an app waiting for the rest of a body hears a disconnect when the connection closes
        self._watch.linger = self.loop.call_later(LINGER, self.transport.close)


def guarded_protocol(http: str, settings: Settings) -> type[asyncio.Protocol]:
    """uvicorn's protocol class for `http` ("httptools" or "h11") with the guard mixed in."""
    module_name, _, class_name = PROTOCOLS[http].partition(":")
    base = getattr(importlib.import_module(module_name), class_name)
    return type(
        f"Guarded{class_name}",
        (RequestGuard, base),
        {
            "read_timeout": settings.read_timeout,
            "hard_header_bytes": hard_header_bytes(settings),
            "sweepers": {},  # the class's own: one per server
        },
    )
