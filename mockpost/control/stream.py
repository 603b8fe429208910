"""The console's live feed: the sandbox's own events as server-sent events.

One subscription to `Sandbox.events` serves every open console, and only while one is open: with
none, publishing costs what it always did. Each event is encoded once, then queued for each
browser. A browser never slows the sandbox down:
- its queue is bounded; when it is full the backlog is dropped and the browser is told to `resync`
  (reload what it shows) instead of being fed stale events;
- events are written in batches (at most one write per `BATCH_SECONDS`), so a burst of requests
  costs a browser one write, not one per request;
- a write that cannot be delivered within `SEND_TIMEOUT` (a dead browser whose socket stays open)
  ends the stream, and a closed connection unsubscribes at once;
- a comment every `KEEPALIVE_SECONDS` keeps proxies from closing an idle stream and finds dead peers.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from mockpost.core.events import Events

BUFFER_EVENTS = 2_000
BATCH_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0
SEND_TIMEOUT = 10.0
RESYNC = b"event: resync\ndata: {}\n\n"


def encode(type: str, data: dict[str, Any]) -> bytes:
    body = orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS)
    return b"event: " + type.encode() + b"\ndata: " + body + b"\n\n"


class Subscriber:
    """One open console: its pending events, bounded."""

    def __init__(self, loop: asyncio.AbstractEventLoop, limit: int) -> None:
        self.loop = loop
        self.thread = threading.get_ident()
        self.limit = limit
        self.pending: list[bytes] = []
        self.lagged = False
        self.closed = False
        self.ready = asyncio.Event()

    def offer(self, payload: bytes) -> None:
        if len(self.pending) >= self.limit:
            self.pending.clear()  # too far behind: what it would read is stale anyway
            self.lagged = True
        else:
            self.pending.append(payload)
        self.wake()

    def wake(self) -> None:
        if threading.get_ident() == self.thread:
            self.ready.set()
        else:  # an event published from another thread (an in-process test's loop)
            self.loop.call_soon_threadsafe(self.ready.set)

    def take(self) -> bytes:
        chunks = [RESYNC] if self.lagged else []
        chunks.extend(self.pending)
        self.pending = []
        self.lagged = False
        self.ready.clear()
        return b"".join(chunks)


class EventHub:
    """Fans `events` out to every subscriber; subscribed to the sandbox only while one is open."""

    def __init__(self, events: Events, limit: int = BUFFER_EVENTS) -> None:
        self.events = events
        self.limit = limit
        self.subscribers: set[Subscriber] = set()
        self._unsubscribe: Callable[[], None] | None = None

    def open(self) -> Subscriber:
        subscriber = Subscriber(asyncio.get_running_loop(), self.limit)
        self.subscribers.add(subscriber)
        if self._unsubscribe is None:
            self._unsubscribe = self.events.subscribe(self._publish)
        return subscriber

    def close(self, subscriber: Subscriber) -> None:
        subscriber.closed = True
        self.subscribers.discard(subscriber)
        if not self.subscribers and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _publish(self, type: str, data: dict[str, Any]) -> None:
        payload = encode(type, data)
        for subscriber in list(self.subscribers):
            subscriber.offer(payload)


class EventStreamResponse(Response):
    """`text/event-stream` for one browser, until it goes away."""

    def __init__(self, hub: EventHub, hello: dict[str, Any]) -> None:
        super().__init__(status_code=200, media_type="text/event-stream")
        self.hub = hub
        self.hello = hello

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        subscriber = self.hub.open()
        watcher = asyncio.ensure_future(_wait_for_disconnect(receive, subscriber))
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-store"),
                        (b"x-accel-buffering", b"no"),  # nginx: pass events through at once
                    ],
                }
            )
            await _write(send, b"retry: 2000\n" + encode("hello", self.hello))
            while not subscriber.closed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(subscriber.ready.wait(), KEEPALIVE_SECONDS)
                if subscriber.closed:
                    break
                if not subscriber.ready.is_set():
                    await _write(send, b": keepalive\n\n")
                    continue
                await asyncio.sleep(BATCH_SECONDS)  # let a burst gather into one write
                await _write(send, subscriber.take())
        except (TimeoutError, OSError):
            pass  # a browser that stopped reading: its stream ends, the page reconnects if alive
        finally:
            self.hub.close(subscriber)
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher


async def _write(send: Send, body: bytes) -> None:
    await asyncio.wait_for(
        send({"type": "http.response.body", "body": body, "more_body": True}), SEND_TIMEOUT
    )


async def _wait_for_disconnect(receive: Receive, subscriber: Subscriber) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            subscriber.closed = True
            subscriber.ready.set()
            return
