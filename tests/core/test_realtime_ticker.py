"""In a running server, due work is applied as real time passes, without any clock call."""

import asyncio

from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.core.webhooks import RetryPolicy


def test_ticker_delivers_webhooks_that_fall_due():
    async def scenario() -> list[dict]:
        sandbox = create_app(Settings()).state.sandbox
        attempted = asyncio.Event()
        sandbox.events.subscribe(lambda type, data: attempted.set() if type == "delivery" else None)
        sandbox.outbox.send(
            "ekopost", "t", "evt", "http://mock/_mockpost/inbox/tick", b"{}", {}, RetryPolicy(delays=())
        )
        ticker = asyncio.create_task(sandbox.ticker(max_wait=0.05))
        try:
            await asyncio.wait_for(attempted.wait(), timeout=5)
        finally:
            ticker.cancel()
        return sandbox.inboxes.items("tick")

    assert len(asyncio.run(scenario())) == 1


def test_a_failing_timer_does_not_stop_the_ticker():
    async def scenario() -> list[str]:
        sandbox = create_app(Settings()).state.sandbox
        ran: list[str] = []
        later = asyncio.Event()

        def runner(timer):
            ran.append(timer.id)
            if timer.id == "broken":
                raise RuntimeError("boom")
            later.set()

        sandbox.scheduler.runner = runner
        now = sandbox.clock.timestamp()
        sandbox.scheduler.schedule(now, "ekopost", "t", "thing", "broken", "step")
        sandbox.scheduler.schedule(now + 0.05, "ekopost", "t", "thing", "later", "step")
        ticker = asyncio.create_task(sandbox.ticker(max_wait=0.05))
        try:
            await asyncio.wait_for(later.wait(), timeout=5)
        finally:
            ticker.cancel()
        return ran

    assert asyncio.run(scenario()) == ["broken", "later"]


def test_a_provider_request_sees_work_that_fell_due_before_the_ticker_woke():
    from mockpost.core.asgi import call_asgi

    async def scenario() -> tuple[list[str], int]:
        app = create_app(Settings())
        sandbox = app.state.sandbox
        order: list[str] = []
        sandbox.scheduler.runner = lambda timer: order.append("due work")
        sandbox.scheduler.schedule(sandbox.clock.timestamp(), "ekopost", "t", "thing", "x", "step")
        answer = await call_asgi(  # no ticker runs here, as between two ticks of a server
            app, "GET", b"/ekopost/campaigns", b"", [(b"authorization", b"api-key due")], b""
        )
        order.append("answer")
        return order, answer.status

    order, status = asyncio.run(scenario())
    assert status == 200 and order == ["due work", "answer"]
