"""(c) The full Ekopost flow in process (no sockets): 6 calls per flow, and the time of a reset.

The client is mockpost's own test fixture (`mockpost.testing.Mockpost`) when it can be imported,
else starlette's TestClient around `create_app()`. Baseline: the same kind of client and transport
making 6 calls to the bare Starlette app, i.e. what the in-process transport itself costs.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from benchmarks.pdf import pdf_content
from benchmarks.throughput import CAMPAIGN, ENVELOPE

AUTH = {"Authorization": "api-key bench-inprocess"}


def expect(response: Any, *statuses: int) -> Any:
    if response.status_code not in statuses:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} -> {response.status_code}: "
            f"{response.text[:500]}"
        )
    return response.json() if response.content else None


def ekopost_flow(client: Any) -> None:
    """Create campaign, envelope, content; close envelope, close campaign; read the campaign."""
    campaign = expect(client.post("/ekopost/campaigns", json=CAMPAIGN, headers=AUTH), 200, 201)
    cid = campaign["id"]
    envelope = expect(
        client.post(f"/ekopost/campaigns/{cid}/envelopes", json=ENVELOPE, headers=AUTH), 200, 201
    )
    eid = envelope["id"]
    expect(
        client.post(f"/ekopost/campaigns/{cid}/envelopes/{eid}/content", json=pdf_content(), headers=AUTH),
        200,
        201,
    )
    expect(client.post(f"/ekopost/campaigns/{cid}/envelopes/{eid}/close", headers=AUTH), 200, 201)
    expect(client.post(f"/ekopost/campaigns/{cid}/close", headers=AUTH), 200, 201)
    expect(client.get(f"/ekopost/campaigns/{cid}", headers=AUTH), 200)


def bare_flow(client: Any) -> None:
    for _ in range(6):
        expect(client.get("/campaigns/1"), 200)


class LoopTransport(httpx.BaseTransport):
    """The baseline's transport, built like mockpost.testing's: the app called directly (no socket) on
    a private event loop under a synchronous client (minus the sandbox's due-work hooks)."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from mockpost.core.asgi import call_asgi

        url = request.url
        answer = self.loop.run_until_complete(
            call_asgi(
                self.app,
                request.method,
                url.raw_path.split(b"?", 1)[0],
                url.query,
                [(name.lower(), value) for name, value in request.headers.raw],
                request.read(),
            )
        )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)

    def close(self) -> None:
        if not self.loop.is_closed():
            self.loop.close()


@contextlib.contextmanager
def mockpost_client() -> Iterator[tuple[str, Any, Callable[[], None]]]:
    """(kind, an httpx-style client at the app's root, reset())."""
    try:
        from mockpost.testing import Mockpost
    except ImportError:
        Mockpost = None
    if Mockpost is not None:
        with Mockpost() as mock:
            yield "mockpost.testing.Mockpost", mock.client(), mock.reset
        return
    from starlette.testclient import TestClient

    from mockpost.app import create_app

    with TestClient(create_app()) as client:

        def reset() -> None:
            expect(client.post("/_mockpost/reset"), 200)

        yield "starlette TestClient(create_app())", client, reset


@contextlib.contextmanager
def bare_client(kind: str) -> Iterator[Any]:
    """A client for the bare app over the same kind of transport as mockpost's."""
    from benchmarks.bare_app import app

    if kind.startswith("starlette"):
        from starlette.testclient import TestClient

        with TestClient(app) as client:
            yield client
        return
    from mockpost.inprocess import InProcessClient

    with InProcessClient(transport=LoopTransport(app), base_url="http://bare") as client:
        yield client


def time_each(fn: Callable[[], None], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return samples


def stats(samples: list[float]) -> dict[str, Any]:
    return {
        "n": len(samples),
        "mean_ms": statistics.fmean(samples),
        "median_ms": statistics.median(samples),
        "min_ms": min(samples),
    }


def measure(flows: int, resets: int, blocks: int = 5) -> dict[str, Any]:
    """Flows of mockpost and of the baseline alternate in `blocks`, so machine drift hits both alike."""
    per_block = max(1, flows // blocks)
    per_reset = max(1, flows // resets)
    mock_samples: list[float] = []
    bare_samples: list[float] = []
    with mockpost_client() as (kind, client, reset), bare_client(kind) as bare:
        time_each(lambda: ekopost_flow(client), max(2, flows // 10))  # warm-up
        time_each(lambda: bare_flow(bare), max(2, flows // 10))
        for _ in range(blocks):
            mock_samples += time_each(lambda: ekopost_flow(client), per_block)
            bare_samples += time_each(lambda: bare_flow(bare), per_block)
        reset()  # untimed: from here each timed reset empties exactly `per_reset` finished campaigns
        full = []
        for _ in range(resets):
            for _ in range(per_reset):
                ekopost_flow(client)
            full.append(time_each(reset, 1)[0])
        empty = stats(time_each(reset, max(resets, 10)))
    flow, baseline, reset_full = stats(mock_samples), stats(bare_samples), stats(full)
    return {
        "client": kind,
        "calls_per_flow": 6,
        "flow": flow,
        "bare_6_calls": baseline,
        "flow_ratio": flow["median_ms"] / baseline["median_ms"],
        "reset_campaigns": per_reset,
        "reset": reset_full,
        "reset_empty": empty,
        "reset_ratio": reset_full["median_ms"] / empty["median_ms"],
    }
