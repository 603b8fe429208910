"""In a running server, due work is applied as real time passes, without any clock call."""

import asyncio

from mockpost.app import create_app
from mockpost.config import Settings


def test_ticker_applies_work_that_falls_due_and_delivers_webhooks():
    async def scenario() -> tuple[bool, list[str]]:
        sandbox = create_app(Settings()).state.sandbox
        applied = asyncio.Event()
        order: list[str] = []

        def transition() -> None:
            order.append("transition")
            applied.set()

        sandbox.scheduler.schedule(sandbox.clock.timestamp(), transition)
        ticker = asyncio.create_task(sandbox.ticker(max_wait=0.05))
        try:
            done = await asyncio.wait_for(applied.wait(), timeout=5)
        finally:
            ticker.cancel()
        return done, order

    done, order = asyncio.run(scenario())
    assert done and order == ["transition"]


def test_a_failing_job_does_not_stop_the_ticker():
    async def scenario() -> bool:
        sandbox = create_app(Settings()).state.sandbox
        later = asyncio.Event()

        def broken() -> None:
            raise RuntimeError("boom")

        now = sandbox.clock.timestamp()
        sandbox.scheduler.schedule(now, broken)
        sandbox.scheduler.schedule(now, later.set)
        ticker = asyncio.create_task(sandbox.ticker(max_wait=0.05))
        try:
            await asyncio.wait_for(later.wait(), timeout=5)
        finally:
            ticker.cancel()
        return later.is_set()

    assert asyncio.run(scenario())


def test_a_provider_request_sees_work_that_fell_due_before_the_ticker_woke():
    from mockpost.core.asgi import call_asgi

    async def scenario() -> tuple[list[str], int]:
        app = create_app(Settings())
        sandbox = app.state.sandbox
        order: list[str] = []
        sandbox.scheduler.schedule(sandbox.clock.timestamp(), lambda: order.append("due work"))
        answer = await call_asgi(  # no ticker runs here, as between two ticks of a server
            app, "GET", b"/ekopost/campaigns", b"", [(b"authorization", b"api-key due")], b""
        )
        order.append("answer")
        return order, answer.status

    order, status = asyncio.run(scenario())
    assert status == 200 and order == ["due work", "answer"]
