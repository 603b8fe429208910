"""What a receiver that never answers costs an advance, and everyone else's webhooks.

`measure()`: an in-process sandbox whose webhook attempts go over real sockets to two receivers on
loopback: one accepts connections and never answers, the other answers 200 at once. At one virtual
instant, three deliveries go to the hanging receiver and one to the healthy one, each with
Ekopost's retry policy (five retries within 8.5 hours); then the clock advances a day, walking
through every retry. The figures are the advance's wall time next to the webhook timeout (the bar:
the timeout plus 1 s) and the wall time after which the healthy receiver had its delivery.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from mockpost.core.webhooks import RetryPolicy

TIMEOUT = 2.0  # seconds: short, so the run is short; the bar scales with it
RETRIES = RetryPolicy(delays=(60, 300, 1800, 7200, 21600))


async def _hanging(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        await asyncio.Event().wait()  # never answers
    except asyncio.CancelledError:
        writer.close()  # the server stops


async def _healthy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    await writer.drain()
    writer.close()


async def drive(timeout: float) -> dict[str, Any]:
    from mockpost.app import create_app
    from mockpost.config import Settings

    sandbox = create_app(Settings(webhook_timeout=timeout)).state.sandbox
    hanging = await asyncio.start_server(_hanging, "127.0.0.1", 0)
    healthy = await asyncio.start_server(_healthy, "127.0.0.1", 0)
    hang_port, ok_port = (s.sockets[0].getsockname()[1] for s in (hanging, healthy))
    delivered_at: list[float] = []
    started = time.perf_counter()
    sandbox.events.subscribe(
        lambda kind, data: delivered_at.append(time.perf_counter() - started)
        if kind == "delivery" and data.get("status") == 200
        else None
    )
    try:
        for n in range(3):
            sandbox.outbox.send(
                "ekopost", f"t{n}", "evt", f"http://127.0.0.1:{hang_port}/hook", b"{}", {}, RETRIES
            )
        healthy_delivery = sandbox.outbox.send(
            "ekopost", "other", "evt", f"http://127.0.0.1:{ok_port}/hook", b"{}", {}, RETRIES
        )
        started = time.perf_counter()
        await sandbox.advance(86_400)
        advance_s = time.perf_counter() - started
        attempts = sum(len(d.attempts) for d in sandbox.outbox.deliveries())
    finally:
        hanging.close()
        healthy.close()
        await sandbox.aclose()
    return {
        "timeout_s": timeout,
        "advance_s": round(advance_s, 3),
        "bar_s": timeout + 1.0,
        "healthy_delivered_s": round(delivered_at[0], 3) if delivered_at else None,
        "healthy_state": healthy_delivery.state,
        "attempts": attempts,
    }


def measure(timeout: float = TIMEOUT) -> dict[str, Any]:
    return asyncio.run(drive(timeout))


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
